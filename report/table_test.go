package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/trailguard/trailguard/compliance"
)

// The table fits the width it is given, leads with the counts by status and
// severity, has one section per check with its title, and one row per
// (check, resource).
func TestTableLayout(t *testing.T) {
	for _, name := range []string{"noncompliant", "org-member", "access-denied", "compliant"} {
		r := evaluate(t, name)
		fw := compliance.Framework{Name: "x", Controls: []compliance.Control{{ID: "1", Checks: []string{"TG-CT-005", "TG-S3-001", "TG-S3-002", "TG-S3-003", "TG-CT-001", "TG-CT-002", "TG-KMS-001"}}}}
		res := compliance.Evaluate(fw, r.Findings)
		r.Compliance = &res
		for _, width := range []int{80, 100, 132} {
			tw := NewTable(false)
			tw.Width = width
			var buf bytes.Buffer
			if err := tw.Write(&buf, r); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			lines := strings.Split(out, "\n")
			for i, l := range lines {
				if n := utf8.RuneCountInString(l); n > width {
					t.Errorf("%s at %d columns: line %d is %d wide: %q", name, width, i+1, n, l)
				}
			}
			if !strings.HasPrefix(out, "Account "+r.Account+":") || !strings.Contains(strings.Join(lines[:5], "\n"), "│ STATUS  │ CRITICAL │ HIGH │ MEDIUM │ LOW │ INFO │ TOTAL │") {
				t.Errorf("%s: the table does not lead with the summary:\n%s", name, strings.Join(lines[:6], "\n"))
			}
			sum := r.Summary()
			if want := fmt.Sprintf("%d failed, %d unknown, %d passed", sum.Failed, sum.Unknown, sum.Passed); !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
				t.Errorf("%s: summary lacks %q", name, want)
			}
			// One section per check with its title; one row per (check, resource).
			for _, g := range groupByCheckResource(r.Findings) {
				title := r.checksByID()[g.CheckID].Title
				if strings.Count(out, "\n"+g.CheckID+" [") != 1 || !strings.Contains(strings.Join(strings.Fields(out), " "), title) {
					t.Errorf("%s: check %s has not exactly one section with its title %q", name, g.CheckID, title)
				}
			}
			rows := 0
			for _, l := range lines {
				for _, st := range []string{"│ FAIL ", "│ PASS ", "│ UNKNOWN ", "│ WAIVED "} {
					if strings.HasPrefix(l, st) {
						rows++
					}
				}
			}
			if want := len(groupByCheckResource(r.Findings)) + 4; rows != want { // + the summary's 4 status rows
				t.Errorf("%s at %d: %d rows, want %d (one per check and resource)", name, width, rows, want)
			}
		}
	}
}

func TestDisplayResource(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"arn:aws:cloudtrail:us-east-1:111122223333:trail/main", "cloudtrail:trail/main"},
		{"arn:aws:s3:::logs-bucket", "s3:logs-bucket"},
		{"arn:aws:kms:eu-west-1:444455556666:key/abc", "arn:aws:kms:eu-west-1:444455556666:key/abc"}, // another account: in full
		{"111122223333", "111122223333"},
		{"logs-bucket", "logs-bucket"},
	} {
		if got, _ := displayResource(tt.in, "111122223333"); got != tt.want {
			t.Errorf("displayResource(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := wrapARN("arn:aws:cloudtrail:us-east-1:111111111111:trail/organization-trail", 30); got != "arn:aws:cloudtrail:us-east-1:\n111111111111:trail/\norganization-trail" {
		t.Errorf("wrapARN = %q", got)
	}
}
