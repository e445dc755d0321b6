package trailguard.checks.alarm_cloudtrail_changes_test

import data.trailguard.checks.alarm_cloudtrail_changes.findings
import data.trailguard.fixtures

filter_path := ["log_groups", fixtures.log_group_arn, "metric_filters", 0, "pattern"]

statuses(snapshot) := s if {
	s := {f.status | some f in findings} with input as snapshot
}

test_pass_when_trail_changes_raise_an_alarm_someone_receives if {
	statuses(fixtures.compliant) == {"PASS"}
	count(findings) == 1 with input as fixtures.compliant
}

test_pass_with_wildcard_pattern_scoped_to_cloudtrail if {
	snapshot := fixtures.with_value(
		filter_path,
		`{ $.eventSource = "cloudtrail.amazonaws.com" && ($.eventName = "*Trail" || $.eventName = "*Logging") }`,
	)
	statuses(snapshot) == {"PASS"}
}

test_fail_when_filter_ignores_stop_logging if {
	snapshot := fixtures.with_value(
		filter_path,
		concat(" ", [
			"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) ||",
			"($.eventName = StartLogging) }",
		]),
	)
	statuses(snapshot) == {"FAIL"}
	some f in findings with input as snapshot
	contains(f.message, "misses StopLogging")
}

test_fail_when_nobody_confirmed_the_subscription if {
	snapshot := fixtures.with_value(
		["sns_topics", fixtures.topic_arn, "subscriptions"],
		[{"arn": "PendingConfirmation", "protocol": "email", "endpoint": "secops@example.com", "confirmed": false}],
	)
	statuses(snapshot) == {"FAIL"}
}

test_unknown_when_metric_filters_could_not_be_read if {
	snapshot := fixtures.without(["log_groups", fixtures.log_group_arn, "metric_filters"])
	statuses(snapshot) == {"UNKNOWN"}
}
