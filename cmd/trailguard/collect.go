package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/collector"
	"github.com/trailguard/trailguard/internal/atomicfile"
	"github.com/trailguard/trailguard/orgscan"
	"github.com/trailguard/trailguard/snapshot"
)

// awsConfigHook, when set (by tests), adjusts the SDK configuration after it
// is loaded: the fake AWS server's dialer, short retry delays.
var awsConfigHook func(*aws.Config)

// exitInterrupted is the exit code when Ctrl-C stopped a collection (the
// partial snapshot, marked incomplete, is still written).
const exitInterrupted = 130

func collectFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "profile", EnvVars: []string{"AWS_PROFILE"}, Usage: "shared config `PROFILE` to take credentials from"},
		&cli.StringFlag{Name: "region", Usage: "`REGION` for global calls (default: AWS_REGION, the profile's region, or us-east-1)"},
		&cli.StringSliceFlag{Name: "regions", Usage: "only collect these `REGIONS` (comma-separated or repeated; default: every region enabled for the account)"},
		&cli.StringFlag{Name: "role-arn", Usage: "assume the role `ARN` before collecting"},
		&cli.StringFlag{Name: "external-id", Usage: "external `ID` for --role-arn"},
		&cli.StringFlag{Name: "endpoint-url", Usage: "send every call to `URL` (LocalStack, moto; AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> work too)"},
		&cli.IntFlag{Name: "concurrency", Value: 64, Usage: "at most `N` API calls in flight"},
		&cli.DurationFlag{Name: "call-timeout", Value: 60 * time.Second, Usage: "give up on one API call (retries included) after `DURATION`"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress on standard error"},
	}
}

func collectCommand() *cli.Command {
	return &cli.Command{
		Name:  "collect",
		Usage: "take a read-only snapshot of the account's CloudTrail posture from AWS",
		Flags: append(append(collectFlags(), orgFlags()...),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the snapshot to `FILE` (default: standard output)"},
		),
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usageError("collect takes no arguments, got %q (write the snapshot with -o FILE)", c.Args().Slice())
			}
			p, err := collectParamsFrom(c)
			if err != nil {
				return err
			}
			return collectToFile(c.Context, p, c.String("output"), c.App.Writer, c.App.ErrWriter)
		},
	}
}

func scanCommand() *cli.Command {
	return &cli.Command{
		Name:  "scan",
		Usage: "collect a snapshot from AWS and evaluate it in one go (same reports and exit codes as eval)",
		Flags: append(append(append(collectFlags(), orgFlags()...), evalFlags()...),
			&cli.StringFlag{Name: "save-snapshot", Usage: "also write the collected snapshot to `FILE`"},
		),
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usageError("scan takes no arguments, got %q", c.Args().Slice())
			}
			p, err := collectParamsFrom(c)
			if err != nil {
				return err
			}
			save, stdout, stderr := c.String("save-snapshot"), c.App.Writer, c.App.ErrWriter
			return evaluate(c.Context, evalParamsFrom(c), func() (snapshot.Document, string, error) {
				return scanLoad(c.Context, p, save, stdout, stderr)
			}, stdout, stderr)
		},
	}
}

// collectParams are the collection flags of collect and scan (collectFlags,
// orgFlags), as collectParamsFrom reads and checks them.
type collectParams struct {
	aws       collector.ConfigOptions
	collector collector.Options
	org       *orgscan.Options // nil without --org
	quiet     bool
}

