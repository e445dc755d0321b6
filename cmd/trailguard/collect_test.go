package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/internal/awsfake"
	"github.com/trailguard/trailguard/internal/orgfixture"
	"github.com/trailguard/trailguard/snapshot"
)

// fakeAWS starts the fake AWS server with a collector scenario and points the
// CLI at it: --endpoint-url (given by each test), static credentials from the
// environment and 1 ms retry delays. No special dialer: with a custom endpoint
// the collector sends S3 Control calls to that host as it is.
func fakeAWS(t *testing.T, scenario string) *awsfake.Server {
	t.Helper()
	srv := awsfake.New(t)
	if err := srv.LoadDir(filepath.Join("..", "..", "collector", "testdata", "aws", scenario)); err != nil {
		t.Fatal(err)
	}
	isolateAWSEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	awsConfigHook = func(cfg *aws.Config) {
		cfg.Retryer = func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
			})
		}
	}
	t.Cleanup(func() { awsConfigHook = nil })
	return srv
}

// isolateAWSEnv hides the machine's AWS configuration from the test.
func isolateAWSEnv(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CA_BUNDLE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_REGION", "us-east-1")
}

func TestScanEndToEnd(t *testing.T) {
	srv := fakeAWS(t, "multiregion")
	saved := filepath.Join(t.TempDir(), "snapshot.json")
	code, stdout, stderr := runCLI(t, "scan", "--endpoint-url", srv.URL(), "-f", "json", "--save-snapshot", saved, "--fail-on", "none")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var rep struct {
		Account  string
		Summary  struct{ Failed, Unknown, Passed int }
		Findings []struct {
			CheckID  string `json:"check_id"`
			Status   string
			Resource string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, stdout)
	}
	verdict := map[string]string{}
	for _, f := range rep.Findings {
		verdict[f.CheckID+" "+f.Resource] = f.Status
	}
	for k, want := range map[string]string{
		"TG-CT-001 111122223333": "PASS",
		"TG-CT-003 arn:aws:cloudtrail:us-east-1:111122223333:trail/management":                   "PASS",
		"TG-CT-003 arn:aws:cloudtrail:eu-west-1:111122223333:trail/eu-data-events":               "FAIL",
		"TG-CT-005 arn:aws:cloudtrail:eu-west-1:111122223333:trail/eu-data-events":               "FAIL",
		"TG-S3-003 arn:aws:s3:::trail-logs-111122223333":                                         "PASS",
		"TG-S3-003 arn:aws:s3:::eu-data-logs-111122223333":                                       "FAIL",
		"TG-S3-002 arn:aws:s3:::eu-data-logs-111122223333":                                       "PASS",
		"TG-KMS-002 arn:aws:kms:us-east-1:111122223333:key/7c1e9a52-3b4d-4f8e-a6c1-2d9f0b8e4a17": "PASS",
		"TG-CW-002 111122223333": "PASS",
		"TG-IAM-004 arn:aws:iam::111122223333:user/bob/inline/trail-maintenance": "FAIL",
	} {
		if verdict[k] != want {
			t.Errorf("%s: %q, want %s", k, verdict[k], want)
		}
	}
	if rep.Account != "111122223333" {
		t.Errorf("account = %q", rep.Account)
	}
	if rep.Summary.Unknown != 0 {
		t.Errorf("%d UNKNOWN findings on a fully readable account", rep.Summary.Unknown)
	}
	doc, err := snapshot.ReadFile(saved)
	if err != nil {
		t.Fatalf("--save-snapshot: %v", err)
	}
	if doc["account_id"] != "111122223333" || doc["complete"] != true {
		t.Errorf("saved snapshot: account %v complete %v", doc["account_id"], doc["complete"])
	}

	// The default --fail-on (info) fails the run on these findings.
	srv2 := fakeAWS(t, "multiregion")
	if code, _, stderr := runCLI(t, "scan", "--endpoint-url", srv2.URL(), "-f", "json", "-o", filepath.Join(t.TempDir(), "r.json")); code != exitFindings {
		t.Errorf("scan with failures: exit %d, want %d (stderr %q)", code, exitFindings, stderr)
	}
}

func TestCollectWritesSnapshot(t *testing.T) {
	srv := fakeAWS(t, "member")
	out := filepath.Join(t.TempDir(), "member.json")
	code, stdout, stderr := runCLI(t, "collect", "--endpoint-url", srv.URL(), "-o", out, "--quiet")
	if code != exitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	doc, err := snapshot.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if doc["account_id"] != "222233334444" {
		t.Errorf("account_id = %v", doc["account_id"])
	}
	if errs, _ := doc["errors"].([]any); len(errs) == 0 {
		t.Error("the member account's denied calls should be in errors")
	}
}

