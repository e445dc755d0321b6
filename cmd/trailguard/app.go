package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/trailguard/trailguard/bundles"
	"github.com/trailguard/trailguard/collector"
	"github.com/trailguard/trailguard/compliance"
	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/internal/suggest"
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

// usageError is an error the user can fix by changing the command line or the input.
func usageError(format string, a ...any) error {
	return cli.Exit(fmt.Sprintf(format, a...), exitError)
}

func inputError(err error) error { return cli.Exit(err.Error(), exitError) }

func evalCommand() *cli.Command {
	return &cli.Command{
		Name:      "eval",
		Usage:     "evaluate a snapshot document (or the shard files of one organization, merged) against the checks",
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
		&cli.DurationFlag{Name: "timeout", Value: 60 * time.Second, Usage: "stop evaluating after this `DURATION`"},
		&cli.BoolFlag{Name: "no-color", Usage: "never colour the table (NO_COLOR is honoured too)"},
		&cli.StringFlag{Name: "framework", Usage: "also group the results by the controls of framework `NAME` (e.g. cis-aws-v3.0.0, securityhub; see trailguard frameworks) in the table, json and markdown reports"},
	}, append(customPolicyFlags(), configFlag())...)
}

func evalAction(c *cli.Context) error {
	paths := c.Args().Slice()
	if len(paths) == 0 {
		return usageError("eval takes a snapshot file (- for standard input), or the shard files of one organization, got no arguments (usage: trailguard eval SNAPSHOT.json [SHARD.json...])")
	}
	if len(paths) > 1 && slices.Contains(paths, "-") {
		return usageError("eval reads standard input (-) only as its one snapshot, not among %d files", len(paths))
	}
	return evaluate(c, func() (snapshot.Document, string, error) {
		if paths[0] == "-" { // collect [--org] | eval -
			doc, err := snapshot.ReadAny(c.App.Reader, "standard input")
			if err != nil {
				return nil, "", inputError(err)
			}
			return doc, "-", nil
		}
		return loadSnapshots(paths)
	})
}

// loadSnapshots reads one snapshot file, or the shard files of one
// organization (collect --org --shard K/N on N machines) merged into one
// organization snapshot. The label names every file.
func loadSnapshots(paths []string) (snapshot.Document, string, error) {
	docs := make([]snapshot.Document, len(paths))
	for i, p := range paths {
		doc, err := snapshot.ReadAnyFile(p)
		if err != nil {
			return nil, "", inputError(err)
		}
		docs[i] = doc
	}
	doc, err := snapshot.MergeShards(docs, paths)
	if err != nil {
		return nil, "", inputError(err)
	}
	return doc, strings.Join(paths, ", "), nil
}

