package main

import (
	"io"

	"encoding/json"
	"fmt"
	"github.com/trailguard/trailguard/findings"
	"maps"
	"slices"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/urfave/cli/v2"
)

func policiesCommand() *cli.Command {
	return &cli.Command{
		Name:  "policies",
		Usage: "list the checks, from their METADATA",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "table, json or markdown"},
		}, customPolicyFlags()...),
		Action: func(c *cli.Context) error {
			engine, err := newEngine(c.Context, c, nil, nil)
			if err != nil {
				return err
			}
			checks := engine.Checks()
			switch c.String("format") {
			case "json":
				enc := json.NewEncoder(c.App.Writer)
				enc.SetIndent("", "  ")
				return enc.Encode(checks)
			case "markdown":
				return writeCatalogMarkdown(c.App.Writer, checks)
			case "table":
				tw := table.NewWriter()
				tw.SetOutputMirror(c.App.Writer)
				tw.SetStyle(table.StyleLight)
				tw.AppendHeader(table.Row{"ID", "Severity", "Title", "Frameworks"})
				for _, chk := range checks {
					var fw []string
					for _, name := range slices.Sorted(maps.Keys(chk.Frameworks)) {
						fw = append(fw, name+" "+strings.Join(controlIDs(chk, name), ","))
					}
					tw.AppendRow(table.Row{chk.ID, chk.Severity, chk.Title, strings.Join(fw, "; ")})
				}
				tw.Render()
				return nil
			}
			return usageError("--format: unknown format %q (want table, json or markdown)", c.String("format"))
		},
	}
}

// controlIDs lists the check's controls of framework fw, those it covers only
// in part marked "(partial)".
func controlIDs(c findings.Check, fw string) []string {
	ids := make([]string, 0, len(c.Frameworks[fw]))
	for _, id := range c.Frameworks[fw] {
		if _, partial := c.PartialControls[fw][id]; partial {
			id += " (partial)"
		}
		ids = append(ids, id)
	}
	return ids
}

// writeCatalogMarkdown renders the catalog as the Markdown table README.md embeds.
func writeCatalogMarkdown(w io.Writer, checks []findings.Check) error {
	var b strings.Builder
	b.WriteString("| ID | Severity | Check | CIS v3.0.0 | CIS v1.4.0 | Security Hub |\n|---|---|---|---|---|---|\n")
	for _, c := range checks {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", c.ID, c.Severity, c.Title,
			strings.Join(controlIDs(c, "cis-aws-v3.0.0"), ", "),
			strings.Join(controlIDs(c, "cis-aws-v1.4.0"), ", "),
			strings.Join(controlIDs(c, "securityhub"), ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
