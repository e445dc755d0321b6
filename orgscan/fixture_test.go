package orgscan

// A Control Tower-like organization for the fake AWS server: the management
// account holds the organization trail and its CloudWatch Logs group, the
// log archive account holds the trail's bucket and KMS key, the audit
// account and the members see the trail as a shadow. Every account answers
// in its own name (routes with an account); whatever an account may not
// read (another account's bucket or key) is refused as AWS refuses it.

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/trailguard/trailguard/internal/awsfake"
)

const (
	mgmtID       = "111111111111"
	logArchiveID = "222222222222"
	auditID      = "333333333333"
	rootID       = "r-tg01"
	securityOU   = "ou-tg01-security"
	workloadsOU  = "ou-tg01-workloads"
	sandboxOU    = "ou-tg01-sandbox"
	orgID        = "o-tg01example"
	trailARN     = "arn:aws:cloudtrail:us-east-1:" + mgmtID + ":trail/aws-controltower-BaselineCloudTrail"
	trailBucket  = "aws-controltower-logs-" + logArchiveID + "-us-east-1"
	trailKey     = "arn:aws:kms:us-east-1:" + logArchiveID + ":key/0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
	trailGroup   = "arn:aws:logs:us-east-1:" + mgmtID + ":log-group:aws-controltower/CloudTrailLogs"
	protectSCP   = `{"Version":"2012-10-17","Statement":[{"Sid":"GRCLOUDTRAILENABLED","Effect":"Deny","Action":["cloudtrail:DeleteTrail","cloudtrail:PutEventSelectors","cloudtrail:StopLogging","cloudtrail:UpdateTrail"],"Resource":["arn:aws:cloudtrail:*:*:trail/aws-controltower-*"],"Condition":{"ArnNotLike":{"aws:PrincipalARN":"arn:aws:iam::*:role/AWSControlTowerExecution"}}}]}`
	fullAccess   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
)

var testRegions = []string{"eu-west-1", "us-east-1"}

// orgSpec describes the organization: members are in Workloads (the SCP's
// OU) unless listed in sandbox.
type orgSpec struct {
	members   []string // ids of member accounts (besides management, log archive, audit)
	sandbox   []string // members under the Sandbox OU instead
	noRole    []string // members without the role
	suspended []string // suspended members
	regions   []string
}

func memberID(i int) string { return fmt.Sprintf("%012d", 500000000000+i) }

// organization is the model the fake's Organizations and STS answer from.
func (s orgSpec) organization() awsfake.Organization {
	o := awsfake.Organization{
		ID: orgID, ManagementAccountID: mgmtID, RootID: rootID,
		PolicyTypes: []string{"SERVICE_CONTROL_POLICY"},
		Units: []awsfake.OrgUnit{
			{ID: securityOU, Name: "Security", ParentID: rootID},
			{ID: workloadsOU, Name: "Workloads", ParentID: rootID},
			{ID: sandboxOU, Name: "Sandbox", ParentID: rootID},
		},
		DefaultRoles: []awsfake.Role{
			{Name: "AWSControlTowerExecution", TrustedAccounts: []string{mgmtID}},
			{Name: "OrganizationAccountAccessRole", TrustedAccounts: []string{mgmtID}},
		},
		Policies: []awsfake.OrgPolicy{
			{ID: "p-FullAWSAccess", Name: "FullAWSAccess", AWSManaged: true, Content: fullAccess, Targets: []string{rootID, securityOU, workloadsOU, sandboxOU}},
			{ID: "p-tgprotect01", Name: "aws-guardrails-ProtectTrail", Content: protectSCP, Targets: []string{workloadsOU}},
		},
		DelegatedAdmins: []awsfake.DelegatedAdmin{{AccountID: auditID, ServicePrincipal: "securityhub.amazonaws.com"}, {AccountID: auditID, ServicePrincipal: "guardduty.amazonaws.com"}},
		PageSize:        3,
		Accounts: []awsfake.OrgAccount{
			{ID: mgmtID, Name: "Management", Email: "aws-root@example.com"},
			{ID: logArchiveID, Name: "Log Archive", Email: "log-archive@example.com", ParentID: securityOU},
			{ID: auditID, Name: "Audit", Email: "audit@example.com", ParentID: securityOU},
		},
	}
	for _, id := range s.members {
		a := awsfake.OrgAccount{ID: id, Name: "member-" + id, Email: id + "@example.com", ParentID: workloadsOU}
		for _, sb := range s.sandbox {
			if sb == id {
				a.ParentID = sandboxOU
			}
		}
		for _, n := range s.noRole {
			if n == id {
				a.Roles = []awsfake.Role{}
			}
		}
		for _, n := range s.suspended {
			if n == id {
				a.Status = "SUSPENDED"
			}
		}
		o.Accounts = append(o.Accounts, a)
	}
	return o
}

