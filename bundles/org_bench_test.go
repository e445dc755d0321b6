package bundles

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/snapshot"
)

// orgOf returns testdata/org.json grown to n accounts: the seven of the file
// plus copies of its member account 222233334444 (new ids, same OU), each
// with its own snapshot document, all of them in the organization's account
// list.
func orgOf(tb testing.TB, n int) snapshot.Document {
	tb.Helper()
	doc, err := snapshot.ReadAnyFile("../testdata/org.json")
	if err != nil {
		tb.Fatal(err)
	}
	accounts := maps.Clone(doc["accounts"].(map[string]any))
	member := accounts["222233334444"].(map[string]any)
	for i := len(accounts); i < n; i++ {
		id := fmt.Sprintf("9%011d", i)
		a := maps.Clone(member)
		snap := maps.Clone(member["snapshot"].(map[string]any))
		snap["account_id"] = id
		a["id"], a["name"], a["snapshot"] = id, "member-"+id, snap
		accounts[id] = a
	}
	doc["accounts"] = accounts
	// The organization lists every account, as a real one of n accounts does.
	org := maps.Clone(doc["organization"].(map[string]any))
	ids := make([]any, 0, len(accounts))
	for _, id := range slices.Sorted(maps.Keys(accounts)) {
		ids = append(ids, id)
	}
	org["account_ids"] = ids
	doc["organization"] = org
	return doc
}

// BenchmarkOrganizationEval evaluates every account of an organization (the
// checks compiled once, outside the loop): joining each account's input and
// evaluating it. See BENCHMARKS.md.
func BenchmarkOrganizationEval(b *testing.B) {
	e := newEngine(b)
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			doc := orgOf(b, n)
			for b.Loop() {
				fs, err := e.EvalAccounts(context.Background(), snapshot.AccountInputs(doc), 0)
				if err != nil {
					b.Fatal(err)
				}
				if s := findings.Summarize(fs); s.Total < n*30 {
					b.Fatalf("%d findings for %d accounts", s.Total, n)
				}
			}
			b.ReportMetric(float64(n), "accounts")
		})
	}
}

func TestEvalAccountsOrganization(t *testing.T) {
	e := newEngine(t)
	doc := orgOf(t, 7)
	fs, err := e.EvalAccounts(context.Background(), snapshot.AccountInputs(doc), 0)
	if err != nil {
		t.Fatal(err)
	}
	byAccount := map[string]findings.Tally{}
	for _, f := range fs {
		tl := byAccount[f.Account]
		if f.CheckID == "TG-IAM-007" && f.Account != "777788889999" {
			continue
		}
		tl.Add(f.Status)
		byAccount[f.Account] = tl
		if f.Account == "777788889999" && (f.Status != findings.Unknown || !strings.Contains(f.Message, "sts AssumeRole: AccessDenied")) {
			t.Errorf("not-scanned account: %s %s %s", f.CheckID, f.Status, f.Message)
		}
	}
	if tl := byAccount["777788889999"]; tl.Unknown != len(e.Checks()) || tl.Pass+tl.Fail > 0 {
		t.Errorf("not-scanned account: %+v, want %d UNKNOWN and nothing else", tl, len(e.Checks()))
	}
	// The member's bucket and key checks are decided with the shared resources.
	// (TG-IAM-007 stays UNKNOWN on these older-style snapshots: the documents
	// of AWS-managed policies such as ReadOnlyAccess were not screened.)
	if tl := byAccount["222233334444"]; tl.Unknown > 0 {
		t.Errorf("member 222233334444: %+v, want no UNKNOWN now that the shared bucket, key and log group are joined", tl)
	}
}

// BenchmarkOrganizationMember evaluates one joined member account of
// testdata/org.json: the unit of BenchmarkOrganizationEval, with its
// deterministic events/op, to compare with BenchmarkEval/typical measured in
// the same minutes on this shared machine.
func BenchmarkOrganizationMember(b *testing.B) {
	e := newEngine(b)
	var in snapshot.AccountInput
	for _, a := range snapshot.AccountInputs(orgOf(b, 7)) {
		if a.ID == "222233334444" {
			in = a
		}
	}
	input, err := ast.InterfaceToValue(in.Doc)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := e.EvalAccounts(context.Background(), []snapshot.AccountInput{in}, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(evalEvents(b, e, input)), "events/op")
}
