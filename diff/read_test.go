package diff

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/internal/shardtest"
	"github.com/trailguard/trailguard/snapshot"
)

// accountSources reads results files as one finding named by their "findings"
// field, and evaluates a snapshot into one finding per account it has.
func accountSources() Sources {
	return Sources{
		IsResults: func(top map[string]json.RawMessage) bool { _, ok := top["findings"]; return ok },
		Results: func(data []byte) (Run, error) {
			return Run{Findings: []findings.Finding{{CheckID: "RESULTS", Resource: string(data[:8])}}}, nil
		},
		Eval: func(doc snapshot.Document) ([]findings.Finding, error) {
			var fs []findings.Finding
			for _, a := range snapshot.AccountInputs(doc) {
				fs = append(fs, findings.Finding{CheckID: "ACCOUNT", Resource: a.ID})
			}
			return fs, nil
		},
	}
}

// shardFiles writes testdata/org.json split into n shards as collect --org
// --shard K/N would (accounts sorted by id, account i in shard i mod n + 1),
// and returns the unsharded file and the shards' paths.
func shardFiles(t *testing.T, n int) (whole string, shards []string) {
	t.Helper()
	whole = "../testdata/org.json"
	data, err := os.ReadFile(whole)
	if err != nil {
		t.Fatal(err)
	}
	var org map[string]any
	if err := json.Unmarshal(data, &org); err != nil {
		t.Fatal(err)
	}
	shards = shardtest.WriteFiles(t, org, n, t.TempDir(), "org")
	return whole, shards
}

func resources(r Run) string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.CheckID+":"+f.Resource)
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// A side of several shard files is evaluated once, merged: every account of
// the organization, as from the unsharded snapshot.
func TestReadMergesShards(t *testing.T) {
	s := accountSources()
	whole, shards := shardFiles(t, 3)
	want, err := s.Read(whole)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Findings) != 7 {
		t.Fatalf("the organization has %d accounts, want 7", len(want.Findings))
	}
	got, err := s.Read(shards[2], shards[0], shards[1])
	if err != nil {
		t.Fatal(err)
	}
	if resources(got) != resources(want) {
		t.Errorf("merged shards: %s\nwant %s", resources(got), resources(want))
	}
	one, err := s.Read(shards[0])
	if err != nil || len(one.Findings) == 0 || len(one.Findings) >= 7 {
		t.Errorf("one shard alone: %d findings, %v; want only its own accounts", len(one.Findings), err)
	}
}

func TestReadRefuses(t *testing.T) {
	s := accountSources()
	whole, shards := shardFiles(t, 2)
	dir := t.TempDir()
	results := filepath.Join(dir, "results.json")
	os.WriteFile(results, []byte(`{"findings": [], "summary": {}}`), 0o644)
	other := filepath.Join(dir, "other.json")
	os.WriteFile(other, []byte(`{"a": 1}`), 0o644)
	for _, c := range []struct {
		name  string
		paths []string
		want  string
	}{
		{"no file", nil, "no file to read"},
		{"results among shards", []string{shards[0], results, shards[1]}, results + " is JSON results of eval -f json, not a snapshot"},
		{"neither kind among shards", []string{shards[0], other}, other + `: neither a snapshot`},
		{"shards that do not merge", []string{shards[0], shards[0]}, "are both shard 1/2"},
		{"an unsharded snapshot among shards", []string{shards[0], shards[1], whole}, whole + " is not a shard"},
	} {
		_, err := s.Read(c.paths...)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line with %q", c.name, err, c.want)
		}
	}
	// One results file is read as results.
	r, err := s.Read(results)
	if err != nil || resources(r) != `RESULTS:{"findin` {
		t.Errorf("one results file: %v, %v", resources(r), err)
	}
}

// "-" is standard input (Sources.Stdin), read as one file is: a snapshot,
// evaluated, or JSON results; it can only be a side's one file, and a
// document that does not parse is named "standard input".
func TestReadStdin(t *testing.T) {
	whole, shards := shardFiles(t, 2)
	org, err := os.ReadFile(whole)
	if err != nil {
		t.Fatal(err)
	}
	from := func(input string) Sources { s := accountSources(); s.Stdin = strings.NewReader(input); return s }
	want, err := accountSources().Read(whole)
	if err != nil {
		t.Fatal(err)
	}
	got, err := from(string(org)).Read(Stdin)
	if err != nil || len(got.Findings) != 7 || resources(got) != resources(want) {
		t.Errorf("a snapshot on standard input: %s, %v; want %s", resources(got), err, resources(want))
	}
	r, err := from(`{"findings": [], "summary": {}}`).Read(Stdin)
	if err != nil || resources(r) != `RESULTS:{"findin` {
		t.Errorf("results on standard input: %v, %v", resources(r), err)
	}
	for _, c := range []struct {
		name  string
		s     Sources
		paths []string
		want  string
	}{
		{"among shards", from(string(org)), []string{shards[0], Stdin}, "standard input (-) can only be a side's one file, not one of 2"},
		{"truncated", from(`{"schema_version": "1", "trails": `), []string{Stdin}, "standard input: "},
		{"neither kind", from(`{"a": 1}`), []string{Stdin}, "standard input: neither a snapshot"},
		{"no reader", accountSources(), []string{Stdin}, "standard input (-): nothing to read it from"},
	} {
		_, err := c.s.Read(c.paths...)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line with %q", c.name, err, c.want)
		}
	}
}

// A side whose shard files read a shared resource differently carries the
// merge's warning; shards that read it alike carry none.
func TestReadMergeWarnings(t *testing.T) {
	s := accountSources()
	_, shards := shardFiles(t, 2)
	if run, err := s.Read(shards...); err != nil || len(run.Warnings) != 0 {
		t.Fatalf("identical readings: warnings %q, %v; want none", run.Warnings, err)
	}
	var doc map[string]any
	data, err := os.ReadFile(shards[1])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	const group = "arn:aws:logs:us-east-1:111111111111:log-group:aws-cloudtrail-logs-111111111111-0a9d3c6e"
	doc["collected_at"] = "2026-11-25T06:00:00Z"
	doc["shared"].(map[string]any)["log_groups"].(map[string]any)[group].(map[string]any)["retention_in_days"] = 30
	data, _ = json.Marshal(doc)
	if err := os.WriteFile(shards[1], data, 0o644); err != nil {
		t.Fatal(err)
	}
	run, err := s.Read(shards...)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Warnings) != 1 || !strings.Contains(run.Warnings[0], "shared log group "+group+" was read differently by "+shards[0]+" (collected 2026-11-24T06:00:00Z), "+shards[1]+" (collected 2026-11-25T06:00:00Z): using the newest reading, "+shards[1]+"'s") {
		t.Errorf("warnings %q, want one about log group %s", run.Warnings, group)
	}
}
