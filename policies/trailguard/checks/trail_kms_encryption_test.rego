package trailguard.checks.trail_kms_encryption_test

import data.trailguard.checks.trail_kms_encryption.findings
import data.trailguard.fixtures

foreign_key := "arn:aws:kms:us-east-1:999988887777:key/11111111-2222-3333-4444-555555555555"

test_pass_when_trail_uses_customer_managed_key if {
	fs := findings with input as fixtures.compliant
	fixtures.one_finding(fs) == {
		"status": "PASS",
		"resource": fixtures.trail_arn,
		"message": sprintf(
			"log files are encrypted with customer managed KMS key %s",
			[fixtures.key_arn],
		),
	}
	some f in fs
	f.resource == fixtures.trail_arn
	f.region == "us-east-1"
	contains(f.message, fixtures.key_arn)
}

test_fail_when_trail_uses_sse_s3_only if {
	snapshot := fixtures.without(["trails", fixtures.trail_arn, "kms_key_id"])
	fs := findings with input as snapshot
	fixtures.one_finding(fs) == {
		"status": "FAIL",
		"resource": fixtures.trail_arn,
		"message": concat(" ", [
			"log files are not encrypted with SSE-KMS (SSE-S3 only):",
			"anyone who can read the bucket can read the logs",
		]),
	}
	some f in fs
	contains(f.message, "SSE-S3")
}

test_fail_when_kms_key_id_is_empty if {
	snapshot := fixtures.with_value(["trails", fixtures.trail_arn, "kms_key_id"], "")
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.trail_arn,
		"message": concat(" ", [
			"log files are not encrypted with SSE-KMS (SSE-S3 only):",
			"anyone who can read the bucket can read the logs",
		]),
	} with input as snapshot
}

test_fail_when_key_is_aws_managed if {
	snapshot := fixtures.with_value(["kms_keys", fixtures.key_arn, "manager"], "AWS")
	fs := findings with input as snapshot
	fixtures.one_finding(fs) == {
		"status": "FAIL",
		"resource": fixtures.trail_arn,
		"message": concat(" ", [
			"log files are encrypted with AWS managed KMS key",
			"arn:aws:kms:us-east-1:111122223333:key/0f6e2a1c-5d7b-4e8f-9a3c-2b1d4e6f8a90, whose key policy the",
			"account cannot restrict: use a customer managed key",
		]),
	}
	some f in fs
	contains(f.message, "AWS managed")
}

# A key id on a trail is a customer managed key (CloudTrail cannot use an AWS
# managed key): PASS even when the key cannot be read; the key checks report
# UNKNOWN for the key itself.
test_pass_when_key_could_not_be_described if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["kms_keys", fixtures.key_arn]},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {
				"service": "kms",
				"operation": "DescribeKey",
				"code": "AccessDeniedException",
				"resource": fixtures.key_arn,
			},
		},
	])
	fs := findings with input as snapshot
	fixtures.one_finding(fs) == {
		"status": "PASS",
		"resource": fixtures.trail_arn,
		"message": concat(" ", [
			"log files are encrypted with KMS key",
			"arn:aws:kms:us-east-1:111122223333:key/0f6e2a1c-5d7b-4e8f-9a3c-2b1d4e6f8a90, a customer managed key:",
			"CloudTrail can only use a key whose key policy grants cloudtrail.amazonaws.com, which AWS managed keys",
			"never do (the key itself could not be read, so its policy, state and rotation are judged UNKNOWN by the",
			"key checks: key arn:aws:kms:us-east-1:111122223333:key/0f6e2a1c-5d7b-4e8f-9a3c-2b1d4e6f8a90 in account",
			"111122223333 could not be read (kms DescribeKey: AccessDeniedException))",
		]),
	}
	some f in fs
	f.resource == fixtures.trail_arn
	contains(
		f.message,
		sprintf(
			concat(" ", [
				"log files are encrypted with KMS key %s, a customer managed key: CloudTrail can only use a key whose key policy",
				"grants cloudtrail.amazonaws.com",
			]),
			[fixtures.key_arn],
		),
	)
	contains(f.message, "in account 111122223333 could not be read")
	contains(f.message, "kms DescribeKey: AccessDeniedException")
}

