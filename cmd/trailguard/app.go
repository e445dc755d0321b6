package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/collector"
	"github.com/trailguard/trailguard/report"
	"github.com/trailguard/trailguard/schema"
	"github.com/trailguard/trailguard/snapshot"
)

// Exit codes, documented in README.md.
const (
	exitOK       = 0 // no failure at or above --fail-on
	exitFindings = 1 // failures at or above --fail-on (or UNKNOWN with --fail-on-unknown)
	exitError    = 2 // usage error, unreadable or invalid input, broken policy, timeout
)

var version = "dev"

// run executes the CLI and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := app.RunContext(ctx, interspersed(app, args))
	if err == nil {
		return exitOK
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(stderr, "trailguard: "+oneLine(msg))
		}
		return ec.ExitCode()
	}
	fmt.Fprintln(stderr, "trailguard: "+oneLine(err.Error()))
	return exitError
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:                 "trailguard",
		Usage:                "audit how well an AWS account protects its CloudTrail audit trail",
		Version:              buildVersion(),
		EnableBashCompletion: true,
		Writer:               stdout,
		ErrWriter:            stderr,
		HideHelpCommand:      true,
		ExitErrHandler:       func(*cli.Context, error) {}, // run() prints and maps exit codes
		Commands: []*cli.Command{
			evalCommand(),
			collectCommand(),
			scanCommand(),
			verifyLogsCommand(),
			policiesCommand(),
			frameworksCommand(),
			diffCommand(),
			testCommand(),
			bundleCommand(),
			newCommand(),
			docCommand(),
			completionCommand(),
			{
				Name:  "iam-policy",
				Usage: "print the least-privilege, read-only IAM policy that collect and scan need",
				Action: func(c *cli.Context) error {
					_, err := c.App.Writer.Write(collector.IAMPolicy)
					return err
				},
			},
			{
				Name:  "schema",
				Usage: "print the JSON Schema of the snapshot document (--organization: of the organization snapshot)",
				Flags: []cli.Flag{&cli.BoolFlag{Name: "organization", Usage: "print the schema of the organization snapshot (collect --org), whose accounts' snapshots follow the snapshot schema"}},
				Action: func(c *cli.Context) error {
					doc := schema.Snapshot
					if c.Bool("organization") {
						doc = schema.Organization
					}
					_, err := c.App.Writer.Write(doc)
					return err
				},
			},
		},
	}
	withUsageErrors(app)
	return app
}

// exitCodeError ends the command with its exit code; run prints its message
// (nothing when it is empty). It is a cli.ExitCoder.
type exitCodeError struct {
	msg  string
	code int
}

func (e exitCodeError) Error() string { return e.msg }
func (e exitCodeError) ExitCode() int { return e.code }

// exitWith is an error that ends the command with code, run printing msg.
func exitWith(code int, msg string) error { return exitCodeError{msg: msg, code: code} }

// usageError is an error the user can fix by changing the command line or the input.
func usageError(format string, a ...any) error {
	return exitWith(exitError, fmt.Sprintf(format, a...))
}

func inputError(err error) error { return exitWith(exitError, err.Error()) }

func evalCommand() *cli.Command {
	return &cli.Command{
		Name:      "eval",
		Usage:     "evaluate a snapshot document (or the shard files of one organization, merged; a quoted pattern such as 'org-*.json' names them, sorted) against the checks",
		ArgsUsage: "SNAPSHOT.json [SHARD.json...]",
		Flags:     append(evalFlags(), securityHubFlags()...),
		Action:    evalAction,
	}
}

