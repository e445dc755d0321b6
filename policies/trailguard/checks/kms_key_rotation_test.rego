package trailguard.checks.kms_key_rotation_test

import data.trailguard.checks.kms_key_rotation.findings
import data.trailguard.fixtures

key := fixtures.key_arn

foreign_key := "arn:aws:kms:us-east-1:999988887777:key/11111111-2222-3333-4444-555555555555"

test_pass_when_rotation_enabled if {
	fs := findings with input as fixtures.compliant
	{[f.resource, f.status, f.region] | some f in fs} == {[key, "PASS", "us-east-1"]}
}

test_fail_when_rotation_disabled if {
	snapshot := fixtures.with_value(["kms_keys", key, "rotation_enabled"], false)
	fs := findings with input as snapshot
	fixtures.one_finding(fs) == {
		"status": "FAIL",
		"resource": fixtures.key_arn,
		"message": "automatic key rotation is disabled: the same key material protects the trail's logs indefinitely",
	}
	some f in fs
	contains(f.message, "disabled")
}

test_unknown_when_rotation_status_not_collected if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["kms_keys", key, "rotation_enabled"]},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {"service": "kms", "operation": "GetKeyRotationStatus", "code": "AccessDeniedException", "resource": key},
		},
	])
	fs := findings with input as snapshot
	fixtures.one_finding(fs) == {
		"status": "UNKNOWN",
		"resource": fixtures.key_arn,
		"message": sprintf(
			"key rotation status of %s could not be read (kms GetKeyRotationStatus: AccessDeniedException)",
			[fixtures.key_arn],
		),
	}
	some f in fs
	contains(f.message, "kms GetKeyRotationStatus: AccessDeniedException")
}

test_unknown_when_key_not_collected if {
	fs := findings with input as fixtures.without(["kms_keys", key])
	{[f.status, f.region] | some f in fs} == {["UNKNOWN", "us-east-1"]}
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": fixtures.key_arn,
		"message": sprintf(
			"key rotation status of %s could not be read (not collected)",
			[fixtures.key_arn],
		),
	} with input as fixtures.without(["kms_keys", key])
}

test_unknown_when_key_in_another_account if {
	snapshot := fixtures.with_value(["trails", fixtures.trail_arn, "kms_key_id"], foreign_key)
	fs := findings with input as snapshot
	{[f.resource, f.status] | some f in fs} == {[foreign_key, "UNKNOWN"]}
	some f in fs
	contains(f.message, "lives in account 999988887777")
}

test_aws_managed_key_not_applicable if {
	# AWS managed keys rotate on their own.
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["kms_keys", key, "manager"], "value": "AWS"},
		{"op": "replace", "path": ["kms_keys", key, "rotation_enabled"], "value": false},
	])
	count(findings) == 0 with input as snapshot
}

test_asymmetric_and_hmac_keys_not_applicable if {
	every spec in ["RSA_2048", "ECC_NIST_P256", "HMAC_256"] {
		snapshot := fixtures.patched([
			{"op": "replace", "path": ["kms_keys", key, "spec"], "value": spec},
			{"op": "replace", "path": ["kms_keys", key, "rotation_enabled"], "value": false},
		])
		count(findings) == 0 with input as snapshot
	}
}

test_key_of_unknown_manager_and_spec_is_still_checked if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["kms_keys", key, "manager"]},
		{"op": "remove", "path": ["kms_keys", key, "spec"]},
		{"op": "replace", "path": ["kms_keys", key, "rotation_enabled"], "value": false},
	])
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.key_arn,
		"message": "automatic key rotation is disabled: the same key material protects the trail's logs indefinitely",
	} with input as snapshot
}

test_key_used_only_by_event_data_store_not_checked if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["trails", fixtures.trail_arn, "kms_key_id"], "value": ""},
		{"op": "replace", "path": ["kms_keys", key, "rotation_enabled"], "value": false},
	])
	count(findings) == 0 with input as snapshot
}

test_region_from_arn_when_key_region_missing if {
	fs := findings with input as fixtures.without(["kms_keys", key, "region"])
	{f.region | some f in fs} == {"us-east-1"}
}
