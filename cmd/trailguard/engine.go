package main

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/trailguard/trailguard/bundles"
	"github.com/trailguard/trailguard/config"
)

// optional is a flag's value and whether it was given: a flag that was not
// given leaves the config file's value in place.
type optional[T any] struct {
	value T
	set   bool
}

// or is the flag's value when it was given, else fromConfig.
func (o optional[T]) or(fromConfig T) T {
	if o.set {
		return o.value
	}
	return fromConfig
}

// policyParams are the flags that add custom policies and data to a command
// (customPolicyFlags), and its --param overrides.
type policyParams struct {
	policies, data              optional[[]string]
	verificationKey, keyID, alg string
	paramFlags                  []string // --param NAME=VALUE, as given
}

// buildEngine compiles the built-in checks with the custom policies and data
// of p (the config's defaults standing in when given) and checks the config's
// check ids and the --param names against the result. Every command that
// evaluates or lists checks goes through it.
func buildEngine(ctx context.Context, p policyParams, cfg *config.Config, params map[string]any) (*bundles.Engine, error) {
	custom, err := loadCustom(p, cfg)
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
	if err := checkParamFlags(p.paramFlags, engine.Params()); err != nil {
		return nil, err
	}
	return engine, nil
}

// loadCustom reads the --policy and --data paths of p; when a flag is not
// given, the config file's defaults.policy and defaults.data stand in.
func loadCustom(p policyParams, cfg *config.Config) (*bundles.Loaded, error) {
	policies, data := p.policies.value, p.data.value
	if cfg != nil {
		policies = p.policies.or(cfg.Defaults.Policy)
		data = p.data.or(cfg.Defaults.Data)
	}
	if p.verificationKey != "" && len(policies) == 0 {
		return nil, usageError("--verification-key: no --policy bundle to verify")
	}
	loaded, err := bundles.Load(policies, data, bundles.LoadOptions{
		VerificationKey: p.verificationKey,
		KeyID:           p.keyID,
		Algorithm:       p.alg,
	})
	if err != nil {
		return nil, inputError(fmt.Errorf("loading policies: %w", err))
	}
	return loaded, nil
}

// checkParamFlags verifies the --param names and values against the
// thresholds the loaded checks read.
func checkParamFlags(pairs []string, known map[string]any) error {
	params, err := parseParams(pairs)
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
