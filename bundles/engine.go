// Package bundles loads, verifies, compiles and evaluates the Rego checks.
// It is the only package that touches the OPA API: it compiles every check
// once (strict, Rego v1, schema type checking, sandboxed builtins), prepares
// the queries that evaluate all of them (one per CPU, up to 4, each for a
// contiguous run of check ids, run concurrently), and turns their results
// into findings.
package bundles

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/policies"
	"github.com/trailguard/trailguard/schema"
)

// SchemaRef is the name under which policies refer to the snapshot schema
// in their METADATA (`schemas: - input: schema.snapshot`).
const SchemaRef = "schema.snapshot"

// Options configure an Engine.
type Options struct {
	// Params override the checks' thresholds (data.params), e.g. {"min_log_retention_days": 400}.
	Params map[string]any
	// Data is merged into the store (data.*) beside the params, e.g. the data
	// files of custom policies. Params take precedence over Data["params"].
	Data map[string]any
}

// Engine evaluates a compiled set of checks against snapshot documents. It is
// safe for concurrent use.
type Engine struct {
	checks   []findings.Check
	groups   []group // evaluated concurrently, together covering checks in order
	compiler *ast.Compiler
	store    storage.Store
	params   map[string]any // known thresholds and their defaults
}

// group is one prepared query for the checks[first:first+n].
type group struct {
	first, n int
	prepared rego.PreparedEvalQuery
}

// maxGroups caps the queries evaluated at once: beyond a few, the library
// rules that checks of different groups share are computed once per group
// for little gain.
const maxGroups = 4

// Source is a named set of Rego modules to compile.
type Source struct {
	Name    string
	Modules map[string]string // file name -> Rego source
}

// Builtin returns the built-in policy bundle: every module under policies/
// except tests and test fixtures.
func Builtin() (Source, error) {
	src := Source{Name: "built-in", Modules: map[string]string{}}
	err := fs.WalkDir(policies.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "fixtures" {
			return fs.SkipDir
		}
		if d.IsDir() || path.Ext(p) != ".rego" || strings.HasSuffix(p, "_test.rego") {
			return nil
		}
		b, err := fs.ReadFile(policies.FS, p)
		if err != nil {
			return err
		}
		src.Modules[path.Join("policies", p)] = string(b)
		return nil
	})
	return src, err
}

// New compiles the built-in checks (and any extra sources) and prepares the
// query that evaluates them all.
func New(ctx context.Context, opts Options, extra ...Source) (*Engine, error) {
	builtin, err := Builtin()
	if err != nil {
		return nil, fmt.Errorf("reading built-in policies: %w", err)
	}
	compiler, err := compile(append([]Source{builtin}, extra...))
	if err != nil {
		return nil, err
	}
	checks, err := readChecks(compiler)
	if err != nil {
		return nil, err
	}
	known, err := knownParams(ctx, compiler, opts.Data)
	if err != nil {
		return nil, err
	}
	store := inmem.NewFromObject(storeData(opts))
	e := &Engine{checks: checks, compiler: compiler, store: store, params: known}
	// Checks are sorted by id, so a contiguous run keeps a family (TG-S3-*,
	// TG-CW-*, ...) and the library rules it shares in one query, where they
	// are computed once. Runs are cut where the checks' sizes (expressions in
	// their modules, a rough measure of their work) are balanced.
	n := max(min(runtime.GOMAXPROCS(0), maxGroups, len(checks)), 1)
	weights := make([]int, len(checks))
	for i, c := range checks {
		weights[i] = moduleSize(compiler.Modules[c.File])
	}
	for _, run := range balancedRuns(weights, n) {
		q := make([]string, 0, run[1]-run[0])
		for _, c := range checks[run[0]:run[1]] {
			q = append(q, c.Package+".findings")
		}
		prepared, err := rego.New(
			rego.Compiler(compiler),
			rego.Store(store),
			rego.Query("["+strings.Join(q, ", ")+"]"),
			rego.Capabilities(capabilities()),
			rego.EnablePrintStatements(false),
		).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("preparing the evaluation: %w", err)
		}
		e.groups = append(e.groups, group{first: run[0], n: run[1] - run[0], prepared: prepared})
	}
	return e, nil
}

