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
			tw.AppendHeader(table.Row{"Framework", "Control", "Checks"})
			for _, fw := range catalog {
				for _, ctrl := range fw.Controls {
					tw.AppendRow(table.Row{fw.Name, ctrl.ID, strings.Join(ctrl.Checks, ", ")})
				}
			}
			tw.SetColumnConfigs([]table.ColumnConfig{{Number: 1, AutoMerge: true}})
			tw.Render()
			return nil
		},
	}
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
