package bundles

import (
	"context"
	"fmt"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/trailguard/trailguard/internal/snapgen"
)

// BenchmarkWhoCanBlind measures the IAM analysis of TG-IAM-007 (who can blind the
// trail, data.trailguard.lib.iam_eval) alone: one evaluation of the check's
// findings, after preparation, on the compliant account (what the check adds to a
// typical evaluation) and on generated accounts with many principals and policies
// (snapgen.GenerateIAM). See BENCHMARKS.md.
func BenchmarkWhoCanBlind(b *testing.B) {
	e := newEngine(b)
	pq, err := rego.New(rego.Compiler(e.compiler), rego.Store(e.store),
		rego.Query("data.trailguard.checks.who_can_blind_trail.findings")).PrepareForEval(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct{ principals, policies int }{{0, 0}, {2000, 2000}, {20000, 2000}}
	for _, c := range cases {
		name := "typical"
		if c.principals > 0 {
			name = fmt.Sprintf("principals=%d/policies=%d", c.principals, c.policies)
		}
		b.Run(name, func(b *testing.B) {
			var doc map[string]any
			var err error
			if c.principals == 0 {
				doc, err = snapgen.Compliant()
			} else {
				doc, err = snapgen.GenerateIAM(c.principals, c.policies)
			}
			if err != nil {
				b.Fatal(err)
			}
			input, err := ast.InterfaceToValue(doc)
			if err != nil {
				b.Fatal(err)
			}
			var n int
			restore := relaxGC() // as Engine.EvalValue evaluates
			for b.Loop() {
				rs, err := pq.Eval(context.Background(), rego.EvalParsedInput(input))
				if err != nil {
					b.Fatal(err)
				}
				n = len(rs[0].Expressions[0].Value.([]any))
				if n == 0 {
					b.Fatal("no findings")
				}
			}
			restore()
			b.ReportMetric(float64(n), "findings")
			c := &eventCounter{}
			if _, err := pq.Eval(context.Background(), rego.EvalParsedInput(input), rego.EvalQueryTracer(c)); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(c.n), "events/op")
		})
	}
}
