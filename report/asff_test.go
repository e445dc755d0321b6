package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/findings"
)

// asffRequired are the top-level attributes BatchImportFindings requires.
var asffRequired = []string{"AwsAccountId", "CreatedAt", "Description", "GeneratorId", "Id", "ProductArn",
	"Resources", "SchemaVersion", "Severity", "Title", "Types", "UpdatedAt"}

func decodeASFF(t *testing.T, r Report) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal(render(t, "asff", r), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestASFFRequiredFields(t *testing.T) {
	for name, r := range map[string]Report{"sample": sample(), "noncompliant example": example(t)} {
		t.Run(name, func(t *testing.T) {
			ids := map[string]bool{}
			for _, f := range decodeASFF(t, r) {
				for _, k := range asffRequired {
					if v, ok := f[k]; !ok || v == "" || v == nil {
						t.Errorf("%v: %s missing", f["Id"], k)
					}
				}
				id := f["Id"].(string)
				if ids[id] || len(id) > 512 {
					t.Errorf("Id %q repeated or too long", id)
				}
				ids[id] = true
				if f["SchemaVersion"] != "2018-10-08" || f["RecordState"] != "ACTIVE" || f["CreatedAt"] != r.CollectedAt {
					t.Errorf("%s: SchemaVersion %v RecordState %v CreatedAt %v", id, f["SchemaVersion"], f["RecordState"], f["CreatedAt"])
				}
				if !strings.HasPrefix(f["ProductArn"].(string), "arn:aws:securityhub:us-east-1:"+r.Account+":product/"+r.Account+"/default") {
					t.Errorf("ProductArn %v", f["ProductArn"])
				}
				if len(f["Title"].(string)) > 256 || len([]rune(f["Description"].(string))) > 1024 {
					t.Errorf("%s: Title or Description too long", id)
				}
				sev := f["Severity"].(map[string]any)
				if sev["Label"] == nil {
					t.Errorf("%s: no Severity.Label", id)
				}
				for _, res := range f["Resources"].([]any) {
					res := res.(map[string]any)
					if res["Type"] == "" || res["Id"] == "" || res["Partition"] == "" || res["Region"] == "" {
						t.Errorf("%s: resource %v", id, res)
					}
				}
				if c := f["Compliance"].(map[string]any); c["Status"] == nil {
					t.Errorf("%s: no Compliance.Status", id)
				}
				if rem, ok := f["Remediation"].(map[string]any); ok {
					if text := rem["Recommendation"].(map[string]any)["Text"].(string); len([]rune(text)) > 512 {
						t.Errorf("%s: Remediation text longer than 512", id)
					}
				}
			}
		})
	}
}

func TestASFFMapping(t *testing.T) {
	byCheck := map[string]ASFFFinding{}
	var fs []ASFFFinding
	if err := json.Unmarshal(render(t, "asff", sample()), &fs); err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		byCheck[f.GeneratorId] = f
	}
	tests := []struct {
		check, compliance, label, workflow, resType, resID, typ string
		requirements                                            []string
	}{
		{"TG-CT-005", "FAILED", "MEDIUM", "NEW", "AwsCloudTrailTrail", "arn:aws:cloudtrail:us-east-1:111122223333:trail/main", asffTypeCIS,
			[]string{"CIS AWS Foundations Benchmark v3.0.0/3.2", "AWS Foundational Security Best Practices v1.0.0/CloudTrail.4"}},
		{"TG-IAM-005", "PASSED", "INFORMATIONAL", "RESOLVED", "AwsAccount", "AWS::::Account:111122223333", asffTypeCIS,
			[]string{"CIS AWS Foundations Benchmark v3.0.0/1.5"}},
		{"TG-S3-001", "FAILED", "CRITICAL", "NEW", "AwsS3Bucket", "arn:aws:s3:::logs-bucket", asffTypeBestPractice, nil},
		{"TG-CT-011", "FAILED", "INFORMATIONAL", "NEW", "AwsAccount", "AWS::::Account:111122223333", asffTypeBestPractice, nil},
		{"TG-KMS-002", "WARNING", "LOW", "NEW", "AwsKmsKey", "arn:aws:kms:eu-west-1:444455556666:key/abc", asffTypeBestPractice, nil},
	}
	for _, tt := range tests {
		f, ok := byCheck[tt.check]
		if !ok {
			t.Errorf("%s: no finding", tt.check)
			continue
		}
		res := f.Resources[0]
		if f.Compliance.Status != tt.compliance || f.Severity.Label != tt.label || f.Workflow.Status != tt.workflow ||
			res.Type != tt.resType || res.Id != tt.resID || f.Types[0] != tt.typ ||
			strings.Join(f.Compliance.RelatedRequirements, ",") != strings.Join(tt.requirements, ",") {
			t.Errorf("%s: got %+v", tt.check, f)
		}
	}
	if s3 := byCheck["TG-S3-001"]; !strings.Contains(s3.Description, "ACL grants") || !strings.Contains(s3.Description, "policy allows") {
		t.Errorf("two problems with one bucket must share one finding: %q", s3.Description)
	}
	if kms := byCheck["TG-KMS-002"]; kms.Resources[0].Region != "eu-west-1" {
		t.Errorf("region = %q", kms.Resources[0].Region)
	}
}

func TestASFFIdIsStable(t *testing.T) {
	a := sample()
	b := sample()
	b.Findings[0].Message = "reworded"
	b.CollectedAt = "2027-01-01T00:00:00Z"
	fa, fb := decodeASFF(t, a), decodeASFF(t, b)
	if fa[0]["Id"] != fb[0]["Id"] {
		t.Errorf("Id changed between runs: %v vs %v", fa[0]["Id"], fb[0]["Id"])
	}
}

func TestASFFRegionAndErrors(t *testing.T) {
	w, _ := New("asff", Options{Region: "eu-central-1"})
	var buf strings.Builder
	if err := w.Write(&buf, sample()); err != nil || !strings.Contains(buf.String(), "arn:aws:securityhub:eu-central-1:111122223333:product/111122223333/default") {
		t.Errorf("region option ignored: %v", err)
	}
	r := sample()
	r.CollectedAt = ""
	if err := w.Write(&buf, r); err == nil {
		t.Error("no error without collected_at")
	}
	if asffComplianceStatus(findings.Status("BOGUS")) != "NOT_AVAILABLE" {
		t.Error("an unknown status must map to NOT_AVAILABLE")
	}
	if asffComplianceStatus(findings.Waived) != "FAILED" || asffWorkflow(findings.Waived) != "SUPPRESSED" {
		t.Error("a waived failure is FAILED and SUPPRESSED")
	}
}
