package report

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const sarifSchemaPath = "testdata/schemas/sarif-schema-2.1.0.json"

// validateSARIF checks doc against the OASIS SARIF 2.1.0 JSON Schema, formats included.
func validateSARIF(t testingT, doc []byte) {
	t.Helper()
	f, err := os.Open(sarifSchemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("SARIF does not match the 2.1.0 schema: %v", err)
	}
}

// testingT is what validateSARIF needs of a *testing.T.
type testingT interface {
	Helper()
	Fatal(...any)
	Fatalf(string, ...any)
}

type sarifDoc struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID               string `json:"id"`
					Name             string `json:"name"`
					ShortDescription struct{ Text string }
					FullDescription  *struct{ Text string }
					Help             struct{ Text, Markdown string }
					Properties       map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID              string `json:"ruleId"`
			RuleIndex           int    `json:"ruleIndex"`
			Level               string `json:"level"`
			Message             struct{ Text string }
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Locations           []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string }
					Region           struct{ StartLine int }
				}
				LogicalLocations []struct {
					FullyQualifiedName string
					Kind               string
				}
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

func TestSARIFValidAgainstSchema(t *testing.T) {
	tests := []struct {
		name   string
		report Report
	}{
		{"sample", sample()},
		{"waived", waivedSample()},
		{"noncompliant example", example(t)},
		{"empty", Report{Account: "111122223333"}},
		{"absolute snapshot path", func() Report { r := sample(); r.Snapshot = "/tmp/x/snap.json"; return r }()},
		{"path with a space", func() Report { r := sample(); r.Snapshot = "my snapshots/prod #1.json"; return r }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			validateSARIF(t, render(t, "sarif", tt.report))
		})
	}
}