// evaluate evaluates the snapshot that load returns (a file for eval, a fresh
// collection for scan) and writes the reports. Options are checked and output
// files opened before load runs, so that a mistake fails fast.
func evaluate(c *cli.Context, load func() (doc snapshot.Document, label string, err error)) error {
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	failOnText := c.String("fail-on")
	if !c.IsSet("fail-on") && cfg.Defaults.FailOn != "" {
		failOnText = cfg.Defaults.FailOn
	}
	failOn, err := parseFailOn(failOnText)
	if err != nil {
		return usageError("--fail-on: %v", err)
	}
	failOnUnknown := c.Bool("fail-on-unknown")
	if !c.IsSet("fail-on-unknown") && cfg.Defaults.FailOnUnknown != nil {
		failOnUnknown = *cfg.Defaults.FailOnUnknown
	}
	filter, err := parseFilter(c)
	if err != nil {
		return usageError("%v", err)
	}
	params, err := parseParams(c.StringSlice("param"))
	if err != nil {
		return usageError("--param: %v", err)
	}
	params = configParams(cfg, params)
	if err := report.ValidateMarkdownLimit(c.Int("markdown-limit")); err != nil {
		return usageError("--markdown-limit: %v", err)
	}
	targets, err := parseTargets(flagOr(c, "format", c.StringSlice("format"), cfg.Defaults.Format), c.String("output"))
	if err != nil {
		return usageError("--format: %v", err)
	}
	outs, finish, err := openTargets(c, targets)
	if err != nil {
		return usageError("%v", err)
	}
	// Report files appear only when every report was written: a failed run
	// leaves an earlier report in place instead of an empty file.
	committed := false
	defer func() {
		if !committed {
			finish(false)
		}
	}()

	doc, path, err := load()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.Context, c.Duration("timeout"))
	defer cancel()
	engine, err := newEngine(ctx, c, cfg, params)
	if err != nil {
		return err
	}
	framework, err := lookupFramework(engine.Checks(), flagOr(c, "framework", c.String("framework"), cfg.Defaults.Framework))
	if err != nil {
		return err
	}
	if err := checkFilter(filter, engine.Checks()); err != nil {
		return err
	}
	all, org, err := evalDocument(ctx, engine, doc)
	if err != nil {
		return inputError(err)
	}
	// Disabled checks, severity overrides and waivers (expiring on the evaluation date).
	all = cfg.Apply(all, today())
	shown := filter.Apply(all)
	account, _ := doc["account_id"].(string)
	collected, _ := doc["collected_at"].(string)
	partition, _ := doc["partition"].(string)
	rep := report.Report{
		Account: account, Snapshot: path, CollectedAt: collected, Partition: partition,
		Checks: cfg.Checks(engine.Checks()), Findings: shown, Organization: org,
	}
	if framework != nil {
		// Controls are judged on every finding, whatever --check, --severity or --status show.
		res := compliance.Evaluate(*framework, all)
		rep.Compliance = &res
	}
	for _, o := range outs {
		if err := o.writer.Write(o.w, rep); err != nil {
			return cli.Exit(fmt.Sprintf("writing the %s report%s: %v", o.format, o.where(), err), exitError)
		}
	}
	committed = true
	if err := finish(true); err != nil {
		return cli.Exit(err.Error(), exitError)
	}
	for _, o := range outs {
		if o.file != "" {
			fmt.Fprintf(c.App.ErrWriter, "trailguard: wrote the %s report to %s\n", o.format, o.file)
		}
	}
	if c.Bool("securityhub") {
		// Security Hub gets every finding of the evaluation: --check,
		// --severity and --status choose what the reports show, and
		// archiving needs the whole run.
		hub := rep
		hub.Findings = all
		if err := sendToSecurityHub(c, hub, securityHubParamsFrom(c, rep.Checks)); err != nil {
			return err
		}
	}
	// --check and --severity choose what is judged; --status only what is shown.
	judged := filter.Judged().Apply(all)
	if failOn != "" && len(findings.Failing(judged, failOn)) > 0 {
		return cli.Exit("", exitFindings)
	}
	if failOnUnknown && findings.Summarize(judged).Unknown > 0 {
		return cli.Exit("", exitFindings)
	}
	return nil
}

// checkFilter refuses a --check that matches none of the loaded checks: a
// typo would otherwise judge nothing and pass.
func checkFilter(f findings.Filter, checks []findings.Check) error {
	ids := make([]string, len(checks))
	for i, ch := range checks {
		ids[i] = ch.ID
	}
	for _, p := range f.Checks {
		if !slices.ContainsFunc(ids, func(id string) bool { return findings.MatchCheckID(p, id) }) {
			return usageError("--check: %q matches no check%s (see trailguard policies)", p, suggest.Hint(p, ids))
		}
	}
	return nil
}

// evalDocument evaluates a single-account snapshot, or every account of an
// organization snapshot (org is then the organization and its accounts).
func evalDocument(ctx context.Context, engine *bundles.Engine, doc snapshot.Document) ([]findings.Finding, *report.Organization, error) {
	if !snapshot.IsOrganization(doc) {
		fs, err := engine.Eval(ctx, doc)
		return fs, nil, err
	}
	accounts := snapshot.AccountInputs(doc)
	fs, err := engine.EvalAccounts(ctx, accounts)
	if err != nil {
		return nil, nil, err
	}
	return fs, orgReport(doc, accounts), nil
}

