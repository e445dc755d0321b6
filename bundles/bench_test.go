package bundles

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

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
		})
	}
}

// BenchmarkPrepare measures compiling the built-in bundle and preparing the query.
func BenchmarkPrepare(b *testing.B) {
	for b.Loop() {
		if _, err := New(context.Background(), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
