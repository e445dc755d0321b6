package main

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/bundles"
	"github.com/trailguard/trailguard/config"
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

// policyParamsFrom reads the custom policy flags and --param of c.
func policyParamsFrom(c *cli.Context) policyParams {
	return policyParams{
		policies:        optional[[]string]{c.StringSlice("policy"), c.IsSet("policy")},
		data:            optional[[]string]{c.StringSlice("data"), c.IsSet("data")},
		verificationKey: c.String("verification-key"),
		keyID:           c.String("key-id"),
		alg:             c.String("verification-alg"),
		paramFlags:      c.StringSlice("param"),
	}
}

// newEngine is buildEngine with the flags of c.
func newEngine(ctx context.Context, c *cli.Context, cfg *config.Config, params map[string]any) (*bundles.Engine, error) {
	return buildEngine(ctx, policyParamsFrom(c), cfg, params)
}
