// Package orgfixture is a Control Tower-like organization for the fake AWS server: the management
// account holds the organization trail and its CloudWatch Logs group, the
// log archive account holds the trail's bucket and KMS key, the audit
// account and the members see the trail as a shadow. Every account answers
// in its own name (routes with an account); whatever an account may not
// read (another account's bucket or key) is refused as AWS refuses it.
package orgfixture

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/trailguard/trailguard/internal/awsfake"
)

// The organization's fixed accounts, OUs and trail resources: the
// management account (the organization trail and its log group), the log
// archive (the trail's bucket and key) and the audit account (a delegated
// administrator) under Security; members under Workloads (where the
// ProtectTrail SCP is attached) or Sandbox (no SCP besides FullAWSAccess).
const (
	MgmtID       = "111111111111"
	LogArchiveID = "222222222222"
	AuditID      = "333333333333"
	RootID       = "r-tg01"
	SecurityOU   = "ou-tg01-security"
	WorkloadsOU  = "ou-tg01-workloads"
	SandboxOU    = "ou-tg01-sandbox"
	OrgID        = "o-tg01example"
	TrailARN     = "arn:aws:cloudtrail:us-east-1:" + MgmtID + ":trail/aws-controltower-BaselineCloudTrail"
	TrailBucket  = "aws-controltower-logs-" + LogArchiveID + "-us-east-1"
	TrailKey     = "arn:aws:kms:us-east-1:" + LogArchiveID + ":key/0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
	TrailGroup   = "arn:aws:logs:us-east-1:" + MgmtID + ":log-group:aws-controltower/CloudTrailLogs"
	protectSCP   = `{"Version":"2012-10-17","Statement":[{"Sid":"GRCLOUDTRAILENABLED","Effect":"Deny","Action":["cloudtrail:DeleteTrail","cloudtrail:PutEventSelectors","cloudtrail:StopLogging","cloudtrail:UpdateTrail"],"Resource":["arn:aws:cloudtrail:*:*:trail/aws-controltower-*"],"Condition":{"ArnNotLike":{"aws:PrincipalARN":"arn:aws:iam::*:role/AWSControlTowerExecution"}}}]}`
	fullAccess   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
)

// Regions are the regions the accounts answer in by default.
var Regions = []string{"eu-west-1", "us-east-1"}

// Spec describes the organization: members are in Workloads (the SCP's
// OU) unless listed in sandbox.
type Spec struct {
	Members   []string // ids of member accounts (besides management, log archive, audit)
	Sandbox   []string // members under the Sandbox OU instead
	NoRole    []string // members without the role
	Suspended []string // suspended members
	Regions   []string // regions answered (default Regions)
	// MemberOUs, when set, spreads the Workloads members over this many
	// child OUs of Workloads (as a large organization would be).
	MemberOUs int
	// PageSize is the most items an Organizations list returns (default 3).
	PageSize int
	// ListRegions makes every account answer account:ListRegions with Regions.
	ListRegions bool
	// NoRootMFA are accounts whose root user has no MFA (it has no password
	// and no access keys, as in every account of the fixture).
	NoRootMFA []string
	// RootManagementOff: the organization does not manage root credentials
	// centrally (the management account's iam:ListOrganizationsFeatures lists
	// no feature); RootFeaturesRefused: that call is refused.
	RootManagementOff, RootFeaturesRefused bool
	// PerimeterRCP enables RCPs: RCPFullAWSAccess everywhere and, on the root,
	// AWS's example data-perimeter RCP (EnforceOrgIdentities, without its tag
	// exception): principals outside the organization may not use S3, KMS or
	// sts:AssumeRole on its accounts' resources.
	PerimeterRCP bool
	// PartnerGrant, when set, is an account (outside the organization) that
	// the trail bucket's policy lets delete the log files.
	PartnerGrant string
}

func MemberID(i int) string { return fmt.Sprintf("%012d", 500000000000+i) }