// moduleSize counts the expressions of a module (at least 1).
func moduleSize(m *ast.Module) int {
	n := 1
	if m != nil {
		ast.WalkExprs(m, func(*ast.Expr) bool { n++; return false })
	}
	return n
}

// balancedRuns cuts weights into at most n contiguous, non-empty runs
// [start, end) of about equal total weight: each cut is put before or after
// the element that crosses the next share of the total, whichever is closer.
func balancedRuns(weights []int, n int) [][2]int {
	n = max(min(n, len(weights)), 1)
	total := 0
	for _, w := range weights {
		total += w
	}
	var runs [][2]int
	start, sum := 0, 0 // sum: weights[:i]
	for i, w := range weights {
		target := total * (len(runs) + 1) / n
		if len(runs) < n-1 && sum+w >= target {
			end := i + 1
			if target-sum < sum+w-target && i > start {
				end = i // closer to the share without element i
			}
			if len(weights)-end >= n-1-len(runs) {
				runs = append(runs, [2]int{start, end})
				start = end
			}
		}
		sum += w
	}
	if start < len(weights) {
		runs = append(runs, [2]int{start, len(weights)})
	}
	return runs
}

// storeData is opts.Data with the params (data.params) merged in, --param winning.
func storeData(opts Options) map[string]any {
	data := maps.Clone(opts.Data)
	if data == nil {
		data = map[string]any{}
	}
	params := map[string]any{}
	if p, ok := data["params"].(map[string]any); ok {
		maps.Copy(params, p)
	}
	maps.Copy(params, opts.Params)
	data["params"] = params
	return data
}

// Checks returns the compiled checks, sorted by id.
func (e *Engine) Checks() []findings.Check { return slices.Clone(e.checks) }

// Eval runs every check against doc (a parsed snapshot) in one query and
// returns the findings, sorted.
func (e *Engine) Eval(ctx context.Context, doc map[string]any) ([]findings.Finding, error) {
	return e.evalDoc(ctx, doc, true)
}

// evalDoc converts doc to an OPA value and evaluates it (see evalValue).
func (e *Engine) evalDoc(ctx context.Context, doc map[string]any, concurrent bool) ([]findings.Finding, error) {
	input, err := ast.InterfaceToValue(doc)
	if err != nil {
		return nil, fmt.Errorf("converting the snapshot: %w", err)
	}
	return e.evalValue(ctx, input, concurrent)
}

// EvalValue is Eval on a snapshot already converted to an OPA value.
func (e *Engine) EvalValue(ctx context.Context, input ast.Value) ([]findings.Finding, error) {
	return e.evalValue(ctx, input, true)
}