// TestSARIFSchemaRejects proves the validator can say no.
func TestSARIFSchemaRejects(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(render(t, "sarif", sample()), &doc); err != nil {
		t.Fatal(err)
	}
	doc["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)["level"] = "fatal"
	b, _ := json.Marshal(doc)
	ft := &fakeT{T: t}
	func() {
		defer func() { _ = recover() }()
		validateSARIF(ft, b)
	}()
	if !ft.failed {
		t.Fatal("a result with level \"fatal\" passed schema validation")
	}
}

// fakeT records a failure instead of failing the test.
type fakeT struct {
	*testing.T
	failed bool
}

func (f *fakeT) Fatalf(string, ...any) { f.failed = true; panic("stop") }

func TestSARIFRulesAndResults(t *testing.T) {
	r := sample()
	var doc sarifDoc
	if err := json.Unmarshal(render(t, "sarif", r), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 {
		t.Fatalf("version %q, %d runs", doc.Version, len(doc.Runs))
	}
	run := doc.Runs[0]
	// One rule per check, and one for the UNKNOWN results of TG-KMS-002.
	if len(run.Tool.Driver.Rules) != len(r.Checks)+1 {
		t.Fatalf("%d rules, want one per check (%d) and TG-KMS-002/unknown", len(run.Tool.Driver.Rules), len(r.Checks))
	}
	sev := map[string]string{}
	for i, rule := range run.Tool.Driver.Rules {
		if i > 0 && run.Tool.Driver.Rules[i-1].ID > rule.ID {
			t.Errorf("rules not sorted")
		}
		if rule.Name == "" || rule.ShortDescription.Text == "" || rule.Help.Text == "" || rule.Help.Markdown == "" {
			t.Errorf("%s: incomplete rule %+v", rule.ID, rule)
		}
		sev[rule.ID], _ = rule.Properties["security-severity"].(string)
		if rule.Properties["precision"] == nil || rule.Properties["problem.severity"] == nil || rule.Properties["tags"] == nil {
			t.Errorf("%s: properties %v", rule.ID, rule.Properties)
		}
	}
	for id, want := range map[string]string{"TG-IAM-005": "9.5", "TG-CT-005": "5.5", "TG-KMS-002": "3.0", "TG-CT-011": "1.0", "TG-KMS-002/unknown": ""} {
		if sev[id] != want {
			t.Errorf("%s security-severity = %q, want %q", id, sev[id], want)
		}
	}
	ct005 := run.Tool.Driver.Rules[0]
	if ct005.FullDescription == nil || ct005.FullDescription.Text != r.Checks[0].Description {
		t.Errorf("fullDescription = %+v", ct005.FullDescription)
	}

	// PASS (TG-IAM-005) is omitted; the two TG-S3-001 problems are two
	// results, as the table has two FAILs; the UNKNOWN is a note of the
	// companion rule, which has no security-severity.
	wantLevel := map[string]string{"TG-CT-005": "warning", "TG-S3-001": "error", "TG-CT-011": "note", "TG-KMS-002/unknown": "note"}
	if len(run.Results) != 5 {
		t.Fatalf("%d results, want 5", len(run.Results))
	}
	fps := map[string]bool{}
	ghfps := map[string]bool{}
	for _, res := range run.Results {
		if res.Level != wantLevel[res.RuleID] {
			t.Errorf("%s level = %q, want %q", res.RuleID, res.Level, wantLevel[res.RuleID])
		}
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("%s: ruleIndex %d points at another rule", res.RuleID, res.RuleIndex)
		}
		fp := res.PartialFingerprints[sarifFingerprintKey]
		if len(fp) != 64 || fps[fp] {
			t.Errorf("%s: fingerprint %q missing, malformed or repeated", res.RuleID, fp)
		}
		fps[fp] = true
		gh := res.PartialFingerprints[sarifGitHubFingerprintKey]
		if gh == "" || ghfps[gh] {
			t.Errorf("%s: %s %q missing or repeated: GitHub would merge the alerts", res.RuleID, sarifGitHubFingerprintKey, gh)
		}
		ghfps[gh] = true
		if len(res.Locations) != 1 {
			t.Fatalf("%s: %d locations", res.RuleID, len(res.Locations))
		}
		loc := res.Locations[0]
		if loc.PhysicalLocation.ArtifactLocation.URI != "snapshots/prod.json" || loc.PhysicalLocation.Region.StartLine != 1 {
			t.Errorf("%s: physical location %+v", res.RuleID, loc.PhysicalLocation)
		}
		if len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].Kind != "resource" || loc.LogicalLocations[0].FullyQualifiedName == "" {
			t.Errorf("%s: logical locations %+v", res.RuleID, loc.LogicalLocations)
		}
		if res.RuleID == "TG-KMS-002/unknown" && res.Message.Text != "UNKNOWN (could not be evaluated): kms:GetKeyRotationStatus: AccessDenied" {
			t.Errorf("UNKNOWN message = %q", res.Message.Text)
		}
	}
	// The fingerprint depends on check and resource only, not on the message.
	r2 := sample()
	r2.Findings[0].Message = "reworded"
	var doc2 sarifDoc
	if err := json.Unmarshal(render(t, "sarif", r2), &doc2); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{sarifFingerprintKey, sarifGitHubFingerprintKey} {
		if doc2.Runs[0].Results[0].PartialFingerprints[key] != run.Results[0].PartialFingerprints[key] {
			t.Errorf("fingerprint %s changed with the message", key)
		}
	}
	// The same check and resource in another snapshot file, collected at
	// another time, keeps its fingerprints.
	r3 := sample()
	r3.Snapshot, r3.CollectedAt = "other.json", "2027-05-06T00:00:00Z"
	var doc3 sarifDoc
	if err := json.Unmarshal(render(t, "sarif", r3), &doc3); err != nil {
		t.Fatal(err)
	}
	for i, res := range doc3.Runs[0].Results {
		if res.PartialFingerprints[sarifGitHubFingerprintKey] != run.Results[i].PartialFingerprints[sarifGitHubFingerprintKey] {
			t.Errorf("%s: fingerprint depends on the snapshot file or time", res.RuleID)
		}
	}
}

func TestSARIFDriverVersionAndNoInventedFile(t *testing.T) {
	w, _ := New("sarif", Options{Version: "1.4.2"})
	r := sample()
	r.Snapshot = ""
	var buf bytes.Buffer
	if err := w.Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, buf.Bytes())
	var doc sarifDoc
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if v := doc.Runs[0].Tool.Driver.Version; v != "1.4.2" {
		t.Errorf("driver version %q", v)
	}
	for _, res := range doc.Runs[0].Results {
		if uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI; uri != "" {
			t.Errorf("%s: artifact %q without a snapshot file", res.RuleID, uri)
		}
		if len(res.Locations[0].LogicalLocations) != 1 {
			t.Errorf("%s: no logical location", res.RuleID)
		}
	}
}

func TestArtifactURI(t *testing.T) {
	for in, want := range map[string]string{
		"testdata/noncompliant.json":  "testdata/noncompliant.json",
		"./snap.json":                 "snap.json",
		"/abs/path/snap.json":         "snap.json",
		"../elsewhere/snap.json":      "snap.json",
		"":                            "",
		"dir/../dir2/with space.json": "dir2/with%20space.json",
	} {
		if got := artifactURI(in); got != want {
			t.Errorf("artifactURI(%q) = %q, want %q", in, got, want)
		}
	}
}
