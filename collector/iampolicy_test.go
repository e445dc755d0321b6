package collector

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// iamActions maps every API operation the collector can call
// ("service:Operation" as the fake server names it) to the IAM action that
// authorises it. sts:GetCallerIdentity needs no permission.
var iamActions = map[string]string{
	"sts:GetCallerIdentity":              "",
	"account:ListRegions":                "account:ListRegions",
	"organizations:DescribeOrganization": "organizations:DescribeOrganization",
	"s3control:GetPublicAccessBlock":     "s3:GetAccountPublicAccessBlock",
	"cloudtrail:DescribeTrails":          "cloudtrail:DescribeTrails",
	"cloudtrail:GetTrailStatus":          "cloudtrail:GetTrailStatus",
	"cloudtrail:GetEventSelectors":       "cloudtrail:GetEventSelectors",
	"cloudtrail:GetInsightSelectors":     "cloudtrail:GetInsightSelectors",
	"cloudtrail:ListTags":                "cloudtrail:ListTags",
	"cloudtrail:ListEventDataStores":     "cloudtrail:ListEventDataStores",
	"cloudtrail:GetEventDataStore":       "cloudtrail:GetEventDataStore",
	"s3:GetBucketLocation":               "s3:GetBucketLocation",
	"s3:HeadBucket":                      "s3:ListBucket",
	"s3:ListBuckets":                     "s3:ListAllMyBuckets",
	"s3:GetBucketPolicy":                 "s3:GetBucketPolicy",
	"s3:GetBucketPolicyStatus":           "s3:GetBucketPolicyStatus",
	"s3:GetBucketAcl":                    "s3:GetBucketAcl",
	"s3:GetPublicAccessBlock":            "s3:GetBucketPublicAccessBlock",
	"s3:GetBucketVersioning":             "s3:GetBucketVersioning",
	"s3:GetBucketEncryption":             "s3:GetEncryptionConfiguration",
	"s3:GetBucketLogging":                "s3:GetBucketLogging",
	"s3:GetObjectLockConfiguration":      "s3:GetBucketObjectLockConfiguration",
	"s3:GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
	"kms:DescribeKey":                    "kms:DescribeKey",
	"kms:GetKeyPolicy":                   "kms:GetKeyPolicy",
	"kms:GetKeyRotationStatus":           "kms:GetKeyRotationStatus",
	"logs:DescribeLogGroups":             "logs:DescribeLogGroups",
	"logs:DescribeMetricFilters":         "logs:DescribeMetricFilters",
	"cloudwatch:DescribeAlarms":          "cloudwatch:DescribeAlarms",
	"sns:ListSubscriptionsByTopic":       "sns:ListSubscriptionsByTopic",
	"iam:GetAccountAuthorizationDetails": "iam:GetAccountAuthorizationDetails",
	"iam:GetAccountSummary":              "iam:GetAccountSummary",
	"iam:ListMFADevices":                 "iam:ListMFADevices",
	"iam:GetLoginProfile":                "iam:GetLoginProfile",
	"iam:GenerateCredentialReport":       "iam:GenerateCredentialReport",
	"iam:GetCredentialReport":            "iam:GetCredentialReport",
	"iam:ListOrganizationsFeatures":      "iam:ListOrganizationsFeatures",
}

// orgActions are the actions only an organization scan (package orgscan)
// calls, from the management account: its tests prove that the policy
// allows each call it makes. sts:AssumeRole, the one action that is not a
// read, is allowed by its own statement, on the roles trailguard assumes in
// the member accounts only.
var orgActions = map[string]bool{
	"organizations:ListRoots": true, "organizations:ListOrganizationalUnitsForParent": true,
	"organizations:ListAccountsForParent": true, "organizations:ListPolicies": true, "organizations:DescribePolicy": true,
	"organizations:ListTargetsForPolicy": true, "organizations:ListDelegatedAdministrators": true,
	"organizations:ListDelegatedServicesForAccount": true,
}

// orgEnterStatement is the Sid of the statement that lets an organization
// scan assume its role in the member accounts.
const orgEnterStatement = "TrailguardOrganizationEnterAccounts"

// readOnlyAction is the shape of an action that reads: no wildcard, and a
// Get, List or Describe verb.
var readOnlyAction = regexp.MustCompile(`^[a-z0-9-]+:(Get|List|Describe)[A-Za-z]+$`)

// readOnlyExceptions are the actions that do not read by name but change
// nothing an account holder set: IAM's credential report is generated on
// request (and kept four hours) before GetCredentialReport can read it; AWS's
// SecurityAudit and ReadOnlyAccess policies grant it for that reason.
var readOnlyExceptions = map[string]bool{"iam:GenerateCredentialReport": true}

// TestIAMPolicyAllowsEveryCallAndNothingElse runs every scenario against the
// fake server, and checks that the shipped policy allows each call the
// collector made, that it allows only read actions, and that it allows no
// action the collector does not use.
func TestIAMPolicyAllowsEveryCallAndNothingElse(t *testing.T) {
	var policy struct {
		Statement []struct {
			Sid       string
			Effect    string
			Action    []string
			NotAction any
			Resource  any
			Condition any
		}
	}
	if err := json.Unmarshal(IAMPolicy, &policy); err != nil {
		t.Fatalf("iam-policy.json: %v", err)
	}
	allowed := map[string]bool{}
	for _, st := range policy.Statement {
		if st.Sid == orgEnterStatement {
			res, ok := st.Resource.([]any)
			if st.Effect != "Allow" || !slices.Equal(st.Action, []string{"sts:AssumeRole"}) || !ok || len(res) == 0 || st.Condition != nil {
				t.Errorf("%s must allow sts:AssumeRole only, on listed roles: %+v", orgEnterStatement, st)
			}
			for _, r := range res {
				if s, _ := r.(string); !strings.HasPrefix(s, "arn:aws:iam::*:role/") || strings.Contains(strings.TrimPrefix(s, "arn:aws:iam::*:role/"), "*") {
					t.Errorf("%s: resource %v is not one named role", orgEnterStatement, r)
				}
			}
			continue
		}
		if st.Effect != "Allow" || st.NotAction != nil {
			t.Errorf("statement must be a plain Allow of listed actions, got Effect %q NotAction %v", st.Effect, st.NotAction)
		}
		for _, a := range st.Action {
			if !readOnlyAction.MatchString(a) && !readOnlyExceptions[a] {
				t.Errorf("policy allows %q, which is not a read-only action (Get*, List*, Describe*, no wildcards)", a)
			}
			allowed[a] = true
		}
	}

	dirs, err := filepath.Glob(filepath.Join("testdata", "aws", "*", "routes.json"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	called := map[string]bool{}
	for _, manifest := range dirs {
		name := filepath.Base(filepath.Dir(manifest))
		_, srv := collectScenario(t, name, Options{})
		for op := range srv.Counts() {
			called[op] = true
		}
	}
	used := map[string]bool{}
	for op := range called {
		action, ok := iamActions[op]
		if !ok {
			t.Errorf("the collector called %s, which iamActions does not map to an IAM action", op)
			continue
		}
		if action == "" {
			continue
		}
		used[action] = true
		if !allowed[action] {
			t.Errorf("the collector called %s but iam-policy.json does not allow %s", op, action)
		}
	}
	for op := range iamActions {
		if !called[op] {
			t.Errorf("no scenario exercises %s: add one, so that the policy is proven to allow it", op)
		}
	}
	var extra []string
	for a := range allowed {
		if !used[a] && !orgActions[a] {
			extra = append(extra, a)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("iam-policy.json allows actions the collector never calls: %v", extra)
	}
}