// evalValue is EvalValue; with concurrent false, the queries are evaluated one
// after the other on the calling goroutine, for a caller that already keeps
// every CPU busy with several snapshots (EvalAccounts): a new goroutine per
// query would grow a fresh stack to the evaluator's depth each time, by
// copying it (6% of the CPU of a 1,000-account evaluation).
func (e *Engine) evalValue(ctx context.Context, input ast.Value, concurrent bool) ([]findings.Finding, error) {
	defer relaxGC()()
	perCheck := make([]any, len(e.checks))
	errs := make([]error, len(e.groups))
	if concurrent {
		var wg sync.WaitGroup
		for i, g := range e.groups {
			wg.Go(func() { errs[i] = g.eval(ctx, input, perCheck[g.first:g.first+g.n]) })
		}
		wg.Wait()
	} else {
		for i, g := range e.groups {
			errs[i] = g.eval(ctx, input, perCheck[g.first:g.first+g.n])
		}
	}
	if err := errors.Join(errs...); err != nil {
		first := errs[slices.IndexFunc(errs, func(err error) bool { return err != nil })]
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("evaluating policies: timed out (raise --timeout%s): %w", e.slowCheck(ctx, input), first)
		}
		return nil, fmt.Errorf("evaluating policies: %w", first)
	}
	account := ""
	if obj, ok := input.(ast.Object); ok {
		if v := obj.Get(ast.InternedTerm("account_id")); v != nil {
			if s, ok := v.Value.(ast.String); ok {
				account = string(s)
			}
		}
	}
	var out []findings.Finding
	for i, raw := range perCheck {
		c := e.checks[i]
		items, ok := raw.([]any)
		if !ok {
			return nil, fmt.Errorf("%s (%s): findings must be a set of objects", c.ID, c.File)
		}
		for _, it := range items {
			f, err := toFinding(c, account, it)
			if err != nil {
				return nil, fmt.Errorf("%s (%s): %w", c.ID, c.File, err)
			}
			out = append(out, f)
		}
	}
	findings.Sort(out)
	return out, nil
}

// eval evaluates the group's query and stores each check's findings in out.
func (g group) eval(ctx context.Context, input ast.Value, out []any) error {
	rs, err := g.prepared.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return err
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return errors.New("the query returned no result")
	}
	perCheck, ok := rs[0].Expressions[0].Value.([]any)
	if !ok || len(perCheck) != len(out) {
		return errors.New("unexpected result shape")
	}
	copy(out, perCheck)
	return nil
}

// slowCheck runs after ctx timed out, on the failure path only: it evaluates
// the checks one by one, each with a short budget, and names the first that
// does not finish, so that the user knows which policy to fix. The probe
// stops when the context ctx's deadline was set on is cancelled (Ctrl-C),
// when ctx comes from WithTimeout.
func (e *Engine) slowCheck(ctx context.Context, input ast.Value) string {
	const budget = 2 * time.Second
	parent, ok := ctx.Value(timeoutParentKey{}).(context.Context)
	if !ok {
		parent = context.WithoutCancel(ctx)
	}
	for _, c := range e.checks {
		if parent.Err() != nil {
			return ""
		}
		ctx, cancel := context.WithTimeout(parent, budget)
		pq, err := rego.New(rego.Compiler(e.compiler), rego.Store(e.store), rego.Query(c.Package+".findings"),
			rego.Capabilities(capabilities())).PrepareForEval(ctx)
		if err == nil {
			_, err = pq.Eval(ctx, rego.EvalParsedInput(input))
		}
		timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded)
		cancel()
		if timedOut {
			return fmt.Sprintf(", or fix check %s in %s, which did not finish within %s on its own", c.ID, c.File, budget)
		}
	}
	return ""
}

// timeoutParentKey holds, in a context made by WithTimeout, the context it
// was made from.
type timeoutParentKey struct{}

// WithTimeout is context.WithTimeout for an evaluation: when the deadline
// passes, the probe that names the slow check still stops as soon as parent
// is cancelled (the interrupt of the command line), instead of running on
// for its own budget.
func WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithValue(parent, timeoutParentKey{}, parent), d)
}

func toFinding(c findings.Check, account string, raw any) (findings.Finding, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return findings.Finding{}, fmt.Errorf("finding %v is not an object", raw)
	}
	str := func(k string) string { s, _ := obj[k].(string); return s }
	f := findings.Finding{
		CheckID:     c.ID,
		Title:       c.Title,
		Status:      findings.Status(str("status")),
		Severity:    c.Severity,
		Resource:    str("resource"),
		Region:      str("region"),
		Account:     account,
		Message:     str("message"),
		Remediation: c.Remediation,
		Frameworks:  c.Frameworks,
	}
	switch f.Status {
	case findings.Pass, findings.Fail, findings.Unknown:
	default:
		return f, fmt.Errorf("finding for %q has status %q (want PASS, FAIL or UNKNOWN)", f.Resource, obj["status"])
	}
	if f.Resource == "" {
		return f, fmt.Errorf("finding %v has no resource", raw)
	}
	if s := str("severity"); s != "" {
		sev, err := findings.ParseSeverity(s)
		if err != nil {
			return f, fmt.Errorf("finding for %q: %w", f.Resource, err)
		}
		f.Severity = sev
	}
	return f, nil
}

