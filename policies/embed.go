// Package policies embeds the built-in Rego bundle: the checks, their tests,
// the helper library and the test fixtures. The engine loads only what a
// production evaluation needs (see bundles.Builtin).
package policies

import "embed"

// FS holds the built-in policies, rooted so that "trailguard/checks/x.rego" is a path in it.
//
//go:embed trailguard
var FS embed.FS