test_pass_when_key_manager_not_collected if {
	snapshot := fixtures.without(["kms_keys", fixtures.key_arn, "manager"])
	fs := findings with input as snapshot
	fixtures.one_finding(fs) == {
		"status": "PASS",
		"resource": fixtures.trail_arn,
		"message": concat(" ", [
			"log files are encrypted with KMS key",
			"arn:aws:kms:us-east-1:111122223333:key/0f6e2a1c-5d7b-4e8f-9a3c-2b1d4e6f8a90, a customer managed key:",
			"CloudTrail can only use a key whose key policy grants cloudtrail.amazonaws.com, which AWS managed keys",
			"never do (the key itself could not be read, so its policy, state and rotation are judged UNKNOWN by the",
			"key checks: key manager of arn:aws:kms:us-east-1:111122223333:key/0f6e2a1c-5d7b-4e8f-9a3c-2b1d4e6f8a90",
			"could not be read (not collected))",
		]),
	}
	some f in fs
	contains(f.message, "key manager of")
}

test_pass_when_org_trail_key_lives_in_management_account if {
	org_trail := "arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail"
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["trails", fixtures.trail_arn]},
		{"op": "add", "path": ["trails", org_trail], "value": {
			"arn": org_trail, "name": "org-trail", "home_region": "us-east-1",
			"owner_account_id": "999988887777", "is_organization_trail": true,
			"kms_key_id": foreign_key,
		}},
	])
	fs := findings with input as snapshot
	fixtures.one_finding(fs) == {
		"status": "PASS",
		"resource": fixtures.org_trail_arn,
		"message": concat(" ", [
			"log files are encrypted with KMS key",
			"arn:aws:kms:us-east-1:999988887777:key/11111111-2222-3333-4444-555555555555, a customer managed key:",
			"CloudTrail can only use a key whose key policy grants cloudtrail.amazonaws.com, which AWS managed keys",
			"never do (the key itself could not be read, so its policy, state and rotation are judged UNKNOWN by the",
			"key checks: key arn:aws:kms:us-east-1:999988887777:key/11111111-2222-3333-4444-555555555555 lives in",
			"account 999988887777, not the audited account 111122223333, and could not be read (not collected))",
		]),
	}
	some f in fs
	f.resource == org_trail
	contains(f.message, "a customer managed key")
	contains(f.message, "lives in account 999988887777, not the audited account 111122223333")
}

test_one_finding_per_trail if {
	second := "arn:aws:cloudtrail:eu-west-1:111122223333:trail/data-events"
	snapshot := fixtures.patched([{
		"op": "add",
		"path": ["trails", second],
		"value": {"arn": second, "name": "data-events", "home_region": "eu-west-1"},
	}])
	fs := findings with input as snapshot
	{[f.resource, f.status, f.region] | some f in fs} == {
		[fixtures.trail_arn, "PASS", "us-east-1"],
		[second, "FAIL", "eu-west-1"],
	}
	fixtures.reduced_findings(findings) == {
		{
			"status": "FAIL",
			"resource": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/data-events",
			"message": concat(" ", [
				"log files are not encrypted with SSE-KMS (SSE-S3 only): anyone who can read the bucket can read the",
				"logs",
			]),
		},
		{
			"status": "PASS",
			"resource": fixtures.trail_arn,
			"message": sprintf(
				"log files are encrypted with customer managed KMS key %s",
				[fixtures.key_arn],
			),
		},
	} with input as snapshot
}

test_key_checks_stay_unknown_for_an_unreadable_key if {
	snapshot := fixtures.without(["kms_keys", fixtures.key_arn])
	every check in ["kms_key_policy", "kms_key_rotation", "kms_key_state"] {
		fs := data.trailguard.checks[check].findings with input as snapshot
		{[f.resource, f.status] | some f in fs} == {[fixtures.key_arn, "UNKNOWN"]}
	}
}
