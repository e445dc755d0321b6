package main

import (
	"bytes"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/internal/atomicfile"
	"github.com/trailguard/trailguard/internal/docgen"
	"github.com/trailguard/trailguard/schema"
)

func docCommand() *cli.Command {
	return &cli.Command{
		Name:  "doc",
		Usage: "render the check catalog (built-in and --policy checks) as Markdown from the METADATA, or with --schema the snapshot fields",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the Markdown to `FILE` instead of standard output"},
			&cli.BoolFlag{Name: "schema", Usage: "render the snapshot fields of schema/snapshot.json (path, type, description) instead of the catalog"},
		}, customPolicyFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usageError("doc takes no arguments, got %d (usage: trailguard doc [--policy PATH ...] [--schema] [-o FILE])", c.NArg())
			}
			var buf bytes.Buffer
			if c.Bool("schema") {
				if len(c.StringSlice("policy")) > 0 || len(c.StringSlice("data")) > 0 {
					return usageError("--schema: the snapshot fields do not depend on --policy or --data")
				}
				if err := docgen.Schema(&buf, schema.Snapshot); err != nil {
					return inputError(err)
				}
			} else {
				engine, err := newEngine(c.Context, c, nil, nil)
				if err != nil {
					return err
				}
				if err := docgen.Catalog(&buf, engine.Checks()); err != nil {
					return inputError(err)
				}
			}
			if out := c.String("output"); out != "" && out != "-" {
				if err := atomicfile.Write(out, 0o644, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
					return usageError("--output: open %s: %v", out, atomicfile.Cause(err))
				}
				return nil
			}
			_, err := c.App.Writer.Write(buf.Bytes())
			return err
		},
	}
}
