package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/compliance"
	"github.com/trailguard/trailguard/diff"
	"github.com/trailguard/trailguard/findings"
)

func withCompliance(t *testing.T) Report {
	t.Helper()
	r := example(t)
	fw, ok := compliance.Find(compliance.Catalog(r.Checks), "cis-aws-v3.0.0")
	if !ok {
		t.Fatal("cis-aws-v3.0.0 not in the catalog")
	}
	res := compliance.Evaluate(fw, r.Findings)
	r.Compliance = &res
	return r
}

func TestComplianceInFormats(t *testing.T) {
	r := withCompliance(t)
	tests := []struct {
		format string
		want   []string
		absent bool // the format ignores compliance
	}{
		{"table", []string{"Framework cis-aws-v3.0.0", "│ 2.1.1   │ FAIL", "cis-aws-v3.0.0: 16 controls"}, false},
		{"markdown", []string{"### Compliance: cis-aws-v3.0.0", "| Control | Status | Checks |"}, false},
		{"junit", nil, true},
		{"sarif", nil, true},
		{"asff", nil, true},
		{"ocsf", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			w, err := New(tt.format, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var with, without bytes.Buffer
			if err := w.Write(&with, r); err != nil {
				t.Fatal(err)
			}
			plain := r
			plain.Compliance = nil
			if err := w.Write(&without, plain); err != nil {
				t.Fatal(err)
			}
			if tt.absent {
				if with.String() != without.String() {
					t.Errorf("%s changed with compliance", tt.format)
				}
				return
			}
			if !strings.HasPrefix(with.String(), strings.TrimRight(without.String(), "\n")) {
				t.Errorf("%s: the findings part changed", tt.format)
			}
			for _, s := range tt.want {
				if !strings.Contains(with.String(), s) {
					t.Errorf("%s lacks %q", tt.format, s)
				}
			}
		})
	}
}

func TestJSONComplianceAndReadBack(t *testing.T) {
	r := withCompliance(t)
	var buf bytes.Buffer
	if err := NewJSON().Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "account", "snapshot", "collected_at", "summary", "findings", "compliance"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	var res compliance.Result
	if err := json.Unmarshal(doc["compliance"], &res); err != nil || res.Framework != "cis-aws-v3.0.0" || res.Summary.Controls == 0 {
		t.Errorf("compliance = %+v, %v", res, err)
	}

	back, err := ReadJSON(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if back.Account != r.Account || len(back.Findings) != len(r.Findings) {
		t.Errorf("read back %s with %d findings, want %s with %d", back.Account, len(back.Findings), r.Account, len(r.Findings))
	}
	if d := diff.Compare(r.Findings, back.Findings); d.GotWorse() || d.Counts.Unchanged == 0 {
		t.Errorf("read-back findings differ: %+v", d.Counts)
	}
	for _, bad := range []struct{ name, doc, want string }{
		{"not JSON", "{", "invalid JSON"},
		{"snapshot", `{"schema_version": "1"}`, "not a trailguard JSON results document"},
		{"version", `{"version": "2", "summary": {}, "findings": []}`, `version "2" is not supported`},
		{"wrong type", `{"version": "1", "summary": {}, "findings": {}}`, "reading JSON results"},
	} {
		if _, err := ReadJSON([]byte(bad.doc)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: err = %v, want %q", bad.name, err, bad.want)
		}
	}
}

func TestWriteDiff(t *testing.T) {
	old := []findings.Finding{
		{CheckID: "TG-CT-005", Title: "Log file validation is enabled", Resource: "trail", Status: findings.Pass, Severity: findings.Medium, Message: "on"},
		{CheckID: "TG-S3-001", Title: "Bucket is private", Resource: "bucket", Status: findings.Fail, Severity: findings.Critical, Message: "public"},
		{CheckID: "TG-S3-003", Title: "MFA delete", Resource: "bucket|x", Status: findings.Fail, Severity: findings.Medium, Message: "no MFA delete"},
	}
	newer := []findings.Finding{
		{CheckID: "TG-CT-005", Title: "Log file validation is enabled", Resource: "trail", Status: findings.Fail, Severity: findings.Medium, Message: "off"},
		{CheckID: "TG-S3-001", Title: "Bucket is private", Resource: "bucket", Status: findings.Pass, Severity: findings.Critical, Message: "private"},
	}
	d := Diff{Old: "old.json", New: "new.json", Result: diff.Compare(old, newer)}
	tests := []struct {
		format string
		want   []string // in order: worse, then better, then no longer reported
	}{
		{"table", []string{"Worse (1)", "TG-CT-005", "off", "Better (1)", "TG-S3-001", "private", "No longer reported (1)", "TG-S3-003", "FAIL (medium)", "old.json → new.json: 1 worse, 1 better, 1 no longer reported"}},
		{"markdown", []string{"`old.json` → `new.json`", "### Worse (1)", "| TG-CT-005 Log file validation is enabled | `trail` | PASS | FAIL (medium) | off |", "### Better (1)", "### No longer reported (1)", "`bucket\\|x` | FAIL (medium) | - | no MFA delete |"}},
		{"json", []string{`"version": "1"`, `"old": "old.json"`, `"worse": [`, `"check_id": "TG-CT-005"`, `"better": [`, `"no_longer_reported": [`, `"counts": {`}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteDiff(&buf, tt.format, d, false); err != nil {
				t.Fatal(err)
			}
			rest := buf.String()
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("%s lacks %q (in order):\n%s", tt.format, w, buf.String())
				}
				rest = rest[i+len(w):]
			}
		})
	}
	if err := WriteDiff(&bytes.Buffer{}, "sarif", d, false); err == nil {
		t.Error("WriteDiff(sarif) succeeded")
	}
}
