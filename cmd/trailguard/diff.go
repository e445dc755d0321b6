package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
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
	format := strings.ToLower(c.String("format"))
	if !slices.Contains(report.DiffFormats(), format) {
		return usageError("--format: unknown format %q (want one of %s)", c.String("format"), strings.Join(report.DiffFormats(), ", "))
	}
	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	params, err := parseParams(c.StringSlice("param"))
	if err != nil {
		return usageError("--param: %v", err)
	}
	params = configParams(cfg, params)
	ctx, cancel := context.WithTimeout(c.Context, c.Duration("timeout"))
	defer cancel()

	// The engine is compiled once, and only when a side is a snapshot.
	var engine *bundles.Engine
	getEngine := func() (*bundles.Engine, error) {
		if engine != nil {
			return engine, nil
		}
		var err error
		engine, err = newEngine(ctx, c, cfg, params)
		return engine, err
	}
	oldPath, newPath := c.Args().Get(0), c.Args().Get(1)
	oldFs, oldAccount, err := readRun(ctx, oldPath, getEngine)
	if err != nil {
		return err
	}
	newFs, newAccount, err := readRun(ctx, newPath, getEngine)
	if err != nil {
		return err
	}
	if oldAccount != "" && newAccount != "" && oldAccount != newAccount && !c.Bool("different-accounts") {
		return usageError("%s is account %s but %s is account %s: a diff of two accounts compares nothing that changed (pass --different-accounts to compare them anyway)", oldPath, oldAccount, newPath, newAccount)
	}
	// The config's disabled checks, severity overrides and waivers apply to both sides alike.
	oldFs, newFs = cfg.Apply(oldFs, today()), cfg.Apply(newFs, today())
	d := report.Diff{Old: oldPath, New: newPath, Result: diff.Compare(oldFs, newFs)}
	if err := report.WriteDiff(c.App.Writer, format, d, format == "table" && useColor(c, c.App.Writer)); err != nil {
		return cli.Exit(fmt.Sprintf("writing the diff: %v", err), exitError)
	}
	if c.Bool("fail-on-worse") && d.Result.GotWorse() {
		return cli.Exit("", exitFindings)
	}
	return nil
}

// readRun returns the findings of one side of a diff: a JSON results file
// (written by eval -f json; it has "findings" and "summary") is read as it is,
// a snapshot (it has "schema_version") is validated and evaluated.
// It also returns the audited account ("" when the document does not say).
func readRun(ctx context.Context, path string, getEngine func() (*bundles.Engine, error)) ([]findings.Finding, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", inputError(fmt.Errorf("reading %s: %w", path, err))
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) == nil {
		if report.IsJSONResults(top) {
			rep, err := report.ReadJSON(data)
			if err != nil {
				return nil, "", inputError(fmt.Errorf("%s: %w", path, err))
			}
			return rep.Findings, rep.Account, nil
		}
		if _, ok := top["schema_version"]; !ok {
			return nil, "", inputError(fmt.Errorf(`%s: neither a snapshot (no "schema_version") nor JSON results of eval -f json (no "findings" and "summary")`, path))
		}
	}
	// A snapshot (one account or an organization), or a document that does
	// not parse: snapshot.ReadAnyFile says where it breaks.
	doc, err := snapshot.ReadAnyFile(path)
	if err != nil {
		return nil, "", inputError(err)
	}
	engine, err := getEngine()
	if err != nil {
		return nil, "", err
	}
	fs, _, err := evalDocument(ctx, engine, doc)
	if err != nil {
		return nil, "", inputError(err)
	}
	account, _ := doc["account_id"].(string)
	return fs, account, nil
}
