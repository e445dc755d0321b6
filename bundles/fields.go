package bundles

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// OPA's type checker types the snapshot's fixed objects from the schema, but
// not the values of maps keyed by ARN (input.trails[arn], input.buckets[name],
// ...): it treats them as "any". checkFields closes that gap for the idioms
// policies use — refs rooted at input, and variables bound from them with
// `some k, v in input.trails`, `v := input.buckets[name]` or `every` — so that
// a misspelled field is a load error naming file:line and the fields that exist.

// schemaNode is one JSON Schema object, with $ref resolved by lookups.
type schemaNode = map[string]any

type fieldChecker struct {
	root schemaNode
	errs []string
}

func (fc *fieldChecker) resolve(n schemaNode) schemaNode {
	for range 10 {
		ref, ok := n["$ref"].(string)
		if !ok {
			return n
		}
		name, ok := strings.CutPrefix(ref, "#/definitions/")
		if !ok {
			return nil
		}
		defs, _ := fc.root["definitions"].(map[string]any)
		n, _ = defs[name].(map[string]any)
		if n == nil {
			return nil
		}
	}
	return nil
}

// child returns the schema of n[key] (key nil means any key or index), the
// known field names when key is a field that does not exist, and whether the
// walk can go on.
func (fc *fieldChecker) child(n schemaNode, key *ast.Term) (next schemaNode, fields []string, ok bool) {
	n = fc.resolve(n)
	if n == nil {
		return nil, nil, false
	}
	if items, isArr := n["items"].(map[string]any); isArr {
		return items, nil, true
	}
	if add, isMap := n["additionalProperties"].(map[string]any); isMap {
		return add, nil, true
	}
	props, hasProps := n["properties"].(map[string]any)
	if !hasProps {
		return nil, nil, false
	}
	s, isStr := key.Value.(ast.String)
	if !isStr {
		return nil, nil, false
	}
	if p, found := props[string(s)].(map[string]any); found {
		return p, nil, true
	}
	if open, isBool := n["additionalProperties"].(bool); !isBool || open {
		return nil, nil, false // an open object (e.g. a policy document)
	}
	return nil, slices.Sorted(maps.Keys(props)), false
}

// walk follows ref parts from n and reports the first unknown field.
func (fc *fieldChecker) walk(n schemaNode, parts ast.Ref, what string, loc *ast.Location) schemaNode {
	for _, part := range parts {
		next, fields, ok := fc.child(n, part)
		if fields != nil {
			fc.errs = append(fc.errs, fmt.Sprintf("%s:%d: %s has no field %v (fields: %s)", loc.File, loc.Row, what, part, strings.Join(fields, ", ")))
			return nil
		}
		if !ok {
			return nil
		}
		n, what = next, appendPath(what, part)
	}
	return n
}

type binding struct {
	node schemaNode
	what string
}

// check walks every rule of m: first it binds variables to the schema nodes
// they range over (twice, so that chains such as `t := input.trails[a]; s := t.status`
// settle, and heads are checked with their body's bindings), then it checks refs.
func (fc *fieldChecker) check(m *ast.Module) {
	for _, r := range m.Rules {
		env := map[ast.Var]binding{}
		for range 2 {
			ast.WalkNodes(r, func(x ast.Node) bool {
				fc.bind(env, x)
				return false
			})
		}
		ast.WalkTerms(r, func(t *ast.Term) bool {
			if ref, ok := t.Value.(ast.Ref); ok {
				fc.checkRef(env, ref, t.Location)
			}
			return false
		})
	}
}

func (fc *fieldChecker) bind(env map[ast.Var]binding, x ast.Node) {
	switch v := x.(type) {
	case *ast.SomeDecl:
		for _, sym := range v.Symbols {
			if call, ok := sym.Value.(ast.Call); ok {
				fc.bindMember(env, call)
			}
		}
	case *ast.Every:
		fc.bindIn(env, v.Value, v.Domain)
	case *ast.Expr:
		if v.IsAssignment() || v.IsEquality() {
			ops := v.Operands()
			fc.bindRef(env, ops[0], ops[1])
		}
	}
}

