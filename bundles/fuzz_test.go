package bundles

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailguard/trailguard/findings"
)

// FuzzMetricFilterPattern evaluates every check on the compliant fixture with
// the pattern of one of its metric filters replaced by arbitrary text, seeded
// with the patterns of the shipped snapshots and the corpus in
// testdata/fuzz/FuzzMetricFilterPattern. The pattern matching (lib/metric_filter.rego)
// must never fail the evaluation, hang, or make a finding invalid; the alarm
// checks must report FAIL, UNKNOWN or PASS for every trail.
func FuzzMetricFilterPattern(f *testing.F) {
	raw, err := os.ReadFile("../policies/trailguard/fixtures/compliant/data.json")
	if err != nil {
		f.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		f.Fatal(err)
	}
	// What the alarm checks do not read is dropped (the other checks then
	// report UNKNOWN), so that each execution is cheap.
	for _, k := range []string{"iam", "buckets", "kms_keys", "event_data_stores"} {
		delete(doc, k)
	}
	var filter map[string]any // the first metric filter of the first log group
	for _, lg := range doc["log_groups"].(map[string]any) {
		filter = lg.(map[string]any)["metric_filters"].([]any)[0].(map[string]any)
		break
	}
	for _, p := range []string{"../testdata/noncompliant.json", "../testdata/compliant.json", "../testdata/org-member.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		var d map[string]any
		json.Unmarshal(b, &d)
		lgs, _ := d["log_groups"].(map[string]any)
		for _, lg := range lgs {
			mfs, _ := lg.(map[string]any)["metric_filters"].([]any)
			for _, mf := range mfs {
				f.Add(mf.(map[string]any)["pattern"].(string))
			}
		}
	}
	f.Add(`{ ($.eventName = "StopLogging") }`)
	f.Add(`{ $.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*" }`)
	f.Add(`{ ($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }`)
	f.Add(`[version, account, region, vpc, eni, source, destination, srcport, destport="22", protocol="6", packets, bytes, windowstart, windowend, action="REJECT", flowlogstatus]`)
	f.Add(`"ERROR" -"Exiting"`)
	e, err := New(context.Background(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		filter["pattern"] = pattern
		input, err := ast.InterfaceToValue(doc)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		fs, err := e.EvalValue(ctx, input)
		if err != nil {
			t.Fatalf("pattern %q: %v", pattern, err)
		}
		for _, x := range fs {
			switch x.Status {
			case findings.Pass, findings.Fail, findings.Unknown:
			default:
				t.Errorf("pattern %q: %s has status %q", pattern, x.CheckID, x.Status)
			}
			if strings.TrimSpace(x.Message) == "" {
				t.Errorf("pattern %q: %s on %s has no message", pattern, x.CheckID, x.Resource)
			}
		}
	})
}
