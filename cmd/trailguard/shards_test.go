package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/internal/awsfake"
	"github.com/trailguard/trailguard/internal/orgfixture"
	"github.com/trailguard/trailguard/internal/shardtest"
)

// shardOrg is an organization whose members sit in both OUs, one of them
// without the role (not scanned): 7 accounts, so shards differ in size and
// the log archive, which owns the trail's bucket and key, is in one shard only.
var shardOrg = orgfixture.Spec{
	Members: []string{"444444444444", "555555555555", "666666666666", "777777777777"},
	Sandbox: []string{"555555555555"},
	NoRole:  []string{"777777777777"},
}

// writeShards writes org as n shard files dir/prefix-K.json (see shardtest).
func writeShards(t *testing.T, org map[string]any, n int, dir, prefix string) []string {
	t.Helper()
	return shardtest.WriteFiles(t, org, n, dir, prefix)
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
		{[]string{s1, copyFile(t, s1, filepath.Join(dir, "org-1-copy.json"))}, "are both shard 1/2"},
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
// eval of their files, against the fake organization; then its diff of
// yesterday's sharded collection (the same lines run in yesterday/, before
// an account lost the collector's role) with today's says which account got
// worse.
func TestReadmeShardCommands(t *testing.T) {
	var collects []string
	var evalLine, diffLine string
	for _, c := range docCommands(t, "../../README.md") {
		switch {
		case strings.Contains(c.line, "collect --org --shard") && strings.Contains(c.line, "-o org-") && !strings.Contains(c.line, "2/4"):
			collects = append(collects, c.line)
		case strings.HasPrefix(c.line, "trailguard eval org-1.json"):
			evalLine = c.line
		case strings.HasPrefix(c.line, "trailguard diff --old 'yesterday/org-"):
			diffLine = c.line
		}
	}
	if len(collects) < 2 || evalLine == "" || diffLine == "" {
		t.Fatalf("README: sharded collections %q, eval line %q, diff line %q", collects, evalLine, diffLine)
	}
	// The role the README's defaults assume: the fixture's accounts have
	// OrganizationAccountAccessRole as well.
	collectAll := func(srv *awsfake.Server) {
		t.Helper()
		for _, line := range collects {
			args := append(strings.Fields(line)[1:], "--endpoint-url", srv.URL())
			if code, _, stderr := runCLI(t, args...); code != exitOK {
				t.Fatalf("`%s`: exit %d, stderr %q", line, code, stderr)
			}
		}
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "yesterday"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(dir, "yesterday"))
	collectAll(fakeOrg(t, orgfixture.Spec{Members: shardOrg.Members, Sandbox: shardOrg.Sandbox, ListRegions: true}))
	// Today member 555555555555 has lost the role: it cannot be scanned.
	t.Chdir(dir)
	collectAll(fakeOrg(t, orgfixture.Spec{Members: shardOrg.Members, Sandbox: shardOrg.Sandbox, NoRole: []string{"555555555555"}, ListRegions: true}))

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

	// The shell removes the quotes around the patterns, which trailguard expands.
	var diffArgs []string
	for _, w := range strings.Fields(diffLine)[1:] {
		diffArgs = append(diffArgs, strings.Trim(w, "'"))
	}
	if !slices.ContainsFunc(diffArgs, func(a string) bool { return strings.Contains(a, "*") }) {
		t.Fatalf("`%s` gives no side as a pattern", diffLine)
	}
	code, stdout, stderr = runCLI(t, append(diffArgs, "--no-color")...)
	if code != exitFindings || !strings.Contains(stdout, "Accounts that got worse (1): 555555555555 (") {
		t.Errorf("`%s`: exit %d, stderr %q; want exit 1 and account 555555555555 worse:\n%s", diffLine, code, stderr, stdout)
	}
}

// readOrgDoc reads testdata/org.json, an organization snapshot, as a fresh
// generic document that a test may change.
func readOrgDoc(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile("../../testdata/org.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func writeJSON(t *testing.T, path string, doc map[string]any) string {
	t.Helper()
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// repeat gives each path after flag: --old a --old b.
func repeat(flag string, paths []string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, flag, p)
	}
	return out
}

// Two sharded collections diff as their unsharded snapshots do: the same
// changes, the same accounts that got worse, the same exit code; only the
// names of the sides differ.
func TestDiffShardsMatchUnsharded(t *testing.T) {
	dir := t.TempDir()
	yesterday, today := readOrgDoc(t), readOrgDoc(t)
	// Today the root user of account 222233334444 has no MFA any more.
	member := today["accounts"].(map[string]any)["222233334444"].(map[string]any)
	member["snapshot"].(map[string]any)["iam"].(map[string]any)["root"].(map[string]any)["mfa_enabled"] = false
	oldWhole := writeJSON(t, filepath.Join(dir, "org-yesterday.json"), yesterday)
	newWhole := writeJSON(t, filepath.Join(dir, "org-today.json"), today)
	// Yesterday in 3 shards, today in 2: the sides need not match.
	oldShards := writeShards(t, yesterday, 3, dir, "yesterday")
	newShards := writeShards(t, today, 2, dir, "today")
	reversed := slices.Clone(oldShards)
	slices.Reverse(reversed)

	for _, format := range []string{"json", "table"} {
		wantCode, want, stderr := runCLI(t, "diff", "--no-color", "-f", format, oldWhole, newWhole)
		if wantCode != exitFindings {
			t.Fatalf("diff -f %s of the unsharded snapshots: exit %d, stderr %q", format, wantCode, stderr)
		}
		if format == "json" {
			var d diffDoc
			if err := json.Unmarshal([]byte(want), &d); err != nil {
				t.Fatal(err)
			}
			if worse := d.WorseAccounts(); len(d.Worse) != 1 || d.Worse[0].CheckID != "TG-IAM-005" || strings.Join(worse, " ") != "222233334444" {
				t.Fatalf("the unsharded diff: worse %+v, accounts %v; want TG-IAM-005 in 222233334444 only", d.Worse, worse)
			}
		} else if !strings.Contains(want, "Accounts that got worse (1): 222233334444 (1 worse, 0 better)") {
			t.Fatalf("the unsharded diff does not say which account got worse:\n%s", want)
		}
		for _, c := range []struct {
			name     string
			args     []string
			old, new string // how the output names the sides
		}{
			{"both sides sharded", append(repeat("--old", oldShards), repeat("--new", newShards)...), strings.Join(oldShards, ", "), strings.Join(newShards, ", ")},
			{"shards in any order, flags after", append(append([]string{}, repeat("--new", newShards)...), repeat("--old", reversed)...), strings.Join(reversed, ", "), strings.Join(newShards, ", ")},
			{"old side one file, new side sharded", append([]string{oldWhole}, repeat("--new", newShards)...), oldWhole, strings.Join(newShards, ", ")},
			{"old side sharded, new side one file", append(repeat("--old", oldShards), newWhole), strings.Join(oldShards, ", "), newWhole},
			{"one file a side, by flag", []string{"--new", newWhole, "--old", oldWhole}, oldWhole, newWhole},
		} {
			args := append([]string{"diff", "--no-color", "-f", format}, c.args...)
			code, got, stderr := runCLI(t, args...)
			if code != wantCode {
				t.Errorf("%s, -f %s: exit %d, unsharded %d; stderr %q", c.name, format, code, wantCode, stderr)
			}
			if !strings.Contains(got, c.old) || !strings.Contains(got, c.new) {
				t.Errorf("%s, -f %s: the output does not name the sides %q and %q:\n%s", c.name, format, c.old, c.new, got)
			}
			got = strings.ReplaceAll(strings.ReplaceAll(got, c.old, oldWhole), c.new, newWhole)
			if got != want {
				t.Errorf("%s, -f %s: the output differs from the unsharded diff's: %s", c.name, format, firstDifference(got, want))
			}
		}
	}
}

// firstDifference shows the first line where got and want differ.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d is %q, want %q", i+1, gl, wl)
		}
	}
	return "no difference"
}