func (fc *fieldChecker) bindMember(env map[ast.Var]binding, call ast.Call) {
	op := call[0].Value.(ast.Ref).String()
	switch {
	case op == ast.Member.Name && len(call) == 3:
		fc.bindIn(env, call[1], call[2])
	case op == ast.MemberWithKey.Name && len(call) == 4:
		fc.bindIn(env, call[2], call[3])
	}
}

// bindIn binds value (a var) to the element schema of domain (a ref).
func (fc *fieldChecker) bindIn(env map[ast.Var]binding, value, domain *ast.Term) {
	if value == nil || domain == nil {
		return
	}
	if b, ok := fc.refNode(env, domain); ok {
		if elem, _, ok := fc.child(b.node, ast.VarTerm("_")); ok {
			if v, isVar := value.Value.(ast.Var); isVar {
				setBinding(env, v, binding{elem, b.what + "[_]"})
			}
		}
	}
}

func (fc *fieldChecker) bindRef(env map[ast.Var]binding, lhs, rhs *ast.Term) {
	v, isVar := lhs.Value.(ast.Var)
	if !isVar {
		return
	}
	if b, ok := fc.refNode(env, rhs); ok {
		setBinding(env, v, b)
	}
}

// refNode returns the schema node a ref rooted at input (or at a bound var) denotes.
func (fc *fieldChecker) refNode(env map[ast.Var]binding, t *ast.Term) (binding, bool) {
	ref, ok := t.Value.(ast.Ref)
	if !ok || len(ref) == 0 {
		return binding{}, false
	}
	head, ok := ref[0].Value.(ast.Var)
	if !ok {
		return binding{}, false
	}
	var b binding
	switch {
	case head.Equal(ast.InputRootDocument.Value):
		b = binding{fc.root, "input"}
	default:
		if b, ok = env[head]; !ok || b.node == nil {
			return binding{}, false
		}
	}
	n := b.node
	what := b.what
	for _, part := range ref[1:] {
		next, _, ok := fc.child(n, part)
		if !ok {
			return binding{}, false
		}
		n, what = next, appendPath(what, part)
	}
	return binding{n, what}, true
}

func (fc *fieldChecker) checkRef(env map[ast.Var]binding, ref ast.Ref, loc *ast.Location) {
	head, ok := ref[0].Value.(ast.Var)
	if !ok || loc == nil {
		return
	}
	if head.Equal(ast.InputRootDocument.Value) {
		fc.walk(fc.root, ref[1:], "input", loc)
		return
	}
	if b, ok := env[head]; ok && b.node != nil {
		fc.walk(b.node, ref[1:], string(head)+" ("+b.what+")", loc)
	}
}

// checkFields reports unknown snapshot fields in mods, one line per problem.
func checkFields(root schemaNode, mods map[string]*ast.Module) []string {
	fc := &fieldChecker{root: root}
	for _, name := range sortedKeys(mods) {
		if usesSnapshotSchema(mods[name]) {
			fc.check(mods[name])
		}
	}
	return slices.Compact(fc.errs)
}

// usesSnapshotSchema reports whether a module opts into schema checking (a
// `schemas: - input: schema.snapshot` annotation), as OPA's checker does.
func usesSnapshotSchema(m *ast.Module) bool {
	for _, a := range m.Annotations {
		for _, s := range a.Schemas {
			if s.Schema.String() == SchemaRef {
				return true
			}
		}
	}
	return false
}

// appendPath renders a ref part the way Rego is written: .field or [expr].
func appendPath(what string, part *ast.Term) string {
	if s, ok := part.Value.(ast.String); ok && ast.IsVarCompatibleString(string(s)) {
		return what + "." + string(s)
	}
	return what + "[" + part.String() + "]"
}

// setBinding records what v ranges over; a variable bound to two different
// things in one rule (e.g. reused in two comprehensions) is not checked.
func setBinding(env map[ast.Var]binding, v ast.Var, b binding) {
	if prev, ok := env[v]; ok && prev.what != b.what {
		env[v] = binding{}
		return
	}
	env[v] = b
}
