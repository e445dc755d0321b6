package main

import (
	"encoding/json"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/compliance"
	"github.com/trailguard/trailguard/findings"
)

func frameworksCommand() *cli.Command {
	return &cli.Command{
		Name:  "frameworks",
		Usage: "list the frameworks and controls the loaded checks cover, from their METADATA",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "table or json"},
		}, customPolicyFlags()...),
		Action: func(c *cli.Context) error {
			format := strings.ToLower(c.String("format"))
			if format != "table" && format != "json" {
				return usageError("--format: unknown format %q (want table or json)", c.String("format"))
			}
			engine, err := newEngine(c.Context, c, nil, nil)
			if err != nil {
				return err
			}
			catalog := compliance.Catalog(engine.Checks())
			if format == "json" {
				enc := json.NewEncoder(c.App.Writer)
				enc.SetIndent("", "  ")
				return enc.Encode(catalog)
			}
			tw := table.NewWriter()
			tw.SetOutputMirror(c.App.Writer)
			tw.SetStyle(table.StyleLight)
			tw.Style().Format.Header = text.FormatUpper
			tw.AppendHeader(table.Row{"Framework", "Control", "Checks", "Coverage"})
			for _, fw := range catalog {
				for i, ctrl := range fw.Controls {
					name := fw.Name // on the framework's first row only (AutoMerge mislays it beside wrapped cells)
					if i > 0 {
						name = ""
					}
					tw.AppendRow(table.Row{name, ctrl.ID, strings.Join(ctrl.Checks, ", "), coverage(ctrl)})
				}
			}
			tw.SetColumnConfigs([]table.ColumnConfig{{Number: 4, WidthMax: 80, WidthMaxEnforcer: text.WrapSoft}})
			tw.Render()
			return nil
		},
	}
}

// coverage says whether the checks cover a control whole, or what they leave out.
func coverage(ctrl compliance.Control) string {
	switch {
	case ctrl.Partial:
		return "partly: " + strings.Join(ctrl.Notes, "; ")
	case len(ctrl.Notes) > 0:
		return "whole (" + strings.Join(ctrl.Notes, "; ") + ")"
	}
	return "whole"
}

// lookupFramework finds the framework named by --framework among the checks'
// mappings; "" means none. An unknown name is a usage error naming the known ones.
func lookupFramework(checks []findings.Check, name string) (*compliance.Framework, error) {
	if name == "" {
		return nil, nil
	}
	catalog := compliance.Catalog(checks)
	fw, ok := compliance.Find(catalog, name)
	if !ok {
		return nil, usageError("--framework: unknown framework %q (known: %s)", name, strings.Join(compliance.Names(catalog), ", "))
	}
	return &fw, nil
}