func TestCollectRegionsFlag(t *testing.T) {
	srv := fakeAWS(t, "broken")
	// broken's only region, given explicitly: ListRegions is not called (its
	// route stays unused, which the server tolerates) and the rest is the same.
	code, stdout, stderr := runCLI(t, "collect", "--endpoint-url", srv.URL(), "--regions", "us-east-1")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if n := srv.Counts()["account:ListRegions"]; n != 0 {
		t.Errorf("ListRegions called %d times with --regions", n)
	}
	if !strings.Contains(stdout, `"regions": [`+"\n"+`    "us-east-1"`) {
		t.Errorf("snapshot on stdout should list us-east-1 only:\n%.400s", stdout)
	}
}

func TestCollectWithoutCredentials(t *testing.T) {
	isolateAWSEnv(t)
	code, stdout, stderr := runCLI(t, "collect", "--regions", "us-east-1", "--endpoint-url", "http://127.0.0.1:9")
	if code != exitError || stdout != "" {
		t.Fatalf("exit %d stdout %q, want %d and nothing on stdout", code, stdout, exitError)
	}
	if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, "no usable AWS credentials") {
		t.Errorf("stderr should be one line naming the problem: %q", stderr)
	}
}

func TestCollectUsage(t *testing.T) {
	isolateAWSEnv(t)
	code, _, stderr := runCLI(t, "collect", "extra-arg")
	if code != exitError || !strings.Contains(stderr, "collect takes no arguments") {
		t.Errorf("exit %d stderr %q", code, stderr)
	}
}

func TestIAMPolicyCommand(t *testing.T) {
	code, stdout, _ := runCLI(t, "iam-policy")
	var doc struct{ Statement []struct{ Action []string } }
	if code != exitOK || json.Unmarshal([]byte(stdout), &doc) != nil || len(doc.Statement) == 0 || len(doc.Statement[0].Action) < 20 {
		t.Errorf("exit %d, policy %q", code, stdout)
	}
}

func TestCollectAssumesRole(t *testing.T) {
	srv := fakeAWS(t, "broken")
	const token = "AQoXdzELDDY//////////wEaoAK1wvxJY12r2IrDFT2IvAzTCn3zHoZ7YNtpiQLF0MqZye/qwjzP2iEXAMPLE"
	srv.Add(awsfake.Route{
		Service: "sts", Operation: "AssumeRole",
		Match: map[string]string{"RoleArn": "arn:aws:iam::333344445555:role/trailguard", "ExternalId": "audit-7f3c"},
		Body: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
			`<AssumedRoleUser><Arn>arn:aws:sts::333344445555:assumed-role/trailguard/trailguard-session</Arn><AssumedRoleId>AROA3XFRBF535PLBIFPI4:trailguard-session</AssumedRoleId></AssumedRoleUser>` +
			`<Credentials><AccessKeyId>ASIAJEXAMPLEXEG2JICEA</AccessKeyId><SecretAccessKey>9drTJvcXLB89EXAMPLELB8923FB892xMFI</SecretAccessKey>` +
			`<SessionToken>` + token + `</SessionToken><Expiration>2099-07-15T23:28:33.359Z</Expiration></Credentials>` +
			`</AssumeRoleResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></AssumeRoleResponse>`,
	})
	code, stdout, stderr := runCLI(t, "collect", "--endpoint-url", srv.URL(), "--regions", "us-east-1",
		"--role-arn", "arn:aws:iam::333344445555:role/trailguard", "--external-id", "audit-7f3c")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if n := srv.Counts()["sts:AssumeRole"]; n != 1 {
		t.Errorf("AssumeRole called %d times, want 1 (with the role and external id given)", n)
	}
	for _, secret := range []string{token, "9drTJvcXLB89", "ASIAJEXAMPLEXEG2JICEA"} {
		if strings.Contains(stdout, secret) {
			t.Errorf("the snapshot contains the assumed role's credentials (%q)", secret)
		}
	}
}

// A snapshot path that cannot be written fails before collecting, not after.
func TestCollectUnwritableOutputFailsFirst(t *testing.T) {
	srv := fakeAWS(t, "broken")
	code, _, stderr := runCLI(t, "collect", "--endpoint-url", srv.URL(), "-o", filepath.Join(t.TempDir(), "no", "such", "dir", "s.json"))
	if code != exitError || !strings.Contains(stderr, "cannot write the snapshot") {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d AWS calls made before failing on the output path", n)
	}
}