// A side that is not one file or the shards of one organization collection
// is a mistake: one line naming the side and the files, exit 2, no diff.
func TestDiffShardsRefused(t *testing.T) {
	dir := t.TempDir()
	org := readOrgDoc(t)
	whole := writeJSON(t, filepath.Join(dir, "org.json"), org)
	shards := writeShards(t, org, 3, dir, "org")
	results := resultsFile(t, whole)
	copy0 := copyFile(t, shards[0], filepath.Join(dir, "org-1-copy.json"))
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"the old side by --old and as a file", []string{"--old", shards[0], whole, whole}, "diff: the old side is given both by --old and as a file (" + whole + ")"},
		{"the new side by --new and as a file", []string{whole, "--new", shards[0], whole}, "diff: the new side is given both by --new and as a file (" + whole + ")"},
		{"a file besides --old and --new", []string{"--old", whole, "--new", whole, shards[0]}, "diff: " + shards[0] + " is given as a file besides --old and --new"},
		{"no new side", repeat("--old", shards), "diff: the new side is empty"},
		{"no old side", repeat("--new", shards), "diff: the old side is empty"},
		{"an empty file name", []string{"--old", "", whole}, "diff --old: an empty file name"},
		{"no file", nil, "diff takes two files, got 0 arguments"},
		{"a missing shard", append(repeat("--old", shards[:2]), whole), "diff --old: " + shards[0] + ", " + shards[1] + ": shard 3/3 is missing: merging the organization needs every shard of its collection"},
		{"the same shard twice", append([]string{whole}, repeat("--new", []string{shards[0], shards[1], shards[2], copy0})...), "diff --new: " + shards[0] + " and " + copy0 + " are both shard 1/3"},
		{"an unsharded organization among shards", append([]string{whole}, repeat("--new", append([]string{whole}, shards...))...), "diff --new: " + shards[0] + " is shard 1/3 but " + whole + " is not a shard"},
		{"a single-account snapshot among shards", append(repeat("--old", append(slices.Clone(shards), compliantSnapshot)), whole), "diff --old: " + compliantSnapshot + " is a single-account snapshot"},
		{"JSON results among shards", append(repeat("--old", append(slices.Clone(shards), results)), whole), "diff --old: " + results + " is JSON results of eval -f json, not a snapshot"},
		{"JSON results first", append([]string{whole}, repeat("--new", append([]string{results}, shards...))...), "diff --new: " + results + " is JSON results of eval -f json, not a snapshot"},
	} {
		args := append([]string{"diff"}, c.args...)
		code, stdout, stderr := runCLI(t, args...)
		if code != exitError || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: %v: exit %d, stdout %.100q, stderr %q; want exit 2 and one line with %q", c.name, args, code, stdout, stderr, c.want)
		}
	}
	// The same files, given as the shards they are, diff with nothing worse.
	if code, _, stderr := runCLI(t, append(append([]string{"diff"}, repeat("--old", shards)...), repeat("--new", []string{whole})...)...); code != exitOK {
		t.Errorf("the shards against their organization: exit %d, stderr %q", code, stderr)
	}
}

