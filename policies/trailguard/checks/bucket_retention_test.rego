package trailguard.checks.bucket_retention_test

import data.trailguard.checks.bucket_retention.findings
import data.trailguard.fixtures

bucket := fixtures.bucket_name

object_lock := ["buckets", bucket, "object_lock"]

lifecycle := ["buckets", bucket, "lifecycle"]

no_lock := {"enabled": false}

rule(id, prefix, days) := {"id": id, "status": "Enabled", "prefix": prefix, "expiration_days": days}

with_rules(rules) := fixtures.with_value(lifecycle, {"rules": rules})

only_finding(snapshot) := f if {
	[f] := [f | some f in findings] with input as snapshot
}

statuses(snapshot) := s if {
	s := [f.status | some f in findings] with input as snapshot
}

test_pass_with_object_lock_and_long_lifecycle if {
	f := only_finding(fixtures.compliant)
	f.status == "PASS"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"Object Lock (GOVERNANCE) retains log files for 365 days by default; lifecycle rule 'expire-after-7-years'",
		"keeps log files 2557 days before expiring them",
	])
}

test_pass_with_object_lock_and_no_lifecycle_rules if {
	f := only_finding(with_rules([]))
	f.status == "PASS"
	f.resource == fixtures.bucket_arn
	f.message == "Object Lock (GOVERNANCE) retains log files for 365 days by default"
}

test_pass_with_lifecycle_retention_only if {
	f := only_finding(fixtures.with_value(object_lock, no_lock))
	f.status == "PASS"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"lifecycle rule 'expire-after-7-years' keeps log files 2557 days before expiring them (no Object Lock:",
		"pair it with MFA delete so the logs cannot be deleted sooner)",
	])
}

test_pass_with_lifecycle_retention_and_object_lock_not_read if {
	f := only_finding(fixtures.without(object_lock))
	f.status == "PASS"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"lifecycle rule 'expire-after-7-years' keeps log files 2557 days before expiring them (no Object Lock:",
		"pair it with MFA delete so the logs cannot be deleted sooner)",
	])
}

test_pass_with_object_lock_in_days if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": object_lock, "value": {"enabled": true, "mode": "COMPLIANCE", "days": 400}},
		{"op": "replace", "path": lifecycle, "value": {"rules": []}},
	])
	f := only_finding(snapshot)
	f.status == "PASS"
	f.resource == fixtures.bucket_arn
	f.message == "Object Lock (COMPLIANCE) retains log files for 400 days by default"
}

test_fail_when_lifecycle_deletes_logs_too_soon if {
	f := only_finding(with_rules([rule("expire-90", "", 90)]))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == "lifecycle rule 'expire-90' deletes log files after 90 days, before the minimum retention of 365 days"
}

test_fail_once_per_early_rule if {
	snapshot := with_rules([
		rule("expire-90", "AWSLogs/", 90),
		{"status": "Enabled", "prefix": "AWSLogs/111122223333/CloudTrail/", "expiration_days": 30},
	])
	fixtures.reduced_findings(findings) == {
		{
			"status": "FAIL",
			"resource": fixtures.bucket_arn,
			"message": "lifecycle rule #2 deletes log files after 30 days, before the minimum retention of 365 days",
		},
		{
			"status": "FAIL",
			"resource": fixtures.bucket_arn,
			"message": "lifecycle rule 'expire-90' deletes log files after 90 days, before the minimum retention of 365 days",
		},
	} with input as snapshot
}

test_rules_that_do_not_touch_the_logs_are_ignored if {
	snapshot := with_rules([
		rule("tmp", "tmp/", 1),
		{"id": "disabled", "status": "Disabled", "prefix": "", "expiration_days": 7},
		{"id": "archive", "status": "Enabled", "prefix": "", "transitions": [{"days": 30, "storage_class": "GLACIER"}]},
	])
	statuses(snapshot) == ["PASS"]
}

test_honours_the_trail_key_prefix if {
	snapshot := json.patch(with_rules([rule("other-prefix", "AWSLogs/", 30), rule("trail", "audit/AWSLogs/", 400)]), [
		{"op": "replace", "path": object_lock, "value": no_lock},
		{"op": "replace", "path": ["trails", fixtures.trail_arn, "s3_key_prefix"], "value": "audit/"},
	])
	f := only_finding(snapshot)
	f.status == "PASS"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"lifecycle rule 'trail' keeps log files 400 days before expiring them (no Object Lock: pair it with MFA",
		"delete so the logs cannot be deleted sooner)",
	])
}

test_rule_covering_only_part_of_the_logs_does_not_define_retention if {
	snapshot := json.patch(
		with_rules([rule("one-account", "AWSLogs/111122223333/", 400)]),
		[{"op": "replace", "path": object_lock, "value": no_lock}],
	)
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.bucket_arn,
		"message": concat(" ", [
			"Object Lock is not enabled, and no lifecycle rule defines a retention of at least 365 days: nothing",
			"defines how long logs are kept, and anyone with s3:DeleteObject can delete them",
		]),
	} with input as snapshot
}

