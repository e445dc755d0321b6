package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/diff"
)

const compliantSnapshot = "../../testdata/compliant.json"

// snapshotWith copies a shipped snapshot into a temp file after edit.
func snapshotWith(t *testing.T, path string, edit func(doc map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	b, _ = json.Marshal(doc)
	return writeFile(t, "new-snapshot.json", string(b))
}

func validationOff(doc map[string]any) {
	for _, tr := range doc["trails"].(map[string]any) {
		tr.(map[string]any)["log_file_validation_enabled"] = false
	}
}

// resultsFile writes `eval -f json` of snapshot to a temp file.
func resultsFile(t *testing.T, snapshot string) string {
	t.Helper()
	out := writeFile(t, "results.json", "")
	if code, _, stderr := runCLI(t, "eval", "-f", "json", "-o", out, "--fail-on", "none", snapshot); code != exitOK {
		t.Fatalf("eval -f json: exit %d, %s", code, stderr)
	}
	return out
}

type diffDoc struct {
	Version string `json:"version"`
	Old     string `json:"old"`
	New     string `json:"new"`
	diff.Result
}

func runDiffJSON(t *testing.T, args ...string) (int, diffDoc) {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"diff", "-f", "json"}, args...)...)
	var d diffDoc
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		t.Fatalf("diff: exit %d, stderr %q: %v\n%s", code, stderr, err, stdout)
	}
	return code, d
}

func TestDiffCommand(t *testing.T) {
	off := snapshotWith(t, compliantSnapshot, validationOff)
	compliantResults := resultsFile(t, compliantSnapshot)
	offResults := resultsFile(t, off)
	noncompliant := "../../testdata/noncompliant.json"

	tests := []struct {
		name     string
		args     []string
		code     int
		worse    []string // check ids
		better   []string
		gone     int
		atLeastU int // minimum unchanged
	}{
		{"snapshot vs snapshot: validation turned off", []string{compliantSnapshot, off}, exitFindings, []string{"TG-CT-005"}, nil, 0, 50},
		{"results vs results", []string{compliantResults, offResults}, exitFindings, []string{"TG-CT-005"}, nil, 0, 50},
		{"results vs snapshot", []string{compliantResults, off}, exitFindings, []string{"TG-CT-005"}, nil, 0, 50},
		{"validation turned back on", []string{offResults, compliantSnapshot}, exitOK, nil, []string{"TG-CT-005"}, 0, 50},
		{"--fail-on-worse=false", []string{"--fail-on-worse=false", compliantSnapshot, off}, exitOK, []string{"TG-CT-005"}, nil, 0, 50},
		{"flags after files", []string{compliantSnapshot, off, "--fail-on-worse=false"}, exitOK, []string{"TG-CT-005"}, nil, 0, 50},
		{"same run", []string{compliantResults, compliantSnapshot}, exitOK, nil, nil, 0, 50},
		{"--param raises a threshold", []string{compliantSnapshot, "--param", "min_log_retention_days=100000", compliantResults}, exitOK, nil, []string{"TG-CW-001"}, 0, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, d := runDiffJSON(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			checkIDs := func(label string, cs []diff.Change, want []string) {
				var got []string
				for _, c := range cs {
					got = append(got, c.CheckID)
				}
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("%s = %v, want %v", label, got, want)
				}
			}
			checkIDs("worse", d.Worse, tt.worse)
			checkIDs("better", d.Better, tt.better)
			if len(d.Gone) != tt.gone || d.Counts.Unchanged < tt.atLeastU {
				t.Errorf("gone %d, counts %+v", len(d.Gone), d.Counts)
			}
		})
	}

	// The worse change says what happened.
	_, d := runDiffJSON(t, compliantSnapshot, off)
	if c := d.Worse[0]; c.Old.Status != "PASS" || c.New.Status != "FAIL" || !strings.Contains(c.New.Message, "validation") {
		t.Errorf("change = %+v", c)
	}
	// Two different accounts are refused unless asked for.
	code, stdout, stderr := runCLI(t, "diff", noncompliant, compliantSnapshot)
	if code != exitError || stdout != "" || !strings.Contains(stderr, "is account 580247316092 but") || !strings.Contains(stderr, "--different-accounts") {
		t.Errorf("diff of two accounts: exit %d, stderr %q", code, stderr)
	}
	// From a neglected account to a compliant one: failures resolved, none worse.
	code, d = runDiffJSON(t, "--different-accounts", "--config", shippedConfig, noncompliant, compliantSnapshot)
	if code != exitOK || len(d.Worse) != 0 || len(d.Better)+len(d.Gone) == 0 {
		t.Errorf("noncompliant → compliant: exit %d, counts %+v", code, d.Counts)
	}
	// Failing resources of another account are no longer reported.
	if len(d.Gone) == 0 {
		t.Errorf("no failures listed as no longer reported: %+v", d.Counts)
	}
}