// eval refuses files that are not one snapshot or the shards of one
// organization collection as diff refuses a side: one line naming the
// files, exit 2, no report.
func TestEvalShardsRefused(t *testing.T) {
	dir := t.TempDir()
	org := readOrgDoc(t)
	shards := writeShards(t, org, 3, dir, "org")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"a missing shard", shards[:2], shards[0] + ", " + shards[1] + ": shard 3/3 is missing: merging the organization needs every shard of its collection (collect the missing one with --shard 3/3 and add its file), or give one shard file alone to judge its own accounts only"},
		{"a single-account snapshot among shards", append(slices.Clone(shards), compliantSnapshot), compliantSnapshot + " is a single-account snapshot: several snapshot files must all be shards of one organization snapshot (collect --org --shard K/N); give a single-account snapshot as the only file"},
	} {
		code, stdout, stderr := runCLI(t, append([]string{"eval", "-f", "json"}, c.args...)...)
		if code != exitError || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: eval %v: exit %d, stdout %.100q, stderr %q; want exit 2 and one line with %q", c.name, c.args, code, stdout, stderr, c.want)
		}
	}
}

// copyFile copies the file at from to to (another file with the same
// contents, not another name of the same file) and returns to.
func copyFile(t *testing.T, from, to string) string {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return to
}

