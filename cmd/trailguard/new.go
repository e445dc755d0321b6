package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/bundles"
)

func newCommand() *cli.Command {
	return &cli.Command{
		Name:  "new",
		Usage: "scaffold custom policies",
		Subcommands: []*cli.Command{{
			Name:      "check",
			Usage:     "write NAME.rego (a check with its METADATA) and NAME_test.rego (its tests)",
			ArgsUsage: "NAME",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "dir", Value: ".", Usage: "write the files into `DIR`"},
				&cli.StringFlag{Name: "package-prefix", Value: "custom.checks", Usage: "Rego package `PREFIX` of the check"},
				&cli.StringFlag{Name: "id", Usage: "check `ID` (default: the prefix's first part and NAME, upper case, e.g. ACME-TRAIL-OWNER-TAG)"},
				&cli.StringFlag{Name: "severity", Value: "medium", Usage: "`SEVERITY`: critical, high, medium, low or info"},
			},
			Action: func(c *cli.Context) error {
				if c.NArg() != 1 {
					return usageError("new check takes exactly one NAME, got %d arguments (usage: trailguard new check NAME [--dir DIR])", c.NArg())
				}
				files, err := bundles.Scaffold(c.Args().First(), bundles.ScaffoldOptions{
					Dir:           c.String("dir"),
					PackagePrefix: c.String("package-prefix"),
					ID:            c.String("id"),
					Severity:      c.String("severity"),
				})
				if err != nil {
					return usageError("new check: %v", err)
				}
				for _, f := range files {
					fmt.Fprintf(c.App.Writer, "wrote %s\n", f)
				}
				fmt.Fprintf(c.App.Writer, "run its tests: trailguard test %s\n", c.String("dir"))
				return nil
			},
		}},
	}
}
