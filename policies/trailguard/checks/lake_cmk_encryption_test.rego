package trailguard.checks.lake_cmk_encryption_test

import data.trailguard.checks.lake_cmk_encryption.findings
import data.trailguard.fixtures

eds := fixtures.event_data_store_arn

test_pass_when_store_uses_customer_managed_key if {
	fs := findings with input as fixtures.compliant
	{[f.resource, f.status, f.region] | some f in fs} == {[eds, "PASS", "us-east-1"]}
}

test_pass_when_key_set_but_not_collected if {
	# Lake only records a KmsKeyId for a customer managed key.
	snapshot := fixtures.without(["kms_keys", fixtures.key_arn])
	fixtures.one_finding(findings) == {
		"status": "PASS",
		"resource": fixtures.event_data_store_arn,
		"message": sprintf(
			"event data store is encrypted with customer managed KMS key %s",
			[fixtures.key_arn],
		),
	} with input as snapshot
}

test_fail_when_store_uses_aws_owned_key if {
	snapshot := fixtures.without(["event_data_stores", eds, "kms_key_id"])
	fs := findings with input as snapshot
	fixtures.one_finding(fs) == {
		"status": "FAIL",
		"resource": fixtures.event_data_store_arn,
		"message": concat(" ", [
			"event data store is encrypted with an AWS owned key: the account cannot control or audit who decrypts",
			"its events",
		]),
	}
	some f in fs
	contains(f.message, "AWS owned key")
}

test_fail_when_kms_key_id_is_empty if {
	snapshot := fixtures.with_value(["event_data_stores", eds, "kms_key_id"], "")
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.event_data_store_arn,
		"message": concat(" ", [
			"event data store is encrypted with an AWS owned key: the account cannot control or audit who decrypts",
			"its events",
		]),
	} with input as snapshot
}

test_fail_when_key_is_aws_managed if {
	snapshot := fixtures.with_value(["kms_keys", fixtures.key_arn, "manager"], "AWS")
	fs := findings with input as snapshot
	fixtures.one_finding(fs) == {
		"status": "FAIL",
		"resource": fixtures.event_data_store_arn,
		"message": concat(" ", [
			"event data store is encrypted with AWS managed KMS key",
			"arn:aws:kms:us-east-1:111122223333:key/0f6e2a1c-5d7b-4e8f-9a3c-2b1d4e6f8a90, whose key policy the",
			"account cannot restrict: use a customer managed key",
		]),
	}
	some f in fs
	contains(f.message, "AWS managed")
}

test_unknown_when_store_details_could_not_be_read if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["event_data_stores", eds, "kms_key_id"]},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {
				"service": "cloudtrail",
				"operation": "GetEventDataStore",
				"code": "AccessDeniedException",
				"resource": eds,
			},
		},
	])
	fs := findings with input as snapshot
	fixtures.one_finding(fs) == {
		"status": "UNKNOWN",
		"resource": fixtures.event_data_store_arn,
		"message": sprintf(
			"encryption settings of %s could not be read (cloudtrail GetEventDataStore: AccessDeniedException)",
			[fixtures.event_data_store_arn],
		),
	}
	some f in fs
	contains(f.message, "cloudtrail GetEventDataStore: AccessDeniedException")
}

test_fail_when_only_an_unrelated_call_failed if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["event_data_stores", eds, "kms_key_id"]},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {"service": "cloudtrail", "operation": "ListTags", "code": "AccessDeniedException", "resource": eds},
		},
	])
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.event_data_store_arn,
		"message": concat(" ", [
			"event data store is encrypted with an AWS owned key: the account cannot control or audit who decrypts",
			"its events",
		]),
	} with input as snapshot
}

test_region_from_arn_when_store_region_missing if {
	snapshot := fixtures.without(["event_data_stores", eds, "region"])
	{f.region | some f in findings} == {"us-east-1"} with input as snapshot
}

test_no_findings_without_event_data_stores if {
	snapshot := fixtures.with_value(["event_data_stores"], {})
	count(findings) == 0 with input as snapshot
}
