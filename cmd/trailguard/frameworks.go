package main

import (
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/compliance"
	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/report"
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
			if !slices.Contains(report.FrameworkFormats(), format) {
				return usageError("--format: unknown format %q (want table or json)", c.String("format"))
			}
			engine, err := newEngine(c.Context, c, nil, nil)
			if err != nil {
				return err
			}
			return report.WriteFrameworks(c.App.Writer, format, compliance.Catalog(engine.Checks()))
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
