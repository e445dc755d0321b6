package bundles

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/internal/snapgen"
	"github.com/trailguard/trailguard/snapshot"
)

// TestVerdictsFollowWhatTheTrailRecords is the twin of TestMissingDataNeverPasses:
// every check whose verdict depends on what a trail records must stop passing
// when the trails' event selectors stop recording what it needs, and must
// keep passing when they still record it. A check that ignored the selectors
// (a metric filter that "sees" events its trail never delivers, Insights on a
// trail of read-only events) would pass both ways.
func TestVerdictsFollowWhatTheTrailRecords(t *testing.T) {
	e := newEngine(t)
	compliant, err := snapshot.ReadFile("../testdata/compliant.json")
	if err != nil {
		t.Fatal(err)
	}
	fixture, err := snapgen.Compliant()
	if err != nil {
		t.Fatal(err)
	}
	mgmt := func(extra ...map[string]any) map[string]any {
		fs := []any{map[string]any{"field": "eventCategory", "equals": []any{"Management"}}}
		for _, x := range extra {
			fs = append(fs, x)
		}
		return map[string]any{"name": "management", "field_selectors": fs}
	}
	s3Data := map[string]any{"name": "s3", "field_selectors": []any{
		map[string]any{"field": "eventCategory", "equals": []any{"Data"}},
		map[string]any{"field": "resources.type", "equals": []any{"AWS::S3::Object"}},
	}}
	// The selector-dependent checks, all passing on both documents.
	dependent := []string{"TG-CT-001", "TG-CT-009", "TG-CT-010", "TG-CT-011", "TG-CW-002", "TG-CW-003", "TG-CW-004"}
	tests := []struct {
		name     string
		classic  []any
		advanced []any
		mustFlip []string // no longer PASS
		mustStay []string // still PASS
	}{
		{"read-only management events", nil, []any{mgmt(map[string]any{"field": "readOnly", "equals": []any{"true"}}), s3Data},
			[]string{"TG-CT-001", "TG-CT-011", "TG-CW-002", "TG-CW-003", "TG-CW-004"}, []string{"TG-CT-009", "TG-CT-010"}},
		{"write-only management events", nil, []any{mgmt(map[string]any{"field": "readOnly", "equals": []any{"false"}}), s3Data},
			[]string{"TG-CT-001"}, []string{"TG-CT-011", "TG-CW-002", "TG-CW-003", "TG-CW-004", "TG-CT-009", "TG-CT-010"}},
		{"management events without KMS (advanced)", nil, []any{mgmt(map[string]any{"field": "eventSource", "not_equals": []any{"kms.amazonaws.com"}}), s3Data},
			[]string{"TG-CT-001", "TG-CW-003"}, []string{"TG-CT-011", "TG-CW-002", "TG-CW-004", "TG-CT-009", "TG-CT-010"}},
		{"management events without KMS (classic)", []any{map[string]any{"read_write_type": "All", "include_management_events": true,
			"exclude_management_event_sources": []any{"kms.amazonaws.com"}, "data_resources": []any{map[string]any{"type": "AWS::S3::Object", "values": []any{"arn:aws:s3"}}}}}, nil,
			[]string{"TG-CT-001", "TG-CW-003"}, []string{"TG-CT-011", "TG-CW-002", "TG-CW-004", "TG-CT-009", "TG-CT-010"}},
		{"S3 data events only", nil, []any{s3Data},
			[]string{"TG-CT-001", "TG-CT-011", "TG-CW-002", "TG-CW-003", "TG-CW-004"}, []string{"TG-CT-009", "TG-CT-010"}},
		{"management events only", nil, []any{mgmt()},
			[]string{"TG-CT-009", "TG-CT-010"}, []string{"TG-CT-001", "TG-CT-011", "TG-CW-002", "TG-CW-003", "TG-CW-004"}},
	}
	for name, doc := range map[string]map[string]any{"compliant.json": compliant, "fixture": fixture} {
		t.Run(name, func(t *testing.T) {
			before := byCheck(t, e, doc)
			for _, id := range dependent {
				if before[id] != findings.Pass {
					t.Fatalf("%s is %s on the unchanged document, want PASS", id, before[id])
				}
			}
			for _, tt := range tests {
				after := byCheck(t, e, withSelectors(doc, tt.classic, tt.advanced))
				for _, id := range tt.mustFlip {
					if after[id] == findings.Pass {
						t.Errorf("%s: %s still passes", tt.name, id)
					}
				}
				for _, id := range tt.mustStay {
					if after[id] != findings.Pass {
						t.Errorf("%s: %s is %s, want PASS (the trail still records what it needs)", tt.name, id, after[id])
					}
				}
			}
		})
	}
}

// byCheck is each check's account-level status: PASS only when every finding
// of the check passes.
func byCheck(t *testing.T, e *Engine, doc map[string]any) map[string]findings.Status {
	t.Helper()
	out := map[string]findings.Status{}
	for key, st := range statuses(t, e, doc, nil, "", "") {
		id, _, _ := strings.Cut(key, " ")
		if prev, ok := out[id]; !ok || prev == findings.Pass {
			out[id] = st
		}
	}
	return out
}

// withSelectors gives every trail of doc the classic or advanced selectors.
func withSelectors(doc map[string]any, classic, advanced []any) map[string]any {
	b, _ := json.Marshal(doc)
	var c map[string]any
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	_ = d.Decode(&c)
	for _, tr := range c["trails"].(map[string]any) {
		trail := tr.(map[string]any)
		delete(trail, "event_selectors")
		delete(trail, "advanced_event_selectors")
		if classic != nil {
			trail["event_selectors"] = classic
		}
		if advanced != nil {
			trail["advanced_event_selectors"] = advanced
		}
	}
	return c
}