// evalFlags are the evaluation and report flags, shared by eval and scan.
func evalFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringSliceFlag{Name: "format", Aliases: []string{"f"}, Usage: "output `FORMAT` or FORMAT=FILE, repeatable (e.g. -f table -f sarif=out.sarif); formats: " + strings.Join(report.Formats(), ", ") + " (default table)"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report of the one format given without =FILE to `FILE` instead of standard output"},
		&cli.BoolFlag{Name: "securityhub", Usage: "also send every finding to AWS Security Hub (in batches of 100; earlier runs' findings whose resource is gone are archived, waived ones suppressed); region from --region/AWS_REGION, partition from the snapshot"},
		&cli.IntFlag{Name: "markdown-limit", Usage: "keep the markdown report within `N` characters: the summary, then as many findings as fit, then how many more (0: GitHub's comment limit, 65536; -1: no limit)"},
		&cli.StringFlag{Name: "asff-region", Value: "us-east-1", EnvVars: []string{"AWS_REGION", "AWS_DEFAULT_REGION"}, Usage: "Security Hub `REGION` named in ASFF findings' ProductArn"},
		&cli.StringFlag{Name: "fail-on", Value: "info", Usage: "exit 1 when a check fails at or above `SEVERITY` (critical, high, medium, low, info, or none)"},
		&cli.BoolFlag{Name: "fail-on-unknown", Usage: "also exit 1 when a check could not be evaluated (UNKNOWN)"},
		&cli.StringSliceFlag{Name: "check", Aliases: []string{"c"}, Usage: "only report these check `ID`s (repeatable; a trailing * matches a prefix, e.g. TG-S3-*)"},
		&cli.StringSliceFlag{Name: "severity", Aliases: []string{"s"}, Usage: "only report findings of these `SEVERITY` levels (repeatable or comma-separated)"},
		&cli.StringSliceFlag{Name: "status", Usage: "only report findings with these `STATUS`es: PASS, FAIL, UNKNOWN, WAIVED"},
		&cli.StringSliceFlag{Name: "param", Aliases: []string{"p"}, Usage: "override a threshold, `NAME=VALUE` (e.g. min_log_retention_days=400)"},
		&cli.DurationFlag{Name: "timeout", Value: 60 * time.Second, Usage: "stop evaluating a snapshot, or an account of an organization, after this `DURATION`"},
		&cli.BoolFlag{Name: "no-color", Usage: "never colour the table (NO_COLOR is honoured too)"},
		&cli.StringFlag{Name: "framework", Usage: "also group the results by the controls of framework `NAME` (e.g. cis-aws-v3.0.0, securityhub; see trailguard frameworks) in the table, json and markdown reports"},
	}, append(customPolicyFlags(), configFlag())...)
}

func evalAction(c *cli.Context) error {
	paths := c.Args().Slice()
	if len(paths) == 0 {
		return usageError("eval takes a snapshot file (- for standard input), or the shard files of one organization, got no arguments (usage: trailguard eval SNAPSHOT.json [SHARD.json...])")
	}
	paths, err := inputFiles("eval", paths)
	if err != nil {
		return err
	}
	if len(paths) > 1 && slices.Contains(paths, stdin) {
		return usageError("eval reads standard input (-) only as its one snapshot, not among %d files", len(paths))
	}
	return evaluate(c.Context, evalParamsFrom(c), func() (snapshot.Document, string, error) {
		if paths[0] == stdin { // collect [--org] | eval -
			doc, err := snapshot.ReadAny(c.App.Reader, "standard input")
			if err != nil {
				return nil, "", inputError(err)
			}
			return doc, stdin, nil
		}
		return loadSnapshots(paths, c.App.ErrWriter)
	}, c.App.Writer, c.App.ErrWriter)
}

// loadSnapshots reads one snapshot file, or the shard files of one
// organization (collect --org --shard K/N on N machines) merged into one
// organization snapshot, whose warnings go to stderr. The label names every
// file.
func loadSnapshots(paths []string, stderr io.Writer) (snapshot.Document, string, error) {
	doc, warnings, err := snapshot.ReadFiles(paths...)
	if err != nil {
		return nil, "", inputError(err)
	}
	warn(stderr, "", warnings)
	return doc, strings.Join(paths, ", "), nil
}

// warn writes each warning to stderr, one line each, after prefix (a
// command and its flag, "diff --new: ", or nothing).
func warn(stderr io.Writer, prefix string, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintln(stderr, "trailguard: warning: "+prefix+oneLine(w))
	}
}

// evalParamsFrom reads the flags of evalFlags (and, with --securityhub,
// securityHubFlags) into the parameters of evaluate.
func evalParamsFrom(c *cli.Context) evalParams {
	p := evalParams{
		config:        c.String("config"),
		failOn:        optional[string]{c.String("fail-on"), c.IsSet("fail-on")},
		failOnUnknown: optional[bool]{c.Bool("fail-on-unknown"), c.IsSet("fail-on-unknown")},
		checks:        c.StringSlice("check"),
		severities:    c.StringSlice("severity"),
		statuses:      c.StringSlice("status"),
		markdownLimit: c.Int("markdown-limit"),
		formats:       optional[[]string]{c.StringSlice("format"), c.IsSet("format")},
		output:        c.String("output"),
		framework:     optional[string]{c.String("framework"), c.IsSet("framework")},
		timeout:       c.Duration("timeout"),
		noColor:       c.Bool("no-color"),
		asffRegion:    c.String("asff-region"),
		policy:        policyParamsFrom(c),
	}
	if c.Bool("securityhub") {
		hub := securityHubParamsFrom(c)
		p.securityHub = &hub
	}
	return p
}
