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
	// One test case per finding, as many failures as the table has FAILs.
	if doc.Tests != 6 || doc.Failures != 4 || len(doc.Suites) != 5 {
		t.Fatalf("tests %d failures %d suites %d, want 6, 4, 5", doc.Tests, doc.Failures, len(doc.Suites))
	}
	byName := map[string]junitTestCase{}
	for _, s := range doc.Suites {
		if !strings.HasPrefix(s.Name, s.Package+" ") || s.Tests != len(s.Cases) {
			t.Errorf("suite %q: package %q, tests %d, %d cases", s.Name, s.Package, s.Tests, len(s.Cases))
		}
		for _, c := range s.Cases {
			if len(c.Failures) > 1 {
				t.Errorf("%s %s: %d failures; CI reporters keep only the first", c.Classname, c.Name, len(c.Failures))
			}
			byName[c.Classname+" "+c.Name] = c
		}
	}
	tests := []struct {
		testCase     string
		wantFailures int
		wantType     string
		wantMessage  string
		wantSkipped  string
	}{
		{"TG-CT-005 arn:aws:cloudtrail:us-east-1:111122223333:trail/main", 1, "medium", "log file validation is off", ""},
		{"TG-S3-001 arn:aws:s3:::logs-bucket", 1, "critical", "ACL grants READ to AllUsers", ""},
		{"TG-S3-001 arn:aws:s3:::logs-bucket [2]", 1, "critical", "policy allows s3:GetObject to *", ""},
		{"TG-IAM-005 111122223333", 0, "", "", ""},
		{"TG-KMS-002 arn:aws:kms:eu-west-1:444455556666:key/abc", 0, "", "", "UNKNOWN (could not be evaluated): kms:GetKeyRotationStatus: AccessDenied"},
	}
	for _, tt := range tests {
		c, ok := byName[tt.testCase]
		if !ok {
			t.Errorf("no test case %q", tt.testCase)
			continue
		}
		if len(c.Failures) != tt.wantFailures {
			t.Errorf("%s: %d failures, want %d", tt.testCase, len(c.Failures), tt.wantFailures)
		}
		for _, f := range c.Failures {
			if f.Type != tt.wantType || !strings.HasPrefix(f.Message, tt.wantMessage) ||
				!strings.HasPrefix(f.Body, tt.wantMessage) || !strings.Contains(f.Body, "Remediation:\nConsole: ") || !strings.Contains(f.Body, "CLI: aws cloudtrail") {
				t.Errorf("%s: failure %+v", tt.testCase, f)
			}
		}
		got := ""
		if c.Skipped != nil {
			got = *c.Skipped
		}
		if got != tt.wantSkipped {
			t.Errorf("%s: skipped %q, want %q", tt.testCase, got, tt.wantSkipped)
		}
	}
}
