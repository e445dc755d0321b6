package bundles

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/internal/snapgen"
	"github.com/trailguard/trailguard/snapshot"
)

func newEngine(t testing.TB, extra ...Source) *Engine {
	t.Helper()
	e, err := New(context.Background(), Options{}, extra...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

func TestBuiltinCatalog(t *testing.T) {
	e := newEngine(t)
	checks := e.Checks()
	if len(checks) < 25 {
		t.Fatalf("built-in catalog has %d checks, want at least 25", len(checks))
	}
	for _, c := range checks {
		if c.Title == "" || c.Description == "" {
			t.Errorf("%s (%s): title and description are required", c.ID, c.File)
		}
		if c.Remediation.Console == "" || c.Remediation.CLI == "" {
			t.Errorf("%s (%s): remediation needs console steps and a CLI command", c.ID, c.File)
		}
		for _, r := range c.RelatedResources {
			if u, err := url.Parse(r.URL); err != nil || u.Scheme != "https" || u.Host == "" || r.Description == "" {
				t.Errorf("%s: related_resources entry %+v needs an https URL and a description", c.ID, r)
			}
		}
		if len(c.RelatedResources) == 0 {
			t.Errorf("%s (%s): METADATA related_resources must link the AWS documentation and the benchmark controls it implements", c.ID, c.File)
		}
		if !strings.HasPrefix(c.Package, checksNamespace) {
			t.Errorf("%s: package %s is outside %s", c.ID, c.Package, checksNamespace)
		}
		if want := "policies/" + strings.ReplaceAll(strings.TrimPrefix(c.Package, "data."), ".", "/") + ".rego"; c.File != want {
			t.Errorf("%s: package %s lives in %s, want %s", c.ID, c.Package, c.File, want)
		}
	}
}

// TestCompliantFixturePassesEverything: the fixture is what a well-run account looks like; every
// check must report on it, and only PASS.
func TestCompliantFixturePassesEverything(t *testing.T) {
	e := newEngine(t)
	doc, err := snapgen.Compliant()
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Eval(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	reported := map[string]bool{}
	for _, f := range fs {
		reported[f.CheckID] = true
		if f.Status != findings.Pass {
			t.Errorf("%s %s: %s: %s", f.CheckID, f.Resource, f.Status, f.Message)
		}
		if f.Account != "111122223333" {
			t.Errorf("%s: account = %q", f.CheckID, f.Account)
		}
	}
	// The organization checks report only in an organization scan: on a
	// well-run member of testdata/org.json, joined with the organization's
	// shared resources and SCPs, they must report, and only PASS.
	var member map[string]any
	org, err := snapshot.ReadAnyFile("../testdata/org.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range snapshot.AccountInputs(org) {
		if a.ID == "222233334444" {
			member = a.Doc
		}
	}
	orgFs, err := e.Eval(context.Background(), member)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range orgFs {
		if reported[f.CheckID] {
			continue
		}
		if f.Status != findings.Pass {
			t.Errorf("organization member: %s %s: %s: %s", f.CheckID, f.Resource, f.Status, f.Message)
		}
		reported[f.CheckID] = true
	}
	for _, c := range e.Checks() {
		if !reported[c.ID] {
			t.Errorf("%s reported nothing on the compliant account nor on a compliant organization member", c.ID)
		}
	}
}

func TestPolicyErrors(t *testing.T) {
	meta := `# METADATA
# title: Custom
# description: d
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: ACME-1
#   severity: high
`
	tests := []struct {
		name, src, want string
	}{
		{"http.send", meta + "package acme.a\nfindings contains x if { x := http.send({\"method\": \"GET\", \"url\": \"http://169.254.169.254/\"}) }\n",
			"custom/a.rego:11: http.send is not allowed"},
		{"opa.runtime", meta + "package acme.a\nfindings contains x if { x := opa.runtime().env.AWS_SECRET_ACCESS_KEY }\n",
			"custom/a.rego:11: opa.runtime is not allowed"},
		{"net.lookup_ip_addr", meta + "package acme.a\nfindings contains x if { x := net.lookup_ip_addr(\"example.com\") }\n",
			"net.lookup_ip_addr is not allowed"},
		{"syntax", meta + "package acme.a\nfindings contains x if {\n", "custom/a.rego:12: unexpected eof token"},
		{"misspelled field", meta + "package acme.a\nfindings contains x if { x := input.acount_id }\n",
			`custom/a.rego:11: input has no field "acount_id" (fields: account_id, alarms,`},
		{"misspelled field of a map value", meta + "package acme.a\nfindings contains arn if {\n\tsome arn, t in input.trails\n\tt.log_file_validation_enabld\n}\n",
			`custom/a.rego:13: t (input.trails[_]) has no field "log_file_validation_enabld" (fields: advanced_event_selectors, arn,`},
		{"misspelled nested field by lookup", meta + "package acme.a\nfindings contains n if {\n\tsome n, _ in input.buckets\n\tinput.buckets[n].versioning.mfa_delet == \"Enabled\"\n}\n",
			`custom/a.rego:13: input.buckets[n].versioning has no field "mfa_delet" (fields: mfa_delete, status)`},
		{"misspelled field used in the head", meta + "package acme.a\nfindings contains t.home_regin if {\n\tsome t in input.trails\n}\n",
			`custom/a.rego:11: t (input.trails[_]) has no field "home_regin"`},
		{"misspelled field through an assignment", meta + "package acme.a\nfindings contains x if {\n\tt := input.trails[_]\n\ts := t.status\n\tx := s.is_loging\n}\n",
			`custom/a.rego:14: s (input.trails[_].status) has no field "is_loging" (fields: is_logging,`},
		{"misspelled field under every", meta + "package acme.a\nfindings contains 1 if {\n\tevery k in input.kms_keys {\n\t\tk.rotation\n\t}\n}\n",
			`has no field "rotation"`},
		{"misspelled field through a helper's map", meta + "package acme.a\nimport data.trailguard.lib.buckets\nfindings contains name if {\n\tsome name, bucket in buckets.evaluated\n\tnot bucket.object_lok.enabled\n}\n",
			`custom/a.rego:14: bucket (trailguard.lib.buckets.evaluated[_]) has no field "object_lok" (fields: acl, arn,`},
		{"misspelled field through a helper's object.get", meta + "package acme.a\nimport data.trailguard.lib.snapshot\nfindings contains arn if {\n\tsome arn, trail in snapshot.trails\n\tnot trail.log_file_validation_enabld\n}\n",
			`custom/a.rego:14: trail (trailguard.lib.snapshot.trails[_]) has no field "log_file_validation_enabld"`},
		{"misspelled field through a helper function", meta + "package acme.a\nimport data.trailguard.lib.snapshot\nfindings contains arn if {\n\tsome arn, trail in snapshot.trails\n\tk := snapshot.kms_key(trail)\n\tk.rotation_enabld\n}\n",
			`custom/a.rego:15: k (trailguard.lib.snapshot.kms_key(...)) has no field "rotation_enabld" (fields: account_id,`},
		{"misspelled field through a helper's set", meta + "package acme.a\nimport data.trailguard.lib.buckets\nfindings contains n if {\n\tsome n, trails in buckets.trails_by_bucket\n\tsome t in trails\n\tt.s3_bucket_nme\n}\n",
			`custom/a.rego:15: t (`},
		{"misspelled field through a helper, indexed", meta + "package acme.a\nimport data.trailguard.lib.buckets\nfindings contains n if {\n\tsome n in buckets.trail_buckets\n\tbuckets.evaluated[n].versioning.mfa_delet\n}\n",
			`custom/a.rego:14: trailguard.lib.buckets.evaluated[n].versioning has no field "mfa_delet"`},
		{"misspelled field in a check without schemas", strings.Replace(meta, "# schemas:\n#   - input: schema.snapshot\n", "", 1) + "package acme.a\nfindings contains x if { x := input.acount_id }\n",
			`input has no field "acount_id"`},
		{"unknown builtin", meta + "package acme.a\nfindings contains x if { x := result.new(\"a\") }\n",
			"custom/a.rego:11: undefined function result.new"},
		{"missing severity", strings.Replace(meta, "#   severity: high\n", "", 1) + "package acme.a\nfindings contains 1 if true\n",
			"custom/a.rego:1: METADATA custom.severity of ACME-1"},
		{"no findings rule", meta + "package acme.a\nallow := true\n", "check ACME-1 defines no `findings` rule"},
		{"findings without METADATA", "package acme.a\n\nfindings contains 1 if true\n",
			"custom/a.rego:3: package data.acme.a defines findings but has no package METADATA"},
		{"METADATA without custom.id", strings.Replace(meta, "#   id: ACME-1\n", "", 1) + "package acme.a\nfindings contains 1 if true\n",
			"custom/a.rego:1: METADATA of package data.acme.a has no custom.id"},
		{"METADATA on the rule (conftest habit)", "package acme.a\n\n" + strings.Replace(meta, "# scope: package\n", "", 1) + "findings contains 1 if true\n",
			"custom/a.rego:3: METADATA is on rule data.acme.a.findings, not on the package: move the block above `package acme.a`"},
		{"unknown METADATA key", strings.Replace(meta, "# scope: package\n", "# scope: package\n# remediaton: fix it\n", 1) + "package acme.a\nfindings contains 1 if true\n",
			`custom/a.rego:5: unknown METADATA key "remediaton" (did you mean custom.remediation? it belongs under custom:)`},
		{"unknown custom key", strings.Replace(meta, "#   severity: high\n", "#   severity: high\n#   severty: low\n", 1) + "package acme.a\nfindings contains 1 if true\n",
			`custom/a.rego:10: unknown METADATA key custom.severty (did you mean severity?)`},
		{"unknown remediation key", strings.Replace(meta, "#   severity: high\n", "#   severity: high\n#   remediation:\n#     consle: x\n", 1) + "package acme.a\nfindings contains 1 if true\n",
			`custom/a.rego:11: unknown METADATA key custom.remediation.consle (did you mean console?)`},
		{"missing description", strings.Replace(meta, "# description: d\n", "", 1) + "package acme.a\nfindings contains 1 if true\n",
			"METADATA description is missing for check ACME-1"},
		{"duplicate id", strings.Replace(meta, "ACME-1", "TG-CT-005", 1) + "package acme.a\nfindings contains 1 if true\n",
			"check id TG-CT-005 is also used by"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(context.Background(), Options{}, Source{Name: "custom", Modules: map[string]string{"custom/a.rego": tt.src}})
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a PolicyError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %q, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

// A variable reused for different things in one rule must not produce a false field error.
func TestFieldCheckToleratesReusedVariables(t *testing.T) {
	src := `# METADATA
# title: Reuse
# description: d
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: ACME-REUSE
#   severity: low
package acme.reuse

findings contains {"status": "PASS", "resource": "x", "region": "", "message": sprintf("%d %d", [count(a), count(b)])} if {
	a := [v.home_region | some v in input.trails]
	b := [v.region | some v in input.buckets]
}
`
	newEngine(t, Source{Name: "custom", Modules: map[string]string{"acme/reuse.rego": src}})
}

func TestCustomCheckReportsBesideBuiltins(t *testing.T) {
	src := `# METADATA
# title: Trails carry a cost-centre tag
# description: Every trail is tagged with its cost centre.
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: ACME-TAG-1
#   severity: low
package acme.checks.cost_centre

import data.trailguard.lib.result

findings contains result.fail(arn, t.home_region, "no cost-centre tag") if {
	some arn, t in input.trails
	not t.tags["cost-centre"]
}

findings contains result.pass(arn, t.home_region, "tagged") if {
	some arn, t in input.trails
	t.tags["cost-centre"]
}
`
	e := newEngine(t, Source{Name: "custom", Modules: map[string]string{"acme/cost_centre.rego": src}})
	doc, _ := snapgen.Compliant()
	fs, err := e.Eval(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	got := findings.Filter{Checks: []string{"ACME-TAG-1"}}.Apply(fs)
	if len(got) != 1 || got[0].Status != findings.Pass || got[0].Severity != findings.Low {
		t.Fatalf("custom findings = %+v", got)
	}
}

func TestTimeout(t *testing.T) {
	e := newEngine(t, slowCheck("ACME-SLOW"))
	doc, _ := snapgen.Compliant()
	ctx, cancel := context.WithTimeout(context.Background(), 200e6)
	defer cancel()
	_, err := e.Eval(ctx, doc)
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if !strings.Contains(err.Error(), "fix check ACME-SLOW in acme/slow.rego") {
		t.Fatalf("err = %v, want it to name the slow check and its file", err)
	}
}

// In an organization the limit is per account, and the error names the
// account and the slow check.
func TestTimeoutPerAccount(t *testing.T) {
	e := newEngine(t, slowCheck("ACME-SLOW"))
	doc, err := snapshot.ReadAnyFile("../testdata/org.json")
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.EvalAccounts(context.Background(), snapshot.AccountInputs(doc), 200*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "timed out") || !strings.Contains(err.Error(), "fix check ACME-SLOW") {
		t.Fatalf("err = %v, want a timeout naming ACME-SLOW", err)
	}
	if !regexp.MustCompile(`^account [0-9]{12}: `).MatchString(err.Error()) {
		t.Errorf("err = %q, want it to name the account", err)
	}
}

// slowCheck is a custom check that does not finish within a test's timeout.
func slowCheck(id string) Source {
	src := `# METADATA
# title: Slow
# description: Never finishes in time.
# scope: package
# custom:
#   id: ` + id + `
#   severity: low
package acme.slow

findings contains {"status": "PASS", "resource": sprintf("%d", [n]), "region": "", "message": ""} if {
	some n in numbers.range(1, 100000000)
	n < 0
}
`
	return Source{Name: "custom", Modules: map[string]string{"acme/slow.rego": src}}
}

// A timeout in any query but the first still wraps that query's error, not
// a nil one (which printed as %!w(<nil>)).
func TestTimeoutInALaterGroup(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2)) // two queries: the TG checks, then ZZ-SLOW
	e := newEngine(t, slowCheck("ZZ-SLOW"))
	if len(e.groups) < 2 || e.checks[e.groups[0].n-1].ID == "ZZ-SLOW" {
		t.Fatalf("want the slow check outside the first of %d queries", len(e.groups))
	}
	doc, _ := snapgen.Compliant()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := e.Eval(ctx, doc)
	if err == nil || !strings.Contains(err.Error(), "timed out") || !strings.Contains(err.Error(), "fix check ZZ-SLOW") {
		t.Fatalf("err = %v, want a timeout naming ZZ-SLOW", err)
	}
	if strings.Contains(err.Error(), "%!") || errors.Unwrap(err) == nil {
		t.Errorf("err = %q, want it to wrap the query's error", err)
	}
}

// Ctrl-C during the probe that looks for the slow check ends it at once,
// instead of after the probe's budget of 2 s per check.
func TestSlowCheckProbeStopsOnInterrupt(t *testing.T) {
	e := newEngine(t, slowCheck("ACME-SLOW"))
	doc, _ := snapgen.Compliant()
	interrupt, stop := context.WithCancel(context.Background())
	defer stop()
	ctx, cancel := WithTimeout(interrupt, 100*time.Millisecond)
	defer cancel()
	time.AfterFunc(500*time.Millisecond, stop) // during the probe
	start := time.Now()
	_, err := e.Eval(ctx, doc)
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Errorf("Eval returned %v after the interrupt, want at once", took-500*time.Millisecond)
	}
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v, want a timeout", err)
	}
}

func TestParamsOverrideThresholds(t *testing.T) {
	doc, _ := snapgen.Compliant()
	e, err := New(context.Background(), Options{Params: map[string]any{"min_log_retention_days": 1000}})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Eval(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	got := findings.Filter{Checks: []string{"TG-CW-001"}}.Apply(fs)
	if len(got) != 1 || got[0].Status != findings.Fail {
		t.Fatalf("with min_log_retention_days=1000 the 400-day group must fail, got %+v", got)
	}
}

func TestBalancedRuns(t *testing.T) {
	for _, tc := range []struct {
		weights []int
		n       int
		want    [][2]int
	}{
		{[]int{1, 1, 1, 1}, 2, [][2]int{{0, 2}, {2, 4}}},
		{[]int{5, 1, 1, 1, 1, 1}, 2, [][2]int{{0, 1}, {1, 6}}},
		{[]int{1, 1, 1, 1, 6}, 2, [][2]int{{0, 4}, {4, 5}}},
		{[]int{3, 1, 1, 3}, 2, [][2]int{{0, 2}, {2, 4}}},
		{[]int{1, 1, 1}, 4, [][2]int{{0, 1}, {1, 2}, {2, 3}}},
		{[]int{1, 2, 3, 4, 5, 6}, 3, [][2]int{{0, 3}, {3, 5}, {5, 6}}},
		{[]int{7}, 1, [][2]int{{0, 1}}},
		{[]int{1, 9}, 2, [][2]int{{0, 1}, {1, 2}}},
	} {
		if got := balancedRuns(tc.weights, tc.n); !slices.Equal(got, tc.want) {
			t.Errorf("balancedRuns(%v, %d) = %v, want %v", tc.weights, tc.n, got, tc.want)
		}
	}
}

// The thresholds a --param may set are those the loaded policies read.
func TestKnownParams(t *testing.T) {
	const custom = `# METADATA
# title: Custom
# description: d
# scope: package
# custom:
#   id: ACME-P
#   severity: low
package acme.p

import data.trailguard.lib.params
import data.trailguard.lib.result

findings contains result.pass("r", "", "ok") if {
	data.params.acme_min_size > 0
	params.value("acme_by_helper") != null
}
`
	e, err := New(context.Background(), Options{Data: map[string]any{"params": map[string]any{"acme_from_data": 3}}},
		Source{Name: "custom", Modules: map[string]string{"custom/p.rego": custom}})
	if err != nil {
		t.Fatal(err)
	}
	got := e.Params()
	for _, name := range []string{"min_log_retention_days", "acme_min_size", "acme_by_helper", "acme_from_data"} {
		if _, ok := got[name]; !ok {
			t.Errorf("threshold %s not known: %v", name, got)
		}
	}
	if got["min_log_retention_days"] == nil || got["acme_from_data"] == nil {
		t.Errorf("defaults missing: %v", got)
	}
	if _, ok := got["acme_unknown"]; ok {
		t.Error("an unread threshold is known")
	}
}
