package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/bundles"
)

// customPolicyFlags are the flags that add custom policies and data to a command.
func customPolicyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "policy", Usage: "add custom checks from `PATH`: a directory of .rego files, a .rego file or an OPA bundle (.tar.gz); repeatable"},
		&cli.StringSliceFlag{Name: "data", Aliases: []string{"d"}, Usage: "add JSON or YAML data `FILE` (allow-lists, thresholds at params); repeatable"},
		&cli.StringFlag{Name: "verification-key", Usage: "verify every --policy bundle with the public key in `PEM` (a file); unsigned or tampered bundles are refused"},
		&cli.StringFlag{Name: "key-id", Value: bundles.DefaultKeyID, Usage: "key `ID` the bundles' signatures name"},
		&cli.StringFlag{Name: "verification-alg", Value: "RS256", Usage: "signature `ALGORITHM` of the bundles"},
	}
}

// loadCustom reads the --policy and --data paths of c.
func loadCustom(c *cli.Context) (*bundles.Loaded, error) {
	key := c.String("verification-key")
	if key != "" && len(c.StringSlice("policy")) == 0 {
		return nil, usageError("--verification-key: no --policy bundle to verify")
	}
	loaded, err := bundles.Load(c.StringSlice("policy"), c.StringSlice("data"), bundles.LoadOptions{
		VerificationKey: key,
		KeyID:           c.String("key-id"),
		Algorithm:       c.String("verification-alg"),
	})
	if err != nil {
		return nil, inputError(fmt.Errorf("loading policies: %w", err))
	}
	return loaded, nil
}
