package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/findings"
)

const fixture = "../../policies/trailguard/fixtures/compliant/data.json"

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"trailguard"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func fixtureWith(t *testing.T, edit func(doc map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	b, _ = json.Marshal(doc)
	return writeFile(t, "snapshot.json", string(b))
}

func TestEvalInputErrors(t *testing.T) {
	valid, _ := os.ReadFile(fixture)
	tests := []struct {
		name string
		path string
		want string
	}{
		{"missing file", filepath.Join(t.TempDir(), "nope.json"), "reading snapshot: open"},
		{"not JSON", writeFile(t, "a.json", "trails:\n  - x\n"), "a.json: 1:4: invalid JSON: invalid character 'a' in literal true"},
		{"truncated", writeFile(t, "t.json", string(valid[:len(valid)/2])), "t.json: "},
		{"empty", writeFile(t, "e.json", ""), "the file is empty"},
		{"array", writeFile(t, "arr.json", "[]"), "the document is a JSON array, not an object"},
		{"wrong version", fixtureWith(t, func(d map[string]any) { d["schema_version"] = "2" }), `schema_version "2" is not supported`},
		{"no version", fixtureWith(t, func(d map[string]any) { delete(d, "schema_version") }), "schema_version is missing"},
		{"schema violation", fixtureWith(t, func(d map[string]any) {
			for _, tr := range d["trails"].(map[string]any) {
				tr.(map[string]any)["is_multi_region"] = "yes"
			}
		}), "does not match the snapshot schema: at /trails/arn:aws:cloudtrail:us-east-1:111122223333:trail~1management-events/is_multi_region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "eval", tt.path)
			if code != exitError {
				t.Errorf("exit code = %d, want %d", code, exitError)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.want)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || strings.Contains(stderr, "goroutine") {
				t.Errorf("stderr is not one line: %q", stderr)
			}
		})
	}
}

func TestEvalTruncatedNamesLine(t *testing.T) {
	valid, _ := os.ReadFile(fixture)
	p := writeFile(t, "t.json", string(valid[:len(valid)/2]))
	_, _, stderr := runCLI(t, "eval", p)
	if !strings.Contains(stderr, "unexpected end of file (truncated?)") {
		t.Fatalf("stderr = %q", stderr)
	}
}

func TestEvalUsageErrors(t *testing.T) {
	tests := [][]string{
		{"eval"},
		{"eval", fixture, "extra.json"},
		{"eval", "--format", "xml", fixture},
		{"eval", "--fail-on", "severe", fixture},
		{"eval", "--severity", "urgent", fixture},
		{"eval", "--status", "MAYBE", fixture},
		{"eval", "--param", "novalue", fixture},
		{"eval", "--no-such-flag", fixture},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if code, _, stderr := runCLI(t, args...); code != exitError || stderr == "" {
				t.Fatalf("exit code = %d, stderr = %q; want %d and a message", code, stderr, exitError)
			}
		})
	}
}

func evalJSON(t *testing.T, args ...string) (int, []findings.Finding) {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"eval", "--format", "json"}, args...)...)
	var doc struct {
		Account  string             `json:"account"`
		Summary  findings.Summary   `json:"summary"`
		Findings []findings.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("output is not JSON (%v); stderr %q", err, stderr)
	}
	return code, doc.Findings
}

func TestEvalCompliantExitsZero(t *testing.T) {
	code, fs := evalJSON(t, fixture)
	if code != exitOK {
		t.Fatalf("exit code = %d", code)
	}
	for _, f := range fs {
		if f.Status != findings.Pass {
			t.Errorf("%s %s: %s %s", f.CheckID, f.Resource, f.Status, f.Message)
		}
		if f.Title == "" || f.Remediation.CLI == "" || f.Account == "" || f.Severity == "" {
			t.Errorf("%s: incomplete finding %+v", f.CheckID, f)
		}
	}
}

