package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/compliance"
	"github.com/trailguard/trailguard/findings"
)

// waivedSample is sample() with the bucket's failures waived and the trail's
// failure carrying an expired waiver.
func waivedSample() Report {
	r := sample()
	for i, f := range r.Findings {
		switch f.CheckID {
		case "TG-S3-001":
			r.Findings[i].Status, r.Findings[i].WaiverReason, r.Findings[i].WaiverExpires = findings.Waived, "public website bucket, accepted by CISO", "2026-12-31"
		case "TG-CT-005":
			r.Findings[i].WaiverExpired = "2025-12-31"
		}
	}
	return r
}

func TestWaivedInEveryFormat(t *testing.T) {
	r := waivedSample()
	fw := compliance.Framework{Name: "x", Controls: []compliance.Control{{ID: "1", Checks: []string{"TG-S3-001"}}, {ID: "2", Checks: []string{"TG-CT-005", "TG-S3-001"}}}}
	res := compliance.Evaluate(fw, r.Findings)
	r.Compliance = &res
	tests := []struct {
		format string
		want   []string
	}{
		{"table", []string{"WAIVED", "waived until 2026-12-31: public website bucket,", "waiver expired on", "2 waived", "1 waived, 0 not covered"}},
		{"json", []string{`"status": "WAIVED"`, `"waiver_reason": "public website bucket, accepted by CISO"`, `"waiver_expires": "2026-12-31"`, `"waiver_expired": "2025-12-31"`, `"waived": 2`, `"status": "WAIVED"`}},
		{"markdown", []string{"### Waived (2)", "| critical | TG-S3-001", "public website bucket, accepted by CISO | 2026-12-31 |", "waiver expired on 2025-12-31", "| WAIVED |", "| 1 | WAIVED | TG-S3-001 | 0 | 0 | 0 | 2 |", "| 2 | FAIL | TG-CT-005, TG-S3-001 | 0 | 1 | 0 | 2 |"}},
		{"sarif", []string{`"suppressions": [`, `"kind": "external"`, `"justification": "public website bucket, accepted by CISO"`}},
		{"junit", []string{`<skipped>WAIVED: public website bucket, accepted by CISO</skipped>`}},
		{"asff", []string{`"Status": "SUPPRESSED"`, `"trailguard/Status": "WAIVED"`}},
		{"ocsf", []string{`"status": "Suppressed"`, `"status_id": 3`}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			out := string(render(t, tt.format, r))
			if tt.format == "table" { // wide enough that no note is wrapped
				var buf bytes.Buffer
				tw := NewTable(false)
				tw.Width = 200
				if err := tw.Write(&buf, r); err != nil {
					t.Fatal(err)
				}
				out = buf.String()
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("%s output lacks %q:\n%s", tt.format, w, out)
				}
			}
		})
	}
	// ASFF keeps Compliance.Status FAILED for the waived bucket.
	var asff []ASFFFinding
	if err := json.Unmarshal(render(t, "asff", r), &asff); err != nil {
		t.Fatal(err)
	}
	for _, f := range asff {
		if f.GeneratorId == "TG-S3-001" && (f.Compliance.Status != "FAILED" || f.Workflow.Status != "SUPPRESSED") {
			t.Errorf("waived ASFF finding: %+v %+v", f.Compliance, f.Workflow)
		}
	}
}
