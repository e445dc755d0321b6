package collector

// The collector's speed benchmark (the issue's "17 regions, 10 trails, 20 ms
// of latency on every request" case) and the test that the same account is
// collected without a single redundant call.
//
// The account is generated in Go (benchAccount): every answer is written in
// the wire format of the service's API reference, with the shapes of
// testdata/aws/multiregion, and every route matches the one resource it is
// about, so that a call for the wrong resource, or one call too many, shows.
//
//	go test ./collector -run '^$' -bench BenchmarkCollect -benchtime 10x -count 3

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/trailguard/trailguard/internal/awsfake"
	"github.com/trailguard/trailguard/snapshot"
)

const (
	benchAccountID = "111122223333"
	benchLatency   = 20 * time.Millisecond
)

// benchRegionOrder is the order in which regions are taken into a smaller
// account and receive single-region trails: the first five also hold one
// bucket each, the first two hold the log groups, alarms and topics.
var benchRegionOrder = []string{
	"us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1", "ca-central-1",
	"us-east-2", "us-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "ap-south-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
}

// benchCISMetrics are the metrics of the CIS filters on every trail log group
// (namespace CISBenchmark), each with an alarm in the group's region.
var benchCISMetrics = []string{
	"AWSConfigChanges", "CloudTrailConfigChanges", "ConsoleSigninFailures", "ConsoleSigninWithoutMFA",
	"DisableOrDeleteCMK", "IAMPolicyChanges", "NACLChanges", "NetworkGatewayChanges", "RootAccountUsage",
	"RouteTableChanges", "S3BucketPolicyChanges", "SecurityGroupChanges", "UnauthorizedAPICalls", "VPCChanges",
}

// The generated account's fixed sizes (besides regions and trails).
const (
	benchUsers        = 20 // IAM users, over two GetAccountAuthorizationDetails pages
	benchUsersPage1   = 12 // users on the first page
	benchAdmins       = 3  // of which may stop or delete trails
	benchFilterPages  = 2  // DescribeMetricFilters pages per log group
	benchAlarmPages   = 2  // DescribeAlarms pages per alarm region
	benchOtherAlarms  = 2  // alarms per region on metrics no trail filter publishes (not kept)
	benchSubsPerTopic = 2  // subscriptions per topic (one page)
)

type benchTrail struct {
	name, home  string
	multiRegion bool
	bucket      *benchBucket
	key         *benchKey
	logGroup    *benchLogGroup
}

func (t *benchTrail) arn() string {
	return "arn:aws:cloudtrail:" + t.home + ":" + benchAccountID + ":trail/" + t.name
}

type benchBucket struct{ name, region string }
type benchKey struct{ id, region string }

func (k *benchKey) arn() string {
	return "arn:aws:kms:" + k.region + ":" + benchAccountID + ":key/" + k.id
}

type benchLogGroup struct{ name, region string }

func (g *benchLogGroup) arn() string {
	return "arn:aws:logs:" + g.region + ":" + benchAccountID + ":log-group:" + g.name + ":*"
}

// benchSpec is a generated account: what it holds, from which the routes,
// the exact call counts and the critical path are all derived.
type benchSpec struct {
	regions   []string // sorted
	trails    []*benchTrail
	buckets   []*benchBucket
	keys      []*benchKey
	logGroups []*benchLogGroup
	lakeHome  string // the one region with an event data store
}

// newBenchSpec generates an account with the given number of regions (2 to
// 17, taken in benchRegionOrder) and trails (at least 2): two multi-region
// trails (homes us-east-1 and eu-west-1, visible as shadow copies in every
// other region) and single-region trails spread over the regions. Trails share
// five buckets (in the first five regions) and three KMS keys (us-east-1,
// eu-west-1, ap-southeast-2: a trail uses the key of its home region, if any);
// the multi-region trails and the first single-region trail of us-east-1 and
// of eu-west-1 send to their own log groups (four groups in two regions).
func newBenchSpec(regions, trails int) *benchSpec {
	if regions < 2 || regions > len(benchRegionOrder) || trails < 2 {
		panic(fmt.Sprintf("newBenchSpec(%d, %d): need 2-%d regions and at least 2 trails", regions, trails, len(benchRegionOrder)))
	}
	s := &benchSpec{lakeHome: "us-east-1"}
	order := benchRegionOrder[:regions]
	s.regions = slices.Sorted(slices.Values(order))
	for i, r := range order[:min(5, regions)] {
		name := fmt.Sprintf("cloudtrail-logs-%s-%s", r, benchAccountID)
		if i == 0 {
			name = "cloudtrail-logs-" + benchAccountID
		}
		s.buckets = append(s.buckets, &benchBucket{name: name, region: r})
	}
	keyIDs := map[string]string{
		"us-east-1":      "7c1e9a52-3b4d-4f8e-a6c1-2d9f0b8e4a17",
		"eu-west-1":      "1f0d7e2a-9c84-4b6e-8a35-5e2c7b9d0a41",
		"ap-southeast-2": "b5a3c1e7-6d2f-4e09-9b18-3f7a2c4d6e85",
	}
	keyIn := map[string]*benchKey{}
	for _, r := range order {
		if id, ok := keyIDs[r]; ok {
			k := &benchKey{id: id, region: r}
			s.keys = append(s.keys, k)
			keyIn[r] = k
		}
	}
	lgIn := map[string]bool{}
	group := func(name, region string) *benchLogGroup {
		g := &benchLogGroup{name: name, region: region}
		s.logGroups = append(s.logGroups, g)
		lgIn[region] = true
		return g
	}
	s.trails = append(s.trails,
		&benchTrail{name: "management", home: "us-east-1", multiRegion: true, bucket: s.buckets[0], key: keyIn["us-east-1"],
			logGroup: group("cloudtrail-management", "us-east-1")},
		&benchTrail{name: "eu-governance", home: "eu-west-1", multiRegion: true, bucket: s.buckets[1], key: keyIn["eu-west-1"],
			logGroup: group("cloudtrail-eu-governance", "eu-west-1")},
	)
	for i := range trails - 2 {
		home := order[i%len(order)]
		t := &benchTrail{name: fmt.Sprintf("regional-%s-%d", home, i), home: home, bucket: s.buckets[i%len(s.buckets)], key: keyIn[home]}
		if (home == "us-east-1" || home == "eu-west-1") && lgIn[home] && len(s.logGroups) < 4 {
			t.logGroup = group("cloudtrail-"+t.name, home)
		}
		s.trails = append(s.trails, t)
	}
	return s
}

// benchAccount returns the routes of a generated account (see newBenchSpec).
func benchAccount(regions, trails int) []awsfake.Route {
	return newBenchSpec(regions, trails).routes()
}

// homes returns the trails' home regions, sorted.
func (s *benchSpec) homes() []string {
	var out []string
	for _, t := range s.trails {
		if !slices.Contains(out, t.home) {
			out = append(out, t.home)
		}
	}
	sort.Strings(out)
	return out
}

// alarmRegions returns the regions that hold trail log groups, sorted.
func (s *benchSpec) alarmRegions() []string {
	var out []string
	for _, g := range s.logGroups {
		if !slices.Contains(out, g.region) {
			out = append(out, g.region)
		}
	}
	sort.Strings(out)
	return out
}

