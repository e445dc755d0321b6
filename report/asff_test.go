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
		{"TG-KMS-002", "NOT_AVAILABLE", "INFORMATIONAL", "NEW", "AwsKmsKey", "arn:aws:kms:eu-west-1:444455556666:key/abc", asffTypeBestPractice, nil},
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
	// Two problems with one bucket are two findings (every format counts
	// findings alike); the first keeps the check-and-resource Id.
	var s3 []ASFFFinding
	for _, f := range fs {
		if f.GeneratorId == "TG-S3-001" {
			s3 = append(s3, f)
		}
		if f.FindingProviderFields.Severity != f.Severity || strings.Join(f.FindingProviderFields.Types, ",") != strings.Join(f.Types, ",") {
			t.Errorf("%s: FindingProviderFields %+v", f.Id, f.FindingProviderFields)
		}
	}
	if len(s3) != 2 || s3[0].Id == s3[1].Id || !strings.HasSuffix(s3[0].Id, fingerprint("TG-S3-001", "arn:aws:s3:::logs-bucket")) {
		t.Errorf("two problems with one bucket: %+v", s3)
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

func TestASFFPartitionFromSnapshot(t *testing.T) {
	r := sample()
	r.Partition = "aws-us-gov"
	w, _ := New("asff", Options{Region: "us-gov-west-1"})
	var buf strings.Builder
	if err := w.Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	var fs []ASFFFinding
	if err := json.Unmarshal([]byte(buf.String()), &fs); err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.ProductArn != "arn:aws-us-gov:securityhub:us-gov-west-1:111122223333:product/111122223333/default" {
			t.Errorf("ProductArn %q", f.ProductArn)
		}
		for _, res := range f.Resources {
			if res.Partition != "aws-us-gov" {
				t.Errorf("%s: resource partition %q", f.Id, res.Partition)
			}
		}
	}
}

func TestASFFAccountResources(t *testing.T) {
	for _, tt := range []struct{ typ, resource, wantType, wantID string }{
		{"AwsAccount", "111122223333", "AwsAccount", "AWS::::Account:111122223333"},
		{"AwsAccount", "111122223333/eu-west-1", "AwsAccount", "AWS::::Account:111122223333"},
		{"AwsIamUser", "111122223333", "AwsAccount", "AWS::::Account:111122223333"},
		{"AwsIamUser", "arn:aws:iam::111122223333:root", "AwsAccount", "AWS::::Account:111122223333"},
		{"AwsIamUser", "arn:aws:iam::111122223333:user/admin", "AwsIamUser", "arn:aws:iam::111122223333:user/admin"},
		{"AwsAccount", "arn:aws:cloudtrail:us-east-1:111122223333:trail/t", "Other", "arn:aws:cloudtrail:us-east-1:111122223333:trail/t"},
		{"AwsLambdaFunction", "arn:aws:lambda:us-east-1:111122223333:function:f", "Other", "arn:aws:lambda:us-east-1:111122223333:function:f"},
	} {
		typ, id := asffResource(tt.typ, tt.resource, "999999999999")
		if typ != tt.wantType || id != tt.wantID {
			t.Errorf("asffResource(%q, %q) = %q, %q; want %q, %q", tt.typ, tt.resource, typ, id, tt.wantType, tt.wantID)
		}
	}
}

func TestBatches(t *testing.T) {
	for _, n := range []int{0, 1, 99, 100, 101, 250} {
		items := make([]int, n)
		bs := Batches(items, ASFFBatchSize)
		total := 0
		for _, b := range bs {
			if len(b) == 0 || len(b) > ASFFBatchSize {
				t.Errorf("%d items: a batch of %d", n, len(b))
			}
			total += len(b)
		}
		if total != n || len(bs) != (n+ASFFBatchSize-1)/ASFFBatchSize {
			t.Errorf("%d items: %d batches holding %d", n, len(bs), total)
		}
	}
}

func TestASFFRefusesARegionOfAnotherPartition(t *testing.T) {
	r := sample()
	r.Partition = "aws-us-gov"
	w, _ := New("asff", Options{Region: "us-east-1"})
	var buf strings.Builder
	if err := w.Write(&buf, r); err == nil || !strings.Contains(err.Error(), "aws-us-gov") {
		t.Errorf("GovCloud findings under a us-east-1 ProductArn: err %v", err)
	}
	for region, want := range map[string]string{"us-east-1": "aws", "us-gov-west-1": "aws-us-gov", "cn-north-1": "aws-cn", "us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b"} {
		if got := PartitionOfRegion(region); got != want {
			t.Errorf("PartitionOfRegion(%q) = %q, want %q", region, got, want)
		}
	}
}
