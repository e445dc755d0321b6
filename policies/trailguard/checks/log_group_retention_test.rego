package trailguard.checks.log_group_retention_test

import data.trailguard.checks.log_group_retention.findings
import data.trailguard.fixtures

retention_path := ["log_groups", fixtures.log_group_arn, "retention_in_days"]

statuses(snapshot) := s if {
	s := {f.status | some f in findings} with input as snapshot
}

test_pass_when_events_are_kept_for_more_than_a_year if {
	statuses(fixtures.compliant) == {"PASS"}
	some f in findings with input as fixtures.compliant
	f.resource == fixtures.log_group_arn
	f.region == "us-east-1"
}

test_pass_when_events_never_expire if {
	statuses(fixtures.with_value(retention_path, null)) == {"PASS"}
}

test_pass_at_exactly_the_minimum if {
	statuses(fixtures.with_value(retention_path, 365)) == {"PASS"}
}

test_fail_when_events_expire_after_90_days if {
	snapshot := fixtures.with_value(retention_path, 90)
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.log_group_arn,
		"message": "events are deleted after 90 days, less than the 365 days an investigation may need to look back",
	} with input as snapshot
}

test_minimum_is_a_parameter if {
	s := {f.status |
		some f in findings
	} with input as fixtures.compliant with data.params as {"min_log_retention_days": 731}
	s == {"FAIL"}
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.log_group_arn,
		"message": "events are deleted after 400 days, less than the 731 days an investigation may need to look back",
	} with input as fixtures.compliant with data.params as {"min_log_retention_days": 731}
}

test_fail_when_log_group_no_longer_exists if {
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.log_group_arn,
		"message": "the log group does not exist: the trail's events are not kept in CloudWatch Logs at all",
	} with input as fixtures.with_value(["log_groups", fixtures.log_group_arn, "exists"], false)
}

test_pass_when_exists_flag_not_reported if {
	statuses(fixtures.without(["log_groups", fixtures.log_group_arn, "exists"])) == {"PASS"}
}

test_unknown_when_log_group_not_collected if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["log_groups", fixtures.log_group_arn]},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {
				"service": "logs",
				"operation": "DescribeLogGroups",
				"resource": fixtures.log_group_arn,
				"code": "AccessDeniedException",
			},
		},
	])
	statuses(snapshot) == {"UNKNOWN"}
	some f in findings with input as snapshot
	contains(f.message, "logs DescribeLogGroups: AccessDeniedException")
}

test_unknown_when_retention_not_collected if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": fixtures.log_group_arn,
		"message": sprintf(
			"the retention setting of %s could not be read (not collected)",
			[fixtures.log_group_arn],
		),
	} with input as fixtures.without(retention_path)
}

test_no_finding_when_no_trail_sends_to_cloudwatch_logs if {
	count(findings) == 0 with input as fixtures.without(["trails", fixtures.trail_arn, "cloudwatch_logs_log_group_arn"])
}

test_shared_log_group_is_judged_once if {
	second := "arn:aws:cloudtrail:eu-west-1:111122223333:trail/second"
	snapshot := fixtures.patched([{"op": "add", "path": ["trails", second], "value": {
		"arn": second,
		"name": "second",
		"home_region": "eu-west-1",
		"cloudwatch_logs_log_group_arn": fixtures.log_group_arn,
	}}])
	count(findings) == 1 with input as snapshot
}

test_unknown_with_empty_region_when_log_group_arn_is_not_an_arn if {
	snapshot := fixtures.with_value(
		["trails", fixtures.trail_arn, "cloudwatch_logs_log_group_arn"],
		"aws-cloudtrail-logs",
	)
	some f in findings with input as snapshot
	f.region == ""
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "aws-cloudtrail-logs",
		"message": "the retention setting of aws-cloudtrail-logs could not be read (not collected)",
	} with input as snapshot
}
