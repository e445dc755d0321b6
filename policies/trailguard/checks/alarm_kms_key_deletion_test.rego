package trailguard.checks.alarm_kms_key_deletion_test

import data.trailguard.checks.alarm_kms_key_deletion.findings
import data.trailguard.fixtures

filter_path := ["log_groups", fixtures.log_group_arn, "metric_filters", 1, "pattern"]

alarm := "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cis-kms-key-disable-or-deletion"

statuses(snapshot) := s if {
	s := {f.status | some f in findings} with input as snapshot
}

test_pass_when_key_deletion_raises_an_alarm_someone_receives if {
	statuses(fixtures.compliant) == {"PASS"}
}

test_pass_with_quoted_reordered_pattern if {
	snapshot := fixtures.with_value(
		filter_path,
		concat(" ", [
			`{ (($.eventName = "ScheduleKeyDeletion") || ($.eventName = "DisableKey")) &&`,
			`($.eventSource = "kms.amazonaws.com") }`,
		]),
	)
	statuses(snapshot) == {"PASS"}
}

test_fail_when_filter_only_catches_disable_key if {
	snapshot := fixtures.with_value(filter_path, "{($.eventSource = kms.amazonaws.com) && ($.eventName=DisableKey)}")
	statuses(snapshot) == {"FAIL"}
	some f in findings with input as snapshot
	contains(f.message, "misses ScheduleKeyDeletion")
}

test_fail_when_alarm_actions_are_disabled if {
	snapshot := fixtures.with_value(["alarms", alarm, "actions_enabled"], false)
	statuses(snapshot) == {"FAIL"}
}

test_unknown_when_topic_could_not_be_read if {
	snapshot := fixtures.without(["sns_topics", fixtures.topic_arn])
	statuses(snapshot) == {"UNKNOWN"}
}
