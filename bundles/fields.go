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
// ...): it treats them as "any", and so is every value that passes through a
// library rule or function. checkFields closes that gap for the idioms
// policies use — refs rooted at input, and variables bound from them with
// `some k, v in input.trails`, `v := input.buckets[name]` or `every` — and
// follows values through rules and functions: it first infers what each rule
// returns (`evaluated := {name: b | b := input.buckets[name]}` is a map of
// buckets, `bucket(trail) := input.buckets[...]` returns a bucket, `trails :=
// object.get(input, "trails", {})` the trails), so that
// `some _, b in buckets.evaluated; b.object_lok` or `some t in
// snapshot.trails; t.log_file_validation_enabld` is a load error naming
// file:line and the fields that exist, like the same mistake on input.

// schemaNode is one JSON Schema object, with $ref resolved by lookups.
type schemaNode = map[string]any

type fieldChecker struct {
	root schemaNode
	errs []string
	// rules maps a rule's path (data.pkg.name) to what it returns: the
	// schema of its value, or of a function's result.
	rules map[string]binding
	// mod is the module being walked: its package and import aliases
	// resolve a ref such as buckets.evaluated to data.trailguard.lib.buckets.evaluated.
	mod *moduleScope
}

// moduleScope resolves the first part of a ref inside one module.
type moduleScope struct {
	pkg     ast.Ref
	imports map[ast.Var]ast.Ref
	local   map[ast.Var]bool // rules of the module's package
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

// infer records what each rule of m returns, from its head's value (or, for
// a partial set rule, its key) and its body's bindings.
func (fc *fieldChecker) infer(m *ast.Module) {
	for _, r := range m.Rules {
		env := fc.bindRule(r)
		var b binding
		var ok bool
		switch {
		case r.Head.Value != nil:
			b, ok = fc.termNode(env, r.Head.Value)
		case r.Head.Key != nil:
			if b, ok = fc.termNode(env, r.Head.Key); ok {
				b = binding{schemaNode{"items": b.node}, b.what + " set"}
			}
		}
		if !ok || b.node == nil {
			continue
		}
		path := fc.mod.pkg.Extend(r.Head.Ref().GroundPrefix()).String()
		if r.Head.Key != nil && r.Head.Value == nil {
			path = fc.mod.pkg.Extend(r.Head.Ref()).String()
		}
		what := strings.TrimPrefix(path, "data.")
		if len(r.Head.Args) > 0 {
			what += "(...)"
		}
		b.what = what
		if prev, seen := fc.rules[path]; seen && prev.node != nil && !sameNode(prev.node, b.node) {
			fc.rules[path] = binding{} // two definitions returning different things: not checked
			continue
		}
		fc.rules[path] = b
	}
}

// check walks every rule of m: first it binds variables to the schema nodes
// they range over, then it checks refs.
func (fc *fieldChecker) check(m *ast.Module) {
	for _, r := range m.Rules {
		env := fc.bindRule(r)
		ast.WalkTerms(r, func(t *ast.Term) bool {
			if ref, ok := t.Value.(ast.Ref); ok {
				fc.checkRef(env, ref, t.Location)
			}
			return false
		})
	}
}

// bindRule binds the variables of r (twice, so that chains such as
// `t := input.trails[a]; s := t.status` settle, and heads are checked with
// their body's bindings).
func (fc *fieldChecker) bindRule(r *ast.Rule) map[ast.Var]binding {
	env := map[ast.Var]binding{}
	for range 2 {
		ast.WalkNodes(r, func(x ast.Node) bool {
			fc.bind(env, x)
			return false
		})
	}
	return env
}

// sameNode reports whether two schema nodes are the same object.
func sameNode(a, b schemaNode) bool {
	return fmt.Sprintf("%p", a) == fmt.Sprintf("%p", b) || fmt.Sprint(a) == fmt.Sprint(b)
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
	if b, ok := fc.termNode(env, domain); ok {
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
	if b, ok := fc.termNode(env, rhs); ok {
		setBinding(env, v, b)
	}
}

// objectGet is the object.get builtin, whose result is the field it reads.
var objectGet = ast.RefTerm(ast.VarTerm("object"), ast.StringTerm("get")).Value.(ast.Ref)

// termNode returns the schema node of what t denotes: a ref (see refNode), a
// bound variable, object.get(x, "field", default) of a known x, a call of a
// function whose result is known, or a comprehension of known values.
func (fc *fieldChecker) termNode(env map[ast.Var]binding, t *ast.Term) (binding, bool) {
	switch v := t.Value.(type) {
	case ast.Ref:
		return fc.refNode(env, t)
	case ast.Var:
		b, ok := env[v]
		return b, ok && b.node != nil
	case ast.Call:
		op, ok := v[0].Value.(ast.Ref)
		if !ok {
			return binding{}, false
		}
		if op.Equal(objectGet) && len(v) == 4 {
			b, ok := fc.termNode(env, v[1])
			if !ok {
				return binding{}, false
			}
			next, _, ok := fc.child(b.node, v[2])
			if !ok {
				return binding{}, false
			}
			return binding{next, appendPath(b.what, v[2])}, true
		}
		if path, rest, ok := fc.resolveRule(op); ok && len(rest) == 0 {
			b, ok := fc.rules[path.String()]
			return b, ok && b.node != nil
		}
	case *ast.ObjectComprehension:
		if b, ok := fc.termNode(env, v.Value); ok {
			return binding{schemaNode{"additionalProperties": b.node}, "{...: " + b.what + "}"}, true
		}
	case *ast.SetComprehension:
		if b, ok := fc.termNode(env, v.Term); ok {
			return binding{schemaNode{"items": b.node}, "{" + b.what + "}"}, true
		}
	case *ast.ArrayComprehension:
		if b, ok := fc.termNode(env, v.Term); ok {
			return binding{schemaNode{"items": b.node}, "[" + b.what + "]"}, true
		}
	}
	return binding{}, false
}

// resolveRule turns a ref in the current module into the path of a rule whose
// result is known (import aliases and rules of the module's own package
// resolved) and the parts after it.
func (fc *fieldChecker) resolveRule(ref ast.Ref) (ast.Ref, ast.Ref, bool) {
	if fc.mod == nil || len(ref) == 0 {
		return nil, nil, false
	}
	var full ast.Ref
	switch head := ref[0].Value.(type) {
	case ast.Var:
		switch {
		case head.Equal(ast.DefaultRootDocument.Value):
			full = ref
		case fc.mod.imports[head] != nil:
			full = fc.mod.imports[head].Concat(ref[1:])
		case fc.mod.local[head]:
			full = fc.mod.pkg.Append(ast.StringTerm(string(head))).Concat(ref[1:])
		default:
			return nil, nil, false
		}
	default:
		return nil, nil, false
	}
	for i := len(full); i > 1; i-- {
		if _, ok := fc.rules[full[:i].String()]; ok {
			return full[:i], full[i:], true
		}
	}
	return nil, nil, false
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
	rest := ref[1:]
	switch {
	case head.Equal(ast.InputRootDocument.Value):
		b = binding{fc.root, "input"}
	case env[head].node != nil:
		b = env[head]
	default:
		_, after, found := fc.resolveRule(ref)
		if !found {
			return binding{}, false
		}
		path, _, _ := fc.resolveRule(ref)
		if b = fc.rules[path.String()]; b.node == nil {
			return binding{}, false
		}
		rest = after
	}
	n := b.node
	what := b.what
	for _, part := range rest {
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
		return
	}
	if path, rest, ok := fc.resolveRule(ref); ok && len(rest) > 0 {
		if b := fc.rules[path.String()]; b.node != nil {
			fc.walk(b.node, rest, b.what, loc)
		}
	}
}

// checkFields reports unknown snapshot fields in mods, one line per problem.
// Modules that opt into the snapshot schema and checks (a custom.id) are
// checked; what rules return is inferred from every module first.
func checkFields(root schemaNode, mods map[string]*ast.Module) []string {
	fc := &fieldChecker{root: root, rules: map[string]binding{}}
	local := map[string]map[ast.Var]bool{}
	for _, m := range mods {
		pkg := m.Package.Path.String()
		if local[pkg] == nil {
			local[pkg] = map[ast.Var]bool{}
		}
		for _, r := range m.Rules {
			if v, ok := r.Head.Ref()[0].Value.(ast.Var); ok {
				local[pkg][v] = true
			}
		}
	}
	scope := func(m *ast.Module) *moduleScope {
		s := &moduleScope{pkg: m.Package.Path, imports: map[ast.Var]ast.Ref{}, local: local[m.Package.Path.String()]}
		for _, imp := range m.Imports {
			ref, ok := imp.Path.Value.(ast.Ref)
			if !ok || !ref.HasPrefix(ast.DefaultRootRef) {
				continue
			}
			alias := imp.Alias
			if alias == "" {
				last, ok := ref[len(ref)-1].Value.(ast.String)
				if !ok {
					continue
				}
				alias = ast.Var(last)
			}
			s.imports[alias] = ref
		}
		return s
	}
	names := sortedKeys(mods)
	// Rules build on rules (trails_by_bucket on trail_buckets, ...): a few
	// rounds let the results settle.
	for range 3 {
		for _, name := range names {
			if strings.HasSuffix(name, "_test.rego") {
				continue
			}
			fc.mod = scope(mods[name])
			fc.infer(mods[name])
		}
	}
	fc.errs = nil
	for _, name := range names {
		if usesSnapshotSchema(mods[name]) || isCheckModule(mods[name]) {
			fc.mod = scope(mods[name])
			fc.check(mods[name])
		}
	}
	return slices.Compact(fc.errs)
}

// isCheckModule reports whether m carries a check's METADATA (custom.id).
func isCheckModule(m *ast.Module) bool {
	for _, a := range m.Annotations {
		if _, ok := a.Custom["id"]; ok {
			return true
		}
	}
	return false
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
