package report

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const junitSchemaPath = "testdata/schemas/jenkins-junit.xsd"

func TestJUnitValidAgainstXSD(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (apt-get install libxml2-utils)")
	}
	tests := []struct {
		name   string
		doc    []byte
		wantOK bool
	}{
		{"sample", render(t, "junit", sample()), true},
		{"waived", render(t, "junit", waivedSample()), true},
		{"noncompliant example", render(t, "junit", example(t)), true},
		{"empty", render(t, "junit", Report{}), true},
		{"negative control: testcase without name", []byte(`<testsuites><testsuite name="s" tests="1"><testcase classname="c"/></testsuite></testsuites>`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "junit.xml")
			if err := os.WriteFile(p, tt.doc, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(xmllint, "--noout", "--schema", junitSchemaPath, p).CombinedOutput()
			if (err == nil) != tt.wantOK {
				t.Fatalf("xmllint: err %v, want ok=%v:\n%s", err, tt.wantOK, out)
			}
		})
	}
}

func TestJUnitCasesAndCounts(t *testing.T) {
	var doc junitSuites
	if err := xml.Unmarshal(render(t, "junit", sample()), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 5 || doc.Failures != 3 || len(doc.Suites) != 5 {
		t.Fatalf("tests %d failures %d suites %d, want 5, 3, 5", doc.Tests, doc.Failures, len(doc.Suites))
	}
	byClass := map[string]junitTestCase{}
	for _, s := range doc.Suites {
		if !strings.HasPrefix(s.Name, s.Package+" ") || s.Tests != len(s.Cases) {
			t.Errorf("suite %q: package %q, tests %d, %d cases", s.Name, s.Package, s.Tests, len(s.Cases))
		}
		for _, c := range s.Cases {
			byClass[c.Classname] = c
		}
	}
	tests := []struct {
		check        string
		wantFailures int
		wantType     string
		wantSkipped  string
	}{
		{"TG-CT-005", 1, "medium", ""},
		{"TG-S3-001", 2, "critical", ""},
		{"TG-IAM-005", 0, "", ""},
		{"TG-KMS-002", 0, "", "UNKNOWN: kms:GetKeyRotationStatus: AccessDenied"},
	}
	for _, tt := range tests {
		c := byClass[tt.check]
		if len(c.Failures) != tt.wantFailures {
			t.Errorf("%s: %d failures, want %d", tt.check, len(c.Failures), tt.wantFailures)
		}
		for _, f := range c.Failures {
			if f.Type != tt.wantType || f.Message == "" || !strings.Contains(f.Body, "CLI: aws cloudtrail") {
				t.Errorf("%s: failure %+v", tt.check, f)
			}
		}
		got := ""
		if c.Skipped != nil {
			got = *c.Skipped
		}
		if got != tt.wantSkipped {
			t.Errorf("%s: skipped %q, want %q", tt.check, got, tt.wantSkipped)
		}
	}
}
