package bundles

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/trailguard/trailguard/policies"
)

// TestOptions configure Test.
type TestOptions struct {
	Output    io.Writer
	Verbose   bool    // print every test, and the notes of failing ones (and, with coverage, each file's)
	Format    string  // "pretty" (default) or "json"
	Coverage  bool    // also measure coverage: a one-line summary (pretty) or OPA's coverage report (json)
	Threshold float64 // with coverage: fail below this percentage
	Run       string  // only tests whose name matches this regular expression
	Timeout   time.Duration
	// Builtin also runs the built-in policies' tests when custom policies
	// are given (without custom policies they are what is tested).
	Builtin bool
}

// ErrTestsFailed is returned by Test when a test failed or coverage is below the threshold.
var ErrTestsFailed = errors.New("tests failed")

// BuiltinTestSource returns every module under policies/ (checks, their
// tests, the helper library and the fixtures) and the fixtures' data, mounted
// at their directory as `opa test policies` does (data.trailguard.fixtures.compliant).
func BuiltinTestSource() (Source, map[string]any, error) {
	src := Source{Name: "built-in", Modules: map[string]string{}}
	data := map[string]any{}
	err := fs.WalkDir(policies.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(policies.FS, p)
		if err != nil {
			return err
		}
		switch path.Ext(p) {
		case ".rego":
			src.Modules[path.Join("policies", p)] = string(b)
		case ".json":
			var v any
			if err := util.UnmarshalJSON(b, &v); err != nil {
				return fmt.Errorf("policies/%s: %w", p, err)
			}
			doc := v
			parts := strings.Split(path.Dir(p), "/")
			for i := len(parts) - 1; i >= 0; i-- {
				doc = map[string]any{parts[i]: doc}
			}
			return mergeData(data, doc.(map[string]any), "policies/"+p)
		}
		return nil
	})
	return src, data, err
}

// Test runs the Rego tests of the built-in policies together with those of
// loaded (custom policies and their data) with OPA's tester, as `opa test
// policies PATH...` does, but through the same strict, schema-checked and
// sandboxed compiler as evaluation. It returns ErrTestsFailed when a test
// fails or coverage is below the threshold, and a *PolicyError when a policy
// does not compile.
func Test(ctx context.Context, loaded *Loaded, opts TestOptions) error {
	srcs, data, measured, err := testSources(loaded, opts)
	if err != nil {
		return err
	}
	mods, err := compileForTest(srcs)
	if err != nil {
		return err
	}
	store := inmem.NewFromObject(data)
	txn, err := store.NewTransaction(ctx, storage.WriteParams)
	if err != nil {
		return err
	}
	defer store.Abort(ctx, txn)

	var cov *cover.Cover
	if opts.Coverage || opts.Threshold > 0 {
		cov = cover.New()
	}
	ch, err := testRunner(mods, store, opts, cov).RunTests(ctx, txn)
	if err != nil {
		all := astErrors(err)
		return &PolicyError{Msg: all[0], All: all}
	}
	return reportTests(ctx, ch, opts, cov, measuredModules(mods, measured), measured)
}

// testSources are the sources under test (the built-in policies, without
// their tests when custom policies are tested alone, then the custom ones),
// their data, and the files whose coverage is measured: the custom
// policies' when there are some, else the built-in ones (tests and fixtures
// excluded).
func testSources(loaded *Loaded, opts TestOptions) ([]Source, map[string]any, map[string]bool, error) {
	builtin, data, err := BuiltinTestSource()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("reading built-in policies: %w", err)
	}
	custom := loaded != nil && len(loaded.Sources) > 0
	if custom && !opts.Builtin {
		// The library, checks and fixtures stay (custom policies and tests
		// use them); the built-in tests do not run.
		for name := range builtin.Modules {
			if strings.HasSuffix(name, "_test.rego") {
				delete(builtin.Modules, name)
			}
		}
	}
	measured := map[string]bool{}
	for _, src := range append([]Source{builtin}, sourcesOf(loaded)...) {
		if custom && src.Name == builtin.Name {
			continue
		}
		for name := range src.Modules {
			if !strings.HasSuffix(name, "_test.rego") && !strings.Contains(name, "/fixtures/") {
				measured[name] = true
			}
		}
	}
	srcs := []Source{builtin}
	if loaded != nil {
		srcs = append(srcs, loaded.Sources...)
		if err := mergeData(data, loaded.Data, "custom data"); err != nil {
			return nil, nil, nil, err
		}
	}
	return srcs, data, measured, nil
}

// compileForTest parses the sources and compiles a copy once, for one-line
// errors (the test runner compiles its own copy).
func compileForTest(srcs []Source) (map[string]*ast.Module, error) {
	mods, err := parseChecked(srcs)
	if err != nil {
		return nil, err
	}
	check := map[string]*ast.Module{}
	for name, m := range mods {
		check[name] = m.Copy()
	}
	c := newCompiler(true)
	if c.Compile(check); c.Failed() {
		all := astErrors(c.Errors)
		return nil, &PolicyError{Msg: all[0], All: all}
	}
	if _, err := readChecks(c); err != nil {
		return nil, err
	}
	return mods, nil
}

