package diff

import (
	"testing"

	"github.com/trailguard/trailguard/findings"
)

func fnd(check, res string, st findings.Status, sev findings.Severity, msg string) findings.Finding {
	return findings.Finding{CheckID: check, Resource: res, Status: st, Severity: sev, Message: msg, Title: check + " title"}
}

func TestClassify(t *testing.T) {
	pass := State{Status: findings.Pass, Severity: findings.Medium}
	unk := State{Status: findings.Unknown, Severity: findings.Medium}
	failMed := State{Status: findings.Fail, Severity: findings.Medium}
	failHigh := State{Status: findings.Fail, Severity: findings.High}
	none := State{}
	tests := []struct {
		name     string
		old, new State
		kind     Kind
		changed  bool
	}{
		{"PASS→FAIL", pass, failMed, Worse, true},
		{"PASS→UNKNOWN", pass, unk, Worse, true},
		{"UNKNOWN→FAIL", unk, failMed, Worse, true},
		{"new FAIL", none, failMed, Worse, true},
		{"severity rose", failMed, failHigh, Worse, true},
		{"FAIL→PASS", failMed, pass, Better, true},
		{"FAIL→UNKNOWN", failMed, unk, Better, true},
		{"UNKNOWN→PASS", unk, pass, Better, true},
		{"severity fell", failHigh, failMed, Better, true},
		{"FAIL gone", failMed, none, Gone, true},
		{"PASS→PASS", pass, pass, "", false},
		{"FAIL→FAIL", failMed, failMed, "", false},
		{"UNKNOWN→UNKNOWN", unk, unk, "", false},
		{"new PASS", none, pass, Worse, false},
		{"new UNKNOWN", none, unk, Worse, false},
		{"PASS gone", pass, none, Gone, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, changed := Classify(tt.old, tt.new)
			if changed != tt.changed || (changed && kind != tt.kind) {
				t.Errorf("Classify = %q, %v; want %q, %v", kind, changed, tt.kind, tt.changed)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	old := []findings.Finding{
		fnd("TG-CT-005", "trail-a", findings.Pass, findings.Medium, "validation on"),
		fnd("TG-CT-001", "trail-a", findings.Pass, findings.High, "ok"),
		fnd("TG-S3-001", "bucket", findings.Fail, findings.Critical, "public"),
		fnd("TG-S3-003", "bucket", findings.Fail, findings.Medium, "no MFA delete"),
		fnd("TG-KMS-001", "key", findings.Unknown, findings.Critical, "access denied"),
		fnd("TG-IAM-001", "user", findings.Pass, findings.Medium, "ok"),
	}
	newer := []findings.Finding{
		fnd("TG-CT-005", "trail-a", findings.Fail, findings.Medium, "validation off"),
		// Two findings on one resource merge into the worst.
		fnd("TG-CT-001", "trail-a", findings.Pass, findings.High, "ok"),
		fnd("TG-CT-001", "trail-a", findings.Fail, findings.High, "not multi-region"),
		fnd("TG-S3-001", "bucket", findings.Pass, findings.Critical, "private"),
		fnd("TG-KMS-001", "key", findings.Pass, findings.Critical, "enabled"),
		fnd("TG-IAM-001", "user", findings.Pass, findings.Medium, "ok"),
		fnd("TG-CT-002", "us-west-2", findings.Fail, findings.High, "region not covered"),
		fnd("TG-CT-003", "trail-b", findings.Pass, findings.High, "logging"),
	}
	res := Compare(old, newer)
	ids := func(cs []Change) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.CheckID+"@"+c.Resource)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		got  []string
		want []string
	}{
		{"worse", ids(res.Worse), []string{"TG-CT-001@trail-a", "TG-CT-002@us-west-2", "TG-CT-005@trail-a"}},
		{"better", ids(res.Better), []string{"TG-KMS-001@key", "TG-S3-001@bucket"}},
		{"gone", ids(res.Gone), []string{"TG-S3-003@bucket"}},
	} {
		if len(tt.got) != len(tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
			continue
		}
		for i := range tt.got {
			if tt.got[i] != tt.want[i] {
				t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
				break
			}
		}
	}
	want := Counts{Worse: 3, Better: 2, Gone: 1, Unchanged: 1, Added: 1}
	if res.Counts != want {
		t.Errorf("counts = %+v, want %+v", res.Counts, want)
	}
	if !res.GotWorse() {
		t.Error("GotWorse = false")
	}
	c := res.Worse[0]
	if c.Old.Status != findings.Pass || c.New.Status != findings.Fail || c.New.Message != "not multi-region" || c.Title != "TG-CT-001 title" {
		t.Errorf("merged change = %+v", c)
	}
	if same := Compare(old, old); same.GotWorse() || len(same.Better)+len(same.Gone) != 0 || same.Counts.Unchanged != len(old) {
		t.Errorf("Compare(old, old) = %+v", same)
	}
}

func TestClassifyWaivedComparesAsFail(t *testing.T) {
	fail := State{Status: findings.Fail, Severity: findings.High}
	waived := State{Status: findings.Waived, Severity: findings.High}
	pass := State{Status: findings.Pass}
	tests := []struct {
		old, new State
		want     Kind
		ok       bool
	}{
		{fail, waived, "", false},
		{waived, fail, "", false},
		{pass, waived, Worse, true},
		{waived, pass, Better, true},
		{State{}, waived, Worse, true},
		{waived, State{}, Gone, true},
		{waived, State{Status: findings.Waived, Severity: findings.Critical}, Worse, true},
	}
	for _, tt := range tests {
		if got, ok := Classify(tt.old, tt.new); got != tt.want || ok != tt.ok {
			t.Errorf("Classify(%v, %v) = %q, %v; want %q, %v", tt.old, tt.new, got, ok, tt.want, tt.ok)
		}
	}
}
