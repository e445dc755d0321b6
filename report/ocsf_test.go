package report

import (
	"encoding/json"
	"testing"
)

func TestOCSFRequiredAttributes(t *testing.T) {
	for name, r := range map[string]Report{"sample": sample(), "noncompliant example": example(t)} {
		t.Run(name, func(t *testing.T) {
			var events []map[string]any
			if err := json.Unmarshal(render(t, "ocsf", r), &events); err != nil {
				t.Fatal(err)
			}
			if len(events) != len(r.Findings) {
				t.Fatalf("%d events, want one per finding (%d)", len(events), len(r.Findings))
			}
			for _, e := range events {
				for k, want := range map[string]float64{"class_uid": 2003, "category_uid": 2, "type_uid": 200301, "activity_id": 1, "time": 0} {
					v, ok := e[k].(float64)
					if !ok || (want != 0 && v != want) {
						t.Errorf("%s = %v, want %v", k, e[k], want)
					}
				}
				for _, k := range []string{"severity_id", "status_id"} {
					if _, ok := e[k].(float64); !ok {
						t.Errorf("%s missing", k)
					}
				}
				c := e["compliance"].(map[string]any)
				if c["status"] == nil || c["status_id"] == nil || c["control"] == nil || len(c["standards"].([]any)) == 0 {
					t.Errorf("compliance %v", c)
				}
				fi := e["finding_info"].(map[string]any)
				if fi["uid"] == "" || fi["title"] == "" || len(fi["types"].([]any)) == 0 {
					t.Errorf("finding_info %v", fi)
				}
				cloud := e["cloud"].(map[string]any)
				if cloud["provider"] != "AWS" || cloud["account"].(map[string]any)["uid"] != r.Account {
					t.Errorf("cloud %v", cloud)
				}
				md := e["metadata"].(map[string]any)
				p := md["product"].(map[string]any)
				if md["version"] != "1.3.0" || p["name"] != "trailguard" || p["vendor_name"] != "trailguard" {
					t.Errorf("metadata %v", md)
				}
				if len(e["resources"].([]any)) != 1 {
					t.Errorf("resources %v", e["resources"])
				}
			}
		})
	}
}

func TestOCSFMapping(t *testing.T) {
	var events []OCSFEvent
	if err := json.Unmarshal(render(t, "ocsf", sample()), &events); err != nil {
		t.Fatal(err)
	}
	by := map[string]OCSFEvent{}
	for _, e := range events {
		by[e.Compliance.Control] = e
	}
	tests := []struct {
		check           string
		complianceID    int
		severityID      int
		statusID        int
		wantStandards   int
		wantRequirement string
	}{
		{"TG-CT-005", 3, 3, 1, 2, "CIS AWS Foundations Benchmark v3.0.0/3.2"},
		{"TG-IAM-005", 1, 5, 4, 1, "CIS AWS Foundations Benchmark v3.0.0/1.5"},
		{"TG-KMS-002", 2, 2, 1, 1, ""},
		{"TG-CT-011", 3, 1, 1, 1, ""},
	}
	for _, tt := range tests {
		e := by[tt.check]
		if e.Compliance.StatusID != tt.complianceID || e.SeverityID != tt.severityID || e.StatusID != tt.statusID || len(e.Compliance.Standards) != tt.wantStandards {
			t.Errorf("%s: %+v", tt.check, e)
		}
		if tt.wantRequirement != "" && (len(e.Compliance.Requirements) == 0 || !contains(e.Compliance.Requirements, tt.wantRequirement)) {
			t.Errorf("%s: requirements %v", tt.check, e.Compliance.Requirements)
		}
	}
	if want := int64(1767323045000); by["TG-CT-005"].Time != want {
		t.Errorf("time = %d, want %d (collected_at in ms)", by["TG-CT-005"].Time, want)
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
