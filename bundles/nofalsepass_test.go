package bundles

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/internal/snapgen"
	"github.com/trailguard/trailguard/snapshot"
)

var updateOutputs = flag.Bool("update", false, "rewrite testdata/outputs.sha256 (the digest of every finding for every shipped and mutated snapshot)")

// outputsFile holds, for every shipped snapshot and every mutation of it that
// TestMissingDataNeverPasses evaluates, a digest of the complete findings
// (status, message, resource, remediation, frameworks...). A refactoring of
// the checks must leave it byte-identical; a change of verdict or wording
// shows here as the exact snapshot and mutation it affects. Regenerate with
// go test ./bundles -run TestMissingDataNeverPasses -update
const outputsFile = "testdata/outputs.sha256"

// TestMissingDataNeverPasses removes, one at a time, every piece of collected
// data from each shipped snapshot — as if the collector had been denied it —
// and checks that no check turns a FAIL or UNKNOWN (or nothing) into a PASS.
// A false PASS is the worst bug trailguard can have.
func TestMissingDataNeverPasses(t *testing.T) {
	e := newEngine(t)
	docs := map[string]map[string]any{}
	paths, _ := filepath.Glob("../testdata/*.json")
	for _, p := range paths {
		doc, err := snapshot.ReadAnyFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !snapshot.IsOrganization(doc) {
			docs[filepath.Base(p)] = doc
			continue
		}
		// An organization: each scanned account's input, joined with the
		// shared resources and the organization's policies.
		for _, a := range snapshot.AccountInputs(doc) {
			if a.Scanned {
				docs[filepath.Base(p)+"/"+a.ID] = a.Doc
			}
		}
	}
	fixture, err := snapgen.Compliant()
	if err != nil {
		t.Fatal(err)
	}
	docs["fixture"] = fixture
	var digests []string
	for _, name := range sortedKeys(docs) {
		doc := docs[name]
		t.Run(name, func(t *testing.T) {
			before := statuses(t, e, doc, &digests, name, "-")
			for _, path := range removable(doc, nil) {
				changed := without(doc, path)
				if snapshot.Validate(changed) != nil {
					continue // a required field: the document would be refused before evaluation
				}
				after := statuses(t, e, changed, &digests, name, strings.Join(path, ">"))
				for key, st := range after {
					if st == findings.Pass && before[key] != findings.Pass {
						t.Errorf("removing %s turned %s from %q into PASS", strings.Join(path, " > "), key, before[key])
					}
				}
			}
		})
	}
	checkOutputs(t, digests)
}

// checkOutputs compares the digests with outputsFile (or rewrites it with -update).
func checkOutputs(t *testing.T, digests []string) {
	t.Helper()
	got := strings.Join(digests, "\n") + "\n"
	if *updateOutputs {
		if err := os.WriteFile(outputsFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(outputsFile)
	if err != nil {
		t.Fatalf("%v (create it with -update)", err)
	}
	wantLines := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(want)), "\n") {
		k, h, _ := strings.Cut(l, " = ")
		wantLines[k] = h
	}
	changed := 0
	for _, l := range digests {
		k, h, _ := strings.Cut(l, " = ")
		if w, ok := wantLines[k]; !ok || w != h {
			changed++
			if changed <= 20 {
				t.Errorf("findings changed for %s (was %q, now %q)", k, w, h)
			}
		}
		delete(wantLines, k)
	}
	for k := range wantLines {
		t.Errorf("no longer evaluated: %s", k)
	}
	if changed > 20 {
		t.Errorf("... %d changed in all; if intended, rerun with -update and review the diff", changed)
	}
}

// statuses evaluates doc, appends the digest of its findings to digests (as
// "name mutation = sha256") and returns the status of every check and resource.
func statuses(t *testing.T, e *Engine, doc map[string]any, digests *[]string, name, mutation string) map[string]findings.Status {
	t.Helper()
	fs, err := e.Eval(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if digests != nil {
		b, err := json.Marshal(fs)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		*digests = append(*digests, name+" "+mutation+" = "+hex.EncodeToString(sum[:12]))
	}
	out := map[string]findings.Status{}
	for _, f := range fs {
		key := f.CheckID + " " + f.Resource
		// A resource with any non-PASS finding is not passing.
		if prev, ok := out[key]; ok && prev != findings.Pass {
			continue
		}
		out[key] = f.Status
	}
	return out
}

// Keys whose absence means "none" or "not configured" by the schema's definition, and the
// resources whose absence means they do not exist: removing them is not "missing data".
var notMissingData = map[string]bool{
	"errors": true, "collector": true, "complete": true, "collected_at": true, "organization": true, "regions": true,
	"kms_key_id": true, "sns_topic_arn": true, "s3_key_prefix": true, "cloudwatch_logs_log_group_arn": true, "cloudwatch_logs_role_arn": true,
	"retention_in_days": true, "deletion_date": true, "exclude_management_event_sources": true,
	"latest_delivery_error": true, "latest_notification_error": true, "latest_cloudwatch_logs_delivery_error": true,
	"latest_digest_delivery_error": true, "stop_logging_time": true, "start_logging_time": true,
	"latest_delivery_time": true, "latest_digest_delivery_time": true,
}

// Maps whose entries are the things being audited (their absence means they do not exist).
var existenceMaps = []string{"trails", "event_data_stores", "users", "groups", "roles", "policies", "alarms"}

// Values that are documents as AWS wrote them, not collected settings.
var opaque = map[string]bool{"document": true, "policy": true, "Statement": true, "tags": true,
	"event_selectors": true, "advanced_event_selectors": true, "insight_selectors": true, "inline_policies": true}

func removable(v any, prefix []string) [][]string {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	var out [][]string
	parent := ""
	if len(prefix) > 0 {
		parent = prefix[len(prefix)-1]
	}
	for _, k := range sortedKeys(obj) {
		path := append(slices.Clone(prefix), k)
		isEntry := parent != "" && looksLikeMap(parent)
		if !(isEntry && slices.Contains(existenceMaps, parent)) && !notMissingData[k] {
			out = append(out, path)
		}
		if opaque[k] && !isEntry {
			continue
		}
		out = append(out, removable(obj[k], path)...)
	}
	return out
}

func looksLikeMap(name string) bool {
	return slices.Contains(existenceMaps, name) || slices.Contains([]string{"buckets", "kms_keys", "log_groups", "sns_topics"}, name)
}

func without(doc map[string]any, path []string) map[string]any {
	b, _ := json.Marshal(doc)
	var c map[string]any
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	_ = d.Decode(&c)
	m := c
	for _, k := range path[:len(path)-1] {
		m = m[k].(map[string]any)
	}
	delete(m, path[len(path)-1])
	return c
}
