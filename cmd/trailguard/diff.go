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
		Usage:     "show what got worse and what got better between two runs (snapshots or JSON results; a side may be the shard files of one organization collection, merged as eval merges them, or - for standard input, on one side only)",
		ArgsUsage: "OLD.json NEW.json  |  --old OLD-1.json [--old OLD-2.json...] --new NEW-1.json [--new NEW-2.json...]  (- for standard input, as one side's only file)",
		Flags: append([]cli.Flag{
			&cli.StringSliceFlag{Name: "old", Usage: "a `FILE` of the old side instead of the first argument; repeatable: the shard files of one organization collection (collect --org --shard K/N), merged; a quoted pattern ('yesterday/org-*.json') names them, sorted; - reads the side from standard input (one side only)"},
			&cli.StringSliceFlag{Name: "new", Usage: "a `FILE` of the new side instead of the second argument; repeatable, as --old; - reads the side from standard input (collect -o - | diff --old yesterday.json --new -)"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output `FORMAT`: " + strings.Join(report.DiffFormats(), ", ")},
			&cli.BoolFlag{Name: "different-accounts", Usage: "compare runs of two different accounts (refused otherwise)"},
			&cli.BoolFlag{Name: "fail-on-worse", Value: true, Usage: "exit 1 when anything got worse (--fail-on-worse=false: never)"},
			&cli.StringSliceFlag{Name: "param", Aliases: []string{"p"}, Usage: "override a threshold when evaluating a snapshot, `NAME=VALUE`"},
			&cli.DurationFlag{Name: "timeout", Value: 60 * time.Second, Usage: "stop evaluating a snapshot, or an account of an organization, after this `DURATION`"},
			&cli.BoolFlag{Name: "no-color", Usage: "never colour the table (NO_COLOR is honoured too)"},
		}, append(customPolicyFlags(), configFlag())...),
		Action: diffAction,
	}
}

func diffAction(c *cli.Context) error {
	oldPaths, newPaths, err := diffSides(c.Args().Slice(), c.StringSlice("old"), c.StringSlice("new"))
	if err != nil {
		return err
	}
	if oldPaths, err = inputFiles("diff --old", oldPaths); err != nil {
		return err
	}
	if newPaths, err = inputFiles("diff --new", newPaths); err != nil {
		return err
	}
	if err := stdinSides(oldPaths, newPaths); err != nil {
		return err
	}
	return diffRuns(c.Context, diffParams{
		oldPaths: oldPaths, newPaths: newPaths,
		stdin:             c.App.Reader,
		format:            c.String("format"),
		config:            c.String("config"),
		differentAccounts: c.Bool("different-accounts"),
		failOnWorse:       c.Bool("fail-on-worse"),
		timeout:           c.Duration("timeout"),
		noColor:           c.Bool("no-color"),
		policy:            policyParamsFrom(c),
	}, c.App.Writer, c.App.ErrWriter)
}

// stdinSides checks where standard input (-) stands: as the one file of one
// side (collect -o - | diff --old yesterday.json --new -), never on both
// sides, nor among a side's shard files.
func stdinSides(oldPaths, newPaths []string) error {
	if slices.Contains(oldPaths, stdin) && slices.Contains(newPaths, stdin) {
		return usageError("diff: both sides are standard input (-): only one side can be read from it, give the other as a file (%s)", diffUsage)
	}
	for _, side := range []struct {
		flag  string
		paths []string
	}{{"--old", oldPaths}, {"--new", newPaths}} {
		if len(side.paths) > 1 && slices.Contains(side.paths, stdin) {
			return usageError("diff %s: standard input (-) can only be the side's one file, not one of %d files", side.flag, len(side.paths))
		}
	}
	return nil
}

const diffUsage = "usage: trailguard diff OLD.json NEW.json, or for shard files trailguard diff --old OLD-1.json --old OLD-2.json --new NEW-1.json --new NEW-2.json; - for standard input on one side"