// organization is the model the fake's Organizations and STS answer from.
func (s Spec) Organization() awsfake.Organization {
	o := awsfake.Organization{
		ID: OrgID, ManagementAccountID: MgmtID, RootID: RootID,
		PolicyTypes: []string{"SERVICE_CONTROL_POLICY"},
		Units: []awsfake.OrgUnit{
			{ID: SecurityOU, Name: "Security", ParentID: RootID},
			{ID: WorkloadsOU, Name: "Workloads", ParentID: RootID},
			{ID: SandboxOU, Name: "Sandbox", ParentID: RootID},
		},
		DefaultRoles: []awsfake.Role{
			{Name: "AWSControlTowerExecution", TrustedAccounts: []string{MgmtID}},
			{Name: "OrganizationAccountAccessRole", TrustedAccounts: []string{MgmtID}},
		},
		Policies: []awsfake.OrgPolicy{
			{ID: "p-FullAWSAccess", Name: "FullAWSAccess", AWSManaged: true, Content: fullAccess, Targets: []string{RootID, SecurityOU, WorkloadsOU, SandboxOU}},
			{ID: "p-tgprotect01", Name: "aws-guardrails-ProtectTrail", Content: protectSCP, Targets: []string{WorkloadsOU}},
		},
		DelegatedAdmins: []awsfake.DelegatedAdmin{{AccountID: AuditID, ServicePrincipal: "securityhub.amazonaws.com"}, {AccountID: AuditID, ServicePrincipal: "guardduty.amazonaws.com"}},
		PageSize:        3,
		Accounts: []awsfake.OrgAccount{
			{ID: MgmtID, Name: "Management", Email: "aws-root@example.com"},
			{ID: LogArchiveID, Name: "Log Archive", Email: "log-archive@example.com", ParentID: SecurityOU},
			{ID: AuditID, Name: "Audit", Email: "audit@example.com", ParentID: SecurityOU},
		},
	}
	if s.PageSize > 0 {
		o.PageSize = s.PageSize
	}
	if s.PerimeterRCP {
		o.PolicyTypes = append(o.PolicyTypes, "RESOURCE_CONTROL_POLICY")
		o.Policies = append(o.Policies,
			awsfake.OrgPolicy{ID: "p-RCPFullAWSAccess", Name: "RCPFullAWSAccess", Type: "RESOURCE_CONTROL_POLICY", AWSManaged: true,
				Content: js(obj{"Version": "2012-10-17", "Statement": []obj{{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}}),
				Targets: []string{RootID, SecurityOU, WorkloadsOU, SandboxOU}},
			awsfake.OrgPolicy{ID: "p-rcpperimeter", Name: "EnforceOrgIdentities", Type: "RESOURCE_CONTROL_POLICY",
				Content: js(obj{"Version": "2012-10-17", "Statement": []obj{{
					"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
					"Action":   []string{"s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:AssumeRole"},
					"Resource": "*",
					"Condition": obj{
						"StringNotEqualsIfExists": obj{"aws:PrincipalOrgID": OrgID},
						"BoolIfExists":            obj{"aws:PrincipalIsAWSService": "false"},
					},
				}}}),
				Targets: []string{RootID}},
		)
	}
	for i := range s.MemberOUs {
		o.Units = append(o.Units, awsfake.OrgUnit{ID: fmt.Sprintf("%s-%03d", WorkloadsOU, i), Name: fmt.Sprintf("Workloads-%03d", i), ParentID: WorkloadsOU})
	}
	for i, id := range s.Members {
		a := awsfake.OrgAccount{ID: id, Name: "member-" + id, Email: id + "@example.com", ParentID: WorkloadsOU}
		if s.MemberOUs > 0 {
			a.ParentID = fmt.Sprintf("%s-%03d", WorkloadsOU, i%s.MemberOUs)
		}
		for _, sb := range s.Sandbox {
			if sb == id {
				a.ParentID = SandboxOU
			}
		}
		for _, n := range s.NoRole {
			if n == id {
				a.Roles = []awsfake.Role{}
			}
		}
		for _, n := range s.Suspended {
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

// credentialReport is the base64 credential report of account id: its root
// user has no password (centrally managed root access) and no access keys.
func credentialReport(id string) string {
	csv := "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n" +
		"<root_account>,arn:aws:iam::" + id + ":root,2021-03-15T09:12:44+00:00,false,no_information,not_supported,not_supported,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
	return base64.StdEncoding.EncodeToString([]byte(csv))
}

func xmlDoc(s string) string { return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + s }

func denied(status int, code string) *awsfake.ErrorSpec {
	return &awsfake.ErrorSpec{Status: status, Code: code, Message: "Access Denied"}
}

// routes are the answers of every account of the organization.
func (s Spec) Routes() []awsfake.Route {
	regions := s.Regions
	if len(regions) == 0 {
		regions = Regions
	}
	var rs []awsfake.Route
	add := func(r ...awsfake.Route) { rs = append(rs, r...) }

	// Every account: its account-level settings, IAM, the trail as seen in each region.
	orgTrail := obj{
		"Name": "aws-controltower-BaselineCloudTrail", "S3BucketName": TrailBucket, "S3KeyPrefix": OrgID,
		"IncludeGlobalServiceEvents": true, "IsMultiRegionTrail": true, "HomeRegion": "us-east-1", "TrailARN": TrailARN,
		"LogFileValidationEnabled": true, "CloudWatchLogsLogGroupArn": TrailGroup + ":*",
		"CloudWatchLogsRoleArn": "arn:aws:iam::" + MgmtID + ":role/aws-controltower-CloudWatchLogsRole",
		"KmsKeyId":              TrailKey, "HasCustomEventSelectors": false, "HasInsightSelectors": false, "IsOrganizationTrail": true,
	}
	if s.ListRegions {
		var list []obj
		for _, r := range regions {
			list = append(list, obj{"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"})
		}
		add(awsfake.Route{Service: "account", Operation: "ListRegions", Body: js(obj{"Regions": list})})
	}
	all := append([]string{MgmtID, LogArchiveID, AuditID}, s.Members...)
	for _, id := range all {
		add(awsfake.Route{Service: "s3control", Account: id, Operation: "GetPublicAccessBlock", Match: map[string]string{"AccountId": id},
			Body: xmlDoc(`<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`)})
		add(awsfake.Route{Service: "iam", Account: id, Operation: "GetAccountAuthorizationDetails",
			Body: `<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult><IsTruncated>false</IsTruncated><UserDetailList/><GroupDetailList/><RoleDetailList/><Policies/></GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>5f1b2c3d-0000-4000-8000-000000000001</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>`})
		mfa := "1"
		if slices.Contains(s.NoRootMFA, id) {
			mfa = "0"
		}
		add(awsfake.Route{Service: "iam", Account: id, Operation: "GetAccountSummary",
			Body: `<GetAccountSummaryResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountSummaryResult><SummaryMap><entry><key>AccountMFAEnabled</key><value>` + mfa + `</value></entry><entry><key>AccountAccessKeysPresent</key><value>0</value></entry></SummaryMap></GetAccountSummaryResult><ResponseMetadata><RequestId>5f1b2c3d-0000-4000-8000-000000000002</RequestId></ResponseMetadata></GetAccountSummaryResponse>`})
		add(awsfake.Route{Service: "iam", Account: id, Operation: "GenerateCredentialReport",
			Body: `<GenerateCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GenerateCredentialReportResult><State>COMPLETE</State><Description>Report generated</Description></GenerateCredentialReportResult><ResponseMetadata><RequestId>5f1b2c3d-0000-4000-8000-000000000003</RequestId></ResponseMetadata></GenerateCredentialReportResponse>`})
		add(awsfake.Route{Service: "iam", Account: id, Operation: "GetCredentialReport",
			Body: `<GetCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetCredentialReportResult><Content>` +
				credentialReport(id) + `</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-24T06:00:12Z</GeneratedTime></GetCredentialReportResult><ResponseMetadata><RequestId>5f1b2c3d-0000-4000-8000-000000000004</RequestId></ResponseMetadata></GetCredentialReportResponse>`})
		features := `<member>RootCredentialsManagement</member><member>RootSessions</member>`
		if s.RootManagementOff {
			features = ""
		}
		if id == MgmtID && s.RootFeaturesRefused {
			add(awsfake.Route{Service: "iam", Account: id, Operation: "ListOrganizationsFeatures", Error: denied(403, "AccessDenied")})
		} else if id == MgmtID {
			add(awsfake.Route{Service: "iam", Account: id, Operation: "ListOrganizationsFeatures",
				Body: `<ListOrganizationsFeaturesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListOrganizationsFeaturesResult><OrganizationId>` + OrgID + `</OrganizationId><EnabledFeatures>` + features + `</EnabledFeatures></ListOrganizationsFeaturesResult><ResponseMetadata><RequestId>5f1b2c3d-0000-4000-8000-000000000005</RequestId></ResponseMetadata></ListOrganizationsFeaturesResponse>`})
		} else {
			add(awsfake.Route{Service: "iam", Account: id, Operation: "ListOrganizationsFeatures",
				Error: &awsfake.ErrorSpec{Status: 400, Code: "AccountNotManagementOrDelegatedAdministratorException",
					Message: "The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access."}})
		}
		for _, r := range regions {
			add(awsfake.Route{Service: "cloudtrail", Account: id, Region: r, Operation: "DescribeTrails", Match: map[string]string{"includeShadowTrails": "true"},
				Body: js(obj{"trailList": []obj{orgTrail}})})
			add(awsfake.Route{Service: "cloudtrail", Account: id, Region: r, Operation: "ListEventDataStores", Body: `{"EventDataStores":[]}`})
		}
	}

	// The trail's own reads, from any account (members may read an
	// organization trail's status and selectors); tags only from its owner.
	add(awsfake.Route{Service: "cloudtrail", Account: MgmtID, Region: "us-east-1", Operation: "ListTags",
		Body: js(obj{"ResourceTagList": []obj{{"ResourceId": TrailARN, "TagsList": []obj{{"Key": "aws-control-tower", "Value": "managed-by-control-tower"}}}}})})
	add(awsfake.Route{Service: "cloudtrail", Region: "us-east-1", Operation: "ListTags",
		Error: &awsfake.ErrorSpec{Status: 400, Code: "CloudTrailARNInvalidException", Message: "AccountID in ARN is wrong."}})
	add(awsfake.Route{Service: "cloudtrail", Region: "us-east-1", Operation: "GetTrailStatus", Match: map[string]string{"Name": TrailARN},
		Body: js(obj{"IsLogging": true, "LatestDeliveryTime": 1795499712.886, "StartLoggingTime": 1609459261.502})})
	add(awsfake.Route{Service: "cloudtrail", Region: "us-east-1", Operation: "GetEventSelectors", Match: map[string]string{"TrailName": TrailARN},
		Body: js(obj{"TrailARN": TrailARN, "EventSelectors": []obj{{"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": []obj{}, "ExcludeManagementEventSources": []string{}}}})})
	add(awsfake.Route{Service: "cloudtrail", Region: "us-east-1", Operation: "GetInsightSelectors", Match: map[string]string{"TrailName": TrailARN},
		Error: &awsfake.ErrorSpec{Status: 400, Code: "InsightNotEnabledException", Message: "Trail does not have Insights enabled."}})

	// The bucket: readable by the log archive account only.
	b := map[string]string{"Bucket": TrailBucket}
	own := func(op, body string) {
		add(awsfake.Route{Service: "s3", Account: LogArchiveID, Region: "us-east-1", Operation: op, Match: b, Body: xmlDoc(body)})
	}
	add(awsfake.Route{Service: "s3", Account: LogArchiveID, Region: "us-east-1", Operation: "GetBucketLocation", Match: b, Body: xmlDoc(`<LocationConstraint ` + s3NS + `/>`)})
	add(awsfake.Route{Service: "s3", Account: LogArchiveID, Region: "us-east-1", Operation: "ListBuckets", Match: map[string]string{"prefix": TrailBucket},
		Body: xmlDoc(`<ListAllMyBucketsResult ` + s3NS + `><Owner><ID>6e1f2a3b</ID></Owner><Buckets><Bucket><CreationDate>2021-03-04T09:12:45.000Z</CreationDate><Name>` + TrailBucket + `</Name><BucketRegion>us-east-1</BucketRegion></Bucket></Buckets></ListAllMyBucketsResult>`)})
	bucketPolicy := []obj{
		{"Sid": "AWSBucketPermissionsCheck", "Effect": "Allow", "Principal": obj{"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::" + TrailBucket},
		{"Sid": "AWSBucketDelivery", "Effect": "Allow", "Principal": obj{"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
			"Resource": "arn:aws:s3:::" + TrailBucket + "/" + OrgID + "/AWSLogs/*", "Condition": obj{"StringEquals": obj{"aws:SourceOrgID": OrgID}}},
	}
	if s.PartnerGrant != "" {
		bucketPolicy = append(bucketPolicy, obj{"Sid": "Partner", "Effect": "Allow", "Principal": obj{"AWS": "arn:aws:iam::" + s.PartnerGrant + ":root"},
			"Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::" + TrailBucket + "/*"})
	}
	add(awsfake.Route{Service: "s3", Account: LogArchiveID, Region: "us-east-1", Operation: "GetBucketPolicy", Match: b,
		Body: js(obj{"Version": "2012-10-17", "Statement": bucketPolicy})})
	own("GetBucketPolicyStatus", `<PolicyStatus `+s3NS+`><IsPublic>false</IsPublic></PolicyStatus>`)
	own("GetBucketAcl", `<AccessControlPolicy `+s3NS+`><Owner><ID>6e1f2a3b</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>6e1f2a3b</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`)
	own("GetPublicAccessBlock", `<PublicAccessBlockConfiguration `+s3NS+`><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`)
	own("GetBucketVersioning", `<VersioningConfiguration `+s3NS+`><Status>Enabled</Status></VersioningConfiguration>`)
	own("GetBucketEncryption", `<ServerSideEncryptionConfiguration `+s3NS+`><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>`+TrailKey+`</KMSMasterKeyID></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`)
	own("GetBucketLogging", `<BucketLoggingStatus `+s3NS+`><LoggingEnabled><TargetBucket>aws-controltower-s3-access-logs-`+LogArchiveID+`-us-east-1</TargetBucket><TargetPrefix></TargetPrefix></LoggingEnabled></BucketLoggingStatus>`)
	own("GetObjectLockConfiguration", `<ObjectLockConfiguration `+s3NS+`><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`)
	own("GetBucketLifecycleConfiguration", `<LifecycleConfiguration `+s3NS+`><Rule><ID>RetentionRule</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Expiration><Days>365</Days></Expiration></Rule></LifecycleConfiguration>`)
	// Everyone else: refused, and the bucket is not in their listing.
	add(awsfake.Route{Service: "s3", Region: "us-east-1", Operation: "GetBucketLocation", Match: b, Error: denied(403, "AccessDenied")})
	add(awsfake.Route{Service: "s3", Region: "us-east-1", Operation: "HeadBucket", Match: b, Error: &awsfake.ErrorSpec{Status: 403, Code: "Forbidden"},
		Headers: map[string]string{"x-amz-bucket-region": "us-east-1"}})
	add(awsfake.Route{Service: "s3", Region: "us-east-1", Operation: "ListBuckets", Match: map[string]string{"prefix": TrailBucket},
		Body: xmlDoc(`<ListAllMyBucketsResult ` + s3NS + `><Owner><ID>0a1b2c3d</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>`)})
	for _, op := range []string{"GetBucketPolicy", "GetBucketPolicyStatus", "GetBucketAcl", "GetPublicAccessBlock", "GetBucketVersioning",
		"GetBucketEncryption", "GetBucketLogging", "GetObjectLockConfiguration", "GetBucketLifecycleConfiguration"} {
		add(awsfake.Route{Service: "s3", Region: "us-east-1", Operation: op, Match: b, Error: denied(403, "AccessDenied")})
	}

	// The key: readable by the log archive account only.
	k := map[string]string{"KeyId": TrailKey}
	add(awsfake.Route{Service: "kms", Account: LogArchiveID, Region: "us-east-1", Operation: "DescribeKey", Match: k,
		Body: js(obj{"KeyMetadata": obj{"AWSAccountId": LogArchiveID, "KeyId": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "Arn": TrailKey,
			"Enabled": true, "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled", "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT"}})})
	add(awsfake.Route{Service: "kms", Account: LogArchiveID, Region: "us-east-1", Operation: "GetKeyPolicy", Match: k,
		Body: js(obj{"PolicyName": "default", "Policy": js(obj{"Version": "2012-10-17", "Statement": []obj{
			{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": obj{"AWS": "arn:aws:iam::" + LogArchiveID + ":root"}, "Action": "kms:*", "Resource": "*"},
			{"Sid": "Allow CloudTrail to encrypt logs", "Effect": "Allow", "Principal": obj{"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*",
				"Condition": obj{"StringLike": obj{"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:" + MgmtID + ":trail/*"}}},
		}})})})
	add(awsfake.Route{Service: "kms", Account: LogArchiveID, Region: "us-east-1", Operation: "GetKeyRotationStatus", Match: k, Body: js(obj{"KeyRotationEnabled": true})})
	for _, op := range []string{"DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus"} {
		add(awsfake.Route{Service: "kms", Region: "us-east-1", Operation: op, Match: k,
			Error: &awsfake.ErrorSpec{Status: 400, Code: "AccessDeniedException", Message: "not authorized to perform: kms:" + op + " on resource: " + TrailKey}})
	}

	// The log group: in the management account, read by it only.
	add(awsfake.Route{Service: "logs", Account: MgmtID, Region: "us-east-1", Operation: "DescribeLogGroups",
		Body: js(obj{"logGroups": []obj{{"logGroupName": "aws-controltower/CloudTrailLogs", "retentionInDays": 14, "arn": TrailGroup + ":*"}}})})
	add(awsfake.Route{Service: "logs", Account: MgmtID, Region: "us-east-1", Operation: "DescribeMetricFilters", Body: `{"metricFilters":[]}`})
	add(awsfake.Route{Service: "cloudwatch", Account: MgmtID, Region: "us-east-1", Operation: "DescribeAlarms", Body: `{"MetricAlarms":[],"CompositeAlarms":[]}`})
	return rs
}

// NewServer starts the fake with the organization.
func NewServer(tb testing.TB, s Spec) *awsfake.Server {
	tb.Helper()
	srv := awsfake.New(tb)
	srv.SetOrganization(s.Organization())
	srv.Add(s.Routes()...)
	return srv
}

// CallerConfig is the SDK configuration of the management account's caller.
func CallerConfig(tb testing.TB, srv *awsfake.Server) aws.Config {
	tb.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(awsfake.CredentialsProvider(MgmtID)),
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
