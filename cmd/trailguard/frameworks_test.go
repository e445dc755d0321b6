package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/compliance"
)

func frameworksJSON(t *testing.T, args ...string) map[string]compliance.Framework {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"frameworks", "-f", "json"}, args...)...)
	if code != exitOK {
		t.Fatalf("frameworks: exit %d, stderr %q", code, stderr)
	}
	var list []compliance.Framework
	if err := json.Unmarshal([]byte(stdout), &list); err != nil {
		t.Fatalf("frameworks -f json: %v\n%s", err, stdout)
	}
	out := map[string]compliance.Framework{}
	var names []string
	for _, fw := range list {
		out[fw.Name] = fw
		names = append(names, fw.Name)
	}
	if !slices.IsSorted(names) {
		t.Errorf("frameworks not sorted: %v", names)
	}
	return out
}

func TestFrameworksCommand(t *testing.T) {
	builtin := frameworksJSON(t)
	withAcme := frameworksJSON(t, "--policy", "../../bundles/examples/acme")
	tests := []struct {
		name      string
		got       map[string]compliance.Framework
		framework string
		control   string
		checks    []string
	}{
		{"CIS v3 log validation", builtin, "cis-aws-v3.0.0", "3.2", []string{"TG-CT-005"}},
		{"CIS v3 multi-region", builtin, "cis-aws-v3.0.0", "3.1", []string{"TG-CT-001", "TG-CT-002"}},
		{"CIS v1.4 object reads", builtin, "cis-aws-v1.4.0", "3.11", []string{"TG-CT-010"}},
		{"Security Hub", builtin, "securityhub", "CloudTrail.4", []string{"TG-CT-005"}},
		{"custom framework", withAcme, "acme-security-standard", "FIN-1.2", []string{"ACME-TAG-001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fw, ok := tt.got[tt.framework]
			if !ok {
				t.Fatalf("framework %s missing", tt.framework)
			}
			i := slices.IndexFunc(fw.Controls, func(c compliance.Control) bool { return c.ID == tt.control })
			if i < 0 || !slices.Equal(fw.Controls[i].Checks, tt.checks) {
				t.Errorf("control %s = %+v, want checks %v", tt.control, fw.Controls, tt.checks)
			}
			var ids []string
			for _, c := range fw.Controls {
				ids = append(ids, c.ID)
			}
			if !slices.IsSortedFunc(ids, compliance.CompareIDs) {
				t.Errorf("controls not in natural order: %v", ids)
			}
		})
	}
	if _, ok := builtin["acme-security-standard"]; ok {
		t.Error("custom framework listed without --policy")
	}
	// Natural order: 3.2 before 3.10.
	ids := []string{}
	for _, c := range builtin["cis-aws-v1.4.0"].Controls {
		ids = append(ids, c.ID)
	}
	if i, j := slices.Index(ids, "3.2"), slices.Index(ids, "3.10"); i < 0 || j < 0 || i > j {
		t.Errorf("cis-aws-v1.4.0 controls = %v, want 3.2 before 3.10", ids)
	}

	code, stdout, _ := runCLI(t, "frameworks")
	if code != exitOK || !strings.Contains(stdout, "cis-aws-v3.0.0") || !strings.Contains(stdout, "CloudTrail.4") {
		t.Errorf("frameworks table: exit %d\n%s", code, stdout)
	}
	code, _, stderr := runCLI(t, "frameworks", "-f", "xml")
	if code != exitError || !strings.Contains(stderr, "want table or json") {
		t.Errorf("frameworks -f xml: exit %d, stderr %q", code, stderr)
	}
}

// evalCompliance runs eval -f json --framework and returns the compliance object.
func evalCompliance(t *testing.T, args ...string) (int, map[string]any, compliance.Result) {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"eval", "-f", "json"}, args...)...)
	var doc map[string]any
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("eval: exit %d, stderr %q, %v", code, stderr, err)
	}
	var res compliance.Result
	if raw, ok := doc["compliance"]; ok {
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, &res); err != nil {
			t.Fatal(err)
		}
	}
	return code, doc, res
}

