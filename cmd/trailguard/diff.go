package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/bundles"
	"github.com/trailguard/trailguard/diff"
	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/report"
	"github.com/trailguard/trailguard/snapshot"
)

func diffCommand() *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "show what got worse and what got better between two runs (snapshots or JSON results)",
		ArgsUsage: "OLD.json NEW.json",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output `FORMAT`: " + strings.Join(report.DiffFormats(), ", ")},
			&cli.BoolFlag{Name: "different-accounts", Usage: "compare runs of two different accounts (refused otherwise)"},
			&cli.BoolFlag{Name: "fail-on-worse", Value: true, Usage: "exit 1 when anything got worse (--fail-on-worse=false: never)"},
			&cli.StringSliceFlag{Name: "param", Aliases: []string{"p"}, Usage: "override a threshold when evaluating a snapshot, `NAME=VALUE`"},
			&cli.DurationFlag{Name: "timeout", Value: 60 * time.Second, Usage: "stop evaluating after this `DURATION`"},
			&cli.BoolFlag{Name: "no-color", Usage: "never colour the table (NO_COLOR is honoured too)"},
		}, append(customPolicyFlags(), configFlag())...),
		Action: diffAction,
	}
}

func diffAction(c *cli.Context) error {
	if c.NArg() != 2 {
		return usageError("diff takes two files, got %d arguments (usage: trailguard diff OLD.json NEW.json)", c.NArg())
	}
	return diffRuns(c.Context, diffParams{
		oldPath: c.Args().Get(0), newPath: c.Args().Get(1),
		format:            c.String("format"),
		config:            c.String("config"),
		differentAccounts: c.Bool("different-accounts"),
		failOnWorse:       c.Bool("fail-on-worse"),
		timeout:           c.Duration("timeout"),
		noColor:           c.Bool("no-color"),
		policy:            policyParamsFrom(c),
	}, c.App.Writer)
}

// diffParams are the command line of diff.
type diffParams struct {
	oldPath, newPath  string
	format, config    string
	differentAccounts bool
	failOnWorse       bool
	timeout           time.Duration
	noColor           bool
	policy            policyParams
}

// diffRuns compares two runs and writes the diff to w; its error carries the
// exit code (exitFindings when something got worse and --fail-on-worse).
func diffRuns(ctx context.Context, p diffParams, w io.Writer) error {
	format := strings.ToLower(p.format)
	if !slices.Contains(report.DiffFormats(), format) {
		return usageError("--format: unknown format %q (want one of %s)", p.format, strings.Join(report.DiffFormats(), ", "))
	}
	cfg, err := loadConfig(p.config)
	if err != nil {
		return err
	}
	params, err := thresholds(cfg, p.policy.paramFlags)
	if err != nil {
		return err
	}
	ctx, cancel := bundles.WithTimeout(ctx, p.timeout)
	defer cancel()

	// The engine is compiled once, and only when a side is a snapshot.
	var engine *bundles.Engine
	sources := diff.Sources{
		IsResults: report.IsJSONResults[json.RawMessage],
		Results: func(data []byte) (diff.Run, error) {
			rep, err := report.ReadJSON(data)
			return diff.Run{Findings: rep.Findings, Account: rep.Account}, err
		},
		Eval: func(doc snapshot.Document) ([]findings.Finding, error) {
			if engine == nil {
				var err error
				if engine, err = buildEngine(ctx, p.policy, cfg, params); err != nil {
					return nil, err
				}
			}
			fs, _, err := evalDocument(ctx, engine, doc)
			return fs, err
		},
	}
	oldRun, err := sources.Read(p.oldPath)
	if err != nil {
		return inputError(err)
	}
	newRun, err := sources.Read(p.newPath)
	if err != nil {
		return inputError(err)
	}
	if oldRun.Account != "" && newRun.Account != "" && oldRun.Account != newRun.Account && !p.differentAccounts {
		return usageError("%s is account %s but %s is account %s: a diff of two accounts compares nothing that changed (pass --different-accounts to compare them anyway)", p.oldPath, oldRun.Account, p.newPath, newRun.Account)
	}
	// The config's disabled checks, severity overrides and waivers apply to both sides alike.
	oldFs, newFs := cfg.Apply(oldRun.Findings, today()), cfg.Apply(newRun.Findings, today())
	d := report.Diff{Old: p.oldPath, New: p.newPath, Result: diff.Compare(oldFs, newFs)}
	if err := report.WriteDiff(w, format, d, format == "table" && useColor(p.noColor, w)); err != nil {
		return exitWith(exitError, fmt.Sprintf("writing the diff: %v", err))
	}
	if p.failOnWorse && d.Result.GotWorse() {
		return exitWith(exitFindings, "")
	}
	return nil
}
