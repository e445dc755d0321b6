package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/bundles"
	"github.com/trailguard/trailguard/internal/atomicfile"
)

func bundleCommand() *cli.Command {
	return &cli.Command{
		Name:  "bundle",
		Usage: "build OPA bundles of custom policies",
		Subcommands: []*cli.Command{{
			Name:      "build",
			Usage:     "build (and sign) an OPA bundle from a directory of policies and data",
			ArgsUsage: "DIR",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "bundle.tar.gz", Usage: "write the bundle to `FILE`"},
				&cli.StringFlag{Name: "revision", Usage: "the manifest's `REVISION` (e.g. a commit id)"},
				&cli.StringFlag{Name: "signing-key", Usage: "sign the bundle with the private key in `PEM` (a file)"},
				&cli.StringFlag{Name: "signing-alg", Value: "RS256", Usage: "signature `ALGORITHM` (RS256, ES256, ...)"},
				&cli.StringFlag{Name: "key-id", Value: bundles.DefaultKeyID, Usage: "key `ID` written in the signature"},
			},
			Action: func(c *cli.Context) error {
				if c.NArg() != 1 {
					return usageError("bundle build takes exactly one directory, got %d arguments (usage: trailguard bundle build DIR -o bundle.tar.gz)", c.NArg())
				}
				if fi, err := os.Stat(c.Args().First()); err != nil || !fi.IsDir() {
					return usageError("bundle build: %s is not a directory", c.Args().First())
				}
				if k := c.String("signing-key"); k != "" {
					if _, err := os.Stat(k); err != nil {
						return usageError("--signing-key: %v", err)
					}
				}
				out := c.String("output")
				f, err := atomicfile.Create(out, 0o644)
				if err != nil {
					return usageError("--output: open %s: %v", out, atomicfile.Cause(err))
				}
				err = bundles.Build(c.Args().First(), f, bundles.BuildOptions{
					Revision:   c.String("revision"),
					SigningKey: c.String("signing-key"),
					SigningAlg: c.String("signing-alg"),
					KeyID:      c.String("key-id"),
				})
				if err == nil {
					err = f.Commit()
				}
				if err != nil {
					f.Abort()
					return inputError(fmt.Errorf("building the bundle: %w", err))
				}
				fmt.Fprintf(c.App.ErrWriter, "wrote %s\n", out)
				return nil
			},
		}},
	}
}
