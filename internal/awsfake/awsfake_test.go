package awsfake

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

const (
	account1 = "111122223333"
	keyARN   = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	topicARN = "arn:aws:sns:eu-west-1:111122223333:security-alerts"
)

// sdkConfig returns a config for the real SDK clients aimed at s, with a
// fast retryer (1ms backoff, maxAttempts attempts; 0 = SDK default of 3).
func sdkConfig(t *testing.T, s *Server, region string, maxAttempts int) aws.Config {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion(region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				if maxAttempts > 0 {
					o.MaxAttempts = maxAttempts
				}
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) {
					return time.Millisecond, nil
				})
			})
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	// Set after loading: config.WithHTTPClient with a plain *http.Client fails
	// when AWS_CA_BUNDLE is set in the environment.
	cfg.HTTPClient = s.HTTPClient()
	cfg.BaseEndpoint = aws.String(s.URL())
	return cfg
}

func s3Client(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestProtocols drives one real SDK call per protocol against the routes in
// testdata/basic, which also exercises LoadDir.
func TestProtocols(t *testing.T) {
	s := New(t)
	if err := s.LoadDir("testdata/basic"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	use1 := sdkConfig(t, s, "us-east-1", 1)
	euw1 := sdkConfig(t, s, "eu-west-1", 1)

	t.Run("sts query", func(t *testing.T) {
		out, err := sts.NewFromConfig(use1).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.Account) != account1 || aws.ToString(out.Arn) != "arn:aws:iam::111122223333:user/auditor" {
			t.Errorf("got %q %q", aws.ToString(out.Account), aws.ToString(out.Arn))
		}
	})
	t.Run("account rest-json", func(t *testing.T) {
		out, err := account.NewFromConfig(use1).ListRegions(ctx, &account.ListRegionsInput{
			RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault},
			MaxResults:              aws.Int32(50),
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Regions) != 2 || aws.ToString(out.Regions[0].RegionName) != "eu-west-1" || out.NextToken != nil {
			t.Errorf("got %+v", out.Regions)
		}
	})
	t.Run("organizations json error", func(t *testing.T) {
		_, err := organizations.NewFromConfig(use1).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		if got := apiCode(err); got != "AWSOrganizationsNotInUseException" {
			t.Errorf("code %q, err %v", got, err)
		}
	})
	t.Run("s3control account-id host prefix", func(t *testing.T) {
		out, err := s3control.NewFromConfig(use1).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(account1)})
		if err != nil {
			t.Fatal(err)
		}
		c := out.PublicAccessBlockConfiguration
		if !aws.ToBool(c.BlockPublicAcls) || !aws.ToBool(c.BlockPublicPolicy) || aws.ToBool(c.RestrictPublicBuckets) {
			t.Errorf("got %+v", c)
		}
	})
	t.Run("cloudtrail json", func(t *testing.T) {
		out, err := cloudtrail.NewFromConfig(euw1).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.TrailList) != 1 || aws.ToString(out.TrailList[0].KmsKeyId) != keyARN || !aws.ToBool(out.TrailList[0].IsMultiRegionTrail) {
			t.Errorf("got %+v", out.TrailList)
		}
	})
	t.Run("kms json", func(t *testing.T) {
		out, err := kms.NewFromConfig(euw1).GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default")})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(aws.ToString(out.Policy), `"Action" : "kms:*"`) {
			t.Errorf("policy %q", aws.ToString(out.Policy))
		}
	})
	t.Run("logs paginator", func(t *testing.T) {
		p := cloudwatchlogs.NewDescribeMetricFiltersPaginator(cloudwatchlogs.NewFromConfig(euw1),
			&cloudwatchlogs.DescribeMetricFiltersInput{LogGroupName: aws.String("trail-logs")})
		var names []string
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, f := range out.MetricFilters {
				names = append(names, aws.ToString(f.FilterName))
			}
		}
		if pages != 2 || strings.Join(names, ",") != "CloudTrailChanges,RootUsage" {
			t.Errorf("pages %d, filters %v", pages, names)
		}
	})
	t.Run("cloudwatch cbor", func(t *testing.T) {
		out, err := cloudwatch.NewFromConfig(euw1).DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{
			AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.MetricAlarms) != 1 {
			t.Fatalf("got %d alarms", len(out.MetricAlarms))
		}
		a := out.MetricAlarms[0]
		if aws.ToFloat64(a.Threshold) != 0.5 || aws.ToInt32(a.Period) != 300 ||
			!aws.ToTime(a.StateUpdatedTimestamp).Equal(time.Unix(1700000000, 0)) ||
			len(a.AlarmActions) != 1 || a.AlarmActions[0] != topicARN ||
			a.ComparisonOperator != cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold ||
			aws.ToString(a.MetricName) != "CloudTrailChangeCount" {
			t.Errorf("got %+v", a)
		}
	})
	t.Run("sns query", func(t *testing.T) {
		out, err := sns.NewFromConfig(euw1).ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topicARN)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Subscriptions) != 1 || aws.ToString(out.Subscriptions[0].Endpoint) != "security@example.com" {
			t.Errorf("got %+v", out.Subscriptions)
		}
	})
	t.Run("iam query", func(t *testing.T) {
		out, err := iam.NewFromConfig(use1).GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{
			Filter: []iamtypes.EntityType{iamtypes.EntityTypeUser, iamtypes.EntityTypeRole, iamtypes.EntityTypeGroup,
				iamtypes.EntityTypeLocalManagedPolicy, iamtypes.EntityTypeAWSManagedPolicy},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.UserDetailList) != 1 || aws.ToString(out.UserDetailList[0].UserName) != "alice" ||
			len(out.UserDetailList[0].AttachedManagedPolicies) != 1 || len(out.GroupDetailList) != 1 {
			t.Fatalf("got %+v", out)
		}
		doc, err := url.QueryUnescape(aws.ToString(out.GroupDetailList[0].GroupPolicyList[0].PolicyDocument))
		if err != nil || !strings.Contains(doc, `"cloudtrail:StopLogging"`) {
			t.Errorf("policy document %q (%v)", doc, err)
		}
	})
	t.Run("s3 rest-xml", func(t *testing.T) {
		c := s3Client(euw1)
		out, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("trail-logs-111122223333")})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile("testdata/basic/s3-bucket-policy.json")
		if aws.ToString(out.Policy) != string(want) {
			t.Errorf("policy %q", aws.ToString(out.Policy))
		}
		_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("no-policy-bucket")})
		if got := apiCode(err); got != "NoSuchBucketPolicy" {
			t.Errorf("code %q, err %v", got, err)
		}
	})
	t.Run("s3 head 403 keeps headers", func(t *testing.T) {
		_, err := s3Client(use1).HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("foreign-bucket")})
		var re *smithyhttp.ResponseError
		if !errors.As(err, &re) {
			t.Fatalf("want a ResponseError, got %v", err)
		}
		if re.HTTPStatusCode() != 403 || re.Response.Header.Get("x-amz-bucket-region") != "ap-southeast-2" {
			t.Errorf("status %d, region %q", re.HTTPStatusCode(), re.Response.Header.Get("x-amz-bucket-region"))
		}
	})

	if u := s.Unused(); len(u) != 0 {
		t.Errorf("unused routes: %+v", u)
	}
	wantRegion := map[string]string{
		"sts:GetCallerIdentity": "us-east-1", "s3control:GetPublicAccessBlock": "us-east-1",
		"cloudwatch:DescribeAlarms": "eu-west-1", "s3:HeadBucket": "us-east-1", "logs:DescribeMetricFilters": "eu-west-1",
	}
	for _, c := range s.Calls() {
		if want, ok := wantRegion[c.Service+":"+c.Operation]; ok && c.Region != want {
			t.Errorf("%s:%s region %q, want %q", c.Service, c.Operation, c.Region, want)
		}
		if c.End.Before(c.Start) || c.Status == 0 {
			t.Errorf("bad call record %+v", c)
		}
	}
	if got := s.Counts()["logs:DescribeMetricFilters"]; got != 2 {
		t.Errorf("logs:DescribeMetricFilters count %d, want 2", got)
	}
	if got := s.Counts()["s3:GetBucketPolicy"]; got != 2 {
		t.Errorf("s3:GetBucketPolicy count %d, want 2", got)
	}
}

