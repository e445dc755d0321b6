package report

import (
	"strings"
	"testing"
)

func TestMarkdown(t *testing.T) {
	out := string(render(t, "markdown", sample()))
	tests := []struct {
		name string
		want string
	}{
		{"header names the account", "## trailguard: account 111122223333"},
		{"counts by severity", "| FAIL | 2 | 0 | 1 | 0 | 1 | 4 |"},
		{"failing table header", "| Severity | Check | Resource | Message |"},
		{"most severe first", "| critical | TG-S3-001"},
		{"pipes and HTML escaped in cells", `log file validation is off \| &lt;b&gt;not&lt;/b&gt; &amp; "quoted"`},
		{"remediation", "aws cloudtrail update-trail --name <trail-arn> --enable-log-file-validation"},
		{"unknown listed", "### Could not be evaluated (1)\n\n- **TG-KMS-002** (low) `arn:aws:kms:eu-west-1:444455556666:key/abc`: kms:GetKeyRotationStatus: AccessDenied"},
		{"passing collapsed", "<details><summary>1 finding passed (1 check)</summary>"},
	}
	for _, tt := range tests {
		if !strings.Contains(out, tt.want) {
			t.Errorf("%s: output lacks %q\n%s", tt.name, tt.want, out)
		}
	}
	if strings.Index(out, "| critical | TG-S3-001") > strings.Index(out, "| medium | TG-CT-005") {
		t.Error("failures are not ordered by severity")
	}
	if empty := string(render(t, "markdown", Report{})); !strings.Contains(empty, "No findings.") {
		t.Errorf("empty report: %q", empty)
	}
}
