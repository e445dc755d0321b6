package report

import (
	"testing"

	"github.com/trailguard/trailguard/findings"
)

// sample is a small report with every status, several severities, a check
// that reports two problems with one resource, an account-level finding and
// text that needs escaping in every format.
func sample() Report {
	rem := findings.Remediation{Console: "CloudTrail console > Trails > Edit", CLI: "aws cloudtrail update-trail --name <trail-arn> --enable-log-file-validation"}
	fw := map[string][]string{"cis-aws-v3.0.0": {"3.2"}, "securityhub": {"CloudTrail.4"}}
	trail := "arn:aws:cloudtrail:us-east-1:111122223333:trail/main"
	bucket := "arn:aws:s3:::logs-bucket"
	return Report{
		Account: "111122223333", Snapshot: "snapshots/prod.json", CollectedAt: "2026-01-02T03:04:05Z",
		Checks: []findings.Check{
			{ID: "TG-CT-005", Title: "Log file validation is enabled", Description: "Digest files prove logs were not altered.", Severity: findings.Medium, ResourceType: "AwsCloudTrailTrail", Remediation: rem, Frameworks: fw},
			{ID: "TG-IAM-005", Title: "The root user has MFA enabled", Severity: findings.Critical, ResourceType: "AwsAccount", Remediation: rem, Frameworks: map[string][]string{"cis-aws-v3.0.0": {"1.5"}}},
			{ID: "TG-S3-001", Title: "The trail's S3 bucket is not publicly accessible", Severity: findings.Critical, ResourceType: "AwsS3Bucket", Remediation: rem},
			{ID: "TG-CT-011", Title: "CloudTrail Insights detects unusual API activity", Severity: findings.Info, ResourceType: "AwsAccount", Remediation: rem},
			{ID: "TG-KMS-002", Title: "Automatic rotation is enabled", Severity: findings.Low, ResourceType: "AwsKmsKey", Remediation: rem},
		},
		Findings: []findings.Finding{
			{CheckID: "TG-CT-005", Title: "Log file validation is enabled", Status: findings.Fail, Severity: findings.Medium, Resource: trail, Region: "us-east-1", Account: "111122223333", Message: "log file validation is off | <b>not</b> & \"quoted\"", Remediation: rem, Frameworks: fw},
			{CheckID: "TG-IAM-005", Title: "The root user has MFA enabled", Status: findings.Pass, Severity: findings.Critical, Resource: "111122223333", Account: "111122223333", Message: "root has MFA", Remediation: rem},
			{CheckID: "TG-S3-001", Title: "The trail's S3 bucket is not publicly accessible", Status: findings.Fail, Severity: findings.Critical, Resource: bucket, Region: "us-east-1", Account: "111122223333", Message: "ACL grants READ to AllUsers", Remediation: rem},
			{CheckID: "TG-S3-001", Title: "The trail's S3 bucket is not publicly accessible", Status: findings.Fail, Severity: findings.Critical, Resource: bucket, Region: "us-east-1", Account: "111122223333", Message: "policy allows s3:GetObject to *", Remediation: rem},
			{CheckID: "TG-CT-011", Title: "CloudTrail Insights detects unusual API activity", Status: findings.Fail, Severity: findings.Info, Resource: "111122223333", Account: "111122223333", Message: "no trail has Insights", Remediation: rem},
			{CheckID: "TG-KMS-002", Title: "Automatic rotation is enabled", Status: findings.Unknown, Severity: findings.Low, Resource: "arn:aws:kms:eu-west-1:444455556666:key/abc", Region: "eu-west-1", Account: "111122223333", Message: "kms:GetKeyRotationStatus: AccessDenied", Remediation: rem},
		},
	}
}

func TestNewKnowsEveryFormat(t *testing.T) {
	for _, name := range []string{"table", "json", "sarif", "junit", "asff", "ocsf", "markdown", "html", "SARIF"} {
		if _, err := New(name, Options{}); err != nil {
			t.Errorf("New(%q): %v", name, err)
		}
	}
	if _, err := New("xml", Options{}); err == nil {
		t.Error("New(xml) succeeded")
	}
}

func TestGroupByCheckResourceMergesAndOrders(t *testing.T) {
	gs := groupByCheckResource(sample().Findings)
	if len(gs) != 5 {
		t.Fatalf("%d groups, want 5", len(gs))
	}
	for i := 1; i < len(gs); i++ {
		if gs[i-1].CheckID > gs[i].CheckID {
			t.Errorf("groups not sorted: %s before %s", gs[i-1].CheckID, gs[i].CheckID)
		}
	}
	s3 := gs[len(gs)-1]
	if s3.CheckID != "TG-S3-001" || len(s3.Messages()) != 2 || s3.Status() != findings.Fail {
		t.Errorf("TG-S3-001 group = %+v", s3)
	}
}
