package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/findings"
)

// Fixture names (policies/trailguard/fixtures/compliant/data.json).
const (
	fxTrail  = "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"
	fxKey    = "arn:aws:kms:us-east-1:111122223333:key/0f6e2a1c-5d7b-4e8f-9a3c-2b1d4e6f8a90"
	fxBucket = "aws-cloudtrail-logs-111122223333-a1b2c3d4"
	fxAlarm  = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cis-cloudtrail-config-changes"
	fxPolicy = "arn:aws:iam::111122223333:policy/CloudTrailReadOnly"
	fxAcct   = "111122223333"
)

type reportedFinding struct {
	CheckID  string `json:"check_id"`
	Status   string `json:"status"`
	Resource string `json:"resource"`
	Message  string `json:"message"`
}

func obj(doc map[string]any, path ...string) map[string]any {
	for _, k := range path {
		doc = doc[k].(map[string]any)
	}
	return doc
}

// setSelectors replaces the fixture trail's event selectors.
func setSelectors(classic, advanced any) func(map[string]any) {
	return func(d map[string]any) {
		tr := obj(d, "trails", fxTrail)
		delete(tr, "event_selectors")
		delete(tr, "advanced_event_selectors")
		if classic != nil {
			tr["event_selectors"] = classic
		}
		if advanced != nil {
			tr["advanced_event_selectors"] = advanced
		}
	}
}

// TestVerdictsOnAccountStates runs `trailguard eval` end to end on snapshots
// written for each rule of AWS behaviour that a verdict depends on, and checks
// the status, resource and message of the finding.
func TestVerdictsOnAccountStates(t *testing.T) {
	readOnly := []any{map[string]any{"name": "reads", "field_selectors": []any{
		map[string]any{"field": "eventCategory", "equals": []any{"Management"}},
		map[string]any{"field": "readOnly", "equals": []any{"true"}},
	}}}
	tests := []struct {
		name     string
		edit     func(map[string]any)
		check    string
		resource string
		status   string
		message  string
	}{
		{"a trail excluding KMS feeds a filter that never sees DisableKey",
			setSelectors([]any{map[string]any{"read_write_type": "All", "include_management_events": true, "exclude_management_event_sources": []any{"kms.amazonaws.com"}}}, nil),
			"TG-CW-003", fxAcct, "FAIL", "its event selectors exclude kms.amazonaws.com (kms.amazonaws.com DisableKey, kms.amazonaws.com ScheduleKeyDeletion), so no metric filter on its log group can match them"},
		{"a trail recording read-only events feeds no CloudTrail-change alarm",
			setSelectors(nil, readOnly),
			"TG-CW-002", fxAcct, "FAIL", "it records only read-only management events"},
		{"an alarm above 1,000,000 cannot fire on one event",
			func(d map[string]any) {
				a := obj(d, "alarms", fxAlarm)
				a["comparison_operator"], a["threshold"] = "GreaterThanThreshold", 1000000
			},
			"TG-CW-002", fxAcct, "FAIL", "alarm " + fxAlarm + " fires only when Sum is > 1000000, but one matching event makes it 1"},
		{"an alarm needing 3 breaching periods cannot fire on one event",
			func(d map[string]any) { obj(d, "alarms", fxAlarm)["evaluation_periods"] = 3 },
			"TG-CW-002", fxAcct, "FAIL", "needs 3 breaching periods to fire"},
		{"a metric math alarm is UNKNOWN, not PASS",
			func(d map[string]any) { delete(obj(d, "alarms", fxAlarm), "statistic") },
			"TG-CW-002", fxAcct, "UNKNOWN", "its statistic, comparison, threshold or evaluation periods were not collected"},
		{"Insights on a read-only trail detects nothing",
			setSelectors(nil, readOnly),
			"TG-CT-011", fxAcct, "FAIL", "records no write management events (API call rate Insights measures write management calls only)"},
		{"a bucket whose owner is unknown is not proven to exist for us",
			func(d map[string]any) { delete(obj(d, "buckets", fxBucket), "owner_account_id") },
			"TG-CT-004", fxTrail, "UNKNOWN", "exists, but its owner could not be read"},
		{"a bucket owned by the organization's log archive account",
			func(d map[string]any) {
				obj(d, "buckets", fxBucket)["owner_account_id"] = "444455556666"
				d["organization"] = map[string]any{"id": "o-a1b2c3d4e5", "management_account_id": "999988887777", "is_management_account": false,
					"account_ids": []any{fxAcct, "444455556666", "999988887777"}}
			},
			"TG-CT-004", fxTrail, "PASS", "owned by account 444455556666 (an account of the organization)"},
		{"a centrally managed root user without credentials passes",
			func(d map[string]any) {
				obj(d, "iam")["root"] = map[string]any{"mfa_enabled": false, "access_keys_present": false, "password_enabled": false}
				obj(d, "iam")["organization_features"] = map[string]any{"organization_id": "o-a1b2c3d4e5", "enabled_features": []any{"RootCredentialsManagement"}}
				d["organization"] = map[string]any{"id": "o-a1b2c3d4e5", "management_account_id": "999988887777", "is_management_account": false}
			},
			"TG-IAM-005", fxAcct, "PASS", "nobody can sign in as root or recover its password"},
		{"a root user without credentials whose organization features are unread is UNKNOWN",
			func(d map[string]any) {
				obj(d, "iam")["root"] = map[string]any{"mfa_enabled": false, "access_keys_present": false, "password_enabled": false}
				d["organization"] = map[string]any{"id": "o-a1b2c3d4e5", "management_account_id": "999988887777", "is_management_account": false}
				d["errors"] = []any{map[string]any{"service": "iam", "operation": "ListOrganizationsFeatures", "resource": fxAcct, "code": "AccountNotManagementOrDelegatedAdministratorException"}}
			},
			"TG-IAM-005", fxAcct, "UNKNOWN", "could not be read (iam ListOrganizationsFeatures: AccountNotManagementOrDelegatedAdministratorException)"},
		{"a trail key in another account is still a customer managed key",
			func(d map[string]any) { delete(obj(d, "kms_keys"), fxKey) },
			"TG-CT-007", fxTrail, "PASS", "a customer managed key: CloudTrail can only use a key whose key policy grants cloudtrail.amazonaws.com"},
		{"the unreadable key's own checks stay UNKNOWN",
			func(d map[string]any) { delete(obj(d, "kms_keys"), fxKey) },
			"TG-KMS-002", fxKey, "UNKNOWN", ""},
		{"a key policy without a CloudTrail statement is no PASS",
			func(d map[string]any) {
				pol := obj(d, "kms_keys", fxKey, "policy")
				var kept []any
				for _, s := range pol["Statement"].([]any) {
					if s.(map[string]any)["Sid"] != "Allow CloudTrail to encrypt logs" {
						kept = append(kept, s)
					}
				}
				pol["Statement"] = kept
			},
			"TG-KMS-003", fxKey, "FAIL", "CloudTrail cannot encrypt log files with this key"},
		{"an account without custom policies gets a verdict",
			func(d map[string]any) {
				delete(obj(d, "iam", "policies"), fxPolicy)
				for _, r := range obj(d, "iam", "roles") {
					role := r.(map[string]any)
					var kept []any
					for _, p := range role["attached_policies"].([]any) {
						if p != fxPolicy {
							kept = append(kept, p)
						}
					}
					role["attached_policies"] = append([]any{}, kept...)
				}
			},
			"TG-IAM-004", fxAcct, "PASS", "the account has no customer-managed and no inline IAM policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := fixtureWith(t, tt.edit)
			_, stdout, stderr := runCLI(t, "eval", "-f", "json", "-c", tt.check, snap)
			var rep struct {
				Findings []reportedFinding `json:"findings"`
			}
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatalf("eval: %v; stderr %q", err, stderr)
			}
			i := slices.IndexFunc(rep.Findings, func(f reportedFinding) bool { return f.CheckID == tt.check && f.Resource == tt.resource })
			if i < 0 {
				t.Fatalf("no %s finding on %s: %+v", tt.check, tt.resource, rep.Findings)
			}
			f := rep.Findings[i]
			if f.Status != tt.status || !strings.Contains(f.Message, tt.message) {
				t.Errorf("%s on %s = %s %q, want %s containing %q", tt.check, tt.resource, f.Status, f.Message, tt.status, tt.message)
			}
		})
	}
}

