package collector

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/trailguard/trailguard/internal/awsfake"
	"github.com/trailguard/trailguard/snapshot"
)

var update = flag.Bool("update", false, "rewrite the golden snapshots in testdata/aws/*/snapshot.golden.json")

// collectedAt is the fixed collection time of the test snapshots.
var collectedAt = time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)

// testConfig is an SDK configuration with static credentials, the fake server
// as endpoint and the standard retryer with a 1 ms backoff, so that throttling
// tests are fast. (LoadConfig uses adaptive mode, whose client-side rate
// limiter waits seconds after a throttle: right for AWS, slow for tests.)
func testConfig(t testing.TB, srv *awsfake.Server) aws.Config {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(s *retry.StandardOptions) {
				s.MaxAttempts = 5
				s.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
			})
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTPClient = srv.HTTPClient()
	cfg.BaseEndpoint = aws.String(srv.URL())
	return cfg
}

// scenario starts the fake server with testdata/aws/<name>.
func scenario(t testing.TB, name string) *awsfake.Server {
	t.Helper()
	srv := awsfake.New(t)
	if err := srv.LoadDir(filepath.Join("testdata", "aws", name)); err != nil {
		t.Fatal(err)
	}
	return srv
}

// collectScenario collects a scenario, checks that the document matches the
// schema and that every recorded answer was asked for, and returns it.
func collectScenario(t *testing.T, name string, opts Options) (*snapshot.Snapshot, *awsfake.Server) {
	t.Helper()
	srv := scenario(t, name)
	opts.PathStyle = true
	opts.Now = func() time.Time { return collectedAt }
	if opts.Collector == "" {
		opts.Collector = "trailguard test"
	}
	snap, err := Collect(context.Background(), testConfig(t, srv), opts)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	data, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := snapshot.Parse(data); err != nil {
		t.Fatalf("the snapshot does not match the schema: %v", err)
	}
	for _, secret := range []string{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", "X-Amz-Signature", "Credential=", "x-amz-request-id"} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("the snapshot contains %q", secret)
		}
	}
	for _, r := range srv.Unused() {
		t.Errorf("route never used (a call the collector should have made): %s %s %s %v", r.Service, r.Region, r.Operation, r.Match)
	}
	return snap, srv
}

// golden compares the snapshot with testdata/aws/<name>/snapshot.golden.json.
func golden(t *testing.T, name string, snap *snapshot.Snapshot) {
	t.Helper()
	got, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "aws", name, "snapshot.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./collector -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("snapshot differs from %s (run go test ./collector -update and review the diff):\n%s", path, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	wl, gl := bytes.Split([]byte(want), []byte("\n")), bytes.Split([]byte(got), []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, w, g)
		}
	}
	return ""
}

