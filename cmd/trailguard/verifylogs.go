package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/collector"
	"github.com/trailguard/trailguard/internal/atomicfile"
	"github.com/trailguard/trailguard/logverify"
)

func verifyLogsCommand() *cli.Command {
	var flags []cli.Flag
	for _, f := range collectFlags() {
		switch f.Names()[0] {
		case "call-timeout":
		case "regions":
			flags = append(flags, &cli.StringSliceFlag{Name: "regions", Usage: "verify only these `REGIONS` (comma-separated or repeated; default: the home region, and for a multi-region trail every region with digests in the bucket)"})
		default:
			flags = append(flags, f)
		}
	}
	flags = append(flags,
		&cli.StringFlag{Name: "trail", Usage: "the trail `ARN` (arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME)"},
		&cli.StringFlag{Name: "start-time", Usage: "verify from `TIME` (RFC 3339 or YYYY-MM-DD, UTC; default: 24 hours before --end-time)"},
		&cli.StringFlag{Name: "end-time", Usage: "verify until `TIME` (default: now)"},
		&cli.StringSliceFlag{Name: "account-id", Usage: "verify the files of these `ACCOUNT`s (an organization trail's member accounts; default: the trail's account)"},
		&cli.StringFlag{Name: "organization-id", Usage: "organization `ID` of an organization trail (default: organizations DescribeOrganization)"},
		&cli.StringFlag{Name: "s3-bucket", Usage: "read the files from `BUCKET` instead of the trail's (a trail that was deleted or moved)"},
		&cli.StringFlag{Name: "s3-prefix", Usage: "key `PREFIX` of the files instead of the trail's"},
		&cli.StringFlag{Name: "cache", Usage: "remember digests proven valid in `FILE` (by object and ETag) and skip them on the next run"},
		&cli.StringSliceFlag{Name: "format", Aliases: []string{"f"}, Usage: "output `FORMAT` or FORMAT=FILE, repeatable; formats: " + strings.Join(logverify.Formats(), ", ") + " (default table)"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report of the one format given without =FILE to `FILE`"},
	)
	return &cli.Command{
		Name:  "verify-logs",
		Usage: "prove with CloudTrail's signed digests that no log file was altered, deleted or slipped in",
		Description: "Exit status: 0 every object valid, 1 a file altered, deleted or slipped in, " +
			"2 something could not be verified (or nothing was proven: no digest in the range).",
		Flags: flags,
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usageError("verify-logs takes no arguments, got %q", c.Args().Slice())
			}
			// Checked here, not with Required: urfave/cli would print the whole help.
			if c.String("trail") == "" {
				return usageError("verify-logs needs --trail ARN (see trailguard verify-logs --help)")
			}
			p, err := parseVerifyLogs(c)
			if err != nil {
				return err
			}
			return verifyLogs(c.Context, p, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// verifyLogsParams are the command line's choices, checked.
type verifyLogsParams struct {
	opts    logverify.Options
	config  collector.ConfigOptions
	cache   string
	targets []logTarget
	quiet   bool
}

type logTarget struct {
	format, file string
	write        logverify.Writer
}

func parseVerifyLogs(c *cli.Context) (verifyLogsParams, error) {
	p := verifyLogsParams{cache: c.String("cache"), quiet: c.Bool("quiet")}
	end := time.Now().UTC()
	if s := c.String("end-time"); s != "" {
		t, err := parseTime(s)
		if err != nil {
			return p, usageError("--end-time: %v", err)
		}
		end = t
	}
	start := end.Add(-24 * time.Hour)
	if s := c.String("start-time"); s != "" {
		t, err := parseTime(s)
		if err != nil {
			return p, usageError("--start-time: %v", err)
		}
		start = t
	}
	if !start.Before(end) {
		return p, usageError("--start-time %s is not before --end-time %s", start.Format(time.RFC3339), end.Format(time.RFC3339))
	}
	if c.String("external-id") != "" && c.String("role-arn") == "" {
		return p, usageError("--external-id needs --role-arn")
	}
	p.opts = logverify.Options{
		TrailARN: c.String("trail"), Start: start, End: end,
		Regions: splitList(c.StringSlice("regions")), AccountIDs: splitList(c.StringSlice("account-id")),
		OrganizationID: c.String("organization-id"), Bucket: c.String("s3-bucket"), Prefix: c.String("s3-prefix"),
		Concurrency: c.Int("concurrency"),
	}
	p.config = collector.ConfigOptions{
		Profile: c.String("profile"), Region: c.String("region"), RoleARN: c.String("role-arn"),
		ExternalID: c.String("external-id"), EndpointURL: c.String("endpoint-url"), Concurrency: c.Int("concurrency"),
	}
	formats := c.StringSlice("format")
	if len(formats) == 0 {
		formats = []string{"table"}
	}
	stdout := 0
	for _, f := range formats {
		format, file, hasFile := strings.Cut(strings.TrimSpace(f), "=")
		format = strings.ToLower(strings.TrimSpace(format))
		if !hasFile {
			file = c.String("output")
		}
		if file == "-" {
			file = ""
		}
		w, err := logverify.NewWriter(format)
		if err != nil {
			return p, usageError("--format: %v", err)
		}
		if file == "" {
			if stdout++; stdout > 1 {
				return p, usageError("--format: only one format can write to standard output; give the others a file, e.g. -f sarif=out.sarif")
			}
		}
		p.targets = append(p.targets, logTarget{format: format, file: file, write: w})
	}
	return p, nil
}

// parseTime reads RFC 3339 or a UTC date.
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time (use RFC 3339, e.g. 2026-03-01T00:00:00Z, or 2026-03-01)", s)
}

// verifyLogs runs the verification and writes the reports.
func verifyLogs(ctx context.Context, p verifyLogsParams, stdout, stderr io.Writer) error {
	cfg, custom, err := collector.LoadConfig(ctx, p.config)
	if err != nil {
		return cli.Exit(err.Error(), exitError)
	}
	if awsConfigHook != nil {
		awsConfigHook(&cfg)
	}
	if p.cache != "" {
		cache, err := logverify.OpenCache(p.cache)
		if err != nil {
			return cli.Exit(err.Error(), exitError)
		}
		p.opts.Cache = cache
	}
	prog := newVerifyProgress(stderr, p.quiet)
	p.opts.Progress = prog.update
	res, err := logverify.Verify(ctx, logverify.NewClients(cfg, custom), p.opts)
	prog.done()
	if err != nil {
		var ve *logverify.Error
		if errors.As(err, &ve) {
			return cli.Exit("verify-logs: "+ve.Error(), exitError)
		}
		return cli.Exit(err.Error(), exitError)
	}
	if p.opts.Cache != nil {
		if err := p.opts.Cache.Save(); err != nil {
			fmt.Fprintln(stderr, "trailguard: warning: "+err.Error())
		}
	}
	for _, t := range p.targets {
		if err := writeLogReport(stdout, t, res); err != nil {
			return cli.Exit(err.Error(), exitError)
		}
	}
	switch res.Verdict() {
	case "PROBLEMS FOUND":
		return cli.Exit("", exitFindings)
	case "INCOMPLETE":
		return cli.Exit("some objects could not be verified (see the report)", exitError)
	case "NOTHING PROVEN":
		return cli.Exit("no digest of the trail in the range: nothing could be proven", exitError)
	}
	return nil
}

// writeLogReport writes one report to standard output or, through a
// temporary file renamed into place, to its file.
func writeLogReport(stdout io.Writer, t logTarget, res *logverify.Result) error {
	if t.file == "" {
		return t.write(stdout, res)
	}
	err := atomicfile.Write(t.file, 0o644, func(w io.Writer) error { return t.write(w, res) })
	if err != nil {
		return fmt.Errorf("writing the %s report to %s: %v", t.format, t.file, atomicfile.Cause(err))
	}
	return nil
}

// verifyProgress shows the verification's progress on a terminal.
type verifyProgress struct {
	p    *progress
	mu   sync.Mutex
	last time.Time
}

func newVerifyProgress(w io.Writer, quiet bool) *verifyProgress {
	return &verifyProgress{p: newProgress(w, quiet)}
}

func (v *verifyProgress) update(pr logverify.Progress) {
	if !v.p.on {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if time.Since(v.last) < 100*time.Millisecond && pr.Done != pr.Total {
		return
	}
	v.last = time.Now()
	v.p.mu.Lock()
	v.p.seen = true
	fmt.Fprintf(v.p.w, "\rverifying: %s %d/%d ", pr.Phase, pr.Done, pr.Total)
	v.p.mu.Unlock()
}

func (v *verifyProgress) done() { v.p.done() }