// TG-ORG-004 on an organization snapshot whose log-archive bucket lets
// CloudTrail write for the audit account: the verdict on workload-prod
// depends on what the snapshot knows of the organization's accounts. An
// older snapshot has no account_ids: the accounts it holds are members, but
// one left out by --accounts may be a member too, never called an outsider.
func TestVerdictsOnTheOrganizationAccountList(t *testing.T) {
	const (
		member = "222233334444"
		audit  = "555566667777"
		bucket = "aws-cloudtrail-logs-333344445555-7c41e9d2"
	)
	all := []any{"111111111111", "222233334444", "333344445555", audit, "666677778888", "777788889999", "888899990000"}
	tests := []struct {
		name         string
		accountIDs   []any // organization.account_ids; nil: absent (an older snapshot)
		auditLeftOut bool  // collected with --accounts leaving the audit account out
		status, says string
	}{
		{"older snapshot of every account", nil, false, "PASS", "lets CloudTrail write only for organization o-7h2kq9x4mz"},
		{"older snapshot without the audit account", nil, true, "UNKNOWN",
			"lets CloudTrail write for account " + audit + ", but the organization's accounts were not listed: whether they belong to organization o-7h2kq9x4mz is not known"},
		{"listed organization without the audit account in scope", all, true, "PASS", "lets CloudTrail write only for organization o-7h2kq9x4mz"},
		{"listed organization the audit account is not in", slices.DeleteFunc(slices.Clone(all), func(a any) bool { return a == audit }), true, "FAIL",
			"names account " + audit + ", which is not an account of organization o-7h2kq9x4mz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := readOrgDoc(t)
			if _, ok := obj(org, "organization")["account_ids"]; ok {
				t.Fatal("testdata/org.json has organization.account_ids: it no longer stands for an older snapshot")
			}
			if tt.accountIDs != nil {
				obj(org, "organization")["account_ids"] = tt.accountIDs
			}
			if tt.auditLeftOut {
				delete(obj(org, "accounts"), audit)
			}
			for _, s := range obj(org, "shared", "buckets", bucket, "policy", "document")["Statement"].([]any) {
				if stmt := s.(map[string]any); stmt["Sid"] == "AWSCloudTrailOrganizationWrite20150319" {
					obj(stmt, "Condition", "StringEquals")["aws:SourceAccount"] = []any{"111111111111", audit}
				}
			}
			_, fs := evalJSON(t, "--fail-on", "none", "-c", "TG-ORG-004", writeJSON(t, filepath.Join(t.TempDir(), "org.json"), org))
			i := slices.IndexFunc(fs, func(f findings.Finding) bool { return f.Account == member })
			if i < 0 {
				t.Fatalf("no TG-ORG-004 finding for %s: %+v", member, fs)
			}
			if f := fs[i]; string(f.Status) != tt.status || !strings.Contains(f.Message, tt.says) {
				t.Errorf("TG-ORG-004 on %s = %s %q, want %s containing %q", member, f.Status, f.Message, tt.status, tt.says)
			}
		})
	}
}
