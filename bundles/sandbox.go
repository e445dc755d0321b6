package bundles

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// deniedBuiltin reports whether a builtin is withheld from policies: policies
// are untrusted code and must not reach the network, the environment (which
// holds AWS credentials) or the filesystem.
func deniedBuiltin(name string) bool {
	switch {
	case name == "http.send", name == "opa.runtime", name == "trace":
		return true
	case strings.HasPrefix(name, "net."):
		return true
	}
	return false
}

// capabilities are OPA's capabilities for this version minus the denied
// builtins, with no network access allowed; built once, shared read-only.
var capabilities = sync.OnceValue(func() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(slices.Clone(caps.Builtins), func(b *ast.Builtin) bool {
		return deniedBuiltin(b.Name)
	})
	caps.AllowNet = []string{}
	return caps
})

// checkSandbox returns an error naming file:line for the first call to a
// denied builtin in mods, so that the user reads "not allowed" rather than
// OPA's "undefined function".
func checkSandbox(mods map[string]*ast.Module) error {
	var errs []string
	for _, name := range sortedKeys(mods) {
		ast.WalkTerms(mods[name], func(t *ast.Term) bool {
			var ref ast.Ref
			switch v := t.Value.(type) {
			case ast.Call:
				ref, _ = v[0].Value.(ast.Ref)
			case ast.Ref:
				ref = v
			default:
				return false
			}
			if len(ref) == 0 {
				return false
			}
			if fn := ref.String(); deniedBuiltin(fn) {
				errs = append(errs, fmt.Sprintf("%s: %s is not allowed: policies cannot reach the network, the environment or the filesystem", t.Location, fn))
			}
			return false
		})
	}
	if len(errs) > 0 {
		return &PolicyError{Msg: errs[0], All: errs}
	}
	return nil
}
