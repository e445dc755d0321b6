package main

import (
	"context"
	"fmt"
	"maps"
	"slices"

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

// loadCustom reads the --policy and --data paths of c.
func loadCustom(c *cli.Context) (*bundles.Loaded, error) { return loadCustomWith(c, nil) }

// newEngine compiles the built-in checks with the --policy and --data of c
// (the config's defaults standing in when given) and checks the config's
// check ids against the result. Every command that evaluates or lists checks
// goes through it.
func newEngine(ctx context.Context, c *cli.Context, cfg *config.Config, params map[string]any) (*bundles.Engine, error) {
	custom, err := loadCustomWith(c, cfg)
	if err != nil {
		return nil, err
	}
	engine, err := bundles.New(ctx, bundles.Options{Params: params, Data: custom.Data}, custom.Sources...)
	if err != nil {
		return nil, inputError(fmt.Errorf("loading policies: %w", err))
	}
	if cfg != nil {
		if err := checkConfig(cfg, engine.Checks()); err != nil {
			return nil, err
		}
		if err := cfg.CheckParams(engine.Params()); err != nil {
			return nil, inputError(err)
		}
	}
	if err := checkParamFlags(c, engine.Params()); err != nil {
		return nil, err
	}
	return engine, nil
}

// loadCustomWith reads the --policy and --data paths of c; when a flag is not
// given, the config file's defaults.policy and defaults.data stand in.
func loadCustomWith(c *cli.Context, cfg *config.Config) (*bundles.Loaded, error) {
	policies, data := c.StringSlice("policy"), c.StringSlice("data")
	if cfg != nil {
		policies = flagOr(c, "policy", policies, cfg.Defaults.Policy)
		data = flagOr(c, "data", data, cfg.Defaults.Data)
	}
	key := c.String("verification-key")
	if key != "" && len(policies) == 0 {
		return nil, usageError("--verification-key: no --policy bundle to verify")
	}
	loaded, err := bundles.Load(policies, data, bundles.LoadOptions{
		VerificationKey: key,
		KeyID:           c.String("key-id"),
		Algorithm:       c.String("verification-alg"),
	})
	if err != nil {
		return nil, inputError(fmt.Errorf("loading policies: %w", err))
	}
	return loaded, nil
}

// checkParamFlags verifies the --param names and values against the
// thresholds the loaded checks read.
func checkParamFlags(c *cli.Context, known map[string]any) error {
	params, err := parseParams(c.StringSlice("param"))
	if err != nil {
		return usageError("--param: %v", err)
	}
	for _, name := range slices.Sorted(maps.Keys(params)) {
		if err := config.CheckParam(name, params[name], known); err != nil {
			return usageError("--param: %v", err)
		}
	}
	return nil
}
