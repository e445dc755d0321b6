package main

import (
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/report"
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
			format := c.String("format")
			if !slices.Contains(report.CatalogFormats(), format) {
				return usageError("--format: unknown format %q (want table, json or markdown)", format)
			}
			return report.WriteCatalog(c.App.Writer, format, engine.Checks())
		},
	}
}