func collectParamsFrom(c *cli.Context) (collectParams, error) {
	if err := checkOrgFlags(c); err != nil {
		return collectParams{}, err
	}
	if c.String("external-id") != "" && c.String("role-arn") == "" && !c.Bool("org") {
		return collectParams{}, usageError("--external-id needs --role-arn (or --org, for the role assumed in each account)")
	}
	p := collectParams{
		aws: collector.ConfigOptions{
			Profile:     c.String("profile"),
			Region:      c.String("region"),
			RoleARN:     c.String("role-arn"),
			ExternalID:  roleARNExternalID(c),
			EndpointURL: c.String("endpoint-url"),
			Concurrency: c.Int("concurrency"),
		},
		collector: collector.Options{
			Regions:     splitList(c.StringSlice("regions")),
			Concurrency: c.Int("concurrency"),
			CallTimeout: c.Duration("call-timeout"),
			Collector:   "trailguard " + version,
		},
		quiet: c.Bool("quiet"),
	}
	if c.Bool("org") {
		org, err := orgOptionsFrom(c)
		if err != nil {
			return p, err
		}
		p.org = &org
	}
	return p, nil
}

// collectToFile collects (one account or an organization) and writes the
// snapshot to path ("" or "-": stdout), even when interrupted.
func collectToFile(ctx context.Context, p collectParams, path string, stdout, stderr io.Writer) error {
	out, err := openSnapshot(path, stdout)
	if err != nil {
		return err
	}
	defer out.abort()
	snap, err := collectAny(ctx, p, stderr)
	if snap == nil {
		return err
	}
	if werr := out.write(snap); werr != nil {
		return werr
	}
	return interrupted(err, path)
}

// collectAny runs the collection p asks for: a *snapshot.Snapshot, or a
// *snapshot.OrgSnapshot with --org. It returns a snapshot whenever one was
// taken, even with an error (interrupted), and nil (not a typed nil) when none.
func collectAny(ctx context.Context, p collectParams, stderr io.Writer) (any, error) {
	if p.org != nil {
		snap, err := collectOrg(ctx, p, stderr)
		if snap == nil {
			return nil, err
		}
		return snap, err
	}
	snap, err := collect(ctx, p, stderr)
	if snap == nil {
		return nil, err
	}
	return snap, err
}

// scanLoad collects (one account or an organization), saves what was
// collected to save (--save-snapshot, "" for none; even when interrupted), and
// returns it as a validated document for evaluation.
func scanLoad(ctx context.Context, p collectParams, save string, stdout, stderr io.Writer) (snapshot.Document, string, error) {
	var out *snapshotOutput
	if save != "" {
		var err error
		if out, err = openSnapshot(save, stdout); err != nil {
			return nil, "", err
		}
		defer out.abort()
	}
	snap, err := collectAny(ctx, p, stderr)
	if snap == nil {
		return nil, "", err
	}
	if out != nil {
		if werr := out.write(snap); werr != nil {
			return nil, "", werr
		}
	}
	if err != nil {
		return nil, "", interrupted(err, save)
	}
	doc, err := asDocument(snap)
	if err != nil {
		return nil, "", cli.Exit("the collected snapshot does not match the schema (a bug, please report it): "+err.Error(), exitError)
	}
	// The report names the snapshot file only when there is one:
	// SARIF points code scanning at it, and must not invent one.
	return doc, save, nil
}

// asDocument validates a collected snapshot as the document evaluation reads.
func asDocument(snap any) (snapshot.Document, error) {
	if org, ok := snap.(*snapshot.OrgSnapshot); ok {
		return snapshot.OrgDocument(org)
	}
	data, err := json.Marshal(snap)
	if err != nil {
		return nil, err
	}
	return snapshot.Parse(data)
}

// collect runs a collection of one account. It returns a snapshot whenever
// one was taken, even with an error (interrupted).
func collect(ctx context.Context, p collectParams, stderr io.Writer) (*snapshot.Snapshot, error) {
	cfg, opts, err := loadAWSConfig(ctx, p)
	if err != nil {
		return nil, err
	}
	progress := newProgress(stderr, p.quiet)
	opts.Progress = progress.update
	snap, err := collector.Collect(ctx, cfg, opts)
	progress.done()
	return snap, collectError(snap != nil, err)
}