func TestDiffFormats(t *testing.T) {
	off := snapshotWith(t, compliantSnapshot, validationOff)
	improved := snapshotWith(t, off, func(doc map[string]any) {
		for _, tr := range doc["trails"].(map[string]any) {
			tr.(map[string]any)["log_file_validation_enabled"] = true
		}
	})
	tests := []struct {
		name string
		args []string
		want []string // in this order
	}{
		{"table", []string{compliantSnapshot, off}, []string{"Worse (1)", "TG-CT-005", "PASS", "FAIL (medium)", "log file validation is disabled", "1 worse, 0 better"}},
		{"table better", []string{off, improved}, []string{"Better (1)", "TG-CT-005", "FAIL (medium)", "PASS", "0 worse, 1 better"}},
		{"markdown", []string{"-f", "markdown", compliantSnapshot, off}, []string{"## trailguard diff", "### Worse (1)", "| TG-CT-005 Log file validation is enabled |", "| PASS | FAIL (medium) |"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stdout, _ := runCLI(t, append([]string{"diff", "--no-color"}, tt.args...)...)
			rest := stdout
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q (in order):\n%s", w, stdout)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

func TestDiffBadInput(t *testing.T) {
	results := resultsFile(t, compliantSnapshot)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"one file", []string{compliantSnapshot}, "diff takes two files, got 1"},
		{"missing file", []string{compliantSnapshot, "nope.json"}, "nope.json"},
		{"neither kind", []string{writeFile(t, "other.json", `{"a": 1}`), compliantSnapshot}, `neither a snapshot (no "schema_version") nor JSON results`},
		{"invalid JSON", []string{compliantSnapshot, writeFile(t, "bad.json", `{"schema_version": `)}, "bad.json"},
		{"invalid snapshot", []string{compliantSnapshot, writeFile(t, "v2.json", `{"schema_version": "2"}`)}, `schema_version "2" is not supported`},
		{"results of another version", []string{writeFile(t, "r.json", `{"version": "9", "summary": {}, "findings": []}`), results}, `JSON results version "9" is not supported`},
		{"bad format", []string{"-f", "sarif", compliantSnapshot, results}, `unknown format "sarif"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"diff"}, tt.args...)...)
			if code != exitError || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

func TestDiffOrganizationSaysWhichAccountsGotWorse(t *testing.T) {
	data, err := os.ReadFile("../../testdata/org.json")
	if err != nil {
		t.Fatal(err)
	}
	// Today the trail-protecting SCP is detached from the Workloads OU.
	today := strings.Replace(string(data), `"p-7x2kq9tr": [
        "ou-k3x9-9d1e4c7a"
      ]`, `"p-7x2kq9tr": []`, 1)
	if today == string(data) {
		t.Fatal("the SCP's targets were not found in testdata/org.json")
	}
	newPath := filepath.Join(t.TempDir(), "org-today.json")
	if err := os.WriteFile(newPath, []byte(today), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "diff", "-f", "json", "../../testdata/org.json", newPath)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d; stderr %s", code, exitFindings, stderr)
	}
	var res struct {
		Worse []struct {
			CheckID string `json:"check_id"`
			Account string `json:"account"`
		} `json:"worse"`
		Accounts []struct {
			Account string
			Worse   int
		} `json:"accounts"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	var worse []string
	for _, a := range res.Accounts {
		if a.Worse > 0 {
			worse = append(worse, a.Account)
		}
	}
	if got := strings.Join(worse, " "); got != "222233334444 666677778888" {
		t.Errorf("accounts that got worse: %q, want the two scanned Workloads accounts; %s", got, out)
	}
	for _, c := range res.Worse {
		if c.CheckID != "TG-ORG-003" {
			t.Errorf("unexpected change %+v", c)
		}
	}
	_, table, _ := runCLI(t, "diff", "../../testdata/org.json", newPath)
	if !strings.Contains(table, "Accounts that got worse (2): 222233334444 (1 worse, 0 better), 666677778888 (1 worse, 0 better)") {
		t.Errorf("table output lacks the accounts that got worse:\n%s", table)
	}
}

// One side of diff may be standard input (collect -o - | diff --old
// yesterday.json --new -), a snapshot or JSON results: the diff is the one
// of the same document given as a file, the side named "-". Both sides "-",
// or "-" among a side's files, is one line, exit 2.
func TestDiffStdin(t *testing.T) {
	worse := snapshotWith(t, compliantSnapshot, validationOff)
	compliant, err := os.ReadFile(compliantSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	worseData, err := os.ReadFile(worse)
	if err != nil {
		t.Fatal(err)
	}
	results, err := os.ReadFile(resultsFile(t, compliantSnapshot))
	if err != nil {
		t.Fatal(err)
	}
	wantCode, want := runDiffJSON(t, compliantSnapshot, worse)
	if wantCode != exitFindings || len(want.Worse) == 0 {
		t.Fatalf("diff of the files: exit %d, %d worse; want something worse", wantCode, len(want.Worse))
	}
	for _, c := range []struct {
		name     string
		input    []byte
		args     []string
		old, new string // how the output names the sides
		code     int
	}{
		{"the new side, by --new", worseData, []string{"--old", compliantSnapshot, "--new", "-"}, compliantSnapshot, "-", exitFindings},
		{"the new side, as an argument", worseData, []string{compliantSnapshot, "-"}, compliantSnapshot, "-", exitFindings},
		{"the old side, by --old", compliant, []string{"--new", worse, "--old", "-"}, "-", worse, exitFindings},
		{"the old side, JSON results", results, []string{"-", worse}, "-", worse, exitFindings},
		{"the same run", compliant, []string{compliantSnapshot, "-"}, compliantSnapshot, "-", exitOK},
	} {
		code, stdout, stderr := runBinary(t, "", c.input, append([]string{"diff", "-f", "json"}, c.args...)...)
		var got diffDoc
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Errorf("%s: exit %d, stderr %q: %v", c.name, code, stderr, err)
			continue
		}
		if code != c.code || got.Old != c.old || got.New != c.new {
			t.Errorf("%s: exit %d, sides %q and %q; want exit %d, sides %q and %q (stderr %q)", c.name, code, got.Old, got.New, c.code, c.old, c.new, stderr)
		}
		if c.code == exitFindings && !reflect.DeepEqual(got.Result, want.Result) {
			t.Errorf("%s: the diff differs from the one of the files: worse %+v, want %+v", c.name, got.Worse, want.Worse)
		}
	}
	// Refused before anything is read: one line, exit 2, no diff.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-", "-"}, "diff: both sides are standard input (-): only one side can be read from it, give the other as a file"},
		{[]string{"--new", "-", "--old", "-"}, "diff: both sides are standard input (-)"},
		{[]string{"--old", compliantSnapshot, "--old", "-", "--new", worse}, "diff --old: standard input (-) can only be the side's one file, not one of 2 files"},
		{[]string{compliantSnapshot, "--new", "-", "--new", worse}, "diff --new: standard input (-) can only be the side's one file, not one of 2 files"},
	} {
		code, stdout, stderr := runBinary(t, "", compliant, append([]string{"diff"}, c.args...)...)
		if code != exitError || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("diff %v: exit %d, stdout %.100q, stderr %q; want exit 2 and one line with %q", c.args, code, stdout, stderr, c.want)
		}
	}
}
