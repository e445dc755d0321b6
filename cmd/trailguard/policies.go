package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/bundles"
)

func policiesCommand() *cli.Command {
	return &cli.Command{
		Name:  "policies",
		Usage: "list the checks, from their METADATA",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "table or json"},
		},
		Action: func(c *cli.Context) error {
			engine, err := bundles.New(c.Context, bundles.Options{})
			if err != nil {
				return inputError(fmt.Errorf("loading policies: %w", err))
			}
			checks := engine.Checks()
			switch c.String("format") {
			case "json":
				enc := json.NewEncoder(c.App.Writer)
				enc.SetIndent("", "  ")
				return enc.Encode(checks)
			case "table":
				tw := table.NewWriter()
				tw.SetOutputMirror(c.App.Writer)
				tw.SetStyle(table.StyleLight)
				tw.AppendHeader(table.Row{"ID", "Severity", "Title", "Frameworks"})
				for _, chk := range checks {
					var fw []string
					for _, name := range slices.Sorted(maps.Keys(chk.Frameworks)) {
						fw = append(fw, name+" "+strings.Join(chk.Frameworks[name], ","))
					}
					tw.AppendRow(table.Row{chk.ID, chk.Severity, chk.Title, strings.Join(fw, "; ")})
				}
				tw.Render()
				return nil
			}
			return usageError("--format: unknown format %q (want table or json)", c.String("format"))
		},
	}
}