func TestEvalFailOnAndFilters(t *testing.T) {
	noValidation := fixtureWith(t, func(d map[string]any) {
		for _, tr := range d["trails"].(map[string]any) {
			tr.(map[string]any)["log_file_validation_enabled"] = false
		}
	})
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantN    int // findings shown, -1 = any
	}{
		{"any failure exits 1", []string{noValidation}, exitFindings, -1},
		{"medium failure below --fail-on high", []string{"--fail-on", "high", noValidation}, exitOK, -1},
		{"--fail-on none", []string{"--fail-on", "none", noValidation}, exitOK, -1},
		{"--check selects one check", []string{"--check", "TG-CT-005", noValidation}, exitFindings, 1},
		{"--check prefix", []string{"--check", "tg-ct-00*", "--fail-on", "none", noValidation}, exitOK, -1},
		{"--severity hides the failure", []string{"--severity", "critical", noValidation}, exitOK, -1},
		{"--status FAIL", []string{"--status", "fail", noValidation}, exitFindings, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, fs := evalJSON(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			if tt.wantN >= 0 && len(fs) != tt.wantN {
				t.Errorf("%d findings shown, want %d: %+v", len(fs), tt.wantN, fs)
			}
		})
	}
}

func TestEvalTableAndOutputFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.txt")
	code, stdout, _ := runCLI(t, "eval", "-o", out, fixture)
	if code != exitOK || stdout != "" {
		t.Fatalf("code %d stdout %q", code, stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, "TG-CT-005") || !strings.Contains(s, "Account 111122223333:") || strings.Contains(s, "\x1b[") {
		t.Fatalf("unexpected table (colour must be off when not a terminal):\n%s", s)
	}
}

func TestPoliciesAndSchemaCommands(t *testing.T) {
	code, stdout, _ := runCLI(t, "policies", "--format", "json")
	var checks []findings.Check
	if code != 0 || json.Unmarshal([]byte(stdout), &checks) != nil || len(checks) == 0 {
		t.Fatalf("policies --format json: code %d, output %q", code, stdout)
	}
	code, stdout, _ = runCLI(t, "policies")
	if code != 0 || !strings.Contains(stdout, checks[0].ID) {
		t.Fatalf("policies: code %d, output %q", code, stdout)
	}
	code, stdout, _ = runCLI(t, "schema")
	var s map[string]any
	if code != 0 || json.Unmarshal([]byte(stdout), &s) != nil || s["title"] != "trailguard snapshot" {
		t.Fatalf("schema: code %d", code)
	}
}

