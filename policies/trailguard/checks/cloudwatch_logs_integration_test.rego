package trailguard.checks.cloudwatch_logs_integration_test

import data.trailguard.checks.cloudwatch_logs_integration.findings
import data.trailguard.fixtures

status_path := ["trails", fixtures.trail_arn, "status"]

statuses(snapshot) := s if {
	s := {f.status | some f in findings} with input as snapshot
}

messages(snapshot) := m if {
	m := {f.message | some f in findings} with input as snapshot
}

delivered_at(time) := fixtures.with_value(array.concat(status_path, ["latest_cloudwatch_logs_delivery_time"]), time)

test_pass_when_events_reached_cloudwatch_logs_minutes_ago if {
	statuses(fixtures.compliant) == {"PASS"}
	some f in findings with input as fixtures.compliant
	f.resource == fixtures.trail_arn
	f.region == "us-east-1"
}

test_pass_at_exactly_the_maximum_age if {
	statuses(delivered_at("2026-11-24T09:00:00Z")) == {"PASS"}
}

test_pass_with_offset_time_and_fractional_seconds if {
	snapshot := delivered_at("2026-11-25T10:30:00.123+02:00")
	statuses(snapshot) == {"PASS"}
	some m in messages(snapshot)
	contains(m, "0.5 hours before the collection")
}

test_fail_when_trail_has_no_log_group if {
	snapshot := fixtures.without(["trails", fixtures.trail_arn, "cloudwatch_logs_log_group_arn"])
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.trail_arn,
		"message": "the trail does not send its events to CloudWatch Logs: no metric filter or alarm can watch them",
	} with input as snapshot
}

test_fail_when_log_group_arn_is_empty if {
	snapshot := fixtures.with_value(["trails", fixtures.trail_arn, "cloudwatch_logs_log_group_arn"], "")
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.trail_arn,
		"message": "the trail does not send its events to CloudWatch Logs: no metric filter or alarm can watch them",
	} with input as snapshot
}

test_fail_when_latest_delivery_is_two_days_old if {
	snapshot := delivered_at("2026-11-23T08:00:00Z")
	some m in messages(snapshot)
	contains(m, "49 hours before the collection")
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.trail_arn,
		"message": concat(" ", [
			"the latest delivery to CloudWatch Logs group",
			"arn:aws:logs:us-east-1:111122223333:log-group:aws-cloudtrail-logs-111122223333:* was at",
			"2026-11-23T08:00:00Z, 49 hours before the collection (more than 24): events are not reaching the log",
			"group",
		]),
	} with input as snapshot
}

test_threshold_is_a_parameter if {
	snapshot := delivered_at("2026-11-23T08:00:00Z")
	s := {f.status |
		some f in findings
	} with input as snapshot with data.params as {"max_cloudwatch_delivery_age_hours": 72}
	s == {"PASS"}
}

test_fail_when_latest_delivery_failed if {
	snapshot := fixtures.with_value(
		array.concat(status_path, ["latest_cloudwatch_logs_delivery_error"]),
		"AccessDeniedException: User is not authorized to perform logs:PutLogEvents",
	)
	some m in messages(snapshot)
	contains(m, "failed: AccessDeniedException")
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.trail_arn,
		"message": concat(" ", [
			"the latest delivery to CloudWatch Logs group",
			"arn:aws:logs:us-east-1:111122223333:log-group:aws-cloudtrail-logs-111122223333:* failed:",
			"AccessDeniedException: User is not authorized to perform logs:PutLogEvents",
		]),
	} with input as snapshot
}

test_fail_twice_when_delivery_failed_and_is_old if {
	snapshot := fixtures.patched([
		{
			"op": "add",
			"path": array.concat(status_path, ["latest_cloudwatch_logs_delivery_error"]),
			"value": "ResourceNotFoundException",
		},
		{
			"op": "add",
			"path": array.concat(status_path, ["latest_cloudwatch_logs_delivery_time"]),
			"value": "2026-10-01T00:00:00Z",
		},
	])
	[f.status | some f in findings] == ["FAIL", "FAIL"] with input as snapshot
	fixtures.reduced_findings(findings) == {
		{
			"status": "FAIL",
			"resource": fixtures.trail_arn,
			"message": sprintf(
				"the latest delivery to CloudWatch Logs group %s:* failed: ResourceNotFoundException",
				[fixtures.log_group_arn],
			),
		},
		{
			"status": "FAIL",
			"resource": fixtures.trail_arn,
			"message": concat(" ", [
				"the latest delivery to CloudWatch Logs group",
				"arn:aws:logs:us-east-1:111122223333:log-group:aws-cloudtrail-logs-111122223333:* was at",
				"2026-10-01T00:00:00Z, 1329 hours before the collection (more than 24): events are not reaching the log",
				"group",
			]),
		},
	} with input as snapshot
}

test_fail_when_never_delivered if {
	snapshot := fixtures.without(array.concat(status_path, ["latest_cloudwatch_logs_delivery_time"]))
	some m in messages(snapshot)
	contains(m, "never delivered")
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.trail_arn,
		"message": sprintf(
			"CloudTrail has never delivered events to CloudWatch Logs group %s:*",
			[fixtures.log_group_arn],
		),
	} with input as snapshot
}

test_unknown_when_trail_status_not_collected if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": status_path},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {
				"service": "cloudtrail",
				"operation": "GetTrailStatus",
				"resource": fixtures.trail_arn,
				"code": "AccessDeniedException",
			},
		},
	])
	statuses(snapshot) == {"UNKNOWN"}
	some m in messages(snapshot)
	contains(m, "cloudtrail GetTrailStatus: AccessDeniedException")
}

test_unknown_when_delivery_time_is_garbled if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": fixtures.trail_arn,
		"message": concat(" ", [
			"the latest CloudWatch Logs delivery time \"yesterday\" or the collection time \"2026-11-25T09:00:00Z\"",
			"is not an RFC 3339 time",
		]),
	} with input as delivered_at("yesterday")
}