// A file given twice to eval, or twice on one side of diff (by the same
// name, the same name written differently, or a link to it), is a mistake
// in the command line, not a merge: one line naming it, exit 2, no report.
// The two sides of diff may be the same file.
func TestInputFileGivenTwice(t *testing.T) {
	dir := t.TempDir()
	org := readOrgDoc(t)
	shards := writeShards(t, org, 2, dir, "org")
	s1, s2 := shards[0], shards[1]
	dotted := dir + string(filepath.Separator) + "." + string(filepath.Separator) + filepath.Base(s1) // dir/./org-1.json
	link := filepath.Join(dir, "link-1.json")
	if err := os.Symlink(s1, link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"eval, the same name", []string{"eval", s1, s2, s1}, "eval: " + s1 + " is given twice: give each file once"},
		{"eval, the same name written differently", []string{"eval", s1, s2, dotted}, "eval: " + s1 + " and " + dotted + " are the same file, given twice: give each file once"},
		{"eval, a link to a file given", []string{"eval", s1, s2, link}, "eval: " + s1 + " and " + link + " are the same file, given twice"},
		{"eval, one single-account snapshot twice", []string{"eval", compliantSnapshot, compliantSnapshot}, "eval: " + compliantSnapshot + " is given twice"},
		{"diff, twice on the old side", []string{"diff", "--old", s1, "--old", s2, "--old", s1, "--new", compliantSnapshot}, "diff --old: " + s1 + " is given twice: give each file once"},
		{"diff, twice on the new side", []string{"diff", compliantSnapshot, "--new", s1, "--new", s2, "--new", link}, "diff --new: " + s1 + " and " + link + " are the same file, given twice"},
	} {
		code, stdout, stderr := runCLI(t, c.args...)
		if code != exitError || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: %v: exit %d, stdout %.100q, stderr %q; want exit 2 and one line with %q", c.name, c.args, code, stdout, stderr, c.want)
		}
	}
	// One file on each side of diff is a comparison of a run with itself.
	for _, args := range [][]string{
		{"diff", compliantSnapshot, compliantSnapshot},
		{"diff", "--old", s1, "--old", s2, "--new", s1, "--new", s2},
	} {
		if code, _, stderr := runCLI(t, args...); code != exitOK {
			t.Errorf("%v: exit %d, stderr %q; want exit 0 (nothing changed)", args, code, stderr)
		}
	}
}

// A quoted pattern stands for the files it matches, sorted, for eval and
// for each side of diff (by flag or as a plain argument): the same run as
// the files named one by one. A pattern matching nothing, or not a valid
// pattern, is one line naming it, exit 2; a file whose name has a
// meta-character is read as it is.
func TestInputFilePatterns(t *testing.T) {
	dir := t.TempDir()
	yesterday, today := readOrgDoc(t), readOrgDoc(t)
	today["accounts"].(map[string]any)["222233334444"].(map[string]any)["snapshot"].(map[string]any)["iam"].(map[string]any)["root"].(map[string]any)["mfa_enabled"] = false
	for _, d := range []string{"yesterday", "today"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	oldShards := writeShards(t, yesterday, 3, filepath.Join(dir, "yesterday"), "org")
	newShards := writeShards(t, today, 2, filepath.Join(dir, "today"), "org")
	oldPattern, newPattern := filepath.Join(dir, "yesterday", "org-*.json"), filepath.Join(dir, "today", "org-?.json")
	// Not shards, not matched by the patterns above: a pattern is no catch-all.
	writeJSON(t, filepath.Join(dir, "today", "org.json"), today)

	wantCode, want := evalJSON(t, "--fail-on", "none", newShards[1], newShards[0])
	gotCode, got := evalJSON(t, "--fail-on", "none", newPattern)
	if gotCode != wantCode || len(got) == 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("eval %s: exit %d, %d findings; the files one by one: exit %d, %d findings", newPattern, gotCode, len(got), wantCode, len(want))
	}

	for _, args := range [][]string{
		{"--old", oldPattern, "--new", newPattern},
		{oldPattern, newPattern},
	} {
		code, out, stderr := runCLI(t, append([]string{"diff", "-f", "json"}, args...)...)
		var d diffDoc
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatalf("diff %v: %v; exit %d, stderr %q", args, err, code, stderr)
		}
		if code != exitFindings || strings.Join(d.WorseAccounts(), " ") != "222233334444" {
			t.Errorf("diff %v: exit %d, worse accounts %v; want exit 1 and 222233334444", args, code, d.WorseAccounts())
		}
		// The sides are named by their files, sorted.
		if !strings.Contains(out, strings.Join(oldShards, ", ")) || !strings.Contains(out, strings.Join(newShards, ", ")) {
			t.Errorf("diff %v does not name the sides by their files, sorted:\n%.600s", args, out)
		}
	}

	odd := filepath.Join(dir, "org[1].json") // a name, not a pattern: it exists
	copyFile(t, filepath.Join(dir, "today", "org.json"), odd)
	if code, _, stderr := runCLI(t, "eval", "--fail-on", "none", odd); code != exitOK {
		t.Errorf("eval %s (an existing file): exit %d, stderr %q", odd, code, stderr)
	}

	nothing := filepath.Join(dir, "tomorrow", "org-*.json")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"eval, a pattern matching nothing", []string{"eval", nothing}, "eval: " + nothing + " matches no file"},
		{"diff --new, a pattern matching nothing", []string{"diff", "--old", oldPattern, "--new", nothing}, "diff --new: " + nothing + " matches no file"},
		{"diff, a plain argument matching nothing", []string{"diff", nothing, newPattern}, "diff --old: " + nothing + " matches no file"},
		{"eval, not a valid pattern", []string{"eval", filepath.Join(dir, "org-[.json")}, "eval: " + filepath.Join(dir, "org-[.json") + " is not a valid file pattern"},
		{"eval, a file named and matched", []string{"eval", newShards[0], newPattern}, "eval: " + newShards[0] + " is given twice (matched by " + newPattern + "): give each file once"},
		{"diff, two patterns matching one file", []string{"diff", "--old", oldPattern, "--old", filepath.Join(dir, "yesterday", "org-1*"), "--new", newPattern}, "diff --old: " + oldShards[0] + " is given twice (matched by " + oldPattern + " and " + filepath.Join(dir, "yesterday", "org-1*") + ")"},
	} {
		code, stdout, stderr := runCLI(t, c.args...)
		if code != exitError || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: %v: exit %d, stdout %.100q, stderr %q; want exit 2 and one line with %q", c.name, c.args, code, stdout, stderr, c.want)
		}
	}
}

