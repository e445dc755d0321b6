package sechub

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/trailguard/trailguard/bundles"
	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/internal/awsfake"
	"github.com/trailguard/trailguard/report"
	"github.com/trailguard/trailguard/snapshot"
)

const account = "111122223333"

// client is the real SDK client against the fake, with the SDK's standard
// retryer (without its pauses, to keep the test fast).
func client(s *awsfake.Server, region string) *securityhub.Client {
	cfg := aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		HTTPClient:   s.HTTPClient(),
		BaseEndpoint: aws.String(s.URL()),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 5
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
			})
		},
	}
	return securityhub.NewFromConfig(cfg)
}

// run is one evaluation: n trails, trail i failing unless pass[i], waived
// when waived[i], UNKNOWN when unknown[i]; plus an account-level finding.
type run struct {
	n                      int
	pass, waived, unknown  map[int]bool
	partition, region      string
	extraCheckOnResource11 bool
}

func (r run) report() report.Report {
	rep := report.Report{Account: account, CollectedAt: "2026-11-24T06:00:00Z", Partition: cmpOr(r.partition, "aws"),
		Checks: []findings.Check{
			{ID: "TG-CT-005", Title: "Log file validation is enabled", Severity: findings.Medium, ResourceType: "AwsCloudTrailTrail"},
			{ID: "TG-IAM-006", Title: "The root user has no access keys", Severity: findings.Critical, ResourceType: "AwsAccount"},
		}}
	part := cmpOr(r.partition, "aws")
	region := cmpOr(r.region, "us-east-1")
	for i := range r.n {
		f := findings.Finding{CheckID: "TG-CT-005", Title: "Log file validation is enabled", Severity: findings.Medium,
			Resource: fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/t%03d", part, region, account, i), Region: region, Account: account,
			Status: findings.Fail, Message: "log file validation is disabled"}
		switch {
		case r.pass[i]:
			f.Status, f.Message = findings.Pass, "log file validation is enabled"
		case r.unknown[i]:
			f.Status, f.Message = findings.Unknown, "cloudtrail:GetTrail: AccessDenied"
		case r.waived[i]:
			f.Status, f.WaiverReason, f.WaiverExpires = findings.Waived, "legacy trail, retired in Q1", "2027-03-31"
		}
		rep.Findings = append(rep.Findings, f)
	}
	rep.Findings = append(rep.Findings, findings.Finding{CheckID: "TG-IAM-006", Title: "The root user has no access keys",
		Severity: findings.Critical, Resource: account, Account: account, Status: findings.Fail, Message: "the root user has access keys"})
	return rep
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func sync(t *testing.T, s *awsfake.Server, r run) Result {
	t.Helper()
	region := cmpOr(r.region, "us-east-1")
	rep := r.report()
	fs := report.NewASFF(region).Findings(rep)
	res, err := Sync(context.Background(), client(s, region), fs, Options{
		ProductArn: report.ASFFProductArn(rep.Partition, region, account), Account: account,
		Checks: []string{"TG-CT-005", "TG-IAM-006"}, Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC),
		RetryDelay: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func status(f map[string]any, obj string) string {
	m, _ := f[obj].(map[string]any)
	s, _ := m["Status"].(string)
	return s
}

// byResource indexes the stored findings by their trail name (or "account").
func byResource(h *awsfake.SecurityHub) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, f := range h.Findings() {
		id := f["Resources"].([]any)[0].(map[string]any)["Id"].(string)
		out[id[strings.LastIndexAny(id, "/:")+1:]] = f
	}
	return out
}

func TestSyncImportsInBatchesAndKeepsEarlierRunsInStep(t *testing.T) {
	s := awsfake.New(t)
	h := s.SecurityHub(account)

	// A realistic account: hundreds of findings, so three import calls.
	res := sync(t, s, run{n: 250, pass: map[int]bool{1: true}, unknown: map[int]bool{2: true}, waived: map[int]bool{3: true}})
	if res.Imported != 251 || len(res.Failed) != 0 || res.Suppressed != 1 {
		t.Fatalf("first run: %+v", res)
	}
	if got := h.Calls()["BatchImportFindings"]; got != 3 {
		t.Errorf("%d BatchImportFindings calls for 251 findings, want 3 (at most 100 each)", got)
	}
	got := byResource(h)
	for name, want := range map[string]struct{ compliance, workflow, label, typ string }{
		"t000":         {"FAILED", "NEW", "MEDIUM", "AwsCloudTrailTrail"},
		"t001":         {"PASSED", "NEW", "INFORMATIONAL", "AwsCloudTrailTrail"},
		"t002":         {"NOT_AVAILABLE", "NEW", "INFORMATIONAL", "AwsCloudTrailTrail"},
		"t003":         {"FAILED", "SUPPRESSED", "MEDIUM", "AwsCloudTrailTrail"},
		"111122223333": {"FAILED", "NEW", "CRITICAL", "AwsAccount"},
	} {
		f := got[name]
		if f == nil {
			t.Fatalf("%s: not imported", name)
		}
		fpf := f["FindingProviderFields"].(map[string]any)
		res0 := f["Resources"].([]any)[0].(map[string]any)
		if status(f, "Compliance") != want.compliance || status(f, "Workflow") != want.workflow ||
			fpf["Severity"].(map[string]any)["Label"] != want.label || len(fpf["Types"].([]any)) == 0 ||
			res0["Type"] != want.typ || res0["Partition"] != "aws" {
			t.Errorf("%s: compliance %s workflow %s provider fields %v resource %v; want %+v",
				name, status(f, "Compliance"), status(f, "Workflow"), fpf, res0, want)
		}
	}
	if id := got["111122223333"]["Resources"].([]any)[0].(map[string]any)["Id"]; id != "AWS::::Account:111122223333" {
		t.Errorf("account-level finding's resource is %v", id)
	}

	// Next run: t000 now passes, trails 200-249 are gone, t003's waiver
	// lapsed, t002 is still UNKNOWN.
	res = sync(t, s, run{n: 200, pass: map[int]bool{0: true, 1: true}, unknown: map[int]bool{2: true}})
	if res.Imported != 201 || res.Archived != 50 || res.Reopened != 1 || res.Suppressed != 0 || len(res.Failed) != 0 {
		t.Fatalf("second run: %+v", res)
	}
	got = byResource(h)
	if f := got["t000"]; status(f, "Compliance") != "PASSED" || status(f, "Workflow") != "RESOLVED" {
		t.Errorf("t000 now passes: compliance %s workflow %s, want PASSED and RESOLVED", status(f, "Compliance"), status(f, "Workflow"))
	}
	if f := got["t249"]; f["RecordState"] != "ARCHIVED" || status(f, "Workflow") != "RESOLVED" {
		t.Errorf("t249 is gone: record %v workflow %s, want ARCHIVED and RESOLVED", f["RecordState"], status(f, "Workflow"))
	}
	if f := got["t199"]; f["RecordState"] != "ACTIVE" {
		t.Errorf("t199 still exists but is %v", f["RecordState"])
	}
	if f := got["t003"]; status(f, "Workflow") != "NEW" {
		t.Errorf("t003's waiver lapsed: workflow %s, want NEW", status(f, "Workflow"))
	}
	if f := got["t002"]; status(f, "Compliance") != "NOT_AVAILABLE" || status(f, "Workflow") != "NEW" {
		t.Errorf("t002 is still unknown: %s %s", status(f, "Compliance"), status(f, "Workflow"))
	}

	// A third, identical run changes nothing and archives nothing more.
	res = sync(t, s, run{n: 200, pass: map[int]bool{0: true, 1: true}, unknown: map[int]bool{2: true}})
	if res.Archived != 0 || res.Reopened != 0 || res.Suppressed != 0 || len(h.Findings()) != 251 {
		t.Errorf("third run: %+v, %d findings stored", res, len(h.Findings()))
	}
}

func TestSyncLeavesChecksThatDidNotRun(t *testing.T) {
	s := awsfake.New(t)
	h := s.SecurityHub(account)
	sync(t, s, run{n: 3})
	rep := run{n: 3}.report()
	fs := report.NewASFF("us-east-1").Findings(rep)
	// Only TG-IAM-006 ran this time (e.g. --check TG-IAM-*): the trails' findings stay.
	var iam []report.ASFFFinding
	for _, f := range fs {
		if f.GeneratorId == "TG-IAM-006" {
			iam = append(iam, f)
		}
	}
	res, err := Sync(context.Background(), client(s, "us-east-1"), iam, Options{
		ProductArn: report.ASFFProductArn("aws", "us-east-1", account), Account: account, Checks: []string{"TG-IAM-006"}, Now: time.Now()})
	if err != nil || res.Archived != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	for name, f := range byResource(h) {
		if f["RecordState"] != "ACTIVE" {
			t.Errorf("%s archived although its check did not run", name)
		}
	}
}

func TestSyncThrottlingAndPartialFailure(t *testing.T) {
	s := awsfake.New(t)
	h := s.SecurityHub(account)
	rep := run{n: 120}.report()
	fs := report.NewASFF("us-east-1").Findings(rep)
	h.Throttle(3)                                           // the first calls are throttled; the SDK retries them
	h.FailImport(fs[5].Id, "InvalidInput", -1)              // refused every time: reported
	h.FailImport(fs[110].Id, "InternalException", 1)        // refused once: sent again
	h.FailImport(fs[111].Id, "TooManyRequestsException", 2) // refused twice: sent a third time
	h.FailImport(fs[112].Id, "ThrottlingException", -1)     // refused every time: reported after 3 attempts
	res, err := Sync(context.Background(), client(s, "us-east-1"), fs, Options{
		ProductArn: report.ASFFProductArn("aws", "us-east-1", account), Account: account,
		Checks: []string{"TG-CT-005", "TG-IAM-006"}, Now: time.Now(), RetryDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != len(fs)-2 || len(res.Failed) != 2 {
		t.Fatalf("imported %d of %d, failed %+v", res.Imported, len(fs), res.Failed)
	}
	failed := map[string]string{}
	for _, f := range res.Failed {
		failed[f.ID] = f.Code
		if !strings.Contains(f.String(), f.ID) || f.Operation != "BatchImportFindings" {
			t.Errorf("failure %q does not name the finding", f)
		}
	}
	if failed[fs[5].Id] != "InvalidInput" || failed[fs[112].Id] != "ThrottlingException" {
		t.Errorf("failed %v", failed)
	}
	if h.Finding(fs[110].Id) == nil || h.Finding(fs[111].Id) == nil || h.Finding(fs[5].Id) != nil {
		t.Error("the findings refused for a passing reason were not sent again")
	}
	if c := h.Calls(); c["GetFindings"] < 4 {
		t.Errorf("calls %v: the throttled GetFindings was not retried", c)
	}
}

func TestSyncGovCloudPartition(t *testing.T) {
	s := awsfake.New(t)
	h := s.SecurityHub(account)
	res := sync(t, s, run{n: 2, partition: "aws-us-gov", region: "us-gov-west-1"})
	if res.Imported != 3 || len(res.Failed) != 0 {
		t.Fatalf("%+v", res)
	}
	for _, f := range h.Findings() {
		if !strings.HasPrefix(f["ProductArn"].(string), "arn:aws-us-gov:securityhub:us-gov-west-1:") ||
			f["Resources"].([]any)[0].(map[string]any)["Partition"] != "aws-us-gov" {
			t.Errorf("finding %v %v", f["ProductArn"], f["Resources"])
		}
	}

	// The fake refuses what Security Hub refuses: the wrong partition.
	s2 := awsfake.New(t)
	s2.SecurityHub(account)
	rep := run{n: 1}.report() // partition aws
	fs := report.NewASFF("us-gov-west-1").Findings(rep)
	res, err := Sync(context.Background(), client(s2, "us-gov-west-1"), fs, Options{
		ProductArn: report.ASFFProductArn("aws", "us-gov-west-1", account), Account: account, Now: time.Now()})
	if err != nil || len(res.Failed) != len(fs) || res.Failed[0].Code != "InvalidInput" {
		t.Fatalf("findings of partition aws sent to us-gov-west-1: %+v %v", res, err)
	}
}

func TestSyncReadErrorStops(t *testing.T) {
	s := awsfake.New(t)
	h := s.SecurityHub(account)
	h.Throttle(100) // more than the SDK retries
	_, err := Sync(context.Background(), client(s, "us-east-1"), report.NewASFF("").Findings(run{n: 1}.report()), Options{
		ProductArn: report.ASFFProductArn("aws", "us-east-1", account), Account: account, Now: time.Now()})
	if err == nil || !strings.Contains(err.Error(), "securityhub:GetFindings") || !strings.Contains(err.Error(), "TooManyRequestsException") {
		t.Fatalf("err = %v", err)
	}
	if h.Calls()["BatchImportFindings"] != 0 {
		t.Error("imported without knowing the earlier findings")
	}
}

// TestShippedExamplesImport sends the ASFF findings of every shipped example
// snapshot through the SDK's Security Hub client (whose request validation
// runs first) to the fake, which checks each finding as Security Hub does.
func TestShippedExamplesImport(t *testing.T) {
	engine, err := bundles.New(context.Background(), bundles.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"noncompliant", "compliant", "org-member", "access-denied"} {
		t.Run(name, func(t *testing.T) {
			doc, err := snapshot.ReadFile(filepath.Join("..", "testdata", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			fs, err := engine.Eval(context.Background(), doc)
			if err != nil {
				t.Fatal(err)
			}
			acct, _ := doc["account_id"].(string)
			collected, _ := doc["collected_at"].(string)
			partition, _ := doc["partition"].(string)
			rep := report.Report{Account: acct, CollectedAt: collected, Partition: partition, Checks: engine.Checks(), Findings: fs}
			s := awsfake.New(t)
			h := s.SecurityHub(acct)
			res, err := Sync(context.Background(), client(s, "us-east-1"), report.NewASFF("us-east-1").Findings(rep), Options{
				ProductArn: report.ASFFProductArn(cmpOr(partition, "aws"), "us-east-1", acct), Account: acct, Now: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Failed) > 0 || res.Imported != len(fs) || len(h.Findings()) != len(fs) {
				t.Fatalf("%d findings: imported %d, stored %d, refused %v", len(fs), res.Imported, len(h.Findings()), res.Failed)
			}
		})
	}
}
