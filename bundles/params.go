package bundles

import (
	"context"
	"fmt"
	"maps"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// paramsValue is the library function checks read their thresholds with.
var paramsValue = ast.MustParseRef("data.trailguard.lib.params.value")

// paramsRoot is where thresholds live in data.
var paramsRoot = ast.MustParseRef("data.params")

// knownParams returns every threshold the loaded policies can read, with its
// default value (nil when the policies give none): the built-in defaults
// (data.trailguard.lib.params.defaults), the params of the policies' data
// files, and every name a policy reads as data.params.NAME or
// params.value("NAME").
func knownParams(ctx context.Context, c *ast.Compiler, data map[string]any) (map[string]any, error) {
	known := map[string]any{}
	for _, m := range c.Modules {
		ast.WalkTerms(m, func(t *ast.Term) bool {
			switch v := t.Value.(type) {
			case ast.Ref:
				if len(v) > len(paramsRoot) && v.HasPrefix(paramsRoot) {
					if s, ok := v[len(paramsRoot)].Value.(ast.String); ok {
						known[string(s)] = nil
					}
				}
			case ast.Call:
				noteParamCall(known, v[0], v[1:])
			}
			return false
		})
	}
	for _, m := range c.Modules {
		// Compiled calls are expressions: operator first, then the operands.
		ast.WalkExprs(m, func(x *ast.Expr) bool {
			if x.IsCall() {
				noteParamCall(known, ast.NewTerm(x.Operator()), x.Operands())
			}
			return false
		})
	}
	if p, ok := data["params"].(map[string]any); ok {
		maps.Copy(known, p)
	}
	rs, err := rego.New(rego.Compiler(c), rego.Query("data.trailguard.lib.params.defaults"),
		rego.Capabilities(capabilities())).Eval(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the default thresholds: %w", err)
	}
	if len(rs) == 1 && len(rs[0].Expressions) == 1 {
		if d, ok := rs[0].Expressions[0].Value.(map[string]any); ok {
			maps.Copy(known, d)
		}
	}
	return known, nil
}

// Params returns every threshold name the loaded checks read, with its
// default value (nil when it has none).
func (e *Engine) Params() map[string]any { return maps.Clone(e.params) }

// noteParamCall records the threshold a call reads: params.value("NAME") or
// object.get(data.params, "NAME", default).
func noteParamCall(known map[string]any, op *ast.Term, args []*ast.Term) {
	ref, ok := op.Value.(ast.Ref)
	if !ok {
		return
	}
	switch {
	case ref.Equal(paramsValue) && len(args) >= 1:
		if s, ok := args[0].Value.(ast.String); ok {
			known[string(s)] = nil
		}
	case ref.Equal(objectGet) && len(args) >= 2:
		if root, ok := args[0].Value.(ast.Ref); ok && root.Equal(paramsRoot) {
			if s, ok := args[1].Value.(ast.String); ok {
				known[string(s)] = nil
			}
		}
	}
}