// Only the argument - itself is standard input: a quoted pattern that
// matches a file named - stands for that file (named ./-), for eval and for
// each side of diff, whatever is on standard input.
func TestPatternMatchingDashIsAFile(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, noncompliantSnapshot, filepath.Join(dir, "-")) // account 580247316092
	stdin, err := os.ReadFile(compliantSnapshot)               // account 739275412806
	if err != nil {
		t.Fatal(err)
	}
	account := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := runBinary(t, dir, stdin, append([]string{"eval", "-f", "json", "--fail-on", "none"}, args...)...)
		var doc struct {
			Account string `json:"account"`
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil || code != exitOK {
			t.Fatalf("eval %v: exit %d, %v, stderr %q", args, code, err, stderr)
		}
		return doc.Account
	}
	for _, pattern := range []string{"*", "?"} {
		if got := account(pattern); got != "580247316092" {
			t.Errorf("eval '%s': account %s, want 580247316092 (the file named -, not standard input)", pattern, got)
		}
	}
	if got := account("-"); got != "739275412806" {
		t.Errorf("eval -: account %s, want 739275412806 (standard input)", got)
	}

	// diff, in a directory where the file named - is the compliant run
	// with log file validation off (the same account): the old side the
	// file named - (by a pattern), the new side standard input; and the
	// other way round.
	worseDir := t.TempDir()
	copyFile(t, snapshotWith(t, compliantSnapshot, validationOff), filepath.Join(worseDir, "-"))
	abs, err := filepath.Abs(compliantSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args     []string
		old, new string
		code     int // exit 1 when the file named - is the new side
	}{
		{[]string{"--old", "*", "--new", "-"}, "./-", "-", exitOK},
		{[]string{"?", "-"}, "./-", "-", exitOK},
		{[]string{"--old", "-", "--new", "?"}, "-", "./-", exitFindings},
		{[]string{"--old", abs, "--new", "*"}, abs, "./-", exitFindings},
	} {
		args := append([]string{"diff", "-f", "json"}, c.args...)
		code, stdout, stderr := runBinary(t, worseDir, stdin, args...)
		var d diffDoc
		if err := json.Unmarshal([]byte(stdout), &d); err != nil {
			t.Errorf("%v: exit %d, %v, stderr %q", args, code, err, stderr)
			continue
		}
		// Validation off is worse, on again better: each side was read from where it should.
		if code != c.code || d.Old != c.old || d.New != c.new || len(d.Worse)+len(d.Better) != 1 {
			t.Errorf("%v: exit %d, sides %q and %q, %d worse, %d better; want exit %d, sides %q and %q, one change", args, code, d.Old, d.New, len(d.Worse), len(d.Better), c.code, c.old, c.new)
		}
	}

	// The file named - beside the argument -: two inputs, not one given
	// twice, and standard input is refused among files.
	t.Chdir(dir)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"eval", "-", "*"}, "eval reads standard input (-) only as its one snapshot, not among 2 files"},
		{[]string{"diff", "--old", "*", "--old", "-", "--new", abs}, "diff --old: standard input (-) can only be the side's one file, not one of 2 files"},
		{[]string{"eval", "*", "./-"}, "eval: ./- is given twice (matched by *): give each file once"},
	} {
		code, stdout, stderr := runCLI(t, c.args...)
		if code != exitError || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stdout %.100q, stderr %q; want exit 2 and one line with %q", c.args, code, stdout, stderr, c.want)
		}
	}
}

