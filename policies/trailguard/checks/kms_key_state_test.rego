package trailguard.checks.kms_key_state_test

import data.trailguard.checks.kms_key_state.findings
import data.trailguard.fixtures

key := fixtures.key_arn

foreign_key := "arn:aws:kms:us-east-1:999988887777:key/11111111-2222-3333-4444-555555555555"

with_state(state) := fixtures.with_value(["kms_keys", key, "state"], state)

test_pass_when_key_is_enabled if {
	fs := findings with input as fixtures.compliant
	{[f.resource, f.status, f.region] | some f in fs} == {[key, "PASS", "us-east-1"]}
	some f in fs
	contains(f.message, fixtures.trail_arn)
	contains(f.message, fixtures.event_data_store_arn)
}

test_fail_critical_when_key_is_pending_deletion if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["kms_keys", key, "state"], "value": "PendingDeletion"},
		{"op": "add", "path": ["kms_keys", key, "deletion_date"], "value": "2026-12-02T00:00:00Z"},
	])
	fs := findings with input as snapshot
	fixtures.one_finding(fs) == {
		"status": "FAIL",
		"resource": fixtures.key_arn,
		"message": concat(" ", [
			"key is scheduled for deletion on 2026-12-02T00:00:00Z: once it is deleted, every log file encrypted with",
			"it becomes unreadable for good, and log delivery already fails (used by",
			"arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/6b3f1a2e-90d4-4c7a-8e5b-1f2a3b4c5d6e,",
			"arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events)",
		]),
	}
	some f in fs
	not f.severity # the check's own severity: critical
	contains(f.message, "scheduled for deletion on 2026-12-02T00:00:00Z")
	contains(f.message, "unreadable")
	contains(f.message, "delivery")
}

test_fail_when_key_is_pending_deletion_without_date if {
	fs := findings with input as with_state("PendingDeletion")
	fixtures.one_finding(fs) == {
		"status": "FAIL",
		"resource": fixtures.key_arn,
		"message": concat(" ", [
			"key is scheduled for deletion (deletion date not collected): once it is deleted, every log file",
			"encrypted with it becomes unreadable for good, and log delivery already fails (used by",
			"arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/6b3f1a2e-90d4-4c7a-8e5b-1f2a3b4c5d6e,",
			"arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events)",
		]),
	}
	some f in fs
	contains(f.message, "deletion date not collected")
}

test_fail_critical_when_key_is_disabled if {
	fs := findings with input as with_state("Disabled")
	fixtures.one_finding(fs) == {
		"status": "FAIL",
		"resource": fixtures.key_arn,
		"message": sprintf(
			"key is disabled: log delivery fails and existing logs cannot be decrypted until it is re-enabled (used by %s, %s)",
			[fixtures.event_data_store_arn, fixtures.trail_arn],
		),
	}
	some f in fs
	not f.severity
	contains(f.message, "disabled")
}

test_fail_high_when_key_is_in_another_state if {
	every state in ["PendingImport", "Unavailable", "Creating", "Updating", "PendingReplicaDeletion"] {
		fs := findings with input as with_state(state)
		{[f.status, f.severity, f.resource] | some f in fs} == {["FAIL", "high", key]}
		some f in fs
		startswith(
			f.message,
			sprintf("key is in state %s, not Enabled: it cannot be used to encrypt or decrypt logs", [state]),
		)
	}
}

test_unknown_when_state_not_collected if {
	fs := findings with input as fixtures.without(["kms_keys", key, "state"])
	fixtures.one_finding(fs) == {
		"status": "UNKNOWN",
		"resource": fixtures.key_arn,
		"message": sprintf(
			"key state of %s could not be read (not collected) (used by %s, %s)",
			[fixtures.key_arn, fixtures.event_data_store_arn, fixtures.trail_arn],
		),
	}
	some f in fs
	contains(f.message, "key state of")
}

test_unknown_when_key_not_collected if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["kms_keys", key]},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {"service": "kms", "operation": "DescribeKey", "code": "AccessDeniedException", "resource": key},
		},
	])
	fs := findings with input as snapshot
	{[f.status, f.region] | some f in fs} == {["UNKNOWN", "us-east-1"]}
	some f in fs
	contains(f.message, "kms DescribeKey: AccessDeniedException")
}

test_unknown_when_key_in_another_account if {
	snapshot := fixtures.with_value(["trails", fixtures.trail_arn, "kms_key_id"], foreign_key)
	fs := findings with input as snapshot
	{[f.resource, f.status] | some f in fs} == {[foreign_key, "UNKNOWN"], [key, "PASS"]}
	some f in fs
	f.resource == foreign_key
	contains(f.message, "lives in account 999988887777")
}

test_key_used_only_by_event_data_store_is_checked if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["trails", fixtures.trail_arn, "kms_key_id"]},
		{"op": "replace", "path": ["kms_keys", key, "state"], "value": "Disabled"},
	])
	fs := findings with input as snapshot
	{[f.resource, f.status] | some f in fs} == {[key, "FAIL"]}
	some f in fs
	not contains(f.message, fixtures.trail_arn)
}

test_no_findings_when_no_key_is_used if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["trails", fixtures.trail_arn, "kms_key_id"], "value": ""},
		{"op": "remove", "path": ["event_data_stores", fixtures.event_data_store_arn, "kms_key_id"]},
	])
	count(findings) == 0 with input as snapshot
}

test_message_names_a_few_users_of_a_shared_key if {
	ops := [{
		"op": "add",
		"path": ["trails", arn],
		"value": {"arn": arn, "name": name, "home_region": "us-east-1", "kms_key_id": key},
	} |
		some i in numbers.range(1, 4)
		name := sprintf("extra-%d", [i])
		arn := sprintf("arn:aws:cloudtrail:us-east-1:111122223333:trail/%s", [name])
	]
	fs := findings with input as fixtures.patched(ops)
	fixtures.one_finding(fs) == {
		"status": "PASS",
		"resource": fixtures.key_arn,
		"message": concat(" ", [
			"key is enabled (used by",
			"arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/6b3f1a2e-90d4-4c7a-8e5b-1f2a3b4c5d6e,",
			"arn:aws:cloudtrail:us-east-1:111122223333:trail/extra-1,",
			"arn:aws:cloudtrail:us-east-1:111122223333:trail/extra-2 and 3 more)",
		]),
	}
	some f in fs
	endswith(f.message, "and 3 more)")
}

test_region_from_arn_when_key_region_missing if {
	fs := findings with input as fixtures.without(["kms_keys", key, "region"])
	{f.region | some f in fs} == {"us-east-1"}
}