// compile parses and compiles every module of srcs with the snapshot schema,
// strict mode and the sandboxed capabilities.
func compile(srcs []Source) (*ast.Compiler, error) {
	mods, err := parseChecked(srcs)
	if err != nil {
		return nil, err
	}
	c := newCompiler(false)
	if c.Compile(mods); c.Failed() {
		all := astErrors(c.Errors)
		return nil, &PolicyError{Msg: all[0], All: all}
	}
	return c, nil
}

// parseChecked parses every module of srcs and runs the checks that come
// before OPA's compiler: duplicates, the sandbox and snapshot field names.
func parseChecked(srcs []Source) (map[string]*ast.Module, error) {
	mods := map[string]*ast.Module{}
	var errs []string
	for _, src := range srcs {
		for _, name := range sortedKeys(src.Modules) {
			if _, dup := mods[name]; dup {
				errs = append(errs, fmt.Sprintf("%s: loaded twice", name))
				continue
			}
			m, err := ast.ParseModuleWithOpts(name, src.Modules[name], ast.ParserOptions{
				ProcessAnnotation: true,
				RegoVersion:       ast.RegoV1,
			})
			if err != nil {
				errs = append(errs, astErrors(err)...)
				continue
			}
			mods[name] = m
			errs = append(errs, metadataKeyErrors(name, src.Modules[name], m)...)
		}
	}
	if len(errs) > 0 {
		return nil, &PolicyError{Msg: errs[0], All: errs}
	}
	if err := checkSandbox(mods); err != nil {
		return nil, err
	}
	if errs := checkFields(snapshotSchema(), mods); len(errs) > 0 {
		return nil, &PolicyError{Msg: errs[0], All: errs}
	}
	return mods, nil
}

// newCompiler returns the compiler every policy goes through: strict, Rego v1,
// typed against the snapshot schema, sandboxed; print only for Rego tests.
func newCompiler(print bool) *ast.Compiler {
	schemas := ast.NewSchemaSet()
	schemas.Put(ast.MustParseRef(SchemaRef), snapshotSchema())
	return ast.NewCompiler().
		WithCapabilities(capabilities()).
		WithStrict(true).
		WithSchemas(schemas).
		WithUseTypeCheckAnnotations(true).
		WithEnablePrintStatements(print).
		WithDefaultRegoVersion(ast.RegoV1)
}

// snapshotSchema is the parsed snapshot JSON Schema (embedded, so it always
// parses), parsed once and shared read-only by every compilation.
var snapshotSchema = sync.OnceValue(func() map[string]any {
	var raw map[string]any
	if err := util.UnmarshalJSON(schema.Snapshot, &raw); err != nil {
		panic("trailguard: the embedded snapshot schema is not JSON: " + err.Error())
	}
	return raw
})

// astErrors turns OPA errors into "file:line: message" lines.
func astErrors(err error) []string {
	var list ast.Errors
	if !errors.As(err, &list) || len(list) == 0 {
		return []string{err.Error()}
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		msg := e.Message
		if e.Details != nil {
			if lines := e.Details.Lines(); len(lines) > 0 {
				msg += " (" + strings.Join(strings.Fields(strings.Join(lines, " ")), " ") + ")"
			}
		}
		if e.Location != nil {
			out = append(out, fmt.Sprintf("%s:%d: %s", e.Location.File, e.Location.Row, msg))
		} else {
			out = append(out, msg)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