type obj = map[string]any

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

const s3NS = `xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`

func xmlDoc(s string) string { return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + s }

func denied(status int, code string) *awsfake.ErrorSpec {
	return &awsfake.ErrorSpec{Status: status, Code: code, Message: "Access Denied"}
}

// routes are the answers of every account of the organization.
func (s orgSpec) routes() []awsfake.Route {
	regions := s.regions
	if len(regions) == 0 {
		regions = testRegions
	}
	var rs []awsfake.Route
	add := func(r ...awsfake.Route) { rs = append(rs, r...) }

	// Every account: its account-level settings, IAM, the trail as seen in each region.
	orgTrail := obj{
		"Name": "aws-controltower-BaselineCloudTrail", "S3BucketName": trailBucket, "S3KeyPrefix": orgID,
		"IncludeGlobalServiceEvents": true, "IsMultiRegionTrail": true, "HomeRegion": "us-east-1", "TrailARN": trailARN,
		"LogFileValidationEnabled": true, "CloudWatchLogsLogGroupArn": trailGroup + ":*",
		"CloudWatchLogsRoleArn": "arn:aws:iam::" + mgmtID + ":role/aws-controltower-CloudWatchLogsRole",
		"KmsKeyId":              trailKey, "HasCustomEventSelectors": false, "HasInsightSelectors": false, "IsOrganizationTrail": true,
	}
	all := append([]string{mgmtID, logArchiveID, auditID}, s.members...)
	for _, id := range all {
		add(awsfake.Route{Service: "s3control", Account: id, Operation: "GetPublicAccessBlock", Match: map[string]string{"AccountId": id},
			Body: xmlDoc(`<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`)})
		add(awsfake.Route{Service: "iam", Account: id, Operation: "GetAccountAuthorizationDetails",
			Body: `<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult><IsTruncated>false</IsTruncated><UserDetailList/><GroupDetailList/><RoleDetailList/><Policies/></GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>5f1b2c3d-0000-4000-8000-000000000001</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>`})
		add(awsfake.Route{Service: "iam", Account: id, Operation: "GetAccountSummary",
			Body: `<GetAccountSummaryResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountSummaryResult><SummaryMap><entry><key>AccountMFAEnabled</key><value>1</value></entry><entry><key>AccountAccessKeysPresent</key><value>0</value></entry></SummaryMap></GetAccountSummaryResult><ResponseMetadata><RequestId>5f1b2c3d-0000-4000-8000-000000000002</RequestId></ResponseMetadata></GetAccountSummaryResponse>`})
		for _, r := range regions {
			add(awsfake.Route{Service: "cloudtrail", Account: id, Region: r, Operation: "DescribeTrails", Match: map[string]string{"includeShadowTrails": "true"},
				Body: js(obj{"trailList": []obj{orgTrail}})})
			add(awsfake.Route{Service: "cloudtrail", Account: id, Region: r, Operation: "ListEventDataStores", Body: `{"EventDataStores":[]}`})
		}
	}

	// The trail's own reads, from any account (members may read an
	// organization trail's status and selectors); tags only from its owner.
	add(awsfake.Route{Service: "cloudtrail", Account: mgmtID, Region: "us-east-1", Operation: "ListTags",
		Body: js(obj{"ResourceTagList": []obj{{"ResourceId": trailARN, "TagsList": []obj{{"Key": "aws-control-tower", "Value": "managed-by-control-tower"}}}}})})
	add(awsfake.Route{Service: "cloudtrail", Region: "us-east-1", Operation: "ListTags",
		Error: &awsfake.ErrorSpec{Status: 400, Code: "CloudTrailARNInvalidException", Message: "AccountID in ARN is wrong."}})
	add(awsfake.Route{Service: "cloudtrail", Region: "us-east-1", Operation: "GetTrailStatus", Match: map[string]string{"Name": trailARN},
		Body: js(obj{"IsLogging": true, "LatestDeliveryTime": 1795499712.886, "StartLoggingTime": 1609459261.502})})
	add(awsfake.Route{Service: "cloudtrail", Region: "us-east-1", Operation: "GetEventSelectors", Match: map[string]string{"TrailName": trailARN},
		Body: js(obj{"TrailARN": trailARN, "EventSelectors": []obj{{"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": []obj{}, "ExcludeManagementEventSources": []string{}}}})})
	add(awsfake.Route{Service: "cloudtrail", Region: "us-east-1", Operation: "GetInsightSelectors", Match: map[string]string{"TrailName": trailARN},
		Error: &awsfake.ErrorSpec{Status: 400, Code: "InsightNotEnabledException", Message: "Trail does not have Insights enabled."}})

	// The bucket: readable by the log archive account only.
	b := map[string]string{"Bucket": trailBucket}
	own := func(op, body string) {
		add(awsfake.Route{Service: "s3", Account: logArchiveID, Region: "us-east-1", Operation: op, Match: b, Body: xmlDoc(body)})
	}
	add(awsfake.Route{Service: "s3", Account: logArchiveID, Region: "us-east-1", Operation: "GetBucketLocation", Match: b, Body: xmlDoc(`<LocationConstraint ` + s3NS + `/>`)})
	add(awsfake.Route{Service: "s3", Account: logArchiveID, Region: "us-east-1", Operation: "ListBuckets", Match: map[string]string{"prefix": trailBucket},
		Body: xmlDoc(`<ListAllMyBucketsResult ` + s3NS + `><Owner><ID>6e1f2a3b</ID></Owner><Buckets><Bucket><CreationDate>2021-03-04T09:12:45.000Z</CreationDate><Name>` + trailBucket + `</Name><BucketRegion>us-east-1</BucketRegion></Bucket></Buckets></ListAllMyBucketsResult>`)})
	add(awsfake.Route{Service: "s3", Account: logArchiveID, Region: "us-east-1", Operation: "GetBucketPolicy", Match: b,
		Body: js(obj{"Version": "2012-10-17", "Statement": []obj{
			{"Sid": "AWSBucketPermissionsCheck", "Effect": "Allow", "Principal": obj{"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::" + trailBucket},
			{"Sid": "AWSBucketDelivery", "Effect": "Allow", "Principal": obj{"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
				"Resource": "arn:aws:s3:::" + trailBucket + "/" + orgID + "/AWSLogs/*", "Condition": obj{"StringEquals": obj{"aws:SourceOrgID": orgID}}},
		}})})
	own("GetBucketPolicyStatus", `<PolicyStatus `+s3NS+`><IsPublic>false</IsPublic></PolicyStatus>`)
	own("GetBucketAcl", `<AccessControlPolicy `+s3NS+`><Owner><ID>6e1f2a3b</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>6e1f2a3b</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`)
	own("GetPublicAccessBlock", `<PublicAccessBlockConfiguration `+s3NS+`><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`)
	own("GetBucketVersioning", `<VersioningConfiguration `+s3NS+`><Status>Enabled</Status></VersioningConfiguration>`)
	own("GetBucketEncryption", `<ServerSideEncryptionConfiguration `+s3NS+`><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>`+trailKey+`</KMSMasterKeyID></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`)
	own("GetBucketLogging", `<BucketLoggingStatus `+s3NS+`><LoggingEnabled><TargetBucket>aws-controltower-s3-access-logs-`+logArchiveID+`-us-east-1</TargetBucket><TargetPrefix></TargetPrefix></LoggingEnabled></BucketLoggingStatus>`)
	own("GetObjectLockConfiguration", `<ObjectLockConfiguration `+s3NS+`><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`)
	own("GetBucketLifecycleConfiguration", `<LifecycleConfiguration `+s3NS+`><Rule><ID>RetentionRule</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Expiration><Days>365</Days></Expiration></Rule></LifecycleConfiguration>`)
	// Everyone else: refused, and the bucket is not in their listing.
	add(awsfake.Route{Service: "s3", Region: "us-east-1", Operation: "GetBucketLocation", Match: b, Error: denied(403, "AccessDenied")})
	add(awsfake.Route{Service: "s3", Region: "us-east-1", Operation: "HeadBucket", Match: b, Error: &awsfake.ErrorSpec{Status: 403, Code: "Forbidden"},
		Headers: map[string]string{"x-amz-bucket-region": "us-east-1"}})
	add(awsfake.Route{Service: "s3", Region: "us-east-1", Operation: "ListBuckets", Match: map[string]string{"prefix": trailBucket},
		Body: xmlDoc(`<ListAllMyBucketsResult ` + s3NS + `><Owner><ID>0a1b2c3d</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>`)})
	for _, op := range []string{"GetBucketPolicy", "GetBucketPolicyStatus", "GetBucketAcl", "GetPublicAccessBlock", "GetBucketVersioning",
		"GetBucketEncryption", "GetBucketLogging", "GetObjectLockConfiguration", "GetBucketLifecycleConfiguration"} {
		add(awsfake.Route{Service: "s3", Region: "us-east-1", Operation: op, Match: b, Error: denied(403, "AccessDenied")})
	}

	// The key: readable by the log archive account only.
	k := map[string]string{"KeyId": trailKey}
	add(awsfake.Route{Service: "kms", Account: logArchiveID, Region: "us-east-1", Operation: "DescribeKey", Match: k,
		Body: js(obj{"KeyMetadata": obj{"AWSAccountId": logArchiveID, "KeyId": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "Arn": trailKey,
			"Enabled": true, "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled", "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT"}})})
	add(awsfake.Route{Service: "kms", Account: logArchiveID, Region: "us-east-1", Operation: "GetKeyPolicy", Match: k,
		Body: js(obj{"PolicyName": "default", "Policy": js(obj{"Version": "2012-10-17", "Statement": []obj{
			{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": obj{"AWS": "arn:aws:iam::" + logArchiveID + ":root"}, "Action": "kms:*", "Resource": "*"},
			{"Sid": "Allow CloudTrail to encrypt logs", "Effect": "Allow", "Principal": obj{"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*",
				"Condition": obj{"StringLike": obj{"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:" + mgmtID + ":trail/*"}}},
		}})})})
	add(awsfake.Route{Service: "kms", Account: logArchiveID, Region: "us-east-1", Operation: "GetKeyRotationStatus", Match: k, Body: js(obj{"KeyRotationEnabled": true})})
	for _, op := range []string{"DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus"} {
		add(awsfake.Route{Service: "kms", Region: "us-east-1", Operation: op, Match: k,
			Error: &awsfake.ErrorSpec{Status: 400, Code: "AccessDeniedException", Message: "not authorized to perform: kms:" + op + " on resource: " + trailKey}})
	}

	// The log group: in the management account, read by it only.
	add(awsfake.Route{Service: "logs", Account: mgmtID, Region: "us-east-1", Operation: "DescribeLogGroups",
		Body: js(obj{"logGroups": []obj{{"logGroupName": "aws-controltower/CloudTrailLogs", "retentionInDays": 14, "arn": trailGroup + ":*"}}})})
	add(awsfake.Route{Service: "logs", Account: mgmtID, Region: "us-east-1", Operation: "DescribeMetricFilters", Body: `{"metricFilters":[]}`})
	add(awsfake.Route{Service: "cloudwatch", Account: mgmtID, Region: "us-east-1", Operation: "DescribeAlarms", Body: `{"MetricAlarms":[],"CompositeAlarms":[]}`})
	return rs
}

// newServer starts the fake with the organization.
func newServer(tb testing.TB, s orgSpec) *awsfake.Server {
	tb.Helper()
	srv := awsfake.New(tb)
	srv.SetOrganization(s.organization())
	srv.Add(s.routes()...)
	return srv
}

// callerConfig is the SDK configuration of the management account's caller.
func callerConfig(tb testing.TB, srv *awsfake.Server) aws.Config {
	tb.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(awsfake.CredentialsProvider(mgmtID)),
		config.WithSharedConfigFiles([]string{}), config.WithSharedCredentialsFiles([]string{}),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(s *retry.StandardOptions) {
				s.MaxAttempts = 3
				s.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
			})
		}),
	)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.HTTPClient = srv.HTTPClient()
	cfg.BaseEndpoint = aws.String(srv.URL())
	return cfg
}
