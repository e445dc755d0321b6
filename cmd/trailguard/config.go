package main

import (
	"maps"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/config"
	"github.com/trailguard/trailguard/findings"
)

// configFlag names the config file of eval and diff.
func configFlag() cli.Flag {
	return &cli.StringFlag{Name: "config", Usage: "read defaults, disabled checks, severity overrides, params and waivers from `FILE` (default: " + config.DefaultFile + " in the working directory, when there is one)"}
}

// today is the evaluation date against which waivers expire (UTC). Tests replace it.
var today = func() string { return time.Now().UTC().Format(time.DateOnly) }

// loadConfig reads the --config file, or the default file when path is "";
// an invalid file is exit 2.
func loadConfig(path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, inputError(err)
	}
	return cfg, nil
}

// checkConfig verifies the check ids the config names against the loaded checks.
func checkConfig(cfg *config.Config, checks []findings.Check) error {
	ids := make([]string, len(checks))
	for i, ch := range checks {
		ids[i] = ch.ID
	}
	if err := cfg.CheckIDs(ids); err != nil {
		return inputError(err)
	}
	return nil
}

// thresholds reads the --param pairs and layers them over the config's.
func thresholds(cfg *config.Config, pairs []string) (map[string]any, error) {
	flags, err := parseParams(pairs)
	if err != nil {
		return nil, usageError("--param: %v", err)
	}
	return configParams(cfg, flags), nil
}

// configParams layers the thresholds: the config's params, then its
// defaults.params, then --param.
func configParams(cfg *config.Config, flags map[string]any) map[string]any {
	out := map[string]any{}
	maps.Copy(out, cfg.Params)
	maps.Copy(out, cfg.Defaults.Params)
	maps.Copy(out, flags)
	return out
}