func TestMultiRegion(t *testing.T) {
	snap, srv := collectScenario(t, "multiregion", Options{})
	golden(t, "multiregion", snap)
	counts := srv.Counts()

	// Shadow copies are read once, in the home region; throttled calls are retried.
	if got, want := snap.Regions, []string{"ap-southeast-2", "eu-west-1", "us-east-1"}; !equal(got, want) {
		t.Errorf("regions = %v, want %v (2 pages of ListRegions)", got, want)
	}
	if len(snap.Trails) != 2 {
		t.Fatalf("trails = %d, want 2 (the multi-region trail's shadow copies are the same trail)", len(snap.Trails))
	}
	for op, want := range map[string]int{
		"account:ListRegions": 2, "cloudtrail:DescribeTrails": 5, "cloudtrail:GetTrailStatus": 2,
		"cloudtrail:GetEventSelectors": 2, "cloudtrail:GetInsightSelectors": 2, "cloudtrail:ListTags": 2,
		"s3:GetBucketLocation": 2, "kms:DescribeKey": 1, "logs:DescribeMetricFilters": 2, "cloudwatch:DescribeAlarms": 2,
		"sns:ListSubscriptionsByTopic": 2, "iam:GetAccountAuthorizationDetails": 2, "iam:ListMFADevices": 2,
	} {
		if counts[op] != want {
			t.Errorf("%s called %d times, want %d", op, counts[op], want)
		}
	}
	for _, c := range srv.Calls() {
		if c.Service == "cloudtrail" && c.Operation == "GetTrailStatus" && c.Params["Name"] == "arn:aws:cloudtrail:us-east-1:111122223333:trail/management" && c.Region != "us-east-1" {
			t.Errorf("the multi-region trail's status was read in %s, not its home region", c.Region)
		}
		if c.Service == "s3" && c.Params["Bucket"] == "eu-data-logs-111122223333" && c.Operation != "GetBucketLocation" && c.Region != "eu-west-1" {
			t.Errorf("%s of the eu-west-1 bucket went to %s", c.Operation, c.Region)
		}
	}

	mgmt := snap.Trails["arn:aws:cloudtrail:us-east-1:111122223333:trail/management"]
	eu := snap.Trails["arn:aws:cloudtrail:eu-west-1:111122223333:trail/eu-data-events"]
	if mgmt == nil || eu == nil {
		t.Fatalf("trails: %v", keys(snap.Trails))
	}
	if mgmt.Status == nil || !aws.ToBool(mgmt.Status.IsLogging) || eu.Status == nil || aws.ToBool(eu.Status.IsLogging) {
		t.Errorf("logging: management %+v, eu-data-events %+v", mgmt.Status, eu.Status)
	}
	if len(eu.AdvancedEventSelectors) != 2 || eu.EventSelectors != nil {
		t.Errorf("eu-data-events selectors: advanced %d, classic %v; want 2 advanced and no classic", len(eu.AdvancedEventSelectors), eu.EventSelectors)
	}
	if eu.InsightSelectors == nil || len(eu.InsightSelectors) != 0 || len(mgmt.InsightSelectors) != 2 {
		t.Errorf("insights: eu %v (want empty, not absent), management %v", eu.InsightSelectors, mgmt.InsightSelectors)
	}
	if eu.Tags == nil || len(eu.Tags) != 0 || mgmt.Tags["Owner"] != "security" {
		t.Errorf("tags: eu %v (want {}), management %v", eu.Tags, mgmt.Tags)
	}

	euBucket := snap.Buckets["eu-data-logs-111122223333"]
	if euBucket.Region != "eu-west-1" || euBucket.Policy == nil || euBucket.Policy.Exists || euBucket.PublicAccessBlock == nil ||
		euBucket.ObjectLock == nil || euBucket.ObjectLock.Enabled || euBucket.Lifecycle == nil || len(euBucket.Lifecycle.Rules) != 0 {
		t.Errorf("eu bucket: the 'not configured' answers must be recorded as such: %+v", euBucket)
	}
	if euBucket.OwnerAccountID != "111122223333" {
		t.Errorf("eu bucket owner = %q, want the audited account (it is in ListBuckets)", euBucket.OwnerAccountID)
	}
	main := snap.Buckets["trail-logs-111122223333"]
	if main.Versioning == nil || main.Versioning.MFADelete != "Enabled" || main.Policy == nil || main.Policy.Document == nil {
		t.Errorf("trail-logs bucket: %+v", main)
	}

	lg := snap.LogGroups["arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail-management"]
	if lg == nil || !aws.ToBool(lg.Exists) || lg.RetentionInDays.Days == nil || *lg.RetentionInDays.Days != 365 || len(lg.MetricFilters) != 14 {
		t.Fatalf("log group: %+v", lg)
	}
	if len(snap.Alarms) != 12 {
		t.Errorf("alarms = %d, want the 12 on the trail's metrics (not the EC2 CPU alarm)", len(snap.Alarms))
	}
	topic := snap.SNSTopics["arn:aws:sns:us-east-1:111122223333:security-alerts"]
	if len(snap.SNSTopics) != 1 || topic == nil || len(topic.Subscriptions) != 2 || topic.Subscriptions[0].Confirmed == topic.Subscriptions[1].Confirmed {
		t.Errorf("topics: %+v (want security-alerts only, one confirmed and one pending subscription)", snap.SNSTopics)
	}

	alice, bob, carol := snap.IAM.Users["arn:aws:iam::111122223333:user/alice"], snap.IAM.Users["arn:aws:iam::111122223333:user/bob"], snap.IAM.Users["arn:aws:iam::111122223333:user/carol"]
	if !aws.ToBool(alice.MFAEnabled) || !aws.ToBool(alice.ConsoleAccess) || bob.MFAEnabled == nil || *bob.MFAEnabled || bob.ConsoleAccess == nil || *bob.ConsoleAccess {
		t.Errorf("CloudTrail admins' credentials: alice %+v, bob %+v", alice, bob)
	}
	if carol.MFAEnabled != nil {
		t.Errorf("carol cannot touch CloudTrail: her MFA devices should not have been read")
	}
	if p := snap.IAM.Policies["arn:aws:iam::aws:policy/ReadOnlyAccess"]; p == nil || p.Document != nil {
		t.Errorf("ReadOnlyAccess should be listed without its (large, irrelevant) document: %+v", p)
	}
	if p := snap.IAM.Policies["arn:aws:iam::111122223333:policy/TrailOps"]; p == nil || !strings.Contains(fmt.Sprint(p.Document), "cloudtrail:UpdateTrail") {
		t.Errorf("TrailOps must carry its default version's document: %+v", p)
	}
	for _, name := range []string{"AdministratorAccess", "PowerUserAccess", "AWSCloudTrail_FullAccess"} {
		// Policies that can blind the trail are kept with their documents, even
		// when only used as a permissions boundary (PowerUserAccess, bob's).
		if p := snap.IAM.Policies["arn:aws:iam::aws:policy/"+name]; p == nil || p.Document == nil {
			t.Errorf("%s must be kept with its document: %+v", name, p)
		}
	}
	if !slices.Contains(snap.IAM.AWSManagedScreen, "s3:deleteobject") || !slices.Contains(snap.IAM.AWSManagedScreen, "iam:passrole") {
		t.Errorf("aws_managed_screen must say what the omitted documents were screened for: %v", snap.IAM.AWSManagedScreen)
	}
	if b := bob.PermissionsBoundary; b == nil || *b != "arn:aws:iam::aws:policy/PowerUserAccess" {
		t.Errorf("bob's permissions boundary = %v", b)
	}
	if b := carol.PermissionsBoundary; b == nil || *b != "" {
		t.Errorf("carol has no permissions boundary: it must read \"\" (none), not absent (unknown): %v", b)
	}
	ops, orgRole := snap.IAM.Roles["arn:aws:iam::111122223333:role/ops"], snap.IAM.Roles["arn:aws:iam::111122223333:role/OrganizationAccountAccessRole"]
	if b := ops.PermissionsBoundary; b == nil || *b != "arn:aws:iam::111122223333:policy/TrailOps" {
		t.Errorf("ops's permissions boundary = %v", b)
	}
	if !strings.Contains(fmt.Sprint(ops.TrustPolicy), "aws:MultiFactorAuthPresent") || !strings.Contains(fmt.Sprint(orgRole.TrustPolicy), "arn:aws:iam::999988887777:root") {
		t.Errorf("trust policies must be decoded from AssumeRolePolicyDocument: ops %v, OrganizationAccountAccessRole %v", ops.TrustPolicy, orgRole.TrustPolicy)
	}
	if len(snap.Errors) != 0 {
		t.Errorf("errors: %+v", snap.Errors)
	}
}