// testRunner is OPA's test runner over the modules, with the same sandboxed
// compiler as evaluation, a per-test timeout (30 s by default) and coverage
// when cov is not nil.
func testRunner(mods map[string]*ast.Module, store storage.Store, opts TestOptions, cov *cover.Cover) *tester.Runner {
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	runner := tester.NewRunner().
		SetCompiler(newCompiler(true)).
		SetStore(store).
		SetModules(mods).
		CapturePrintOutput(true).
		EnableTracing(opts.Verbose).
		SetTimeout(timeout).
		Filter(opts.Run)
	if cov != nil {
		runner = runner.SetCoverageQueryTracer(cov).SetCoverageRuns([]cover.Kind{cover.KindIndexExcluded, cover.KindEarlyExit})
	}
	return runner
}

// reportTests reports the results as they come (pretty or JSON, with
// coverage when cov is not nil) and returns ErrTestsFailed when a test failed
// or coverage is below the threshold.
func reportTests(ctx context.Context, ch <-chan *tester.Result, opts TestOptions, cov *cover.Cover,
	mods map[string]*ast.Module, measured map[string]bool) error {
	failed := false
	results := make(chan *tester.Result)
	go func() {
		defer close(results)
		for r := range ch {
			if !r.Pass() && !r.Skip {
				failed = true
			}
			results <- r
		}
	}()
	var reporter tester.Reporter
	switch {
	case cov != nil && opts.Format == "json":
		reporter = coverageJSON{cov: cov, mods: mods, measured: measured, opts: opts}
	case opts.Format == "json":
		reporter = tester.JSONReporter{Output: opts.Output}
	default:
		reporter = tester.PrettyReporter{Output: opts.Output, Verbose: opts.Verbose}
	}
	rerr := reporter.Report(results)
	for range results { // drain when the reporter stopped early
	}
	// failed is read after results is closed: the goroutine is done with it.
	if cov != nil && opts.Format != "json" && ctx.Err() == nil {
		if err := coverageSummary(opts, cov.Report(mods), measured); err != nil && rerr == nil {
			rerr = err
		}
	}
	if ctx.Err() != nil {
		return fmt.Errorf("running tests: %w", ctx.Err())
	}
	if tErr, ok := errors.AsType[*cover.CoverageThresholdError](rerr); ok {
		return fmt.Errorf("%w: %s", ErrTestsFailed, tErr.Error())
	}
	if failed {
		return ErrTestsFailed
	}
	if rerr != nil {
		return fmt.Errorf("%w: %s", ErrTestsFailed, rerr.Error())
	}
	return nil
}

func sourcesOf(l *Loaded) []Source {
	if l == nil {
		return nil
	}
	return l.Sources
}

// measuredModules is the subset of mods whose coverage is reported.
func measuredModules(mods map[string]*ast.Module, measured map[string]bool) map[string]*ast.Module {
	out := map[string]*ast.Module{}
	for name, m := range mods {
		if measured[name] {
			out[name] = m
		}
	}
	return out
}

// coverageJSON writes OPA's coverage report restricted to the measured
// files, totals included.
type coverageJSON struct {
	cov      *cover.Cover
	mods     map[string]*ast.Module
	measured map[string]bool
	opts     TestOptions
}

func (r coverageJSON) Report(ch chan *tester.Result) error {
	for range ch {
	}
	rep := r.cov.Report(r.mods)
	rep.CoveredLines, rep.NotCoveredLines = 0, 0
	for name, fr := range rep.Files {
		if !r.measured[name] {
			delete(rep.Files, name)
			continue
		}
		rep.CoveredLines += fr.CoveredLines
		rep.NotCoveredLines += fr.NotCoveredLines
	}
	rep.Coverage = 100
	if total := rep.CoveredLines + rep.NotCoveredLines; total > 0 {
		rep.Coverage = 100 * float64(rep.CoveredLines) / float64(total)
	}
	enc := json.NewEncoder(r.opts.Output)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return err
	}
	if rep.Coverage < r.opts.Threshold {
		return &cover.CoverageThresholdError{Coverage: rep.Coverage, Threshold: r.opts.Threshold}
	}
	return nil
}

// coverageSummary prints one line: the coverage of the measured files
// (and with Verbose, one line per file), and returns a
// CoverageThresholdError below the threshold.
func coverageSummary(opts TestOptions, rep cover.Report, measured map[string]bool) error {
	covered, notCovered := 0, 0
	var files []string
	for name, fr := range rep.Files {
		if !measured[name] {
			continue
		}
		files = append(files, name)
		covered += fr.CoveredLines
		notCovered += fr.NotCoveredLines
	}
	pct := 100.0
	if covered+notCovered > 0 {
		pct = 100 * float64(covered) / float64(covered+notCovered)
	}
	if opts.Verbose {
		sort.Strings(files)
		for _, name := range files {
			fr := rep.Files[name]
			fmt.Fprintf(opts.Output, "  %6.2f%%  %s (%d of %d lines)\n", fr.Coverage, name, fr.CoveredLines, fr.CoveredLines+fr.NotCoveredLines)
		}
	}
	line := fmt.Sprintf("coverage: %.2f%% (%d of %d lines in %d files)", pct, covered, covered+notCovered, len(measured))
	if opts.Threshold > 0 {
		line += fmt.Sprintf(", threshold %.2f%%", opts.Threshold)
	}
	fmt.Fprintln(opts.Output, line)
	if pct < opts.Threshold {
		return &cover.CoverageThresholdError{Coverage: pct, Threshold: opts.Threshold}
	}
	return nil
}