// TestErrorsPerProtocol renders an error route in every protocol and checks
// that the SDK decodes code and message.
func TestErrorsPerProtocol(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		service, op string
		status      int
		code        string
		call        func(aws.Config) error
	}{
		{"cloudtrail", "GetInsightSelectors", 400, "InsightNotEnabledException", func(c aws.Config) error {
			_, err := cloudtrail.NewFromConfig(c).GetInsightSelectors(ctx, &cloudtrail.GetInsightSelectorsInput{TrailName: aws.String("t")})
			return err
		}},
		{"account", "ListRegions", 403, "AccessDeniedException", func(c aws.Config) error {
			_, err := account.NewFromConfig(c).ListRegions(ctx, &account.ListRegionsInput{})
			return err
		}},
		{"cloudwatch", "DescribeAlarms", 400, "InvalidNextToken", func(c aws.Config) error {
			_, err := cloudwatch.NewFromConfig(c).DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
			return err
		}},
		{"iam", "GetLoginProfile", 404, "NoSuchEntity", func(c aws.Config) error {
			_, err := iam.NewFromConfig(c).GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("alice")})
			return err
		}},
		{"sns", "ListSubscriptionsByTopic", 404, "NotFound", func(c aws.Config) error {
			_, err := sns.NewFromConfig(c).ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topicARN)})
			return err
		}},
		{"s3", "GetBucketEncryption", 404, "ServerSideEncryptionConfigurationNotFoundError", func(c aws.Config) error {
			_, err := s3Client(c).GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("b")})
			return err
		}},
		{"s3", "HeadBucket", 404, "NotFound", func(c aws.Config) error {
			_, err := s3Client(c).HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("b")})
			return err
		}},
		{"s3control", "GetPublicAccessBlock", 404, "NoSuchPublicAccessBlockConfiguration", func(c aws.Config) error {
			_, err := s3control.NewFromConfig(c).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(account1)})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.service+"/"+tt.op, func(t *testing.T) {
			s := New(t)
			msg := "fake message for " + tt.code
			s.Add(Route{Service: tt.service, Operation: tt.op, Error: &ErrorSpec{Status: tt.status, Code: tt.code, Message: msg}})
			err := tt.call(sdkConfig(t, s, "us-east-1", 1))
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("want an APIError, got %v", err)
			}
			if ae.ErrorCode() != tt.code {
				t.Errorf("code %q, want %q", ae.ErrorCode(), tt.code)
			}
			if tt.op != "HeadBucket" && ae.ErrorMessage() != msg {
				t.Errorf("message %q, want %q", ae.ErrorMessage(), msg)
			}
			var re *smithyhttp.ResponseError
			if !errors.As(err, &re) || re.HTTPStatusCode() != tt.status {
				t.Errorf("want HTTP status %d, got %v", tt.status, err)
			}
		})
	}
}