func controlStatus(res compliance.Result, id string) compliance.Status {
	for _, c := range res.Controls {
		if c.ID == id {
			return c.Status
		}
	}
	return "missing"
}

func TestEvalFramework(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		controls map[string]compliance.Status
	}{
		{"compliant CIS v3", []string{"--framework", "cis-aws-v3.0.0", "../../testdata/compliant.json"},
			map[string]compliance.Status{"3.2": compliance.Pass, "3.1": compliance.Pass, "1.4": compliance.Pass,
				// CIS 1.15 and 1.10 are about every user; the checks look only at AWSCloudTrail_FullAccess.
				"1.15": compliance.PartlyCovered, "1.10": compliance.PartlyCovered, "3.6": compliance.PartlyCovered}},
		{"noncompliant CIS v3", []string{"--framework", "cis-aws-v3.0.0", "../../testdata/noncompliant.json"},
			map[string]compliance.Status{"3.2": compliance.Fail, "2.1.2": compliance.Fail}},
		{"access denied Security Hub", []string{"--framework", "securityhub", "../../testdata/access-denied.json"},
			map[string]compliance.Status{"IAM.9": compliance.Unknown, "CloudTrail.5": compliance.Fail, "CloudTrail.4": compliance.Pass}},
		{"custom framework", []string{"--framework", "acme-security-standard", "--policy", "../../bundles/examples/acme",
			"--data", "../../bundles/examples/acme/data.json", "../../testdata/compliant.json"},
			map[string]compliance.Status{"FIN-1.2": compliance.Fail, "IAM-4.3": compliance.Fail}},
		{"filters do not hide controls", []string{"--framework", "cis-aws-v3.0.0", "--status", "FAIL", "../../testdata/compliant.json"},
			map[string]compliance.Status{"3.2": compliance.Pass}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, doc, res := evalCompliance(t, tt.args...)
			for _, field := range []string{"version", "account", "summary", "findings"} {
				if _, ok := doc[field]; !ok {
					t.Errorf("JSON lacks %q", field)
				}
			}
			if len(res.Controls) == 0 || res.Summary.Controls != len(res.Controls) {
				t.Fatalf("compliance = %+v", res)
			}
			s := res.Summary
			if s.Passed+s.Failed+s.Unknown+s.Waived+s.PartlyCovered+s.NotCovered != s.Controls {
				t.Errorf("summary does not add up: %+v", s)
			}
			for id, want := range tt.controls {
				if got := controlStatus(res, id); got != want {
					t.Errorf("control %s = %s, want %s", id, got, want)
				}
			}
		})
	}
	// Without --framework the JSON document is unchanged.
	_, doc, _ := evalCompliance(t, "../../testdata/compliant.json")
	if _, ok := doc["compliance"]; ok {
		t.Error("compliance present without --framework")
	}
	// A control whose checks report nothing is NOT COVERED.
	snap := fixtureWith(t, func(d map[string]any) { d["event_data_stores"] = map[string]any{} })
	_, _, res := evalCompliance(t, "--framework", "securityhub", snap)
	if got := controlStatus(res, "CloudTrail.10"); got != compliance.NotCovered {
		t.Errorf("CloudTrail.10 without event data stores = %s, want NOT COVERED", got)
	}
}