// Shards that read a shared resource differently are merged with the newest
// reading, as before, and eval and diff say so on stderr: one warning line
// naming the resource and the files with their collection times. The
// verdicts are those of the newest reading; identical readings say nothing.
func TestShardWarnings(t *testing.T) {
	const bucket = "aws-cloudtrail-logs-333344445555-7c41e9d2"
	dir := t.TempDir()
	org := readOrgDoc(t)
	shards := writeShards(t, org, 2, dir, "org")
	whole := writeJSON(t, filepath.Join(dir, "org.json"), org)
	if code, _, stderr := runCLI(t, "eval", "-f", "json", "--fail-on", "none", shards[0], shards[1]); code != exitOK || stderr != "" {
		t.Fatalf("identical readings: exit %d, stderr %q; want nothing on stderr", code, stderr)
	}

	// Shard 2 was collected an hour later, after the log archive's bucket
	// stopped logging access.
	edit := func(doc map[string]any) {
		doc["shared"].(map[string]any)["buckets"].(map[string]any)[bucket].(map[string]any)["logging"] = map[string]any{"enabled": false}
	}
	later := readOrgDoc(t)
	edit(later)
	later["collected_at"] = "2026-11-24T07:00:00Z"
	writeJSON(t, filepath.Join(dir, "later.json"), later)
	var s2 map[string]any
	data, err := os.ReadFile(shards[1])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &s2); err != nil {
		t.Fatal(err)
	}
	edit(s2)
	s2["collected_at"] = "2026-11-24T07:00:00Z"
	writeJSON(t, shards[1], s2)

	warning := "trailguard: warning: shared bucket " + bucket + " was read differently by " + shards[0] + " (collected 2026-11-24T06:00:00Z), " + shards[1] + " (collected 2026-11-24T07:00:00Z): using the newest reading, " + shards[1] + "'s\n"
	code, stdout, stderr := runCLI(t, "eval", "-f", "json", "--fail-on", "none", shards[1], shards[0])
	if code != exitOK || stderr != warning {
		t.Errorf("eval of the shards: exit %d, stderr %q; want exit 0 and only\n%q", code, stderr, warning)
	}
	// The verdicts are those of the newest reading (the whole organization
	// with the edited bucket), and the reading matters to them.
	_, withNewest := evalJSON(t, "--fail-on", "none", filepath.Join(dir, "later.json"))
	_, withOldest := evalJSON(t, "--fail-on", "none", whole)
	var got struct {
		Findings []findings.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	for _, fs := range [][]findings.Finding{got.Findings, withNewest, withOldest} {
		findings.Sort(fs)
	}
	if reflect.DeepEqual(withNewest, withOldest) {
		t.Fatal("the bucket's access logging changes no verdict: pick an edit that matters")
	}
	if !reflect.DeepEqual(got.Findings, withNewest) {
		t.Errorf("the merged shards' %d findings are not the newest reading's %d", len(got.Findings), len(withNewest))
	}

	// diff names the side.
	code, _, stderr = runCLI(t, "diff", "--fail-on-worse=false", "--old", whole, "--new", shards[0], "--new", shards[1])
	if want := strings.Replace(warning, "warning: ", "warning: diff --new: ", 1); code != exitOK || stderr != want {
		t.Errorf("diff: exit %d, stderr %q; want exit 0 and only\n%q", code, stderr, want)
	}
}
