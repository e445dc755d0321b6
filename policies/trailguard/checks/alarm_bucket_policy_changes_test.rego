package trailguard.checks.alarm_bucket_policy_changes_test

import data.trailguard.checks.alarm_bucket_policy_changes.findings
import data.trailguard.fixtures

filter_path := ["log_groups", fixtures.log_group_arn, "metric_filters", 2, "pattern"]

alarm := "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cis-s3-bucket-policy-changes"

statuses(snapshot) := s if {
	s := {f.status | some f in findings} with input as snapshot
}

test_pass_when_bucket_policy_changes_raise_an_alarm_someone_receives if {
	statuses(fixtures.compliant) == {"PASS"}
}

test_pass_with_wildcards if {
	snapshot := fixtures.with_value(
		filter_path,
		"{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucket*) || ($.eventName = DeleteBucket*)) }",
	)
	statuses(snapshot) == {"PASS"}
}

test_fail_when_filter_forgets_replication if {
	snapshot := fixtures.with_value(
		filter_path,
		concat(" ", [
			"{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) ||",
			"($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) ||",
			"($.eventName = PutBucketLifecycle) || ($.eventName = DeleteBucketPolicy) ||",
			"($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle)) }",
		]),
	)
	statuses(snapshot) == {"FAIL"}
	some f in findings with input as snapshot
	contains(f.message, "misses PutBucketReplication, DeleteBucketReplication")
}

test_fail_when_no_alarm_watches_the_metric if {
	snapshot := fixtures.without(["alarms", alarm])
	statuses(snapshot) == {"FAIL"}
}

test_unknown_when_log_group_could_not_be_read if {
	snapshot := fixtures.without(["log_groups", fixtures.log_group_arn])
	statuses(snapshot) == {"UNKNOWN"}
}