func TestEvalFrameworkFormats(t *testing.T) {
	tests := []struct {
		format string
		want   []string
	}{
		{"table", []string{"Framework cis-aws-v3.0.0", "│ 3.2     │ FAIL", "cis-aws-v3.0.0: 16 controls: 0 passed, 16 failed"}},
		{"markdown", []string{"### Compliance: cis-aws-v3.0.0", "| 3.2 | FAIL | TG-CT-005 |"}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "eval", "-f", tt.format, "--framework", "cis-aws-v3.0.0", "../../testdata/noncompliant.json")
			if code != exitFindings {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, stdout)
				}
			}
		})
	}
	code, stdout, stderr := runCLI(t, "eval", "--framework", "cis-aws-v9", "../../testdata/compliant.json")
	if code != exitError || stdout != "" || !strings.Contains(stderr, `unknown framework "cis-aws-v9" (known: cis-aws-v1.4.0, cis-aws-v3.0.0, securityhub)`) {
		t.Errorf("unknown framework: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// A control a check covers only in part is said to be partly covered by
// `frameworks` and `eval --framework`, never PASS; a control another check
// covers whole stays whole. Old METADATA (plain control ids) keeps working.
func TestPartialCoverage(t *testing.T) {
	builtin := frameworksJSON(t)
	find := func(fw, id string) compliance.Control {
		for _, c := range builtin[fw].Controls {
			if c.ID == id {
				return c
			}
		}
		t.Fatalf("%s %s missing", fw, id)
		return compliance.Control{}
	}
	if c := find("cis-aws-v3.0.0", "1.15"); !c.Partial || len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "TG-IAM-001: CIS 1.15 is about every policy attached directly to a user") {
		t.Errorf("1.15 = %+v, want partly covered by TG-IAM-001", c)
	}
	if c := find("cis-aws-v3.0.0", "3.1"); c.Partial || len(c.Notes) != 1 {
		t.Errorf("3.1 = %+v, want covered whole (TG-CT-001) with TG-CT-002's note", c)
	}
	if c := find("securityhub", "CloudTrail.4"); c.Partial || len(c.Notes) != 0 {
		t.Errorf("CloudTrail.4 = %+v, want whole", c)
	}
	code, stdout, _ := runCLI(t, "frameworks")
	if code != exitOK || !strings.Contains(stdout, "partly: TG-IAM-001: CIS 1.15 is about every policy") || !strings.Contains(stdout, "│ 3.2           │ TG-CT-005            │ whole") {
		t.Errorf("frameworks table: exit %d\n%s", code, stdout)
	}

	// A custom policy may use either form; a partial entry needs its reason.
	dir := t.TempDir()
	write := func(name, frameworks string) {
		src := "# METADATA\n# title: Trails are tagged with an owner\n# description: Every trail carries an owner tag.\n# scope: package\n# custom:\n#   id: ACME-" + strings.ToUpper(name) + "\n#   severity: low\n#   frameworks:\n" + frameworks +
			"package acme." + name + "\n\nimport data.trailguard.lib.result\n\nfindings contains result.pass(input.account_id, \"\", \"ok\")\n"
		if err := os.WriteFile(filepath.Join(dir, name+".rego"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("old", "#     acme-std: [\"A-1\", \"A-2\"]\n")
	write("partial", "#     acme-std:\n#       - A-2\n#       - id: A-3\n#         partial: only trails, not every resource\n")
	custom := frameworksJSON(t, "--policy", dir)["acme-std"]
	want := map[string]bool{"A-1": false, "A-2": false, "A-3": true}
	for _, c := range custom.Controls {
		if p, ok := want[c.ID]; !ok || p != c.Partial {
			t.Errorf("acme-std control %+v, want partial=%v", c, p)
		}
	}
	_, _, res := evalCompliance(t, "--framework", "acme-std", "--policy", dir, fixture)
	if got := controlStatus(res, "A-3"); got != compliance.PartlyCovered {
		t.Errorf("A-3 = %s, want PARTLY COVERED", got)
	}
	if got := controlStatus(res, "A-1"); got != compliance.Pass {
		t.Errorf("A-1 = %s, want PASS", got)
	}
	t.Setenv("COLUMNS", "250") // wide enough that the control's note is not wrapped
	code, stdout, _ = runCLI(t, "eval", "--framework", "acme-std", "--policy", dir, "-c", "ACME-OLD,ACME-PARTIAL", fixture)
	if !strings.Contains(stdout, "│ A-3     │ PARTLY COVERED │ ACME-PARTIAL (partly covered: ACME-PARTIAL: only trails, not every resource)") || !strings.Contains(stdout, "1 partly covered") {
		t.Errorf("eval --framework table: exit %d\n%s", code, stdout)
	}

	write("bad", "#     acme-std:\n#       - id: A-4\n")
	code, _, stderr := runCLI(t, "frameworks", "--policy", dir)
	if code != exitError || !strings.Contains(stderr, "partial must say what the check does not examine") {
		t.Errorf("partial without a reason: exit %d, stderr %q", code, stderr)
	}
}