func TestMember(t *testing.T) {
	snap, srv := collectScenario(t, "member", Options{})
	golden(t, "member", snap)
	trail := snap.Trails["arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"]
	if len(snap.Trails) != 1 || trail == nil || trail.OwnerAccountID != "111111111111" || !aws.ToBool(trail.IsOrganizationTrail) {
		t.Fatalf("trails: %+v", snap.Trails)
	}
	if snap.Organization == nil || snap.Organization.ManagementAccountID != "111111111111" || aws.ToBool(snap.Organization.IsManagementAccount) {
		t.Errorf("organization: %+v", snap.Organization)
	}
	b := snap.Buckets["org-cloudtrail-logs-111111111111"]
	if b.Region != "us-east-1" || b.OwnerAccountID != "" || b.Policy != nil {
		t.Errorf("bucket in another account: region from HeadBucket's header, owner unknown, policy unread: %+v", b)
	}
	lg := snap.LogGroups["arn:aws:logs:us-east-1:111111111111:log-group:aws-controltower/CloudTrailLogs"]
	if lg == nil || lg.Exists != nil || lg.MetricFilters != nil {
		t.Errorf("a log group of another account must stay unknown: %+v", lg)
	}
	for op := range srv.Counts() {
		if strings.HasPrefix(op, "logs:") || strings.HasPrefix(op, "cloudwatch:") {
			t.Errorf("%s called for a log group in another account", op)
		}
		// Only the owner may read a trail's tags: asking for the
		// management account's trail would only record a refusal.
		if op == "cloudtrail:ListTags" {
			t.Errorf("%s called for the management account's trail", op)
		}
	}
	if !trail.TagsFromOwner || trail.Tags != nil {
		t.Errorf("the organization trail's tags must be left to its owner: tags_from_owner %v, tags %v", trail.TagsFromOwner, trail.Tags)
	}
	want := map[string]string{
		"s3 GetBucketPolicy org-cloudtrail-logs-111111111111":                                                  "AccessDenied",
		"kms DescribeKey arn:aws:kms:us-east-1:111111111111:key/3f9b2d71-8c4e-4a06-b5d2-91e7c0a4f6b8":          "AccessDeniedException",
		"logs DescribeLogGroups arn:aws:logs:us-east-1:111111111111:log-group:aws-controltower/CloudTrailLogs": "OtherAccount",
	}
	assertErrors(t, snap, want)
}