// TestThrottlingRetry: two throttling errors, then success; the SDK's
// standard retryer succeeds on the third request.
func TestThrottlingRetry(t *testing.T) {
	s := New(t)
	s.Add(
		Route{Service: "cloudtrail", Operation: "DescribeTrails", Times: 2,
			Error: &ErrorSpec{Status: 400, Code: "ThrottlingException", Message: "Rate exceeded"}},
		Route{Service: "cloudtrail", Operation: "DescribeTrails", Body: `{"trailList":[{"Name":"t"}]}`},
	)
	out, err := cloudtrail.NewFromConfig(sdkConfig(t, s, "eu-west-1", 0)).DescribeTrails(context.Background(), &cloudtrail.DescribeTrailsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.TrailList) != 1 {
		t.Errorf("got %+v", out.TrailList)
	}
	calls := s.Calls()
	var statuses []int
	for _, c := range calls {
		statuses = append(statuses, c.Status)
	}
	if fmt.Sprint(statuses) != "[400 400 200]" {
		t.Errorf("statuses %v, want [400 400 200]", statuses)
	}
}

// TestTimesConcurrent: a Times:5 route answers exactly 5 of 40 concurrent
// requests, and latency is applied without serialising requests.
func TestTimesConcurrent(t *testing.T) {
	s := New(t)
	const body = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::%[1]s:root</Arn><UserId>%[1]s</UserId><Account>%[1]s</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`
	s.Add(
		Route{Service: "sts", Operation: "GetCallerIdentity", Times: 5, Body: fmt.Sprintf(body, "000000000001")},
		Route{Service: "sts", Operation: "GetCallerIdentity", Body: fmt.Sprintf(body, "000000000002")},
	)
	const n, latency = 40, 25 * time.Millisecond
	s.SetLatency(latency)
	client := sts.NewFromConfig(sdkConfig(t, s, "us-east-1", 1))

	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[string]int{}
	start := time.Now()
	for range n {
		wg.Go(func() {
			out, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				got[err.Error()]++
				return
			}
			got[aws.ToString(out.Account)]++
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if got["000000000001"] != 5 || got["000000000002"] != n-5 {
		t.Errorf("answers %v, want 5 from the Times:5 route", got)
	}
	if c := s.Counts()["sts:GetCallerIdentity"]; c != n {
		t.Errorf("count %d, want %d", c, n)
	}
	if elapsed >= n*latency/4 {
		t.Errorf("%d requests with %v latency took %v: requests are serialised", n, latency, elapsed)
	}
	for _, c := range s.Calls() {
		if c.End.Sub(c.Start) < latency {
			t.Errorf("call took %v, less than the latency", c.End.Sub(c.Start))
		}
	}
}

// recorder captures Errorf so the unmatched-request failure can be asserted.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestUnmatched(t *testing.T) {
	rec := &recorder{TB: t}
	s := New(rec)
	s.Add(Route{Service: "kms", Operation: "DescribeKey", Match: map[string]string{"KeyId": "other"}, Body: "{}"})
	_, err := kms.NewFromConfig(sdkConfig(t, s, "eu-central-1", 1)).DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String("k1")})
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 500 || apiCode(err) != "AwsFakeNoRoute" {
		t.Errorf("want a 500 AwsFakeNoRoute error, got %v", err)
	}
	if len(rec.errs) != 1 {
		t.Fatalf("want exactly one reported error, got %q", rec.errs)
	}
	for _, want := range []string{"service=kms", "region=eu-central-1", "operation=DescribeKey", `KeyId="k1"`} {
		if !strings.Contains(rec.errs[0], want) {
			t.Errorf("report %q lacks %q", rec.errs[0], want)
		}
	}
	if c := s.Calls(); len(c) != 1 || c[0].Status != 500 {
		t.Errorf("calls %+v", c)
	}
}

func TestLoadDirErrors(t *testing.T) {
	tests := []struct {
		name, manifest, file, want string
	}{
		{"missing manifest", "", "", "routes.json"},
		{"unknown field", `{"routes":[{"service":"kms","operation":"DescribeKey","bdy":"{}"}]}`, "", "unknown field"},
		{"unknown service", `{"routes":[{"service":"ec2","operation":"DescribeRegions"}]}`, "", "unknown service"},
		{"missing file", `{"routes":[{"service":"kms","operation":"DescribeKey","file":"nope.json"}]}`, "", "nope.json"},
		{"bad json body", `{"routes":[{"service":"kms","operation":"DescribeKey","file":"b.json"}]}`, `{"KeyMetadata":`, "not valid JSON"},
		{"bad xml body", `{"routes":[{"service":"sts","operation":"GetCallerIdentity","file":"b.json"}]}`, `<a><b></a>`, "XML"},
		{"bad cbor timestamp", `{"routes":[{"service":"cloudwatch","operation":"DescribeAlarms","file":"b.json"}]}`, `{"T":{"$timestamp":"x"}}`, "$timestamp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.manifest != "" {
				if err := os.WriteFile(filepath.Join(dir, "routes.json"), []byte(tt.manifest), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tt.file != "" {
				if err := os.WriteFile(filepath.Join(dir, "b.json"), []byte(tt.file), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := New(t).LoadDir(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