test_minimum_retention_is_a_parameter if {
	snapshot := with_rules([rule("expire-90", "", 90)])
	statuses(snapshot) == ["FAIL"]
	statuses(snapshot) == ["PASS"] with data.params.min_bucket_retention_days as 90
}

test_fail_without_object_lock_or_expiration if {
	snapshot := json.patch(with_rules([]), [{"op": "replace", "path": object_lock, "value": no_lock}])
	f := only_finding(snapshot)
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"Object Lock is not enabled, and no lifecycle rule defines a retention of at least 365 days: nothing",
		"defines how long logs are kept, and anyone with s3:DeleteObject can delete them",
	])
}

test_fail_when_object_lock_has_no_default_retention if {
	snapshot := json.patch(with_rules([]), [{"op": "replace", "path": object_lock, "value": {"enabled": true}}])
	f := only_finding(snapshot)
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"Object Lock is enabled without a default retention, and no lifecycle rule defines a retention of at least",
		"365 days: nothing defines how long logs are kept, and anyone with s3:DeleteObject can delete them",
	])
}

test_fail_when_object_lock_retention_is_short if {
	snapshot := json.patch(
		with_rules([]),
		[{"op": "replace", "path": object_lock, "value": {"enabled": true, "mode": "GOVERNANCE", "days": 30}}],
	)
	f := only_finding(snapshot)
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"Object Lock retains log files only 30 days by default, and no lifecycle rule defines a retention of at",
		"least 365 days: nothing defines how long logs are kept, and anyone with s3:DeleteObject can delete them",
	])
}

test_unknown_when_lifecycle_not_read if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": lifecycle},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {
				"service": "s3",
				"operation": "GetBucketLifecycleConfiguration",
				"resource": bucket,
				"code": "AccessDenied",
			},
		},
	])
	f := only_finding(snapshot)
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"the lifecycle configuration of bucket aws-cloudtrail-logs-111122223333-a1b2c3d4 could not be read (s3",
		"GetBucketLifecycleConfiguration: AccessDenied): an unseen lifecycle rule could expire log files early",
	])
}

test_unknown_when_object_lock_not_read_and_no_rule_decides if {
	snapshot := json.patch(with_rules([]), [{"op": "remove", "path": object_lock}])
	f := only_finding(snapshot)
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"no lifecycle rule retains log files for 365 days, and the Object Lock configuration of bucket",
		"aws-cloudtrail-logs-111122223333-a1b2c3d4 could not be read (not collected)",
	])
}

test_early_rule_fails_even_when_object_lock_not_read if {
	snapshot := json.patch(with_rules([rule("expire-90", "", 90)]), [{"op": "remove", "path": object_lock}])
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.bucket_arn,
		"message": "lifecycle rule 'expire-90' deletes log files after 90 days, before the minimum retention of 365 days",
	} with input as snapshot
}

test_unknown_when_bucket_not_collected if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": fixtures.bucket_arn,
		"message": sprintf(
			"bucket %s is not in the snapshot (not collected): its configuration cannot be checked",
			[fixtures.bucket_name],
		),
	} with input as fixtures.without(["buckets", bucket])
}

test_unknown_when_lifecycle_rules_not_read if {
	f := only_finding(fixtures.with_value(lifecycle, {}))
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"the lifecycle configuration of bucket aws-cloudtrail-logs-111122223333-a1b2c3d4 could not be read (not",
		"collected): an unseen lifecycle rule could expire log files early",
	])
}

test_unknown_when_a_rule_status_was_not_read if {
	f := only_finding(with_rules([{"id": "expire", "prefix": "", "expiration_days": 30}]))
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"the lifecycle configuration of bucket aws-cloudtrail-logs-111122223333-a1b2c3d4 could not be read (not",
		"collected): an unseen lifecycle rule could expire log files early",
	])
}

test_rule_without_prefix_counts_as_touching_every_log if {
	f := only_finding(with_rules([{"id": "expire", "status": "Enabled", "expiration_days": 30}]))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == "lifecycle rule 'expire' deletes log files after 30 days, before the minimum retention of 365 days"
}

test_rule_without_prefix_does_not_define_retention if {
	snapshot := json.patch(
		with_rules([{"id": "expire", "status": "Enabled", "expiration_days": 400}]),
		[{"op": "replace", "path": object_lock, "value": no_lock}],
	)
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.bucket_arn,
		"message": concat(" ", [
			"Object Lock is not enabled, and no lifecycle rule defines a retention of at least 365 days: nothing",
			"defines how long logs are kept, and anyone with s3:DeleteObject can delete them",
		]),
	} with input as snapshot
}