// diffSides reads the files of each side: the positional arguments fill, in
// order, the sides not given by --old or --new. A side given both ways, or
// given no file, is a usage error.
func diffSides(args, oldFlag, newFlag []string) (oldPaths, newPaths []string, err error) {
	for _, f := range []struct {
		name  string
		paths []string
	}{{"--old", oldFlag}, {"--new", newFlag}} {
		if slices.Contains(f.paths, "") {
			return nil, nil, usageError("diff %s: an empty file name (%s)", f.name, diffUsage)
		}
	}
	switch {
	case len(oldFlag) == 0 && len(newFlag) == 0:
		if len(args) != 2 {
			return nil, nil, usageError("diff takes two files, got %d arguments (%s)", len(args), diffUsage)
		}
		return args[:1], args[1:], nil
	case len(oldFlag) > 0 && len(newFlag) > 0:
		if len(args) > 0 {
			return nil, nil, usageError("diff: %s is given as a file besides --old and --new: give each side one way, by its flag or as a file (%s)", args[0], diffUsage)
		}
		return oldFlag, newFlag, nil
	case len(oldFlag) > 0:
		if len(args) == 0 {
			return nil, nil, usageError("diff: the new side is empty: give it by --new FILE or as the one file besides --old (%s)", diffUsage)
		}
		if len(args) > 1 {
			return nil, nil, usageError("diff: the old side is given both by --old and as a file (%s): give each side one way, by its flag or as a file (%s)", args[0], diffUsage)
		}
		return oldFlag, args, nil
	default:
		if len(args) == 0 {
			return nil, nil, usageError("diff: the old side is empty: give it by --old FILE or as the one file besides --new (%s)", diffUsage)
		}
		if len(args) > 1 {
			return nil, nil, usageError("diff: the new side is given both by --new and as a file (%s): give each side one way, by its flag or as a file (%s)", args[1], diffUsage)
		}
		return args, newFlag, nil
	}
}

// diffParams are the command line of diff.
type diffParams struct {
	oldPaths, newPaths []string  // one file ("-": stdin), or the shard files of one organization collection
	stdin              io.Reader // read for the file "-"
	format, config     string
	differentAccounts  bool
	failOnWorse        bool
	timeout            time.Duration
	noColor            bool
	policy             policyParams
}

// diffRuns compares two runs and writes the diff to w, and the warnings of
// merging a side's shard files to stderr; its error carries the exit code
// (exitFindings when something got worse and --fail-on-worse).
func diffRuns(ctx context.Context, p diffParams, w, stderr io.Writer) error {
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
			fs, _, err := evalDocument(ctx, engine, doc, p.timeout)
			return fs, err
		},
		Stdin: p.stdin,
	}
	read := func(flag string, paths []string) (diff.Run, error) {
		run, err := sources.Read(paths...)
		if err != nil && len(paths) > 1 {
			// Several files come only from --old or --new: name the side (shards that do not merge, a results file among them).
			err = fmt.Errorf("diff %s: %w", flag, err)
		}
		warn(stderr, "diff "+flag+": ", run.Warnings)
		return run, err
	}
	oldRun, err := read("--old", p.oldPaths)
	if err != nil {
		return inputError(err)
	}
	newRun, err := read("--new", p.newPaths)
	if err != nil {
		return inputError(err)
	}
	// A side of several files is named by all of them, as eval names them.
	oldLabel, newLabel := strings.Join(p.oldPaths, ", "), strings.Join(p.newPaths, ", ")
	if oldRun.Account != "" && newRun.Account != "" && oldRun.Account != newRun.Account && !p.differentAccounts {
		return usageError("%s is account %s but %s is account %s: a diff of two accounts compares nothing that changed (pass --different-accounts to compare them anyway)", oldLabel, oldRun.Account, newLabel, newRun.Account)
	}
	// The config's disabled checks, severity overrides and waivers apply to both sides alike.
	oldFs, newFs := cfg.Apply(oldRun.Findings, today()), cfg.Apply(newRun.Findings, today())
	d := report.Diff{Old: oldLabel, New: newLabel, Result: diff.Compare(oldFs, newFs)}
	if err := report.WriteDiff(w, format, d, format == "table" && useColor(p.noColor, w)); err != nil {
		return exitWith(exitError, fmt.Sprintf("writing the diff: %v", err))
	}
	if p.failOnWorse && d.Result.GotWorse() {
		return exitWith(exitFindings, "")
	}
	return nil
}