// TestReadmeCatalogUpToDate keeps README.md's catalog equal to the checks'
// METADATA. Run with UPDATE_README=1 to rewrite it.
func TestReadmeCatalogUpToDate(t *testing.T) {
	const start, end = "<!-- catalog:start -->\n", "<!-- catalog:end -->"
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	code, want, _ := runCLI(t, "policies", "-f", "markdown")
	if code != 0 {
		t.Fatalf("policies -f markdown: exit %d", code)
	}
	s := string(readme)
	i, j := strings.Index(s, start), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatal("README.md lacks the catalog markers")
	}
	got := s[i+len(start) : j]
	if got == want {
		return
	}
	if os.Getenv("UPDATE_README") != "" {
		if err := os.WriteFile("../../README.md", []byte(s[:i+len(start)]+want+s[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("README.md catalog is out of date; run UPDATE_README=1 go test ./cmd/trailguard -run TestReadmeCatalogUpToDate")
}

// TestShippedSnapshots runs `eval` end to end on the example snapshots in
// testdata/ and checks the verdicts they were written to exercise.
// orgCheck tells whether a built-in check reports only in organization scans.
func orgCheck(id string) bool { return strings.HasPrefix(id, "TG-ORG-") }

func TestShippedSnapshots(t *testing.T) {
	byCheck := func(fs []findings.Finding) map[string]map[findings.Status]int {
		m := map[string]map[findings.Status]int{}
		for _, f := range fs {
			if m[f.CheckID] == nil {
				m[f.CheckID] = map[findings.Status]int{}
			}
			m[f.CheckID][f.Status]++
		}
		return m
	}
	_, out, _ := runCLI(t, "policies", "-f", "json")
	var catalog []findings.Check
	if err := json.Unmarshal([]byte(out), &catalog); err != nil {
		t.Fatal(err)
	}

	t.Run("compliant passes every check", func(t *testing.T) {
		// With its configuration: the break-glass role is declared by ARN (TG-IAM-007).
		code, fs := evalJSON(t, "--config", shippedConfig, "../../testdata/compliant.json")
		if code != exitOK {
			t.Errorf("exit code %d", code)
		}
		got := byCheck(fs)
		for _, c := range catalog {
			if orgCheck(c.ID) {
				if len(got[c.ID]) > 0 {
					t.Errorf("%s: %v on a single-account snapshot, want nothing (organization scans only)", c.ID, got[c.ID])
				}
				continue
			}
			if got[c.ID][findings.Pass] == 0 || len(got[c.ID]) != 1 {
				t.Errorf("%s: %v, want only PASS", c.ID, got[c.ID])
			}
		}
	})
	t.Run("noncompliant fails every check", func(t *testing.T) {
		code, fs := evalJSON(t, "../../testdata/noncompliant.json")
		if code != exitFindings {
			t.Errorf("exit code %d", code)
		}
		got := byCheck(fs)
		for _, c := range catalog {
			if orgCheck(c.ID) {
				if len(got[c.ID]) > 0 {
					t.Errorf("%s: %v on a single-account snapshot, want nothing (organization scans only)", c.ID, got[c.ID])
				}
				continue
			}
			if got[c.ID][findings.Fail] == 0 {
				t.Errorf("%s: %v, want a FAIL", c.ID, got[c.ID])
			}
		}
	})
	t.Run("organization: every account judged, shared bucket and key decided, unscanned accounts unknown", func(t *testing.T) {
		code, fs := evalJSON(t, "../../testdata/org.json")
		if code != exitFindings {
			t.Errorf("exit code %d, want %d (TG-ORG-003 fails in the Security OU)", code, exitFindings)
		}
		byAccount := map[string]map[string]map[findings.Status]int{}
		for _, f := range fs {
			if byAccount[f.Account] == nil {
				byAccount[f.Account] = map[string]map[findings.Status]int{}
			}
			if byAccount[f.Account][f.CheckID] == nil {
				byAccount[f.Account][f.CheckID] = map[findings.Status]int{}
			}
			byAccount[f.Account][f.CheckID][f.Status]++
		}
		for _, c := range catalog {
			for _, acct := range []string{"777788889999", "888899990000"} {
				if got := byAccount[acct][c.ID]; got[findings.Unknown] != 1 || len(got) != 1 {
					t.Errorf("not scanned %s, %s: %v, want one UNKNOWN", acct, c.ID, got)
				}
			}
			member := byAccount["222233334444"][c.ID]
			if strings.HasPrefix(c.ID, "TG-S3-") || strings.HasPrefix(c.ID, "TG-KMS-") || orgCheck(c.ID) {
				if member[findings.Pass] == 0 || len(member) != 1 {
					t.Errorf("member 222233334444, %s: %v, want PASS now that the shared bucket and key are joined", c.ID, member)
				}
			}
		}
		for acct, want := range map[string]findings.Status{"333344445555": findings.Fail, "555566667777": findings.Fail, "222233334444": findings.Pass, "666677778888": findings.Pass} {
			if got := byAccount[acct]["TG-ORG-003"]; got[want] != 1 {
				t.Errorf("TG-ORG-003 in %s: %v, want %s", acct, got, want)
			}
		}
		if got := byAccount["111111111111"]["TG-ORG-003"]; len(got) != 0 {
			t.Errorf("TG-ORG-003 in the management account: %v, want nothing (SCPs do not apply to it)", got)
		}
	})
	t.Run("organization member: cross-account bucket and key are unknown, never passed", func(t *testing.T) {
		_, fs := evalJSON(t, "../../testdata/org-member.json")
		got := byCheck(fs)
		for _, c := range catalog {
			if !strings.HasPrefix(c.ID, "TG-S3-") && !strings.HasPrefix(c.ID, "TG-KMS-") {
				continue
			}
			if got[c.ID][findings.Pass] > 0 || got[c.ID][findings.Unknown] == 0 {
				t.Errorf("%s: %v, want UNKNOWN and no PASS", c.ID, got[c.ID])
			}
		}
		for _, id := range []string{"TG-CT-001", "TG-CT-005", "TG-CT-003"} {
			if got[id][findings.Pass] == 0 {
				t.Errorf("%s: %v, the organization trail's own settings are readable and good", id, got[id])
			}
		}
	})
	t.Run("access denied: nothing unreadable passes", func(t *testing.T) {
		_, fs := evalJSON(t, "../../testdata/access-denied.json")
		got := byCheck(fs)
		for _, id := range []string{"TG-CT-003", "TG-IAM-001", "TG-IAM-002", "TG-IAM-005", "TG-IAM-006", "TG-S3-001", "TG-S3-003", "TG-KMS-002", "TG-KMS-003"} {
			if got[id][findings.Pass] > 0 || got[id][findings.Unknown] == 0 {
				t.Errorf("%s: %v, want UNKNOWN and no PASS", id, got[id])
			}
		}
		for _, f := range fs {
			if f.Status == findings.Unknown && !strings.Contains(f.Message, "AccessDenied") && !strings.Contains(f.Message, "not collected") {
				t.Logf("%s %s: UNKNOWN message does not quote the error: %s", f.CheckID, f.Resource, f.Message)
			}
		}
	})
}

// TestEvalSeveralFormats writes several reports in one run: one to standard
// output, the others to files.
func TestEvalSeveralFormats(t *testing.T) {
	dir := t.TempDir()
	file := func(name string) string { return filepath.Join(dir, name) }
	code, stdout, stderr := runCLI(t, "eval", "--fail-on", "none",
		"-f", "table", "-f", "sarif="+file("out.sarif"), "-f", "junit="+file("out.xml"),
		"-f", "asff="+file("asff.json"), "-f", "ocsf="+file("ocsf.json"), "-f", "markdown="+file("summary.md"),
		"../../testdata/noncompliant.json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Account 580247316092:") {
		t.Errorf("table not on stdout: %q", stdout)
	}
	for name, want := range map[string]string{
		"out.sarif":  `"version": "2.1.0"`,
		"out.xml":    "<testsuites",
		"asff.json":  `"SchemaVersion": "2018-10-08"`,
		"ocsf.json":  `"class_uid": 2003`,
		"summary.md": "## trailguard: account 580247316092",
	} {
		b, err := os.ReadFile(file(name))
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s: %v, lacks %q", name, err, want)
		}
	}

	// --output still takes the one format given without a file.
	code, stdout, _ = runCLI(t, "eval", "--fail-on", "none", "-f", "json", "-o", file("r.json"), "-f", "markdown="+file("s.md"), fixture)
	if b, err := os.ReadFile(file("r.json")); code != exitOK || stdout != "" || err != nil || !json.Valid(b) {
		t.Errorf("-f json -o: code %d stdout %q err %v", code, stdout, err)
	}

	for _, args := range [][]string{
		{"-f", "table", "-f", "json"},                            // two on stdout
		{"-f", "sarif=" + file("x"), "-f", "junit=" + file("x")}, // one file twice
		{"-f", "sarif="},           // no file
		{"-f", "xml=" + file("y")}, // unknown format
	} {
		if code, _, stderr := runCLI(t, append(append([]string{"eval"}, args...), fixture)...); code != exitError || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q; want a usage error", args, code, stderr)
		}
	}
}

func TestFlagsAfterArguments(t *testing.T) {
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"eval", fixture, "-f", "json", "--fail-on", "none"}, exitOK},
		{[]string{"eval", fixture, "--format=json", "--no-color"}, exitOK},
		{[]string{"eval", fixture, "--check", "TG-CT-005", "--status", "FAIL"}, exitOK},
		{[]string{"eval", fixture, "extra.json", "-f", "json"}, exitError},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			if code, _, stderr := runCLI(t, tt.args...); code != tt.want {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tt.want, stderr)
			}
		})
	}
}