func TestBroken(t *testing.T) {
	snap, _ := collectScenario(t, "broken", Options{})
	golden(t, "broken", snap)
	legacy := snap.Buckets["legacy-trail-333344445555"]
	if legacy == nil || legacy.Exists == nil || *legacy.Exists {
		t.Errorf("a bucket S3 says does not exist must be recorded as such: %+v", legacy)
	}
	for _, e := range snap.Errors {
		if e.Resource == "legacy-trail-333344445555" {
			t.Errorf("a missing bucket is a finding, not a collection error: %+v", e)
		}
	}
	key := snap.KMSKeys["arn:aws:kms:us-east-1:333344445555:key/9d2c4e6f-0a1b-4c3d-8e5f-7a6b5c4d3e2f"]
	if key == nil || key.State != "PendingDeletion" || key.DeletionDate == "" || key.RotationEnabled != nil || key.Policy == nil {
		t.Errorf("key pending deletion: %+v", key)
	}
	if snap.IAM == nil || snap.IAM.Users != nil || snap.IAM.Root == nil || !snap.IAM.Root.MFAEnabled {
		t.Errorf("IAM: principals unknown (denied), root read: %+v", snap.IAM)
	}
	if main := snap.Buckets["main-trail-333344445555"]; main.Policy != nil || main.Versioning == nil {
		t.Errorf("main bucket: policy denied (absent), the rest read: %+v", main)
	}
	assertErrors(t, snap, map[string]string{
		"s3 GetBucketPolicy main-trail-333344445555":                                                           "AccessDenied",
		"kms GetKeyRotationStatus arn:aws:kms:us-east-1:333344445555:key/9d2c4e6f-0a1b-4c3d-8e5f-7a6b5c4d3e2f": "KMSInvalidStateException",
		"iam GetAccountAuthorizationDetails 333344445555":                                                      "AccessDenied",
		"organizations DescribeOrganization 333344445555":                                                      "AccessDeniedException",
	})
}

// TestDeterministic collects the same account twice: with calls racing each
// other, the documents must still be byte-identical.
func TestDeterministic(t *testing.T) {
	var docs [3][]byte
	for i := range docs {
		snap, _ := collectScenario(t, "multiregion", Options{Concurrency: 64})
		docs[i], _ = json.Marshal(snap)
	}
	for i := 1; i < len(docs); i++ {
		if !bytes.Equal(docs[0], docs[i]) {
			t.Fatalf("two collections of the same account differ:\n%s", firstDiff(string(docs[0]), string(docs[i])))
		}
	}
}