// collectError turns a collection's error into the command's.
func collectError(collected bool, err error) error {
	var credErr *collector.CredentialsError
	switch {
	case errors.As(err, &credErr):
		return cli.Exit(credErr.Error(), exitError)
	case !collected && errors.Is(err, collector.ErrInterrupted):
		return cli.Exit("collection interrupted before anything was collected", exitInterrupted)
	case !collected && err != nil:
		return cli.Exit(err.Error(), exitError)
	}
	return err
}

// loadAWSConfig loads the SDK configuration p names, and returns it with the
// collector's options (path-style S3 addressing with a custom endpoint).
func loadAWSConfig(ctx context.Context, p collectParams) (aws.Config, collector.Options, error) {
	cfg, custom, err := collector.LoadConfig(ctx, p.aws)
	if err != nil {
		return cfg, p.collector, cli.Exit(err.Error(), exitError)
	}
	if awsConfigHook != nil {
		awsConfigHook(&cfg)
	}
	opts := p.collector
	opts.PathStyle = custom
	return cfg, opts, nil
}

// interrupted turns an interrupted collection into its exit error.
func interrupted(err error, path string) error {
	if err == nil {
		return nil
	}
	where := "nothing was saved (use --save-snapshot FILE to keep it)"
	if path != "" && path != "-" {
		where = "the partial snapshot (complete: false) is in " + path
	} else if path == "-" {
		where = "the partial snapshot (complete: false) was written"
	}
	return cli.Exit("collection interrupted: "+where, exitInterrupted)
}

// snapshotOutput is where a snapshot goes: standard output ("" or "-"), or a
// file (atomicfile) created before collecting, so that a path that cannot be
// written fails at once, not after a long collection, and put in place when
// the document is written, so that an existing snapshot is never left
// half-written.
type snapshotOutput struct {
	stdout io.Writer
	path   string
	file   *atomicfile.File
}

func openSnapshot(path string, stdout io.Writer) (*snapshotOutput, error) {
	o := &snapshotOutput{stdout: stdout, path: path}
	if path == "" || path == "-" {
		return o, nil
	}
	f, err := atomicfile.Create(path, 0o600)
	if err != nil {
		return nil, cli.Exit(fmt.Sprintf("cannot write the snapshot to %s: %v", path, atomicfile.Cause(err)), exitError)
	}
	o.file = f
	return o, nil
}

// write writes the document (a *snapshot.Snapshot or *snapshot.OrgSnapshot)
// and puts the file in place.
func (o *snapshotOutput) write(snap any) error {
	data, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if o.file == nil {
		_, err := o.stdout.Write(data)
		return err
	}
	f := o.file
	o.file = nil
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return cli.Exit(fmt.Sprintf("writing the snapshot to %s: %v", o.path, err), exitError)
	}
	if err := f.Commit(); err != nil {
		return cli.Exit(fmt.Sprintf("writing the snapshot to %s: %v", o.path, err), exitError)
	}
	return nil
}

// abort removes the file if nothing was written.
func (o *snapshotOutput) abort() {
	if o.file != nil {
		o.file.Abort()
		o.file = nil
	}
}

// progress shows the collection's progress on standard error when it is a
// terminal, at most ten times a second.
type progress struct {
	w    io.Writer
	on   bool
	mu   sync.Mutex
	last time.Time
	seen bool
}

func newProgress(w io.Writer, quiet bool) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, on: !quiet && ok && isatty.IsTerminal(f.Fd())}
}

func (p *progress) update(pr collector.Progress) {
	if !p.on {
		return
	}
	p.show(fmt.Sprintf("collecting: regions %d/%d, %d API calls, %d failed ", pr.RegionsDone, pr.Regions, pr.Calls, pr.Errors))
}

// show writes a progress line, at most ten times a second.
func (p *progress) show(line string) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last, p.seen = time.Now(), true
	fmt.Fprint(p.w, "\r"+line)
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.on && p.seen {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
