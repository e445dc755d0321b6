package report

import (
	"bytes"
	"cmp"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/trailguard/trailguard/findings"
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

// manyFailures is a report of n failures with long messages, like an
// account with many trails and users.
func manyFailures(n int) Report {
	r := sample()
	r.Findings = nil
	for i := range n {
		r.Findings = append(r.Findings, findings.Finding{
			CheckID: "TG-IAM-003", Title: "Users who hold AWSCloudTrail_FullAccess use MFA", Status: findings.Fail,
			Severity: findings.High, Account: "111122223333",
			Resource: fmt.Sprintf("arn:aws:iam::111122223333:user/deploy-user-%04d", i),
			Message:  fmt.Sprintf("user deploy-user-%04d holds AWSCloudTrail_FullAccess (attached directly, via group/Developers) and signs in to the console with a password alone: no MFA device is assigned to it, so a stolen password stops every trail", i),
		})
	}
	r.Findings = append(r.Findings, findings.Finding{CheckID: "TG-KMS-002", Status: findings.Unknown, Severity: findings.Low,
		Resource: "arn:aws:kms:eu-west-1:111122223333:key/abc", Message: "kms:GetKeyRotationStatus: AccessDenied"})
	return r
}

// TestMarkdownFitsGitHubCommentLimit renders an account with 400 failures:
// GitHub refuses a comment over 65,536 characters.
func TestMarkdownFitsGitHubCommentLimit(t *testing.T) {
	r := manyFailures(400)
	if full := render(t, "markdown", r); len(full) > MarkdownCommentLimit {
		t.Fatalf("default markdown is %d bytes, over GitHub's %d", len(full), MarkdownCommentLimit)
	}
	for _, limit := range []int{0, 20000, 4096} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			w, err := New("markdown", Options{MarkdownLimit: limit})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := w.Write(&buf, r); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			want := cmp.Or(limit, MarkdownCommentLimit)
			if n := utf8.RuneCountInString(out); n > want || len(out) > want {
				t.Fatalf("%d characters (%d bytes), limit %d", n, len(out), want)
			}
			// The summary comes first and is whole.
			if !strings.HasPrefix(out, "## trailguard: account 111122223333") || !strings.Contains(out, "| FAIL | 0 | 400 | 0 | 0 | 0 | 400 |") {
				t.Fatalf("summary missing:\n%s", out[:min(len(out), 600)])
			}
			shown := strings.Count(out, "| high | TG-IAM-003")
			m := regexp.MustCompile(`\*\*(\d+) more, see the full report\*\* \((\d+) fail, 1 unknown not shown\)`).FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("no \"N more, see the full report\" line:\n%s", out[len(out)-600:])
			}
			if more, _ := strconv.Atoi(m[1]); shown == 0 || shown+more != 401 {
				t.Errorf("%d rows shown and %d more, want 401 in all", shown, more)
			}
			// Rows are never cut in half, and the most severe come first.
			if !strings.Contains(out, "deploy-user-0000") || strings.Contains(out, "deploy-user-0399") {
				t.Error("rows are not in order")
			}
		})
	}
	// -1: no limit, every finding.
	w, _ := New("markdown", Options{MarkdownLimit: -1})
	var buf bytes.Buffer
	if err := w.Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "| high | TG-IAM-003"); n != 400 || strings.Contains(buf.String(), "more, see the full report") {
		t.Errorf("no limit: %d rows", n)
	}
	// A report that fits is not cut.
	if out := string(render(t, "markdown", sample())); strings.Contains(out, "see the full report") {
		t.Error("a small report says it was cut")
	}
	if err := ValidateMarkdownLimit(100); err == nil {
		t.Error("a limit too small for the summary is accepted")
	}
}

// TestMarkdownEscaping renders the report with GitHub's Markdown parser
// (goldmark with the GFM table extension) and checks that text from the
// snapshot and the policies reads as written.
func TestMarkdownEscaping(t *testing.T) {
	r := sample()
	r.Findings[0].Message = "statement allows kms:* to Principal * and s3:Get* to arn:aws:iam::*:role/_x_ [link](http://x) `code` ~~strike~~ <img src=x>"
	r.Findings[0].Remediation.Console = "Edit the policy: replace \"Principal\": \"*\" with arn:aws:iam::*:root and remove *_all_* [grants]"
	md := render(t, "markdown", r)
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM))
	var html bytes.Buffer
	if err := gm.Convert(md, &html); err != nil {
		t.Fatal(err)
	}
	out := html.String()
	for _, bad := range []string{"<em>", "<strong>all", "<a href=\"http://x\"", "<del>", "<img", "<code>code</code>"} {
		if strings.Contains(out, bad) {
			t.Errorf("Markdown in snapshot text was rendered: %s", bad)
		}
	}
	for _, want := range []string{"kms:* to Principal * and s3:Get* to arn:aws:iam::*:role/_x_ [link](http://x)", "arn:aws:iam::*:root and remove *_all_* [grants]"} {
		if !strings.Contains(out, want) {
			t.Errorf("rendered text lacks %q", want)
		}
	}
}
