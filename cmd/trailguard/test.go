package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/bundles"
)

func testCommand() *cli.Command {
	return &cli.Command{
		Name:      "test",
		Usage:     "run the Rego tests of custom policies (PATH...) against the built-in library and fixtures; without PATH, the built-in tests",
		ArgsUsage: "[PATH...]",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "list every test, and the notes of failing ones"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "pretty", Usage: "pretty or json"},
			&cli.BoolFlag{Name: "coverage", Usage: "also measure the coverage of PATH's policies: one summary line (-v: one per file; -f json: OPA's coverage report)"},
			&cli.Float64Flag{Name: "threshold", Usage: "exit 1 when the coverage of PATH's policies is below `PERCENT` (implies --coverage)"},
			&cli.BoolFlag{Name: "builtin", Usage: "also run the built-in policies' tests when PATH is given"},
			&cli.StringFlag{Name: "run", Aliases: []string{"r"}, Usage: "only run tests whose name matches `REGEX`"},
			&cli.StringSliceFlag{Name: "data", Aliases: []string{"d"}, Usage: "add JSON or YAML data `FILE` (repeatable)"},
			&cli.DurationFlag{Name: "timeout", Usage: "stop a test after this `DURATION` (default 30s)"},
		},
		Action: func(c *cli.Context) error {
			switch f := c.String("format"); f {
			case "pretty", "json":
			default:
				return usageError("--format: unknown format %q (want pretty or json)", f)
			}
			if t := c.Float64("threshold"); t < 0 || t > 100 {
				return usageError("--threshold: %v is not a percentage between 0 and 100", t)
			}
			loaded, err := bundles.Load(c.Args().Slice(), c.StringSlice("data"), bundles.LoadOptions{Tests: true})
			if err != nil {
				return inputError(fmt.Errorf("loading policies: %w", err))
			}
			err = bundles.Test(c.Context, loaded, bundles.TestOptions{
				Output:    c.App.Writer,
				Verbose:   c.Bool("verbose"),
				Format:    c.String("format"),
				Coverage:  c.Bool("coverage"),
				Threshold: c.Float64("threshold"),
				Run:       c.String("run"),
				Timeout:   c.Duration("timeout"),
				Builtin:   c.Bool("builtin"),
			})
			switch {
			case err == nil:
				return nil
			case errors.Is(err, bundles.ErrTestsFailed):
				if err.Error() == bundles.ErrTestsFailed.Error() {
					return cli.Exit("", exitFindings)
				}
				return cli.Exit(err.Error(), exitFindings)
			default:
				return inputError(fmt.Errorf("loading policies: %w", err))
			}
		},
	}
}