// A run that fails leaves an earlier report as it was, and no temporary files.
func TestFailedRunKeepsEarlierReport(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.json")
	if err := os.WriteFile(out, []byte("earlier report"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := writeFile(t, "bad.json", "{not json")
	if code, _, _ := runCLI(t, "eval", bad, "-f", "json", "-o", out); code != exitError {
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	if b, _ := os.ReadFile(out); string(b) != "earlier report" {
		t.Errorf("the earlier report was overwritten: %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left behind: %v", entries)
	}
	// A run that succeeds replaces it.
	if code, _, stderr := runCLI(t, "eval", fixture, "-f", "json", "-o", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(out); !strings.HasPrefix(string(b), "{") {
		t.Errorf("the report was not written: %.40q", b)
	}
}

// TestEvalCollectedOrganization evaluates what the organization walk
// (orgscan, branch issue9) wrote for its Control Tower-like fixture: the
// Control Tower guardrail (an SCP on Workloads whose Resource is
// arn:aws:cloudtrail:*:*:trail/aws-controltower-*) protects that OU only.
func TestEvalCollectedOrganization(t *testing.T) {
	_, fs := evalJSON(t, "--fail-on", "none", "../../testdata/org-collected.json")
	got := map[string]findings.Status{}
	for _, f := range fs {
		if f.CheckID == "TG-ORG-003" {
			got[f.Account] = f.Status
		}
	}
	want := map[string]findings.Status{
		"222222222222": findings.Fail, "333333333333": findings.Fail, // Security OU
		"444444444444": findings.Pass,                                      // Workloads OU
		"555555555555": findings.Fail,                                      // Sandbox OU
		"666666666666": findings.Unknown, "777777777777": findings.Unknown, // not scanned
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("TG-ORG-003 by account: got %v, want %v", got, want)
	}
}

func TestEvalOrganizationExitCodes(t *testing.T) {
	if code, _, stderr := runCLI(t, "eval", "--fail-on", "none", "../../testdata/org.json"); code != exitOK {
		t.Errorf("--fail-on none: exit %d (%s)", code, stderr)
	}
	// The accounts that could not be scanned are UNKNOWN for every check.
	if code, _, _ := runCLI(t, "eval", "--fail-on", "none", "--fail-on-unknown", "../../testdata/org.json"); code != exitFindings {
		t.Errorf("--fail-on-unknown: exit %d, want %d", code, exitFindings)
	}
	// A broken account snapshot inside the organization: one line with the JSON pointer, exit 2.
	data, err := os.ReadFile("../../testdata/org.json")
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "org.json")
	os.WriteFile(bad, []byte(strings.Replace(string(data), `"is_multi_region": true`, `"is_multi_region": "yes"`, 1)), 0o644)
	code, stdout, stderr := runCLI(t, "eval", bad)
	if code != exitError || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "does not match the organization snapshot schema: at /accounts/") {
		t.Errorf("broken organization snapshot: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestSchemaOrganization(t *testing.T) {
	code, out, _ := runCLI(t, "schema", "--organization")
	if code != exitOK || !strings.Contains(out, `"$id": "https://trailguard.dev/schema/organization-1.json"`) {
		t.Errorf("schema --organization: exit %d, %.200s", code, out)
	}
}
