package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/bundles"
	"github.com/trailguard/trailguard/findings"
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
	err := app.RunContext(ctx, args)
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
	return &cli.App{
		Name:            "trailguard",
		Usage:           "audit how well an AWS account protects its CloudTrail audit trail",
		Version:         version,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {}, // run() prints and maps exit codes
		Commands: []*cli.Command{
			evalCommand(),
			policiesCommand(),
			{
				Name:  "schema",
				Usage: "print the JSON Schema of the snapshot document",
				Action: func(c *cli.Context) error {
					_, err := c.App.Writer.Write(schema.Snapshot)
					return err
				},
			},
		},
	}
}

// usageError is an error the user can fix by changing the command line or the input.
func usageError(format string, a ...any) error {
	return cli.Exit(fmt.Sprintf(format, a...), exitError)
}

func inputError(err error) error { return cli.Exit(err.Error(), exitError) }

func evalCommand() *cli.Command {
	return &cli.Command{
		Name:      "eval",
		Usage:     "evaluate a snapshot document against the checks",
		ArgsUsage: "SNAPSHOT.json",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output format: " + strings.Join(report.Formats(), ", ")},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE` instead of standard output"},
			&cli.StringFlag{Name: "fail-on", Value: "info", Usage: "exit 1 when a check fails at or above `SEVERITY` (critical, high, medium, low, info, or none)"},
			&cli.BoolFlag{Name: "fail-on-unknown", Usage: "also exit 1 when a check could not be evaluated (UNKNOWN)"},
			&cli.StringSliceFlag{Name: "check", Aliases: []string{"c"}, Usage: "only report these check `ID`s (repeatable; a trailing * matches a prefix, e.g. TG-S3-*)"},
			&cli.StringSliceFlag{Name: "severity", Aliases: []string{"s"}, Usage: "only report findings of these `SEVERITY` levels (repeatable or comma-separated)"},
			&cli.StringSliceFlag{Name: "status", Usage: "only report findings with these `STATUS`es: PASS, FAIL, UNKNOWN"},
			&cli.StringSliceFlag{Name: "param", Aliases: []string{"p"}, Usage: "override a threshold, `NAME=VALUE` (e.g. min_log_retention_days=400)"},
			&cli.DurationFlag{Name: "timeout", Value: 60 * time.Second, Usage: "stop evaluating after this `DURATION`"},
			&cli.BoolFlag{Name: "no-color", Usage: "never colour the table (NO_COLOR is honoured too)"},
		},
		Action: evalAction,
	}
}

func evalAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usageError("eval takes exactly one snapshot file, got %d arguments (usage: trailguard eval SNAPSHOT.json)", c.NArg())
	}
	path := c.Args().First()
	failOn, err := parseFailOn(c.String("fail-on"))
	if err != nil {
		return usageError("--fail-on: %v", err)
	}
	filter, err := parseFilter(c)
	if err != nil {
		return usageError("%v", err)
	}
	params, err := parseParams(c.StringSlice("param"))
	if err != nil {
		return usageError("--param: %v", err)
	}
	out, closeOut, err := openOutput(c)
	if err != nil {
		return usageError("--output: %v", err)
	}
	defer closeOut()
	w, err := report.New(c.String("format"), report.Options{Color: useColor(c, out)})
	if err != nil {
		return usageError("--format: %v", err)
	}

	doc, err := snapshot.ReadFile(path)
	if err != nil {
		return inputError(err)
	}
	ctx, cancel := context.WithTimeout(c.Context, c.Duration("timeout"))
	defer cancel()
	engine, err := bundles.New(ctx, bundles.Options{Params: params})
	if err != nil {
		return inputError(fmt.Errorf("loading policies: %w", err))
	}
	all, err := engine.Eval(ctx, doc)
	if err != nil {
		return inputError(err)
	}
	shown := filter.Apply(all)
	account, _ := doc["account_id"].(string)
	collected, _ := doc["collected_at"].(string)
	if err := w.Write(out, report.Report{
		Account: account, Snapshot: path, CollectedAt: collected,
		Checks: engine.Checks(), Findings: shown,
	}); err != nil {
		return cli.Exit(fmt.Sprintf("writing the report: %v", err), exitError)
	}
	if failOn != "" && len(findings.Failing(shown, failOn)) > 0 {
		return cli.Exit("", exitFindings)
	}
	if c.Bool("fail-on-unknown") && findings.Summarize(shown).Unknown > 0 {
		return cli.Exit("", exitFindings)
	}
	return nil
}

func parseFailOn(s string) (findings.Severity, error) {
	if strings.EqualFold(s, "none") {
		return "", nil
	}
	return findings.ParseSeverity(s)
}

func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func parseFilter(c *cli.Context) (findings.Filter, error) {
	f := findings.Filter{Checks: splitList(c.StringSlice("check"))}
	for _, s := range splitList(c.StringSlice("severity")) {
		sev, err := findings.ParseSeverity(s)
		if err != nil {
			return f, fmt.Errorf("--severity: %v", err)
		}
		f.Severities = append(f.Severities, sev)
	}
	for _, s := range splitList(c.StringSlice("status")) {
		st := findings.Status(strings.ToUpper(s))
		switch st {
		case findings.Pass, findings.Fail, findings.Unknown:
		default:
			return f, fmt.Errorf("--status: unknown status %q (want PASS, FAIL or UNKNOWN)", s)
		}
		f.Statuses = append(f.Statuses, st)
	}
	return f, nil
}

// parseParams reads NAME=VALUE pairs; VALUE is JSON when it parses as JSON, a string otherwise.
func parseParams(pairs []string) (map[string]any, error) {
	params := map[string]any{}
	for _, p := range pairs {
		name, raw, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("%q is not NAME=VALUE", p)
		}
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			v = raw
		}
		params[strings.TrimSpace(name)] = v
	}
	return params, nil
}

func openOutput(c *cli.Context) (io.Writer, func(), error) {
	name := c.String("output")
	if name == "" || name == "-" {
		return c.App.Writer, func() {}, nil
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// useColor colours only a terminal, and never when NO_COLOR is set or --no-color given.
func useColor(c *cli.Context, out io.Writer) bool {
	if c.Bool("no-color") || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := out.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