// fakeOrg starts the fake AWS server with the Control Tower-like organization
// and points the CLI at it with the management account's credentials.
func fakeOrg(t *testing.T, spec orgfixture.Spec) *awsfake.Server {
	t.Helper()
	srv := orgfixture.NewServer(t, spec)
	isolateAWSEnv(t)
	creds := awsfake.Credentials(orgfixture.MgmtID)
	t.Setenv("AWS_ACCESS_KEY_ID", creds.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey)
	awsConfigHook = func(cfg *aws.Config) {
		cfg.Retryer = func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
			})
		}
	}
	t.Cleanup(func() { awsConfigHook = nil })
	return srv
}

func TestCollectOrg(t *testing.T) {
	srv := fakeOrg(t, orgfixture.Spec{Members: []string{"444444444444", "555555555555"}, NoRole: []string{"555555555555"}})
	out := filepath.Join(t.TempDir(), "org.json")
	code, _, stderr := runCLI(t, "collect", "--org", "--endpoint-url", srv.URL(), "--regions", "us-east-1,eu-west-1",
		"--role-name", "AWSControlTowerExecution", "--exclude-accounts", orgfixture.AuditID, "-o", out)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// (snapshot.Retention has no decoder: read what is checked here only.)
	var snap struct {
		Kind         string
		Complete     bool
		Organization *struct{ ID string }
		Accounts     map[string]struct {
			Scanned  bool
			Error    *snapshot.CollectionError
			Snapshot map[string]any
		}
		Shared *struct{ Buckets map[string]any }
	}
	if err := json.Unmarshal(data, &snap); err != nil {
		t.Fatal(err)
	}
	if snap.Kind != "organization" || !snap.Complete || snap.Organization == nil || snap.Organization.ID != orgfixture.OrgID || len(snap.Accounts) != 4 {
		t.Fatalf("snapshot: kind %q complete %v organization %+v, %d accounts", snap.Kind, snap.Complete, snap.Organization, len(snap.Accounts))
	}
	if a := snap.Accounts["555555555555"]; a.Scanned || a.Error == nil || a.Error.Code != "AccessDenied" {
		t.Errorf("the account without the role: %+v", a)
	}
	if a := snap.Accounts["444444444444"]; !a.Scanned || a.Snapshot == nil || snap.Shared == nil || snap.Shared.Buckets[orgfixture.TrailBucket] == nil {
		t.Errorf("member %+v, shared %+v", a, snap.Shared)
	}
}

func TestCollectOrgUsageErrors(t *testing.T) {
	srv := fakeOrg(t, orgfixture.Spec{})
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"collect", "--ou", "Workloads"}, "--ou needs --org"},
		{[]string{"collect", "--role-name", "X"}, "--role-name needs --org"},
		{[]string{"collect", "--org", "--shard", "3/2"}, `--shard "3/2": want K/N`},
		{[]string{"collect", "--org", "--accounts", "999999999999"}, "--accounts: 999999999999 is not an account of organization"},
	} {
		code, _, stderr := runCLI(t, append(c.args, "--endpoint-url", srv.URL())...)
		if code != exitError || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, stderr, c.want)
		}
	}
}

// scan --org collects the organization and judges every account in one run:
// the account that cannot be entered is UNKNOWN for every check, never PASS,
// and the member's bucket checks are decided with the shared bucket.
func TestScanOrg(t *testing.T) {
	srv := fakeOrg(t, orgfixture.Spec{Members: []string{"444444444444", "555555555555"}, NoRole: []string{"555555555555"}})
	saved := filepath.Join(t.TempDir(), "org.json")
	code, stdout, stderr := runCLI(t, "scan", "--org", "--endpoint-url", srv.URL(), "--regions", "us-east-1,eu-west-1",
		"--role-name", "AWSControlTowerExecution", "--exclude-accounts", orgfixture.AuditID,
		"--save-snapshot", saved, "-f", "json", "--fail-on", "none")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var rep struct {
		Findings []findings.Finding
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	byAccount := map[string]findings.Tally{}
	bucketDecided := false
	for _, f := range rep.Findings {
		tl := byAccount[f.Account]
		tl.Add(f.Status)
		byAccount[f.Account] = tl
		if f.Account == "444444444444" && f.CheckID == "TG-CT-004" && f.Status != findings.Unknown {
			bucketDecided = true
		}
	}
	if tl := byAccount["555555555555"]; tl.Unknown == 0 || tl.Pass+tl.Fail > 0 {
		t.Errorf("account without the role: %+v, want only UNKNOWN", tl)
	}
	if tl := byAccount["444444444444"]; tl.Pass == 0 || !bucketDecided {
		t.Errorf("member 444444444444: %+v, bucket-exists decided: %v", tl, bucketDecided)
	}
	if _, err := os.Stat(saved); err != nil {
		t.Errorf("--save-snapshot: %v", err)
	}
}
