package compliance

import (
	"reflect"
	"slices"
	"testing"

	"github.com/trailguard/trailguard/findings"
)

func TestCompareIDs(t *testing.T) {
	tests := []struct {
		a, b string
		want int // sign
	}{
		{"3.2", "3.10", -1},
		{"3.10", "3.2", 1},
		{"3.2", "3.2", 0},
		{"2.1.2", "3.1", -1},
		{"1.15", "1.4", 1},
		{"CloudTrail.2", "CloudTrail.10", -1},
		{"CloudTrail.9", "CloudWatch.5", -1},
		{"3.1", "3.1.1", -1},
		{"FIN-1.2", "IAM-4.3", -1},
		{"07", "7", 1},
	}
	for _, tt := range tests {
		got := CompareIDs(tt.a, tt.b)
		if sign(got) != tt.want {
			t.Errorf("CompareIDs(%q, %q) = %d, want sign %d", tt.a, tt.b, got, tt.want)
		}
	}
	ids := []string{"3.10", "1.4", "3.2", "1.15", "2.1.1", "3.1", "1.10"}
	slices.SortFunc(ids, CompareIDs)
	if want := []string{"1.4", "1.10", "1.15", "2.1.1", "3.1", "3.2", "3.10"}; !slices.Equal(ids, want) {
		t.Errorf("sorted = %v, want %v", ids, want)
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

var checks = []findings.Check{
	{ID: "TG-B", Frameworks: map[string][]string{"cis": {"3.10", "3.2"}, "securityhub": {"CloudTrail.4"}}},
	{ID: "TG-A", Frameworks: map[string][]string{"cis": {"3.2"}}},
	{ID: "TG-C", Frameworks: map[string][]string{"cis": {"1.4"}, "acme": {"X-1"}}},
	{ID: "TG-D"},
}

func TestCatalog(t *testing.T) {
	got := Catalog(checks)
	want := []Framework{
		{Name: "acme", Controls: []Control{{ID: "X-1", Checks: []string{"TG-C"}}}},
		{Name: "cis", Controls: []Control{
			{ID: "1.4", Checks: []string{"TG-C"}},
			{ID: "3.2", Checks: []string{"TG-A", "TG-B"}},
			{ID: "3.10", Checks: []string{"TG-B"}},
		}},
		{Name: "securityhub", Controls: []Control{{ID: "CloudTrail.4", Checks: []string{"TG-B"}}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Catalog = %+v\nwant %+v", got, want)
	}
	if fw, ok := Find(got, "CIS"); !ok || fw.Name != "cis" {
		t.Errorf("Find(CIS) = %v, %v", fw, ok)
	}
	if _, ok := Find(got, "nope"); ok {
		t.Error("Find(nope) found something")
	}
	if n := Names(got); !slices.Equal(n, []string{"acme", "cis", "securityhub"}) {
		t.Errorf("Names = %v", n)
	}
}

func f(check string, st findings.Status) findings.Finding {
	return findings.Finding{CheckID: check, Status: st, Resource: "r"}
}

func TestEvaluate(t *testing.T) {
	fw := Framework{Name: "cis", Controls: []Control{
		{ID: "1", Checks: []string{"A", "B"}},
		{ID: "2", Checks: []string{"B"}},
		{ID: "3", Checks: []string{"C"}},
		{ID: "4", Checks: []string{"D"}},
	}}
	tests := []struct {
		name string
		fs   []findings.Finding
		want map[string]Status
		sum  Summary
	}{
		{"nothing evaluated", nil,
			map[string]Status{"1": NotCovered, "2": NotCovered, "3": NotCovered, "4": NotCovered},
			Summary{Controls: 4, NotCovered: 4}},
		{"fail beats unknown and pass",
			[]findings.Finding{f("A", findings.Pass), f("B", findings.Unknown), f("B", findings.Fail), f("C", findings.Pass)},
			map[string]Status{"1": Fail, "2": Fail, "3": Pass, "4": NotCovered},
			Summary{Controls: 4, Failed: 2, Passed: 1, NotCovered: 1}},
		{"unknown beats pass",
			[]findings.Finding{f("A", findings.Pass), f("B", findings.Unknown), f("D", findings.Unknown), f("Z", findings.Fail)},
			map[string]Status{"1": Unknown, "2": Unknown, "3": NotCovered, "4": Unknown},
			Summary{Controls: 4, Unknown: 3, NotCovered: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Evaluate(fw, tt.fs)
			if res.Framework != "cis" || res.Summary != tt.sum {
				t.Errorf("framework %q summary %+v, want %+v", res.Framework, res.Summary, tt.sum)
			}
			for _, c := range res.Controls {
				if c.Status != tt.want[c.ID] {
					t.Errorf("control %s = %s, want %s", c.ID, c.Status, tt.want[c.ID])
				}
			}
		})
	}
	res := Evaluate(fw, []findings.Finding{f("A", findings.Pass), f("A", findings.Pass), f("B", findings.Fail), f("B", findings.Unknown)})
	if c := res.Controls[0]; c.Passed != 2 || c.Failed != 1 || c.Unknown != 1 || !slices.Equal(c.Checks, []string{"A", "B"}) {
		t.Errorf("control 1 = %+v", c)
	}
}

func TestEvaluateWaived(t *testing.T) {
	fw := Framework{Name: "x", Controls: []Control{
		{ID: "1", Checks: []string{"A"}},      // only a waived failure and a pass
		{ID: "2", Checks: []string{"A", "B"}}, // a waived failure and an unwaived one
		{ID: "3", Checks: []string{"C"}},      // a waived failure and an unknown
	}}
	fs := []findings.Finding{
		{CheckID: "A", Status: findings.Waived}, {CheckID: "A", Status: findings.Pass},
		{CheckID: "B", Status: findings.Fail},
		{CheckID: "C", Status: findings.Waived}, {CheckID: "C", Status: findings.Unknown},
	}
	res := Evaluate(fw, fs)
	want := []Status{Waived, Fail, Unknown}
	for i, c := range res.Controls {
		if c.Status != want[i] {
			t.Errorf("control %s = %s, want %s", c.ID, c.Status, want[i])
		}
	}
	if res.Controls[1].Waived != 1 || res.Controls[1].Failed != 1 || res.Summary.Waived != 1 || res.Summary.Failed != 1 {
		t.Errorf("counts: %+v", res)
	}
}

// A control is partly covered when every check behind it covers it in part;
// passing findings then make it PARTLY COVERED, never PASS, while a failure
// still fails it.
func TestPartialCoverage(t *testing.T) {
	checks := []findings.Check{
		{ID: "A", Frameworks: map[string][]string{"fw": {"1", "2"}}, PartialControls: map[string]map[string]string{"fw": {"1": "only trails", "2": "only keys"}}},
		{ID: "B", Frameworks: map[string][]string{"fw": {"2", "3"}}},
	}
	fw, _ := Find(Catalog(checks), "fw")
	want := []Control{
		{ID: "1", Checks: []string{"A"}, Partial: true, Notes: []string{"A: only trails"}},
		{ID: "2", Checks: []string{"A", "B"}, Partial: false, Notes: []string{"A: only keys"}},
		{ID: "3", Checks: []string{"B"}},
	}
	if !reflect.DeepEqual(fw.Controls, want) {
		t.Fatalf("controls = %+v, want %+v", fw.Controls, want)
	}
	res := Evaluate(fw, []findings.Finding{{CheckID: "A", Status: findings.Pass}, {CheckID: "B", Status: findings.Pass}})
	got := map[string]Status{}
	for _, c := range res.Controls {
		got[c.ID] = c.Status
	}
	if got["1"] != PartlyCovered || got["2"] != Pass || got["3"] != Pass || res.Summary.PartlyCovered != 1 || res.Summary.Passed != 2 {
		t.Errorf("statuses %v, summary %+v", got, res.Summary)
	}
	res = Evaluate(fw, []findings.Finding{{CheckID: "A", Status: findings.Fail}})
	if res.Controls[0].Status != Fail || !res.Controls[0].Partial {
		t.Errorf("a failure of the part examined fails the control: %+v", res.Controls[0])
	}
}
