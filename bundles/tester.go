package bundles

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
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
	Verbose   bool    // print every test, and the notes of failing ones
	Format    string  // "pretty" (default) or "json"
	Coverage  bool    // report coverage (JSON) instead of test results
	Threshold float64 // with coverage: fail below this percentage
	Run       string  // only tests whose name matches this regular expression
	Timeout   time.Duration
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
	builtin, data, err := BuiltinTestSource()
	if err != nil {
		return fmt.Errorf("reading built-in policies: %w", err)
	}
	srcs := []Source{builtin}
	if loaded != nil {
		srcs = append(srcs, loaded.Sources...)
		if err := mergeData(data, loaded.Data, "custom data"); err != nil {
			return err
		}
	}
	mods, err := parseChecked(srcs)
	if err != nil {
		return err
	}
	// Compile once here for one-line errors; the runner compiles its own copy.
	check := map[string]*ast.Module{}
	for name, m := range mods {
		check[name] = m.Copy()
	}
	c := newCompiler(true)
	if c.Compile(check); c.Failed() {
		all := astErrors(c.Errors)
		return &PolicyError{Msg: all[0], All: all}
	}
	if _, err := readChecks(c); err != nil {
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
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 5 * time.Second
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
	ch, err := runner.RunTests(ctx, txn)
	if err != nil {
		all := astErrors(err)
		return &PolicyError{Msg: all[0], All: all}
	}

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
	case cov != nil:
		reporter = tester.JSONCoverageReporter{Cover: cov, Modules: mods, Output: opts.Output, Threshold: opts.Threshold, Verbose: opts.Verbose}
	case opts.Format == "json":
		reporter = tester.JSONReporter{Output: opts.Output}
	default:
		reporter = tester.PrettyReporter{Output: opts.Output, Verbose: opts.Verbose}
	}
	rerr := reporter.Report(results)
	for range results { // drain when the reporter stopped early
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
