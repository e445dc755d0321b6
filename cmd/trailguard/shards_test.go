package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/internal/orgfixture"
)

// shardOrg is an organization whose members sit in both OUs, one of them
// without the role (not scanned): 7 accounts, so shards differ in size and
// the log archive, which owns the trail's bucket and key, is in one shard only.
var shardOrg = orgfixture.Spec{
	Members: []string{"444444444444", "555555555555", "666666666666", "777777777777"},
	Sandbox: []string{"555555555555"},
	NoRole:  []string{"777777777777"},
}

// collectTo runs collect --org with args and fails the test unless it succeeds.
func collectTo(t *testing.T, url, out string, args ...string) {
	t.Helper()
	args = append([]string{"collect", "--org", "--endpoint-url", url, "--regions", "us-east-1,eu-west-1", "--role-name", "AWSControlTowerExecution", "-o", out}, args...)
	if code, _, stderr := runCLI(t, args...); code != exitOK {
		t.Fatalf("%v: exit %d, stderr %q", args, code, stderr)
	}
}

// Two shards collected on "two machines" and evaluated together give the
// unsharded run's findings, account by account, and its exit code.
func TestEvalShardsMatchUnsharded(t *testing.T) {
	srv := fakeOrg(t, shardOrg)
	dir := t.TempDir()
	whole, s1, s2 := filepath.Join(dir, "org.json"), filepath.Join(dir, "org-1.json"), filepath.Join(dir, "org-2.json")
	collectTo(t, srv.URL(), whole)
	collectTo(t, srv.URL(), s1, "--shard", "1/2")
	collectTo(t, srv.URL(), s2, "--shard", "2/2")

	wantCode, want := evalJSON(t, "--fail-on", "high", whole)
	gotCode, got := evalJSON(t, "--fail-on", "high", s2, s1)
	if gotCode != wantCode {
		t.Errorf("exit %d, unsharded %d", gotCode, wantCode)
	}
	findings.Sort(want)
	findings.Sort(got)
	accounts := map[string]bool{}
	for _, f := range got {
		accounts[f.Account] = true
	}
	if len(accounts) != 7 || len(want) == 0 {
		t.Fatalf("the merged shards judged %d accounts (%d findings unsharded), want 7", len(accounts), len(want))
	}
	if !reflect.DeepEqual(got, want) {
		for i := range min(len(got), len(want)) {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("first difference, finding %d:\n sharded   %+v\n unsharded %+v", i, got[i], want[i])
				break
			}
		}
		t.Fatalf("the merged shards' %d findings differ from the unsharded run's %d", len(got), len(want))
	}
	// Each shard alone judges only its own accounts.
	_, only1 := evalJSON(t, "--fail-on", "none", s1)
	if len(only1) == 0 || len(only1) >= len(want) {
		t.Errorf("shard 1 alone: %d findings, the whole organization %d", len(only1), len(want))
	}

	// Files that are not the shards of one collection: one line, exit 2, no report.
	single := filepath.Join(dir, "single.json")
	data, err := os.ReadFile("../../testdata/compliant.json")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(single, data, 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{s1, s1}, "are both shard 1/2"},
		{[]string{s1, s2, whole}, "is not a shard"},
		{[]string{s1, s2, single}, single + " is a single-account snapshot"},
		{[]string{s1, "-"}, "standard input (-) only as its one snapshot"},
	} {
		args := c.args
		code, stdout, stderr := runCLI(t, append([]string{"eval", "-f", "json"}, args...)...)
		if code != exitError || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("eval %v: exit %d, stdout %.100q, stderr %q, want %q", args, code, stdout, stderr, c.want)
		}
	}
}

// The README's sharded command lines run as written: N collections, then one
// eval of their files, against the fake organization.
func TestReadmeShardCommands(t *testing.T) {
	var collects []string
	var evalLine string
	for _, c := range docCommands(t, "../../README.md") {
		switch {
		case strings.Contains(c.line, "collect --org --shard") && strings.Contains(c.line, "-o org-") && !strings.Contains(c.line, "2/4"):
			collects = append(collects, c.line)
		case strings.HasPrefix(c.line, "trailguard eval org-1.json"):
			evalLine = c.line
		}
	}
	if len(collects) < 2 || evalLine == "" {
		t.Fatalf("README: sharded collections %q, eval line %q", collects, evalLine)
	}
	srv := fakeOrg(t, orgfixture.Spec{Members: shardOrg.Members, Sandbox: shardOrg.Sandbox, ListRegions: true})
	t.Chdir(t.TempDir())
	// The role the README's defaults assume: the fixture's accounts have
	// OrganizationAccountAccessRole as well.
	for _, line := range collects {
		args := append(strings.Fields(line)[1:], "--endpoint-url", srv.URL())
		if code, _, stderr := runCLI(t, args...); code != exitOK {
			t.Fatalf("`%s`: exit %d, stderr %q", line, code, stderr)
		}
	}
	code, stdout, stderr := runCLI(t, strings.Fields(evalLine)[1:]...)
	if code != exitOK && code != exitFindings {
		t.Fatalf("`%s`: exit %d, stderr %q", evalLine, code, stderr)
	}
	if _, err := os.Stat("org.html"); err != nil {
		t.Errorf("`%s` wrote no HTML report: %v", evalLine, err)
	}
	for _, id := range append([]string{orgfixture.MgmtID, orgfixture.LogArchiveID, orgfixture.AuditID}, shardOrg.Members...) {
		if !strings.Contains(stdout, id) {
			t.Errorf("`%s`: account %s is missing from the table", evalLine, id)
		}
	}
}
