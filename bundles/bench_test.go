package bundles

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/trailguard/trailguard/internal/snapgen"
)

// BenchmarkEval measures one evaluation of every check, after preparation, on
// the compliant account and on generated large accounts. See BENCHMARKS.md.
func BenchmarkEval(b *testing.B) {
	e := newEngine(b)
	cases := []struct {
		name               string
		trails, principals int
	}{
		{"typical", 0, 0},
		{"trails=100/principals=2000", 100, 2000},
		{"trails=1000/principals=20000", 1000, 20000},
		{"trails=10000/principals=20000", 10000, 20000},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var doc map[string]any
			var err error
			if c.trails == 0 {
				doc, err = snapgen.Compliant()
			} else {
				doc, err = snapgen.Generate(c.trails, c.principals)
			}
			if err != nil {
				b.Fatal(err)
			}
			input, err := ast.InterfaceToValue(doc)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				fs, err := e.EvalValue(context.Background(), input)
				if err != nil {
					b.Fatal(err)
				}
				if len(fs) == 0 {
					b.Fatal("no findings")
				}
			}
			b.ReportMetric(float64(c.trails), "trails")
			b.ReportMetric(float64(evalEvents(b, e, input)), "events/op")
		})
	}
}

// eventCounter counts OPA trace events: a deterministic measure of the work an
// evaluation does, unlike time on a shared machine.
type eventCounter struct{ n int }

func (c *eventCounter) Enabled() bool               { return true }
func (c *eventCounter) TraceEvent(topdown.Event)    { c.n++ }
func (c *eventCounter) Config() topdown.TraceConfig { return topdown.TraceConfig{} }

// evalEvents returns the number of trace events of one evaluation of every check.
func evalEvents(b *testing.B, e *Engine, input ast.Value) int {
	b.Helper()
	c := &eventCounter{}
	for _, g := range e.groups {
		if _, err := g.prepared.Eval(context.Background(), rego.EvalParsedInput(input), rego.EvalQueryTracer(c)); err != nil {
			b.Fatal(err)
		}
	}
	return c.n
}

// BenchmarkPrepare measures compiling the built-in bundle and preparing the query.
func BenchmarkPrepare(b *testing.B) {
	for b.Loop() {
		if _, err := New(context.Background(), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