// orgReport describes the organization and its accounts for the reports.
func orgReport(doc snapshot.Document, accounts []snapshot.AccountInput) *report.Organization {
	o := &report.Organization{}
	o.ID, o.ManagementAccountID = snapshot.OrgIdentity(doc)
	for _, a := range accounts {
		ra := report.OrgAccount{ID: a.ID, Name: a.Name, OUPath: a.OUPath, Status: a.Status, Scanned: a.Scanned}
		if !a.Scanned {
			ra.Reason = a.NotScannedReason()
		}
		o.Accounts = append(o.Accounts, ra)
	}
	return o
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
		case findings.Pass, findings.Fail, findings.Unknown, findings.Waived:
		default:
			return f, fmt.Errorf("--status: unknown status %q (want PASS, FAIL, UNKNOWN or WAIVED)", s)
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

// target is one report to write: a format and a file ("" or "-" is standard output).
type target struct{ format, file string }

// parseTargets reads the --format values, FORMAT or FORMAT=FILE. A FORMAT
// without a file goes to --output, or to standard output. At most one report
// may go to standard output and no file may be named twice.
func parseTargets(values []string, output string) ([]target, error) {
	if len(values) == 0 {
		format := "table"
		if output != "" && output != "-" {
			f, err := formatOf(output)
			if err != nil {
				return nil, err
			}
			format = f
		}
		values = []string{format}
	}
	var ts []target
	seen := map[string]bool{}
	for _, v := range values {
		format, file, hasFile := strings.Cut(strings.TrimSpace(v), "=")
		format = strings.ToLower(strings.TrimSpace(format))
		if hasFile && strings.TrimSpace(file) == "" {
			return nil, fmt.Errorf("%q names no file after =", v)
		}
		if !hasFile {
			file = output
		}
		if file == "-" {
			file = ""
		}
		if _, err := report.New(format, report.Options{}); err != nil {
			return nil, err
		}
		key := file
		if key != "" {
			key = filepath.Clean(file)
		}
		if seen[key] {
			if key == "" {
				return nil, errors.New("only one format can write to standard output; give the others a file, e.g. -f sarif=out.sarif")
			}
			return nil, fmt.Errorf("two formats write to %s", file)
		}
		seen[key] = true
		ts = append(ts, target{format: format, file: file})
	}
	return ts, nil
}

// formatByExtension is the format -o FILE writes when no --format is given.
var formatByExtension = map[string]string{
	".txt": "table", ".json": "json", ".sarif": "sarif", ".xml": "junit",
	".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".csv": "csv",
}

// formatOf is the report format of file, from its extension.
func formatOf(file string) (string, error) {
	ext := strings.ToLower(filepath.Ext(file))
	f, ok := formatByExtension[ext]
	if ok && slices.Contains(report.Formats(), f) {
		return f, nil
	}
	var known []string
	for e, f := range formatByExtension {
		if slices.Contains(report.Formats(), f) {
			known = append(known, e)
		}
	}
	slices.Sort(known)
	return "", fmt.Errorf("cannot tell the format of %s from its extension %q (known: %s); name it, e.g. -f sarif -o %s", file, ext, strings.Join(known, " "), file)
}

type output struct {
	target
	w      io.Writer
	writer report.Writer
}

func (o output) where() string {
	if o.file == "" {
		return ""
	}
	return " to " + o.file
}

// openTargets creates the writers and, for reports that go to files,
// temporary files beside them, before evaluating, so that a file that cannot
// be written fails fast. finish(true) closes the temporary files and renames
// them into place; finish(false) removes them.
func openTargets(c *cli.Context, ts []target) ([]output, func(ok bool) error, error) {
	type pending struct {
		f    *os.File
		path string
	}
	var files []pending
	finish := func(ok bool) error {
		var first error
		for _, p := range files {
			err := p.f.Close()
			if ok && err == nil {
				err = os.Rename(p.f.Name(), p.path)
			}
			if !ok || err != nil {
				os.Remove(p.f.Name())
			}
			if err != nil && first == nil {
				first = fmt.Errorf("writing %s: %v", p.path, err)
			}
		}
		files = nil
		return first
	}
	var outs []output
	for _, t := range ts {
		var w io.Writer = c.App.Writer
		if t.file != "" {
			f, err := os.CreateTemp(filepath.Dir(t.file), "."+filepath.Base(t.file)+".*")
			if err != nil {
				finish(false)
				return nil, nil, fmt.Errorf("--format %s=%s: %v", t.format, t.file, pathCause(err))
			}
			f.Chmod(0o644) // as os.Create would (CreateTemp makes 0600)
			files = append(files, pending{f: f, path: t.file})
			w = f
		}
		wr, err := report.New(t.format, report.Options{Color: useColor(c, w), Region: c.String("asff-region"),
			Version: version, MarkdownLimit: c.Int("markdown-limit"), Width: termWidth(w)})
		if err != nil {
			finish(false)
			return nil, nil, err
		}
		outs = append(outs, output{target: t, w: w, writer: wr})
	}
	return outs, finish, nil
}

// termWidth is the width of the terminal out writes to, else COLUMNS, else
// 0 (the table's default).
func termWidth(out io.Writer) int {
	if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 0
}

// useColor colours only a terminal, and never when NO_COLOR is set or --no-color given.
func useColor(c *cli.Context, out io.Writer) bool {
	if c.Bool("no-color") || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := out.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