// TestInterrupted cancels a slow collection part-way: what was collected is
// returned, marked incomplete, and still a valid document.
func TestInterrupted(t *testing.T) {
	srv := scenario(t, "multiregion")
	srv.SetLatency(40 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel once the account is known and a few reads have been answered,
	// not after a fixed time: on a loaded machine a timer can fire before
	// the first answer and the test would measure nothing.
	go func() {
		for ctx.Err() == nil && len(srv.Calls()) < 8 {
			time.Sleep(2 * time.Millisecond)
		}
		cancel()
	}()
	snap, err := Collect(ctx, testConfig(t, srv), Options{PathStyle: true})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	if snap == nil || snap.Complete || snap.AccountID != "111122223333" {
		t.Fatalf("partial snapshot: %+v", snap)
	}
	data, _ := json.Marshal(snap)
	if _, err := snapshot.Parse(data); err != nil {
		t.Fatalf("the partial snapshot does not match the schema: %v", err)
	}
	for _, e := range snap.Errors {
		if e.Code == "Canceled" || strings.Contains(e.Message, "context canceled") {
			t.Errorf("the interruption is not an error of the account: %+v", e)
		}
	}
}

func TestMissingCredentials(t *testing.T) {
	srv := scenario(t, "broken")
	cfg := testConfig(t, srv)
	cfg.Credentials = credentials.StaticCredentialsProvider{} // empty: "static credentials are empty"
	_, err := Collect(context.Background(), cfg, Options{PathStyle: true})
	var credErr *CredentialsError
	if !errors.As(err, &credErr) || credErr.Rejected {
		t.Fatalf("err = %v, want a CredentialsError (not found)", err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "--profile") {
		t.Errorf("message should be one line that says what to do: %q", msg)
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d calls made without credentials", n)
	}
}

func TestRejectedCredentials(t *testing.T) {
	srv := awsfake.New(t)
	srv.Add(awsfake.Route{Service: "sts", Operation: "GetCallerIdentity", Error: &awsfake.ErrorSpec{Status: 403, Code: "ExpiredToken", Message: "The security token included in the request is expired"}})
	_, err := Collect(context.Background(), testConfig(t, srv), Options{PathStyle: true, Regions: []string{"us-east-1"}})
	var credErr *CredentialsError
	if !errors.As(err, &credErr) || !credErr.Rejected || credErr.Code != "ExpiredToken" {
		t.Fatalf("err = %v, want rejected credentials (ExpiredToken)", err)
	}
}

func assertErrors(t *testing.T, snap *snapshot.Snapshot, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, e := range snap.Errors {
		got[e.Service+" "+e.Operation+" "+e.Resource] = e.Code
	}
	for k, code := range want {
		if got[k] != code {
			t.Errorf("error %q: code %q, want %q", k, got[k], code)
		}
	}
}

func equal(a, b []string) bool { return slices.Equal(a, b) }

func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func TestDescribeError(t *testing.T) {
	_, err := parsePolicy(`{"Statement": [`)
	for _, tc := range []struct {
		err        error
		code, text string
	}{
		{err, "MalformedPolicyDocument", "not valid JSON"},
		{context.DeadlineExceeded, "Timeout", "per-call timeout"},
		{fmt.Errorf("op: %w", errors.New(`Get "https://s3.amazonaws.com/b?X-Amz-Signature=abc": dial tcp: refused`)), "RequestError", `Get "https://s3.amazonaws.com/b": dial tcp: refused`},
	} {
		code, msg := describeError(tc.err)
		if code != tc.code || !strings.Contains(msg, tc.text) || strings.Contains(msg, "Signature") {
			t.Errorf("describeError(%v) = %q, %q; want code %q and text %q, no query string", tc.err, code, msg, tc.code, tc.text)
		}
	}
}

// A bug (a panic) in one piece of the collection must not lose the rest.
func TestPanicIsRecorded(t *testing.T) {
	r := &run{snap: &snapshot.Snapshot{Complete: true}, tasks: map[string]*task{}}
	r.spawn(func() { panic("boom") })
	r.once("x", func() { var m map[string]int; m["a"]++ })
	r.wg.Wait()
	if r.snap.Complete || len(r.snap.Errors) != 2 || r.snap.Errors[0].Code != "InternalError" {
		t.Fatalf("panics should be recorded and mark the snapshot incomplete: %+v", r.snap)
	}
}

// Progress is reported from many goroutines; with a callback set, the race
// detector (go test -race) checks that what it reads is synchronised.
func TestProgress(t *testing.T) {
	var mu sync.Mutex
	var last Progress
	srv := scenario(t, "multiregion")
	snap, err := Collect(context.Background(), testConfig(t, srv), Options{PathStyle: true, Progress: func(p Progress) {
		mu.Lock()
		last = p
		mu.Unlock()
	}})
	if err != nil || snap == nil {
		t.Fatal(err)
	}
	if last.Regions != 3 || last.RegionsDone != 3 || last.Calls < 50 {
		t.Errorf("last progress %+v, want 3/3 regions and every call counted", last)
	}
}

// AWS out of reach is not a credentials problem, and says so.
func TestUnreachable(t *testing.T) {
	srv := awsfake.New(t)
	cfg := testConfig(t, srv)
	cfg.BaseEndpoint = aws.String("http://127.0.0.1:1") // nothing listens there
	cfg.HTTPClient = nil
	_, err := Collect(context.Background(), cfg, Options{PathStyle: true, Regions: []string{"us-east-1"}, CallTimeout: 2 * time.Second})
	var credErr *CredentialsError
	if err == nil || errors.As(err, &credErr) || !strings.Contains(err.Error(), "cannot reach AWS") {
		t.Fatalf("err = %v, want a 'cannot reach AWS' error, not a credentials error", err)
	}
}