// visibleIn returns the trails DescribeTrails lists in region: those homed
// there and the shadow copies of the multi-region trails.
func (s *benchSpec) visibleIn(region string) []*benchTrail {
	var out []*benchTrail
	for _, t := range s.trails {
		if t.home == region || t.multiRegion {
			out = append(out, t)
		}
	}
	return out
}

// adminUser reports whether user i may stop or delete trails, and how.
func adminUser(i int) string {
	switch i {
	case 1:
		return "group" // member of CloudTrailAdmins (AWSCloudTrail_FullAccess)
	case 7:
		return "inline" // inline policy allowing cloudtrail:StopLogging
	case 15:
		return "attached" // AWSCloudTrail_FullAccess attached directly
	}
	return ""
}

func benchUserName(i int) string { return fmt.Sprintf("user%02d", i) }

// js encodes a JSON 1.1 / REST-JSON body.
func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

type obj = map[string]any

func notFound(code, message string) *awsfake.ErrorSpec {
	return &awsfake.ErrorSpec{Status: 404, Code: code, Message: message}
}

const s3NS = `xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`

// routes renders the account as fake-server routes.
func (s *benchSpec) routes() []awsfake.Route {
	var rs []awsfake.Route
	add := func(r ...awsfake.Route) { rs = append(rs, r...) }

	// Identity, regions, organization, account-level Block Public Access.
	add(awsfake.Route{Service: "sts", Region: "us-east-1", Operation: "GetCallerIdentity", Body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::` + benchAccountID + `:assumed-role/trailguard-collector/bench</Arn>
    <UserId>AROARZ5EXAMPLE7XQKMHW:bench</UserId>
    <Account>` + benchAccountID + `</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>f3a91736-810c-424e-ba71-28081566196f</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`})
	var regions []obj
	for _, r := range s.regions {
		regions = append(regions, obj{"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"})
	}
	add(awsfake.Route{Service: "account", Region: "us-east-1", Operation: "ListRegions",
		Match: map[string]string{"NextToken": "", "RegionOptStatusContains": `["ENABLED","ENABLED_BY_DEFAULT"]`, "MaxResults": "50"},
		Body:  js(obj{"Regions": regions})})
	add(awsfake.Route{Service: "organizations", Region: "us-east-1", Operation: "DescribeOrganization",
		Error: &awsfake.ErrorSpec{Status: 400, Code: "AWSOrganizationsNotInUseException", Message: "Your account is not a member of an organization."}})
	add(awsfake.Route{Service: "s3control", Region: "us-east-1", Operation: "GetPublicAccessBlock", Match: map[string]string{"AccountId": benchAccountID},
		Body: `<?xml version="1.0" encoding="UTF-8"?>
<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`})

	// Trails: every region's listing, then each trail's own reads in its home region.
	for _, r := range s.regions {
		var list []obj
		for _, t := range s.visibleIn(r) {
			tr := obj{
				"Name": t.name, "S3BucketName": t.bucket.name, "IncludeGlobalServiceEvents": t.multiRegion,
				"IsMultiRegionTrail": t.multiRegion, "HomeRegion": t.home, "TrailARN": t.arn(),
				"LogFileValidationEnabled": true, "HasCustomEventSelectors": true, "HasInsightSelectors": t.name == "management",
				"IsOrganizationTrail": false,
			}
			if t.key != nil {
				tr["KmsKeyId"] = t.key.arn()
			}
			if t.logGroup != nil {
				tr["CloudWatchLogsLogGroupArn"] = t.logGroup.arn()
				tr["CloudWatchLogsRoleArn"] = "arn:aws:iam::" + benchAccountID + ":role/CloudTrail_CloudWatchLogs_Role"
			}
			list = append(list, tr)
		}
		add(awsfake.Route{Service: "cloudtrail", Region: r, Operation: "DescribeTrails", Match: map[string]string{"includeShadowTrails": "true"},
			Body: js(obj{"trailList": list})})
		stores := []obj{}
		if r == s.lakeHome {
			stores = append(stores, obj{"EventDataStoreArn": s.storeARN(), "Name": "security-lake-7y"})
		}
		add(awsfake.Route{Service: "cloudtrail", Region: r, Operation: "ListEventDataStores", Match: map[string]string{"NextToken": ""},
			Body: js(obj{"EventDataStores": stores})})
	}
	add(awsfake.Route{Service: "cloudtrail", Region: s.lakeHome, Operation: "GetEventDataStore", Match: map[string]string{"EventDataStore": s.storeARN()},
		Body: js(obj{
			"EventDataStoreArn": s.storeARN(), "Name": "security-lake-7y", "Status": "ENABLED",
			"AdvancedEventSelectors": []obj{{"Name": "Management events selector", "FieldSelectors": []obj{{"Field": "eventCategory", "Equals": []string{"Management"}}}}},
			"MultiRegionEnabled":     true, "OrganizationEnabled": false, "RetentionPeriod": 2557, "TerminationProtectionEnabled": true,
			"CreatedTimestamp": 1687343412.871, "UpdatedTimestamp": 1741855108.406, "BillingMode": "FIXED_RETENTION_PRICING",
		})})
	for i, t := range s.trails {
		a := t.arn()
		add(awsfake.Route{Service: "cloudtrail", Region: t.home, Operation: "GetTrailStatus", Match: map[string]string{"Name": a},
			Body: js(obj{"IsLogging": i != 5, "LatestDeliveryTime": 1795499712.886, "StartLoggingTime": 1609459261.502,
				"LatestDigestDeliveryTime": 1795498287.775, "LatestDeliveryAttemptTime": "2026-11-24T05:55:13Z",
				"LatestDeliveryAttemptSucceeded": "2026-11-24T05:55:13Z", "TimeLoggingStarted": "2021-01-01T00:01:01Z", "TimeLoggingStopped": ""})})
		add(awsfake.Route{Service: "cloudtrail", Region: t.home, Operation: "GetEventSelectors", Match: map[string]string{"TrailName": a},
			Body: js(obj{"TrailARN": a, "EventSelectors": []obj{{"ReadWriteType": "All", "IncludeManagementEvents": true,
				"DataResources": []obj{}, "ExcludeManagementEventSources": []string{}}}})})
		if t.name == "management" {
			add(awsfake.Route{Service: "cloudtrail", Region: t.home, Operation: "GetInsightSelectors", Match: map[string]string{"TrailName": a},
				Body: js(obj{"TrailARN": a, "InsightSelectors": []obj{{"InsightType": "ApiCallRateInsight"}, {"InsightType": "ApiErrorRateInsight"}}})})
		} else {
			add(awsfake.Route{Service: "cloudtrail", Region: t.home, Operation: "GetInsightSelectors", Match: map[string]string{"TrailName": a},
				Error: &awsfake.ErrorSpec{Status: 400, Code: "InsightNotEnabledException", Message: "Trail " + a + " does not have Insights enabled."}})
		}
	}
	for _, home := range s.homes() {
		var arns []string
		for _, t := range s.trails {
			if t.home == home {
				arns = append(arns, t.arn())
			}
		}
		sort.Strings(arns)
		for batch := range slices.Chunk(arns, 20) {
			var tags []obj
			for _, a := range batch {
				tags = append(tags, obj{"ResourceId": a, "TagsList": []obj{{"Key": "Owner", "Value": "security"}}})
			}
			add(awsfake.Route{Service: "cloudtrail", Region: home, Operation: "ListTags", Match: map[string]string{"ResourceIdList": js(batch)},
				Body: js(obj{"ResourceTagList": tags})})
		}
	}

	// Buckets: location from us-east-1, then nine reads in the bucket's region.
	for j, b := range s.buckets {
		m := map[string]string{"Bucket": b.name}
		loc := `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
		switch b.region {
		case "us-east-1":
			loc += `<LocationConstraint ` + s3NS + `/>`
		case "eu-west-1":
			loc += `<LocationConstraint ` + s3NS + `>EU</LocationConstraint>`
		default:
			loc += `<LocationConstraint ` + s3NS + `>` + b.region + `</LocationConstraint>`
		}
		add(awsfake.Route{Service: "s3", Region: "us-east-1", Operation: "GetBucketLocation", Match: m, Body: loc})
		// Ownership: ListBuckets lists the caller's buckets whose names start with the prefix.
		var owned strings.Builder
		for _, other := range s.buckets {
			if strings.HasPrefix(other.name, b.name) {
				fmt.Fprintf(&owned, "<Bucket><CreationDate>2021-03-04T09:12:45.000Z</CreationDate><Name>%s</Name><BucketRegion>%s</BucketRegion></Bucket>", other.name, other.region)
			}
		}
		add(awsfake.Route{Service: "s3", Region: "us-east-1", Operation: "ListBuckets", Match: map[string]string{"prefix": b.name, "max-buckets": "1000"},
			Body: `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ListAllMyBucketsResult ` + s3NS + `><Owner><ID>79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be</ID></Owner><Buckets>` +
				owned.String() + `</Buckets><Prefix>` + b.name + `</Prefix></ListAllMyBucketsResult>`})
		op := func(operation, body string, e *awsfake.ErrorSpec) {
			add(awsfake.Route{Service: "s3", Region: b.region, Operation: operation, Match: m, Body: body, Error: e})
		}
		xml := func(s string) string { return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + s }
		if j%2 == 0 {
			op("GetBucketPolicy", js(obj{"Version": "2012-10-17", "Statement": []obj{
				{"Sid": "AWSCloudTrailAclCheck20150319", "Effect": "Allow", "Principal": obj{"Service": "cloudtrail.amazonaws.com"},
					"Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::" + b.name},
				{"Sid": "AWSCloudTrailWrite20150319", "Effect": "Allow", "Principal": obj{"Service": "cloudtrail.amazonaws.com"},
					"Action": "s3:PutObject", "Resource": "arn:aws:s3:::" + b.name + "/AWSLogs/" + benchAccountID + "/*",
					"Condition": obj{"StringEquals": obj{"s3:x-amz-acl": "bucket-owner-full-control"}}},
				{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
					"Resource":  []string{"arn:aws:s3:::" + b.name, "arn:aws:s3:::" + b.name + "/*"},
					"Condition": obj{"Bool": obj{"aws:SecureTransport": "false"}}},
			}}), nil)
			op("GetBucketPolicyStatus", xml(`<PolicyStatus `+s3NS+`><IsPublic>false</IsPublic></PolicyStatus>`), nil)
		} else {
			op("GetBucketPolicy", "", notFound("NoSuchBucketPolicy", "The bucket policy does not exist"))
			op("GetBucketPolicyStatus", "", notFound("NoSuchBucketPolicy", "The bucket policy does not exist"))
		}
		op("GetBucketAcl", xml(`<AccessControlPolicy `+s3NS+`><Owner><ID>727b3ca85d37c2542453757ba46abbc5c3f109f4582955f23295be4837b4af2a</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>727b3ca85d37c2542453757ba46abbc5c3f109f4582955f23295be4837b4af2a</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`), nil)
		if j < 3 {
			op("GetPublicAccessBlock", xml(`<PublicAccessBlockConfiguration `+s3NS+`><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`), nil)
		} else {
			op("GetPublicAccessBlock", "", notFound("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found"))
		}
		if j%2 == 0 {
			op("GetBucketVersioning", xml(`<VersioningConfiguration `+s3NS+`><Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>`), nil)
			op("GetBucketEncryption", xml(`<ServerSideEncryptionConfiguration `+s3NS+`><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>`+s.keys[0].arn()+`</KMSMasterKeyID></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`), nil)
			op("GetBucketLogging", xml(`<BucketLoggingStatus `+s3NS+`><LoggingEnabled><TargetBucket>access-logs-`+benchAccountID+`</TargetBucket><TargetPrefix>`+b.name+`/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>`), nil)
			op("GetBucketLifecycleConfiguration", xml(`<LifecycleConfiguration `+s3NS+`><Rule><ID>archive-then-expire</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition><Expiration><Days>2555</Days></Expiration></Rule></LifecycleConfiguration>`), nil)
		} else {
			op("GetBucketVersioning", xml(`<VersioningConfiguration `+s3NS+`/>`), nil)
			op("GetBucketEncryption", xml(`<ServerSideEncryptionConfiguration `+s3NS+`><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`), nil)
			op("GetBucketLogging", xml(`<BucketLoggingStatus `+s3NS+`/>`), nil)
			op("GetBucketLifecycleConfiguration", "", notFound("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"))
		}
		if j == 0 {
			op("GetObjectLockConfiguration", xml(`<ObjectLockConfiguration `+s3NS+`><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>365</Days></DefaultRetention></Rule></ObjectLockConfiguration>`), nil)
		} else {
			op("GetObjectLockConfiguration", "", notFound("ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket"))
		}
	}

	// KMS keys.
	for i, k := range s.keys {
		a := k.arn()
		add(awsfake.Route{Service: "kms", Region: k.region, Operation: "DescribeKey", Match: map[string]string{"KeyId": a},
			Body: js(obj{"KeyMetadata": obj{
				"AWSAccountId": benchAccountID, "KeyId": k.id, "Arn": a, "CreationDate": 1609455612.43, "Enabled": true,
				"Description": "CloudTrail log file encryption", "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled", "Origin": "AWS_KMS",
				"KeyManager": "CUSTOMER", "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "KeySpec": "SYMMETRIC_DEFAULT",
				"EncryptionAlgorithms": []string{"SYMMETRIC_DEFAULT"}, "MultiRegion": false,
			}})})
		policy := js(obj{"Version": "2012-10-17", "Id": "Key policy created by CloudTrail", "Statement": []obj{
			{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": obj{"AWS": "arn:aws:iam::" + benchAccountID + ":root"}, "Action": "kms:*", "Resource": "*"},
			{"Sid": "Allow CloudTrail to encrypt logs", "Effect": "Allow", "Principal": obj{"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*",
				"Condition": obj{"StringLike": obj{"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:" + benchAccountID + ":trail/*"}}},
		}})
		add(awsfake.Route{Service: "kms", Region: k.region, Operation: "GetKeyPolicy", Match: map[string]string{"KeyId": a, "PolicyName": "default"},
			Body: js(obj{"Policy": policy, "PolicyName": "default"})})
		add(awsfake.Route{Service: "kms", Region: k.region, Operation: "GetKeyRotationStatus", Match: map[string]string{"KeyId": a},
			Body: js(obj{"KeyRotationEnabled": i != 2, "KeyId": a, "RotationPeriodInDays": 365})})
	}

	// Log groups and their metric filters.
	for _, g := range s.logGroups {
		var groups []obj
		for _, other := range s.logGroups { // every group the name prefix matches, as AWS answers
			if other.region == g.region && strings.HasPrefix(other.name, g.name) {
				groups = append(groups, obj{"logGroupName": other.name, "creationTime": 1609455723118, "retentionInDays": 365,
					"metricFilterCount": len(benchCISMetrics), "arn": other.arn(), "storedBytes": 48213377021, "logGroupClass": "STANDARD",
					"logGroupArn": strings.TrimSuffix(other.arn(), ":*"), "deletionProtectionEnabled": false})
			}
		}
		add(awsfake.Route{Service: "logs", Region: g.region, Operation: "DescribeLogGroups", Match: map[string]string{"logGroupNamePrefix": g.name, "nextToken": ""},
			Body: js(obj{"logGroups": groups})})
		for p, chunk := range benchChunks(benchCISMetrics, benchFilterPages) {
			var filters []obj
			for _, metric := range chunk {
				filters = append(filters, obj{"filterName": metric, "filterPattern": "{ ($.eventName = " + metric + ") }",
					"metricTransformations": []obj{{"metricName": metric, "metricNamespace": "CISBenchmark", "metricValue": "1"}},
					"creationTime":          1609460000123, "logGroupName": g.name, "applyOnTransformedLogs": false})
			}
			body := obj{"metricFilters": filters}
			if p < benchFilterPages-1 {
				body["nextToken"] = benchToken("filters", g.name, p+1)
			}
			add(awsfake.Route{Service: "logs", Region: g.region, Operation: "DescribeMetricFilters",
				Match: map[string]string{"logGroupName": g.name, "nextToken": benchToken("filters", g.name, p)}, Body: js(body)})
		}
	}

	// Alarms in every region holding a trail log group, and their topics.
	for _, r := range s.alarmRegions() {
		topic := "arn:aws:sns:" + r + ":" + benchAccountID + ":security-alerts"
		names := slices.Clone(benchCISMetrics)
		for i := range benchOtherAlarms {
			names = append(names, fmt.Sprintf("CPUUtilization-%d", i))
		}
		for p, chunk := range benchChunks(names, benchAlarmPages) {
			var alarms []obj
			for _, name := range chunk {
				ns, metric := "CISBenchmark", name
				if strings.HasPrefix(name, "CPUUtilization") {
					ns, metric = "AWS/EC2", "CPUUtilization"
				}
				alarms = append(alarms, obj{
					"AlarmName": "CIS-" + name, "AlarmArn": "arn:aws:cloudwatch:" + r + ":" + benchAccountID + ":alarm:CIS-" + name,
					"AlarmConfigurationUpdatedTimestamp": obj{"$timestamp": 1609463940}, "ActionsEnabled": true,
					"OKActions": []string{}, "AlarmActions": []string{topic}, "InsufficientDataActions": []string{},
					"StateValue": "OK", "StateReason": "Threshold Crossed", "StateUpdatedTimestamp": obj{"$timestamp": 1795499400},
					"MetricName": metric, "Namespace": ns, "Statistic": "Sum", "Dimensions": []obj{}, "Period": 300,
					"EvaluationPeriods": 1, "DatapointsToAlarm": 1, "Threshold": 1.0, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
					"TreatMissingData": "notBreaching", "StateTransitionedTimestamp": obj{"$timestamp": 1795240800},
				})
			}
			body := obj{"MetricAlarms": alarms, "CompositeAlarms": []obj{}}
			if p < benchAlarmPages-1 {
				body["NextToken"] = benchToken("alarms", r, p+1)
			}
			add(awsfake.Route{Service: "cloudwatch", Region: r, Operation: "DescribeAlarms",
				Match: map[string]string{"AlarmTypes": `["MetricAlarm"]`, "NextToken": benchToken("alarms", r, p)}, Body: js(body)})
		}
		var subs strings.Builder
		for i := range benchSubsPerTopic {
			fmt.Fprintf(&subs, `
      <member>
        <TopicArn>%s</TopicArn>
        <Protocol>email</Protocol>
        <SubscriptionArn>%s:4b6d8f1a-2c3e-4a5b-9d7f-0e1a2b3c4d%02d</SubscriptionArn>
        <Owner>%s</Owner>
        <Endpoint>security-team-%d@example.com</Endpoint>
      </member>`, topic, topic, i, benchAccountID, i)
		}
		add(awsfake.Route{Service: "sns", Region: r, Operation: "ListSubscriptionsByTopic", Match: map[string]string{"TopicArn": topic, "NextToken": ""},
			Body: `<ListSubscriptionsByTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <ListSubscriptionsByTopicResult>
    <Subscriptions>` + subs.String() + `
    </Subscriptions>
  </ListSubscriptionsByTopicResult>
  <ResponseMetadata><RequestId>c09bed59-f7fb-42a5-8b47-dc1f806dde91</RequestId></ResponseMetadata>
</ListSubscriptionsByTopicResponse>`})
	}

	rs = append(rs, s.iamRoutes()...)
	return rs
}

func (s *benchSpec) storeARN() string {
	return "arn:aws:cloudtrail:" + s.lakeHome + ":" + benchAccountID + ":eventdatastore/e2f4a6c8-1357-49bd-8f0e-6a4c2b9d7e31"
}

// benchChunks splits list into n nearly equal consecutive pages.
func benchChunks(list []string, n int) [][]string {
	var out [][]string
	for i := range n {
		out = append(out, list[i*len(list)/n:(i+1)*len(list)/n])
	}
	return out
}

// benchToken is the pagination token of page p (0 = first page: no token).
func benchToken(kind, name string, p int) string {
	if p == 0 {
		return ""
	}
	return fmt.Sprintf("%s/%s/page%d/oWs+MFVjjXebTZkFevko2VmeeERs3jPuwiZoz", kind, name, p)
}

// iamRoutes renders the IAM answers: GetAccountAuthorizationDetails in two
// pages (users 0-11 and the groups first; users 12-19, the roles and the
// managed policies second), the account summary, and the MFA devices and
// login profile of the three CloudTrail administrators.
func (s *benchSpec) iamRoutes() []awsfake.Route {
	enc := func(v any) string { return url.PathEscape(js(v)) }
	user := func(i int) string {
		name := benchUserName(i)
		groups, inline, attached := "<GroupList/>", "<UserPolicyList/>", "<AttachedManagedPolicies/>"
		switch adminUser(i) {
		case "group":
			groups = "<GroupList><member>CloudTrailAdmins</member></GroupList>"
		case "inline":
			inline = `<UserPolicyList><member><PolicyName>trail-maintenance</PolicyName><PolicyDocument>` +
				enc(obj{"Version": "2012-10-17", "Statement": []obj{{"Effect": "Allow", "Action": []string{"cloudtrail:StopLogging", "cloudtrail:DeleteTrail"},
					"Resource": "arn:aws:cloudtrail:*:" + benchAccountID + ":trail/*"}}}) + `</PolicyDocument></member></UserPolicyList>`
		case "attached":
			attached = `<AttachedManagedPolicies><member><PolicyName>AWSCloudTrail_FullAccess</PolicyName><PolicyArn>arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess</PolicyArn></member></AttachedManagedPolicies>`
		default:
			if i%3 == 0 {
				groups = "<GroupList><member>Developers</member></GroupList>"
			} else {
				attached = `<AttachedManagedPolicies><member><PolicyName>TrailReadOnly</PolicyName><PolicyArn>arn:aws:iam::` + benchAccountID + `:policy/TrailReadOnly</PolicyArn></member></AttachedManagedPolicies>`
			}
		}
		return fmt.Sprintf(`
        <member>
          <Path>/</Path>
          <UserName>%s</UserName>
          <UserId>AIDA4YNWDR7ODQYTCB%03d</UserId>
          <Arn>arn:aws:iam::%s:user/%s</Arn>
          <CreateDate>2020-11-02T14:03:51Z</CreateDate>
          %s
          %s
          %s
          <Tags/>
        </member>`, name, i, benchAccountID, name, inline, groups, attached)
	}
	var page1, page2 strings.Builder
	for i := range benchUsers {
		if i < benchUsersPage1 {
			page1.WriteString(user(i))
		} else {
			page2.WriteString(user(i))
		}
	}
	group := func(name, policyName, policyARN string) string {
		return fmt.Sprintf(`
        <member>
          <Path>/</Path>
          <GroupName>%s</GroupName>
          <GroupId>AGPAX33BUSPW5XEIF%s</GroupId>
          <Arn>arn:aws:iam::%s:group/%s</Arn>
          <CreateDate>2020-11-02T13:58:40Z</CreateDate>
          <GroupPolicyList/>
          <AttachedManagedPolicies><member><PolicyName>%s</PolicyName><PolicyArn>%s</PolicyArn></member></AttachedManagedPolicies>
        </member>`, name, strings.ToUpper(name[:3]), benchAccountID, name, policyName, policyARN)
	}
	policy := func(name, arn string, doc obj) string {
		return fmt.Sprintf(`
        <member>
          <PolicyName>%s</PolicyName>
          <PolicyId>ANPARU4KQWJ3L5RX%s</PolicyId>
          <Arn>%s</Arn>
          <Path>/</Path>
          <DefaultVersionId>v1</DefaultVersionId>
          <AttachmentCount>1</AttachmentCount>
          <PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount>
          <IsAttachable>true</IsAttachable>
          <CreateDate>2020-10-29T21:53:54Z</CreateDate>
          <UpdateDate>2024-07-11T20:10:28Z</UpdateDate>
          <PolicyVersionList><member><Document>%s</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion><CreateDate>2024-07-11T20:10:28Z</CreateDate></member></PolicyVersionList>
        </member>`, name, strings.ToUpper(name[:4]), arn, enc(doc))
	}
	gaad := func(truncated bool, marker, users, groups, roles, policies string) string {
		m := ""
		if marker != "" {
			m = "\n    <Marker>" + marker + "</Marker>"
		}
		return fmt.Sprintf(`<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetAccountAuthorizationDetailsResult>
    <IsTruncated>%t</IsTruncated>%s
    <UserDetailList>%s
    </UserDetailList>
    <GroupDetailList>%s
    </GroupDetailList>
    <RoleDetailList>%s
    </RoleDetailList>
    <Policies>%s
    </Policies>
  </GetAccountAuthorizationDetailsResult>
  <ResponseMetadata><RequestId>84be1f48-2558-4249-87d3-5b6f00dabe43</RequestId></ResponseMetadata>
</GetAccountAuthorizationDetailsResponse>`, truncated, m, users, groups, roles, policies)
	}
	const marker = "nrWGhTYtD/bZhndDeIFThv1p8VfSI90UAc2QsQdq68+lcCfL52k2vbnJ5xjp02rqq77Fo7+GWr5I2sRwyM3ylpf0Lmoejr5fBa0wbfpjs8Ps"
	role := `
        <member>
          <Path>/</Path>
          <RoleName>ops</RoleName>
          <RoleId>AROAWXLOWMGDVDZRSU5KP</RoleId>
          <Arn>arn:aws:iam::` + benchAccountID + `:role/ops</Arn>
          <CreateDate>2022-03-01T10:16:04Z</CreateDate>
          <AssumeRolePolicyDocument>` + enc(obj{"Version": "2012-10-17", "Statement": []obj{{"Effect": "Allow",
		"Principal": obj{"AWS": "arn:aws:iam::" + benchAccountID + ":root"}, "Action": "sts:AssumeRole"}}}) + `</AssumeRolePolicyDocument>
          <InstanceProfileList/>
          <RolePolicyList/>
          <AttachedManagedPolicies><member><PolicyName>TrailReadOnly</PolicyName><PolicyArn>arn:aws:iam::` + benchAccountID + `:policy/TrailReadOnly</PolicyArn></member></AttachedManagedPolicies>
          <Tags/>
          <RoleLastUsed/>
        </member>`
	filter := map[string]string{"Filter.member.1": "User", "Filter.member.2": "Role", "Filter.member.3": "Group",
		"Filter.member.4": "LocalManagedPolicy", "Filter.member.5": "AWSManagedPolicy"}
	with := func(m map[string]string, k, v string) map[string]string {
		out := map[string]string{k: v}
		for a, b := range m {
			out[a] = b
		}
		return out
	}
	rs := []awsfake.Route{
		{Service: "iam", Region: "us-east-1", Operation: "GetAccountAuthorizationDetails", Match: with(filter, "Marker", ""),
			Body: gaad(true, marker, page1.String(),
				group("CloudTrailAdmins", "AWSCloudTrail_FullAccess", "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess")+
					group("Developers", "ReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"), "", "")},
		{Service: "iam", Region: "us-east-1", Operation: "GetAccountAuthorizationDetails", Match: with(filter, "Marker", marker),
			Body: gaad(false, "", page2.String(), "", role,
				policy("AWSCloudTrail_FullAccess", "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess",
					obj{"Version": "2012-10-17", "Statement": []obj{{"Sid": "AWSCloudTrailFullAccess", "Effect": "Allow", "Action": "cloudtrail:*", "Resource": "*"}}})+
					policy("TrailReadOnly", "arn:aws:iam::"+benchAccountID+":policy/TrailReadOnly",
						obj{"Version": "2012-10-17", "Statement": []obj{{"Effect": "Allow", "Action": []string{"cloudtrail:Describe*", "cloudtrail:Get*", "cloudtrail:List*"}, "Resource": "*"}}}))},
		{Service: "iam", Region: "us-east-1", Operation: "GetAccountSummary", Body: `<GetAccountSummaryResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetAccountSummaryResult>
    <SummaryMap>
      <entry><key>Users</key><value>20</value></entry>
      <entry><key>Groups</key><value>2</value></entry>
      <entry><key>Roles</key><value>1</value></entry>
      <entry><key>AccountMFAEnabled</key><value>1</value></entry>
      <entry><key>AccountAccessKeysPresent</key><value>0</value></entry>
    </SummaryMap>
  </GetAccountSummaryResult>
  <ResponseMetadata><RequestId>a673d8d0-8ee8-47c8-98bf-64e7bc056a57</RequestId></ResponseMetadata>
</GetAccountSummaryResponse>`},
		{Service: "iam", Region: "us-east-1", Operation: "GenerateCredentialReport", Body: `<GenerateCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GenerateCredentialReportResult><State>COMPLETE</State></GenerateCredentialReportResult>
  <ResponseMetadata><RequestId>b1e0f2d4-1c2a-4f0e-9a51-0e6f3c1d2b7a</RequestId></ResponseMetadata>
</GenerateCredentialReportResponse>`},
		{Service: "iam", Region: "us-east-1", Operation: "GetCredentialReport", Body: `<GetCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetCredentialReportResult>
    <Content>` + base64.StdEncoding.EncodeToString([]byte("user,arn,user_creation_time,password_enabled,password_last_used,mfa_active\n<root_account>,arn:aws:iam::"+benchAccountID+":root,2020-11-02T14:05:40+00:00,not_supported,no_information,true\n")) + `</Content>
    <ReportFormat>text/csv</ReportFormat>
    <GeneratedTime>2026-11-24T06:00:12Z</GeneratedTime>
  </GetCredentialReportResult>
  <ResponseMetadata><RequestId>5d3e9a0c-7b1f-4c8e-a2d6-3f9b0e1c4a7d</RequestId></ResponseMetadata>
</GetCredentialReportResponse>`},
		{Service: "iam", Region: "us-east-1", Operation: "ListOrganizationsFeatures",
			Error: &awsfake.ErrorSpec{Status: 400, Code: "OrganizationNotFoundException", Message: "The request was rejected because no organization is associated with your account."}},
	}
	for i := range benchUsers {
		if adminUser(i) == "" {
			continue
		}
		name := benchUserName(i)
		devices := "<MFADevices/>"
		if i != 7 {
			devices = fmt.Sprintf(`<MFADevices><member><UserName>%s</UserName><SerialNumber>arn:aws:iam::%s:mfa/%s</SerialNumber><EnableDate>2020-11-02T14:20:17Z</EnableDate></member></MFADevices>`,
				name, benchAccountID, name)
		}
		rs = append(rs, awsfake.Route{Service: "iam", Region: "us-east-1", Operation: "ListMFADevices", Match: map[string]string{"UserName": name},
			Body: `<ListMFADevicesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <ListMFADevicesResult>
    <IsTruncated>false</IsTruncated>
    ` + devices + `
  </ListMFADevicesResult>
  <ResponseMetadata><RequestId>c61aac78-f6d9-4e5c-a119-43aac907e992</RequestId></ResponseMetadata>
</ListMFADevicesResponse>`})
		if i == 15 {
			rs = append(rs, awsfake.Route{Service: "iam", Region: "us-east-1", Operation: "GetLoginProfile", Match: map[string]string{"UserName": name},
				Error: &awsfake.ErrorSpec{Status: 404, Code: "NoSuchEntity", Message: "Login Profile for User " + name + " cannot be found."}})
			continue
		}
		rs = append(rs, awsfake.Route{Service: "iam", Region: "us-east-1", Operation: "GetLoginProfile", Match: map[string]string{"UserName": name},
			Body: `<GetLoginProfileResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetLoginProfileResult>
    <LoginProfile><UserName>` + name + `</UserName><CreateDate>2020-11-02T14:05:40Z</CreateDate><PasswordResetRequired>false</PasswordResetRequired></LoginProfile>
  </GetLoginProfileResult>
  <ResponseMetadata><RequestId>c30bdc88-dd3b-46dc-a3b7-84d0be911ba2</RequestId></ResponseMetadata>
</GetLoginProfileResponse>`})
	}
	return rs
}

// expectedCounts is the exact number of calls per "service:Operation" that
// collecting the account takes: one per resource, never one per sighting
// (a multi-region trail is seen in every region but read once).
func (s *benchSpec) expectedCounts() map[string]int {
	n := len(s.regions)
	tags := 0
	for _, home := range s.homes() {
		k := 0
		for _, t := range s.trails {
			if t.home == home {
				k++
			}
		}
		tags += (k + 19) / 20
	}
	admins := 0
	for i := range benchUsers {
		if adminUser(i) != "" {
			admins++
		}
	}
	b, k, g, a := len(s.buckets), len(s.keys), len(s.logGroups), len(s.alarmRegions())
	return map[string]int{
		"sts:GetCallerIdentity":              1,
		"account:ListRegions":                1,
		"organizations:DescribeOrganization": 1,
		"s3control:GetPublicAccessBlock":     1,
		"cloudtrail:DescribeTrails":          n,
		"cloudtrail:ListEventDataStores":     n,
		"cloudtrail:GetEventDataStore":       1,
		"cloudtrail:GetTrailStatus":          len(s.trails),
		"cloudtrail:GetEventSelectors":       len(s.trails),
		"cloudtrail:GetInsightSelectors":     len(s.trails),
		"cloudtrail:ListTags":                tags,
		"s3:GetBucketLocation":               b,
		"s3:ListBuckets":                     b,
		"s3:GetBucketPolicy":                 b,
		"s3:GetBucketPolicyStatus":           b,
		"s3:GetBucketAcl":                    b,
		"s3:GetPublicAccessBlock":            b,
		"s3:GetBucketVersioning":             b,
		"s3:GetBucketEncryption":             b,
		"s3:GetBucketLogging":                b,
		"s3:GetObjectLockConfiguration":      b,
		"s3:GetBucketLifecycleConfiguration": b,
		"kms:DescribeKey":                    k,
		"kms:GetKeyPolicy":                   k,
		"kms:GetKeyRotationStatus":           k,
		"logs:DescribeLogGroups":             g,
		"logs:DescribeMetricFilters":         g * benchFilterPages,
		"cloudwatch:DescribeAlarms":          a * benchAlarmPages,
		"sns:ListSubscriptionsByTopic":       a,
		"iam:GetAccountAuthorizationDetails": 2,
		"iam:GetAccountSummary":              1,
		"iam:ListMFADevices":                 admins,
		"iam:GetLoginProfile":                admins,
		"iam:GenerateCredentialReport":       1,
		"iam:GetCredentialReport":            1,
		"iam:ListOrganizationsFeatures":      1,
	}
}

// depGraph maps each call of a collection to the calls it must wait for.
type depGraph map[string][]string

func (g depGraph) add(call string, deps ...string) { g[call] = append(g[call], deps...) }

// longest returns the longest chain of calls that wait for each other.
func (g depGraph) longest() []string {
	memo := map[string][]string{}
	var chain func(string) []string
	chain = func(c string) []string {
		if v, ok := memo[c]; ok {
			return v
		}
		var best []string
		for _, d := range g[c] {
			if _, ok := g[d]; !ok {
				panic("dependency on an unknown call: " + d)
			}
			if dc := chain(d); len(dc) > len(best) {
				best = dc
			}
		}
		out := append(slices.Clone(best), c)
		memo[c] = out
		return out
	}
	var best []string
	for _, c := range slices.Sorted(func(yield func(string) bool) {
		for c := range g {
			if !yield(c) {
				return
			}
		}
	}) {
		if ch := chain(c); len(ch) > len(best) {
			best = ch
		}
	}
	return best
}

// dependencies is the account's call graph: every call the collection makes
// (the same calls as expectedCounts) and the calls whose answers it needs.
// These are the data dependencies, not the collector's scheduling:
//
//   - ListRegions pages are sequential; GetCallerIdentity is independent.
//   - The organization, account Block Public Access, IAM summary and first
//     IAM page need the account id (GetCallerIdentity). IAM pages are
//     sequential; an administrator's ListMFADevices and GetLoginProfile need
//     the last page (whether a user is an administrator may depend on a group
//     or a policy listed on a later page).
//   - DescribeTrails(R) and ListEventDataStores(R) need the region list;
//     GetEventDataStore needs its region's list.
//   - A trail's status, selectors and Insights, its bucket's location, its
//     key's three reads and its log group's first pages need the listing
//     that first shows the trail. With equal latency every listing answers
//     at the same depth, so the home region's listing stands for it.
//   - A bucket's nine reads go to its region: they need GetBucketLocation.
//     ListBuckets (its owner: is it in the caller's own listing?) does not.
//   - ListTags(home) batches every trail of the home region: it needs every
//     region's listing (a trail may be known only from a shadow copy when
//     the user limits the regions).
//   - DescribeAlarms(R) starts with the first trail log group in R; its pages
//     are sequential, and so are each group's DescribeMetricFilters pages.
//   - ListSubscriptionsByTopic for a topic of region R's alarms needs every
//     listing (all of R's trail log groups are known only then), the last
//     DescribeAlarms page of R and the last DescribeMetricFilters page of
//     every group in R (an alarm is kept only if a filter publishes its
//     metric). DescribeLogGroups is not needed for that, so it is not a
//     dependency (the collector does wait for it, see readLogGroup, which
//     costs nothing while it is a single page).
func (s *benchSpec) dependencies() depGraph {
	g := depGraph{}
	g.add("sts:GetCallerIdentity")
	g.add("account:ListRegions#1")
	regions := "account:ListRegions#1"
	for _, c := range []string{"organizations:DescribeOrganization", "s3control:GetPublicAccessBlock", "iam:GetAccountSummary", "iam:GetAccountAuthorizationDetails#1"} {
		g.add(c, "sts:GetCallerIdentity")
	}
	g.add("iam:GetAccountAuthorizationDetails#2", "iam:GetAccountAuthorizationDetails#1")
	g.add("iam:ListOrganizationsFeatures", "sts:GetCallerIdentity")
	g.add("iam:GenerateCredentialReport", "iam:GetAccountSummary")
	g.add("iam:GetCredentialReport", "iam:GenerateCredentialReport")
	for i := range benchUsers {
		if adminUser(i) != "" {
			g.add("iam:ListMFADevices:"+benchUserName(i), "iam:GetAccountAuthorizationDetails#2")
			g.add("iam:GetLoginProfile:"+benchUserName(i), "iam:GetAccountAuthorizationDetails#2")
		}
	}
	var listings []string
	for _, r := range s.regions {
		g.add("cloudtrail:DescribeTrails:"+r, regions)
		g.add("cloudtrail:ListEventDataStores:"+r, regions)
		listings = append(listings, "cloudtrail:DescribeTrails:"+r)
	}
	g.add("cloudtrail:GetEventDataStore", "cloudtrail:ListEventDataStores:"+s.lakeHome)
	for _, t := range s.trails {
		listing := "cloudtrail:DescribeTrails:" + t.home
		for _, op := range []string{"GetTrailStatus", "GetEventSelectors", "GetInsightSelectors"} {
			g.add("cloudtrail:"+op+":"+t.name, listing)
		}
		g.add("s3:GetBucketLocation:"+t.bucket.name, listing)
		g.add("s3:ListBuckets:"+t.bucket.name, listing)
		if t.key != nil {
			for _, op := range []string{"DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus"} {
				g.add("kms:"+op+":"+t.key.id, listing)
			}
		}
		if lg := t.logGroup; lg != nil {
			g.add("logs:DescribeLogGroups:"+lg.name, listing)
			g.add("logs:DescribeMetricFilters:"+lg.name+"#1", listing)
			g.add("cloudwatch:DescribeAlarms:"+lg.region+"#1", listing)
		}
	}
	for _, home := range s.homes() {
		g.add("cloudtrail:ListTags:"+home, listings...)
	}
	for _, b := range s.buckets {
		for _, op := range []string{"GetBucketPolicy", "GetBucketPolicyStatus", "GetBucketAcl", "GetPublicAccessBlock", "GetBucketVersioning",
			"GetBucketEncryption", "GetBucketLogging", "GetObjectLockConfiguration", "GetBucketLifecycleConfiguration"} {
			g.add("s3:"+op+":"+b.name, "s3:GetBucketLocation:"+b.name)
		}
	}
	for _, lg := range s.logGroups {
		for p := 2; p <= benchFilterPages; p++ {
			g.add(fmt.Sprintf("logs:DescribeMetricFilters:%s#%d", lg.name, p), fmt.Sprintf("logs:DescribeMetricFilters:%s#%d", lg.name, p-1))
		}
	}
	for _, r := range s.alarmRegions() {
		for p := 2; p <= benchAlarmPages; p++ {
			g.add(fmt.Sprintf("cloudwatch:DescribeAlarms:%s#%d", r, p), fmt.Sprintf("cloudwatch:DescribeAlarms:%s#%d", r, p-1))
		}
		topic := "sns:ListSubscriptionsByTopic:" + r
		g.add(topic, listings...)
		g.add(topic, fmt.Sprintf("cloudwatch:DescribeAlarms:%s#%d", r, benchAlarmPages))
		for _, lg := range s.logGroups {
			if lg.region == r {
				g.add(topic, fmt.Sprintf("logs:DescribeMetricFilters:%s#%d", lg.name, benchFilterPages))
			}
		}
	}
	return g
}

// benchCollect collects the generated account once from srv.
func benchCollect(tb testing.TB, srv *awsfake.Server, opts Options) *snapshot.Snapshot {
	tb.Helper()
	opts.PathStyle = true
	opts.Now = func() time.Time { return collectedAt }
	opts.Collector = "trailguard bench"
	snap, err := Collect(context.Background(), testConfig(tb, srv), opts)
	if err != nil {
		tb.Fatalf("Collect: %v", err)
	}
	return snap
}

func checkAllRoutesUsed(tb testing.TB, srv *awsfake.Server) {
	tb.Helper()
	for _, r := range srv.Unused() {
		tb.Errorf("route never used (a call the collector should have made): %s %s %s %v", r.Service, r.Region, r.Operation, r.Match)
	}
}

// serviceCounts sums per-operation counts per service.
func serviceCounts(counts map[string]int) map[string]int {
	out := map[string]int{}
	for k, n := range counts {
		service, _, _ := strings.Cut(k, ":")
		out[service] += n
	}
	return out
}

func TestBenchAccountNoRedundantCalls(t *testing.T) {
	spec := newBenchSpec(17, 10)
	srv := awsfake.New(t)
	srv.Add(spec.routes()...)
	snap := benchCollect(t, srv, Options{})
	checkAllRoutesUsed(t, srv)

	data, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := snapshot.Parse(data); err != nil {
		t.Fatalf("the snapshot does not match the schema: %v", err)
	}

	// Exact call counts, per operation: nothing missing, nothing repeated.
	got, want := srv.Counts(), spec.expectedCounts()
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range want {
			if !yield(k) {
				return
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok && !yield(k) {
				return
			}
		}
	}) {
		if got[k] != want[k] {
			t.Errorf("%s: %d calls, want %d", k, got[k], want[k])
		}
	}
	// The account is the one the issue describes.
	for _, c := range []struct {
		what      string
		got, want int
	}{
		{"calls to DescribeTrails (regions)", want["cloudtrail:DescribeTrails"], 17},
		{"GetTrailStatus calls (unique trails, not sightings)", want["cloudtrail:GetTrailStatus"], 10},
		{"GetBucketLocation calls (unique buckets)", want["s3:GetBucketLocation"], 5},
		{"DescribeKey calls (unique keys)", want["kms:DescribeKey"], 3},
		{"ListTags calls (home regions)", want["cloudtrail:ListTags"], 8},
		{"DescribeAlarms calls (2 pages x 2 regions)", want["cloudwatch:DescribeAlarms"], 4},
	} {
		if c.got != c.want {
			t.Errorf("generated account: %s = %d, want %d", c.what, c.got, c.want)
		}
	}
	sightings := 0
	for _, r := range spec.regions {
		sightings += len(spec.visibleIn(r))
	}
	if sightings <= len(spec.trails) {
		t.Errorf("the account has no shadow copies (%d sightings of %d trails): the test would prove nothing", sightings, len(spec.trails))
	}

	// And the snapshot holds all of it.
	if !snap.Complete || len(snap.Errors) != 0 {
		t.Errorf("complete=%v errors=%v", snap.Complete, snap.Errors)
	}
	if len(snap.Regions) != 17 {
		t.Errorf("%d regions, want 17", len(snap.Regions))
	}
	if len(snap.Trails) != len(spec.trails) {
		t.Errorf("%d trails, want %d", len(snap.Trails), len(spec.trails))
	}
	for _, tr := range spec.trails {
		st := snap.Trails[tr.arn()]
		switch {
		case st == nil:
			t.Errorf("trail %s missing", tr.arn())
		case st.HomeRegion != tr.home || st.Status == nil || st.Tags["Owner"] != "security" || len(st.EventSelectors) != 1:
			t.Errorf("trail %s: home %q, status %v, tags %v, selectors %v", tr.arn(), st.HomeRegion, st.Status, st.Tags, st.EventSelectors)
		}
	}
	if len(snap.Buckets) != len(spec.buckets) {
		t.Errorf("%d buckets, want %d", len(snap.Buckets), len(spec.buckets))
	}
	for _, b := range spec.buckets {
		if sb := snap.Buckets[b.name]; sb == nil || sb.Region != b.region || sb.Exists == nil || !*sb.Exists || sb.OwnerAccountID != benchAccountID ||
			sb.Policy == nil || sb.Versioning == nil || sb.Encryption == nil || sb.ObjectLock == nil || sb.Lifecycle == nil {
			t.Errorf("bucket %s: %+v", b.name, sb)
		}
	}
	if len(snap.KMSKeys) != len(spec.keys) {
		t.Errorf("%d KMS keys, want %d", len(snap.KMSKeys), len(spec.keys))
	}
	if len(snap.LogGroups) != len(spec.logGroups) {
		t.Errorf("%d log groups, want %d", len(snap.LogGroups), len(spec.logGroups))
	}
	for _, lg := range snap.LogGroups {
		if len(lg.MetricFilters) != len(benchCISMetrics) || lg.Exists == nil || !*lg.Exists {
			t.Errorf("log group %s: exists %v, %d filters, want %d", lg.ARN, lg.Exists, len(lg.MetricFilters), len(benchCISMetrics))
		}
	}
	if want := len(benchCISMetrics) * len(spec.alarmRegions()); len(snap.Alarms) != want {
		t.Errorf("%d alarms kept, want %d (the CPU alarms are on no trail metric)", len(snap.Alarms), want)
	}
	if len(snap.SNSTopics) != len(spec.alarmRegions()) {
		t.Errorf("%d topics, want %d", len(snap.SNSTopics), len(spec.alarmRegions()))
	}
	for _, tp := range snap.SNSTopics {
		if len(tp.Subscriptions) != benchSubsPerTopic {
			t.Errorf("topic %s: %d subscriptions, want %d", tp.ARN, len(tp.Subscriptions), benchSubsPerTopic)
		}
	}
	if len(snap.EventDataStores) != 1 {
		t.Errorf("%d event data stores, want 1", len(snap.EventDataStores))
	}
	if snap.IAM == nil || len(snap.IAM.Users) != benchUsers {
		t.Fatalf("IAM: %+v", snap.IAM)
	}
	admins := 0
	for _, u := range snap.IAM.Users {
		if u.MFAEnabled != nil {
			admins++
			if u.ConsoleAccess == nil {
				t.Errorf("user %s: MFA read but not the login profile", u.Name)
			}
		}
	}
	if admins != benchAdmins {
		t.Errorf("%d users with MFA read, want the %d CloudTrail administrators", admins, benchAdmins)
	}

	chain := spec.dependencies().longest()
	t.Logf("critical path: %d calls: %s", len(chain), strings.Join(chain, " -> "))
	t.Logf("calls per service: %v (total %d)", serviceCounts(got), len(srv.Calls()))
}

// TestBenchDependencies checks that the dependency graph describes exactly
// the calls the account takes, so that the critical path is over the real
// set of calls.
func TestBenchDependencies(t *testing.T) {
	spec := newBenchSpec(17, 10)
	g := spec.dependencies()
	perOp := map[string]int{}
	for call := range g {
		key, _, _ := strings.Cut(call, "#")
		if i := strings.Index(key, ":"); i >= 0 {
			if j := strings.Index(key[i+1:], ":"); j >= 0 {
				key = key[:i+1+j]
			}
		}
		perOp[key]++
	}
	want := spec.expectedCounts()
	for k, n := range want {
		if perOp[k] != n {
			t.Errorf("%s: %d calls in the graph, %d in the account", k, perOp[k], n)
		}
	}
	for k := range perOp {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: in the graph, not in the account", k)
		}
	}
	if chain := g.longest(); len(chain) != 5 {
		t.Errorf("critical path %d calls, want 5: %v", len(chain), chain)
	}
}

// BenchmarkCollect collects the generated account (17 regions, 10 trails)
// with 20 ms added to every answer. Besides ns/op it reports calls/op, the
// critical path (the longest chain of calls that must wait for each other,
// see dependencies, times the latency: per-call CPU cost is not added, so
// the ratio charges it to the collection), ratio = wall time / critical
// path, which the issue bounds at 1.5, and slot-bound-ms = calls x latency /
// Options.Concurrency, the floor that the bound on calls in flight sets.
// Cases: the default Options (what trailguard collect runs: 64 in flight), 32,
// and no latency at all (the collection's own CPU cost: SDK, fake server and
// collector sharing this machine), for reference.
func BenchmarkCollect(b *testing.B) {
	spec := newBenchSpec(17, 10)
	chain := spec.dependencies().longest()
	for _, c := range []struct {
		name        string
		latency     time.Duration
		concurrency int
	}{
		{"latency=20ms", benchLatency, 0},
		{"latency=20ms/concurrency=32", benchLatency, 32},
		{"latency=0", 0, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			srv := awsfake.New(b)
			srv.Add(spec.routes()...)
			srv.SetLatency(c.latency)
			runs := 0
			for b.Loop() {
				benchCollect(b, srv, Options{Concurrency: c.concurrency})
				runs++
			}
			checkAllRoutesUsed(b, srv)
			calls := float64(len(srv.Calls())) / float64(runs)
			b.ReportMetric(calls, "calls/op")
			if c.latency > 0 {
				cp := time.Duration(len(chain)) * c.latency
				wall := b.Elapsed() / time.Duration(runs)
				b.ReportMetric(float64(cp)/float64(time.Millisecond), "critical-path-ms")
				b.ReportMetric(float64(wall)/float64(cp), "ratio")
				// At most Concurrency calls are in flight and each takes the
				// latency: the collection cannot be faster than this either.
				conc := c.concurrency
				if conc <= 0 {
					conc = 64 // Options' default
				}
				b.ReportMetric(calls*float64(c.latency)/float64(conc)/float64(time.Millisecond), "slot-bound-ms")
			}
		})
	}
}
