package trailguard.lib.alarms_test

import data.trailguard.fixtures
import data.trailguard.lib.alarms

lg := fixtures.log_group_arn

trail := fixtures.trail_arn

trail_alarm := "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cis-cloudtrail-config-changes"

cis_trail_pattern := concat(" ", [
	"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) ||",
	"($.eventName = StartLogging) || ($.eventName = StopLogging) }",
])

# status(kind, snapshot) is the status of the account finding for kind.
status(kind, snapshot) := f.status if {
	f := alarms.finding(kind) with input as snapshot
}

message(kind, snapshot) := f.message if {
	f := alarms.finding(kind) with input as snapshot
}

with_pattern(pattern) := fixtures.patched([
	{"op": "replace", "path": ["log_groups", lg, "metric_filters", 0, "pattern"], "value": pattern},
])

# --- A complete chain passes ---

test_compliant_account_is_alerted_of_every_kind_of_change if {
	every kind, _ in alarms.requirements {
		status(kind, fixtures.compliant) == "PASS"
	}
	f := alarms.finding("cloudtrail_changes") with input as fixtures.compliant
	f.resource == "111122223333"
	f.region == ""
	contains(
		f.message,
		concat(" ", [
			"-> alarm arn:aws:cloudwatch:us-east-1:111122223333:alarm:cis-cloudtrail-config-changes -> SNS topic",
			"arn:aws:sns:us-east-1:111122223333:security-alerts",
		]),
	)
}

test_pattern_spelled_differently_still_passes if {
	every p in [
		concat("||", [
			"{$.eventName=StopLogging",
			"$.eventName=StartLogging",
			"$.eventName=DeleteTrail",
			"$.eventName=UpdateTrail",
			"$.eventName=CreateTrail}",
		]),
		`{ ($.eventSource = "cloudtrail.amazonaws.com") && (($.eventName = "*Trail") || ($.eventName = "*Logging")) }`,
		concat(" ", [
			"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) ||",
			"($.eventName = StartLogging) || ($.eventName = StopLogging) || ($.eventName = PutEventSelectors) }",
		]),
	] {
		status("cloudtrail_changes", with_pattern(p)) == "PASS"
	}
}

test_log_group_arn_without_wildcard_suffix if {
	snapshot := fixtures.with_value(["trails", trail, "cloudwatch_logs_log_group_arn"], lg)
	status("cloudtrail_changes", snapshot) == "PASS"
}

test_subscription_without_confirmed_flag_but_with_real_arn_counts if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["sns_topics", fixtures.topic_arn, "subscriptions", 0, "confirmed"]},
	])
	not snapshot.sns_topics[fixtures.topic_arn].subscriptions[0].confirmed
	status("cloudtrail_changes", snapshot) == "PASS"
}

test_one_complete_chain_is_enough if {
	snapshot := fixtures.patched([{
		"op": "add",
		"path": ["trails", "arn:aws:cloudtrail:eu-west-1:111122223333:trail/old"],
		"value": {
			"arn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/old",
			"name": "old",
			"home_region": "eu-west-1",
			"is_multi_region": false,
			"cloudwatch_logs_log_group_arn": "arn:aws:logs:eu-west-1:111122223333:log-group:old:*",
			"status": {"is_logging": false},
		},
	}])
	status("cloudtrail_changes", snapshot) == "PASS"
}

# --- Link 1: the trail ---

test_fail_when_no_trail_sends_to_cloudwatch_logs if {
	snapshot := fixtures.without(["trails", trail, "cloudwatch_logs_log_group_arn"])
	status("cloudtrail_changes", snapshot) == "FAIL"
	contains(message("cloudtrail_changes", snapshot), "no trail sends its events to CloudWatch Logs")
}

test_fail_when_trail_is_not_logging if {
	snapshot := fixtures.with_value(["trails", trail, "status", "is_logging"], false)
	status("kms_key_deletion", snapshot) == "FAIL"
	contains(message("kms_key_deletion", snapshot), "is not logging")
}

test_fail_when_trail_is_single_region if {
	snapshot := fixtures.with_value(["trails", trail, "is_multi_region"], false)
	status("kms_key_deletion", snapshot) == "FAIL"
	contains(message("kms_key_deletion", snapshot), "single-region")
}

test_unknown_when_trail_status_not_collected if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["trails", trail, "status"]},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {"service": "cloudtrail", "operation": "GetTrailStatus", "resource": trail, "code": "AccessDenied"},
		},
	])
	status("cloudtrail_changes", snapshot) == "UNKNOWN"
	contains(message("cloudtrail_changes", snapshot), "cloudtrail GetTrailStatus: AccessDenied")
}

test_unknown_when_multi_region_setting_not_collected if {
	snapshot := fixtures.without(["trails", trail, "is_multi_region"])
	status("cloudtrail_changes", snapshot) == "UNKNOWN"
}

# --- Link 2: the log group and its metric filters ---

test_unknown_when_log_group_not_collected if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["log_groups", lg]},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {"service": "logs", "operation": "DescribeLogGroups", "resource": lg, "code": "AccessDenied"},
		},
	])
	status("bucket_policy_changes", snapshot) == "UNKNOWN"
	contains(message("bucket_policy_changes", snapshot), "logs DescribeLogGroups: AccessDenied")
}

test_unknown_for_organization_trail_whose_log_group_lives_in_the_management_account if {
	snapshot := fixtures.patched([
		{"op": "add", "path": ["trails", trail, "owner_account_id"], "value": "999988887777"},
		{"op": "add", "path": ["trails", trail, "is_organization_trail"], "value": true},
		{
			"op": "add",
			"path": ["trails", trail, "cloudwatch_logs_log_group_arn"],
			"value": "arn:aws:logs:us-east-1:999988887777:log-group:org-trail:*",
		},
	])
	status("cloudtrail_changes", snapshot) == "UNKNOWN"
}

test_fail_when_log_group_does_not_exist if {
	snapshot := fixtures.with_value(["log_groups", lg, "exists"], false)
	status("cloudtrail_changes", snapshot) == "FAIL"
	contains(message("cloudtrail_changes", snapshot), "does not exist")
}

test_unknown_when_metric_filters_not_collected if {
	snapshot := fixtures.without(["log_groups", lg, "metric_filters"])
	status("cloudtrail_changes", snapshot) == "UNKNOWN"
	contains(
		message("cloudtrail_changes", snapshot),
		concat(" ", [
			"the metric filters of arn:aws:logs:us-east-1:111122223333:log-group:aws-cloudtrail-logs-111122223333",
			"could not be read",
		]),
	)
}

test_fail_when_log_group_has_no_metric_filter if {
	snapshot := fixtures.with_value(["log_groups", lg, "metric_filters"], [])
	status("cloudtrail_changes", snapshot) == "FAIL"
	contains(message("cloudtrail_changes", snapshot), "no metric filter on log group")
}

test_fail_when_filter_misses_delete_trail if {
	snapshot := with_pattern(concat(" ", [
		"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = StartLogging) ||",
		"($.eventName = StopLogging) }",
	]))
	status("cloudtrail_changes", snapshot) == "FAIL"
	contains(message("cloudtrail_changes", snapshot), "filter 'CloudTrailConfigChanges' misses DeleteTrail")
}

test_fail_when_filter_only_counts_root_changes if {
	snapshot := with_pattern(concat(" ", [
		"{ ($.userIdentity.type = Root) && (($.eventName = CreateTrail) || ($.eventName = UpdateTrail) ||",
		"($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging)) }",
	]))
	status("cloudtrail_changes", snapshot) == "FAIL"
}

test_fail_when_kms_filter_watches_the_wrong_service if {
	snapshot := fixtures.with_value(
		["log_groups", lg, "metric_filters", 1, "pattern"],
		"{($.eventSource = kms.amazon.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}",
	)
	status("kms_key_deletion", snapshot) == "FAIL"
	contains(message("kms_key_deletion", snapshot), "matches all of DisableKey, ScheduleKeyDeletion")
}

test_fail_when_filter_needs_fields_the_events_lack if {
	# The CIS unauthorized API calls pattern: no CloudTrail change has an errorCode.
	snapshot := with_pattern(concat("", [
		`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && `,
		`($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`,
	]))
	status("cloudtrail_changes", snapshot) == "FAIL"
	contains(message("cloudtrail_changes", snapshot), "no metric filter on log group")
	status("kms_key_deletion", snapshot) == "PASS"
}

test_fail_when_filter_needs_an_event_name_none_has if {
	# The CIS console sign-in without MFA pattern.
	snapshot := with_pattern(`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`)
	status("cloudtrail_changes", snapshot) == "FAIL"
	status("bucket_policy_changes", snapshot) == "PASS"
}

test_fail_when_bucket_filter_is_unparseable if {
	snapshot := fixtures.with_value(["log_groups", lg, "metric_filters", 2, "pattern"], "PutBucketPolicy")
	status("bucket_policy_changes", snapshot) == "FAIL"
}

test_bucket_filter_with_wildcards_passes if {
	snapshot := fixtures.with_value(
		["log_groups", lg, "metric_filters", 2, "pattern"],
		`{ $.eventSource = s3.amazonaws.com && ($.eventName = "PutBucket*" || $.eventName = "DeleteBucket*") }`,
	)
	status("bucket_policy_changes", snapshot) == "PASS"
}

# --- Link 3: the alarm on the filter's metric ---

test_fail_when_no_alarm_watches_the_metric if {
	snapshot := fixtures.without(["alarms", trail_alarm])
	status("cloudtrail_changes", snapshot) == "FAIL"
	contains(
		message("cloudtrail_changes", snapshot),
		concat(" ", [
			"no CloudWatch alarm watches the metric of filter 'CloudTrailConfigChanges'",
			"(CISBenchmark/CloudTrailConfigChangeCount)",
		]),
	)
	status("kms_key_deletion", snapshot) == "PASS"
}

test_fail_when_alarm_watches_another_namespace if {
	snapshot := fixtures.with_value(["alarms", trail_alarm, "namespace"], "LogMetrics")
	status("cloudtrail_changes", snapshot) == "FAIL"
}

test_fail_when_alarm_is_in_another_region if {
	other := "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:cis-cloudtrail-config-changes"
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["alarms", trail_alarm]},
		{
			"op": "add",
			"path": ["alarms", other],
			"value": object.union(fixtures.compliant.alarms[trail_alarm], {"arn": other, "region": "eu-west-1"}),
		},
	])
	status("cloudtrail_changes", snapshot) == "FAIL"
}

test_unknown_when_alarms_not_collected if {
	snapshot := fixtures.without(["alarms"])
	status("cloudtrail_changes", snapshot) == "UNKNOWN"
}

test_fail_when_alarm_actions_disabled if {
	snapshot := fixtures.with_value(["alarms", trail_alarm, "actions_enabled"], false)
	status("cloudtrail_changes", snapshot) == "FAIL"
	contains(message("cloudtrail_changes", snapshot), "has its actions disabled")
}

test_fail_when_alarm_notifies_no_sns_topic if {
	snapshot := fixtures.with_value(
		["alarms", trail_alarm, "alarm_actions"],
		["arn:aws:ssm:us-east-1:111122223333:opsitem:3#CATEGORY=Security"],
	)
	status("cloudtrail_changes", snapshot) == "FAIL"
	contains(message("cloudtrail_changes", snapshot), "notifies no SNS topic")
}

# --- Link 4: the SNS topic and its subscribers ---

test_unknown_when_topic_not_collected if {
	snapshot := fixtures.without(["sns_topics", fixtures.topic_arn])
	status("cloudtrail_changes", snapshot) == "UNKNOWN"
	contains(
		message("cloudtrail_changes", snapshot),
		"the subscriptions of arn:aws:sns:us-east-1:111122223333:security-alerts could not be read",
	)
}

test_unknown_when_subscriptions_not_collected if {
	snapshot := fixtures.without(["sns_topics", fixtures.topic_arn, "subscriptions"])
	status("kms_key_deletion", snapshot) == "UNKNOWN"
}

test_fail_when_no_subscription_is_confirmed if {
	snapshot := fixtures.patched([
		{
			"op": "replace",
			"path": ["sns_topics", fixtures.topic_arn, "subscriptions", 0],
			"value": {"arn": "PendingConfirmation", "protocol": "email", "endpoint": "secops@example.com", "confirmed": false},
		},
	])
	status("cloudtrail_changes", snapshot) == "FAIL"
	contains(message("cloudtrail_changes", snapshot), "has a confirmed subscriber")
}

test_fail_when_topic_has_no_subscription if {
	snapshot := fixtures.with_value(["sns_topics", fixtures.topic_arn, "subscriptions"], [])
	status("bucket_policy_changes", snapshot) == "FAIL"
}

test_pending_subscription_without_flag_does_not_count if {
	snapshot := fixtures.patched([
		{
			"op": "replace",
			"path": ["sns_topics", fixtures.topic_arn, "subscriptions", 0],
			"value": {"arn": "PendingConfirmation", "protocol": "email"},
		},
	])
	status("cloudtrail_changes", snapshot) == "FAIL"
}

test_confirmed_topic_wins_over_unread_topic if {
	unread := "arn:aws:sns:us-east-1:111122223333:other-team"
	snapshot := fixtures.with_value(["alarms", trail_alarm, "alarm_actions"], [unread, fixtures.topic_arn])
	status("cloudtrail_changes", snapshot) == "PASS"
	snapshot2 := fixtures.with_value(["alarms", trail_alarm, "alarm_actions"], [unread])
	status("cloudtrail_changes", snapshot2) == "UNKNOWN"
}

# --- Several trails ---

test_unknown_beats_fail_but_not_pass if {
	broken := fixtures.with_value(["trails", trail, "status", "is_logging"], false)
	unread_trail := {
		"arn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/second",
		"name": "second",
		"home_region": "eu-west-1",
		"is_multi_region": true,
		"cloudwatch_logs_log_group_arn": "arn:aws:logs:eu-west-1:111122223333:log-group:second:*",
		"status": {"is_logging": true},
	}
	snapshot := json.patch(broken, [{"op": "add", "path": ["trails", unread_trail.arn], "value": unread_trail}])
	status("cloudtrail_changes", snapshot) == "UNKNOWN"
	snapshot2 := fixtures.patched([{"op": "add", "path": ["trails", unread_trail.arn], "value": unread_trail}])
	status("cloudtrail_changes", snapshot2) == "PASS"
}

test_failure_message_is_bounded if {
	extra := {arn: t |
		some i in numbers.range(1, 8)
		arn := sprintf("arn:aws:cloudtrail:eu-west-1:111122223333:trail/t%d", [i])
		t := {
			"arn": arn,
			"name": sprintf("t%d", [i]),
			"home_region": "eu-west-1",
			"cloudwatch_logs_log_group_arn": "x",
			"is_multi_region": true,
			"status": {"is_logging": false},
		}
	}
	snapshot := fixtures.with_value(["trails"], object.union(fixtures.compliant.trails, extra))
	broken := json.patch(snapshot, [{"op": "add", "path": ["trails", trail, "status", "is_logging"], "value": false}])
	status("cloudtrail_changes", broken) == "FAIL"
	endswith(message("cloudtrail_changes", broken), "; and 4 more")
}

test_unknown_when_log_group_arn_is_not_an_arn if {
	snapshot := fixtures.with_value(["trails", trail, "cloudwatch_logs_log_group_arn"], "aws-cloudtrail-logs")
	status("cloudtrail_changes", snapshot) == "UNKNOWN"
}

test_fail_when_filter_has_no_metric_transformation if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["log_groups", lg, "metric_filters", 0, "metric_transformations"]},
	])
	status("cloudtrail_changes", snapshot) == "FAIL"
}

# _columns is a literal for speed: it must stay equal to what requirements say.
test_columns_match_requirements if {
	derived := {kind: {["eventSource"]: {req.source}, ["eventName"]: {name | some name in req.names}} |
		some kind, req in alarms.requirements
	}
	alarms._columns == derived
}

# _column_paths must be the paths of every kind's columns.
test_column_paths_match_columns if {
	every _, columns in alarms._columns {
		object.keys(columns) == alarms._column_paths
	}
}

# _all_columns is a literal for speed: it must stay equal to the union of
# every kind's columns.
test_all_columns_match_columns if {
	alarms._all_columns == {path[0]: union({columns[path] | some columns in alarms._columns}) |
		some path in alarms._column_paths
	}
}

# _columns_by_paths is a literal for speed: it must stay equal to _columns
# restricted to every non-empty set of its paths.
test_columns_by_paths_match_columns if {
	subsets := {{["eventSource"]}, {["eventName"]}, {["eventSource"], ["eventName"]}}
	object.keys(alarms._columns_by_paths) == subsets
	every paths in subsets {
		alarms._columns_by_paths[paths] == {kind: object.filter(columns, paths) | some kind, columns in alarms._columns}
	}
	union(subsets) == alarms._column_paths
}

# --- A metric filter only sees what the trail records ---

classic(sel) := fixtures.patched([
	{"op": "remove", "path": ["trails", trail, "advanced_event_selectors"]},
	{"op": "add", "path": ["trails", trail, "event_selectors"], "value": [sel]},
])

advanced(field_selectors) := fixtures.with_value(
	["trails", trail, "advanced_event_selectors"],
	[{"name": "m", "field_selectors": field_selectors}],
)

# delivery_cases(cases) checks each case: the finding of c.kind on c.snapshot
# has c.status and a message containing c.says.
delivery_cases(cases) if {
	every name, c in cases {
		f := alarms.finding(c.kind) with input as c.snapshot
		print(name, f.message)
		f.status == c.status
		f.resource == "111122223333"
		contains(f.message, c.says)
	}
}

test_classic_selectors_decide_what_reaches_the_log_group if {
	delivery_cases({
		"classic all management events": {
			"snapshot": classic({"read_write_type": "All", "include_management_events": true}),
			"kind": "kms_key_deletion",
			"status": "PASS",
			"says": "an alarm notifies subscribers",
		},
		"classic write-only": {
			"snapshot": classic({"read_write_type": "WriteOnly", "include_management_events": true}),
			"kind": "kms_key_deletion",
			"status": "PASS",
			"says": "an alarm notifies subscribers",
		},
		"classic read-only": {
			"snapshot": classic({"read_write_type": "ReadOnly", "include_management_events": true}),
			"kind": "cloudtrail_changes",
			"status": "FAIL",
			"says": sprintf(
				concat(" ", [
					"trail %s does not record the events of CloudTrail configuration changes: it records only read-only",
					"management events, so no metric filter on its log group can match them",
				]),
				[trail],
			),
		},
		"classic no management events": {
			"snapshot": classic({"read_write_type": "All", "include_management_events": false}),
			"kind": "bucket_policy_changes",
			"status": "FAIL",
			"says": "it records no management events",
		},
		"classic excludes KMS": {
			"snapshot": classic({
				"read_write_type": "All",
				"include_management_events": true,
				"exclude_management_event_sources": ["kms.amazonaws.com"],
			}),
			"kind": "kms_key_deletion",
			"status": "FAIL",
			"says": concat(" ", [
				"its event selectors exclude kms.amazonaws.com (kms.amazonaws.com DisableKey, kms.amazonaws.com",
				"ScheduleKeyDeletion)",
			]),
		},
		"classic excluding KMS still sees CloudTrail changes": {
			"snapshot": classic({
				"read_write_type": "All",
				"include_management_events": true,
				"exclude_management_event_sources": ["kms.amazonaws.com"],
			}),
			"kind": "cloudtrail_changes",
			"status": "PASS",
			"says": "an alarm notifies subscribers",
		},
	})
}

test_advanced_selectors_decide_what_reaches_the_log_group if {
	delivery_cases({
		"advanced read-only": {
			"snapshot": advanced([
				{"field": "eventCategory", "equals": ["Management"]},
				{"field": "readOnly", "equals": ["true"]},
			]),
			"kind": "cloudtrail_changes",
			"status": "FAIL",
			"says": "it records only read-only management events",
		},
		"advanced write-only": {
			"snapshot": advanced([
				{"field": "eventCategory", "equals": ["Management"]},
				{"field": "readOnly", "equals": ["false"]},
			]),
			"kind": "cloudtrail_changes",
			"status": "PASS",
			"says": "an alarm notifies subscribers",
		},
		"advanced excludes KMS": {
			"snapshot": advanced([
				{"field": "eventCategory", "equals": ["Management"]},
				{"field": "eventSource", "not_equals": ["kms.amazonaws.com"]},
			]),
			"kind": "kms_key_deletion",
			"status": "FAIL",
			"says": "its event selectors filter out kms.amazonaws.com DisableKey, kms.amazonaws.com ScheduleKeyDeletion",
		},
		"advanced excludes KMS, S3 still recorded": {
			"snapshot": advanced([
				{"field": "eventCategory", "equals": ["Management"]},
				{"field": "eventSource", "not_equals": ["kms.amazonaws.com"]},
			]),
			"kind": "bucket_policy_changes",
			"status": "PASS",
			"says": "an alarm notifies subscribers",
		},
		"advanced data events only": {
			"snapshot": advanced([
				{"field": "eventCategory", "equals": ["Data"]},
				{"field": "resources.type", "equals": ["AWS::S3::Object"]},
			]),
			"kind": "cloudtrail_changes",
			"status": "FAIL",
			"says": "it records no management events",
		},
		"advanced unknown field": {
			"snapshot": advanced([
				{"field": "eventCategory", "equals": ["Management"]},
				{"field": "userIdentity.arn", "not_starts_with": ["arn:aws:iam::111122223333:role/x"]},
			]),
			"kind": "cloudtrail_changes",
			"status": "FAIL",
			"says": "its event selectors filter out cloudtrail.amazonaws.com CreateTrail",
		},
	})
}

test_unknown_when_selectors_not_collected if {
	delivery_cases({
		"selectors not collected": {
			"snapshot": fixtures.patched([
				{"op": "remove", "path": ["trails", trail, "advanced_event_selectors"]},
				{
					"op": "add",
					"path": ["errors", "-"],
					"value": {"service": "cloudtrail", "operation": "GetEventSelectors", "resource": trail, "code": "AccessDenied"},
				},
			]),
			"kind": "kms_key_deletion", "status": "UNKNOWN", "says": sprintf(
				"the event selectors of %s could not be read (cloudtrail GetEventSelectors: AccessDenied)",
				[trail],
			),
		},
	})
}

# --- An alarm that cannot fire on one matching event does not alarm ---

alarm_patched(changes) := fixtures.patched([{"op": "add", "path": ["alarms", trail_alarm, k], "value": v} |
	some k, v in changes
])

# fire_cases(cases) checks each case: with the CloudTrail changes alarm
# patched with c.changes, the finding has c.status and a message containing c.says.
fire_cases(cases) if {
	every name, c in cases {
		f := alarms.finding("cloudtrail_changes") with input as alarm_patched(c.changes)
		print(name, f.message)
		f.status == c.status
		f.resource == "111122223333"
		contains(f.message, c.says)
	}
}

test_alarms_that_fire_on_one_event if {
	fire_cases({
		"Sum >= 1": {
			"changes": {},
			"status": "PASS",
			"says": "alarm arn:aws:cloudwatch:us-east-1:111122223333:alarm:cis-cloudtrail-config-changes -> SNS topic",
		},
		"Sum > 0": {
			"changes": {"comparison_operator": "GreaterThanThreshold", "threshold": 0},
			"status": "PASS",
			"says": "-> SNS topic",
		},
		"SampleCount >= 1": {"changes": {"statistic": "SampleCount"}, "status": "PASS", "says": "-> SNS topic"},
		"Average >= 1, no default": {"changes": {"statistic": "Average"}, "status": "PASS", "says": "-> SNS topic"},
		"3 of 5 datapoints": {
			"changes": {"evaluation_periods": 5, "datapoints_to_alarm": 1},
			"status": "PASS",
			"says": "-> SNS topic",
		},
	})
}

test_alarms_that_cannot_fire_on_one_event if {
	fire_cases({
		"threshold 1,000,000": {
			"changes": {"comparison_operator": "GreaterThanThreshold", "threshold": 1000000},
			"status": "FAIL",
			"says": sprintf(
				concat(" ", [
					"no alarm on the metric of filter 'CloudTrailConfigChanges' (CISBenchmark/CloudTrailConfigChangeCount)",
					"notifies an SNS topic on a single matching event: alarm %s fires only when Sum is > 1000000, but one",
					"matching event makes it 1",
				]),
				[trail_alarm],
			),
		},
		"Sum > 1": {
			"changes": {"comparison_operator": "GreaterThanThreshold"},
			"status": "FAIL",
			"says": "fires only when Sum is > 1, but one matching event makes it 1",
		},
		"less than": {
			"changes": {"comparison_operator": "LessThanThreshold"},
			"status": "FAIL",
			"says": "fires when the metric is < 1: a matching event raises the metric, it never lowers it",
		},
		"needs 3 periods": {
			"changes": {"evaluation_periods": 3},
			"status": "FAIL",
			"says": "needs 3 breaching periods to fire: a single matching event breaches one",
		},
		"needs 2 of 3": {
			"changes": {"evaluation_periods": 3, "datapoints_to_alarm": 2},
			"status": "FAIL",
			"says": "needs 2 breaching periods",
		},
	})
}

test_unknown_when_firing_cannot_be_judged if {
	fire_cases({
		"threshold not collected": {
			"changes": {"threshold": null},
			"status": "UNKNOWN",
			"says": "its statistic, comparison, threshold or evaluation periods were not collected",
		},
		"percentile": {
			"changes": {"statistic": "p99"},
			"status": "UNKNOWN",
			"says": "the value one event gives its statistic p99 is unknown",
		},
		"anomaly band": {
			"changes": {"comparison_operator": "LessThanLowerOrGreaterThanUpperThreshold"},
			"status": "UNKNOWN",
			"says": "uses comparison LessThanLowerOrGreaterThanUpperThreshold",
		},
	})
}

test_metric_value_decides_whether_one_event_crosses if {
	big := fixtures.patched([
		{"op": "add", "path": ["alarms", trail_alarm, "threshold"], "value": 10},
		{
			"op": "replace",
			"path": ["log_groups", lg, "metric_filters", 0, "metric_transformations", 0, "metric_value"],
			"value": "10",
		},
	])
	status("cloudtrail_changes", big) == "PASS"
	from_event := fixtures.with_value(
		["log_groups", lg, "metric_filters", 0, "metric_transformations", 0, "metric_value"],
		"$.requestParameters.count",
	)
	status("cloudtrail_changes", from_event) == "UNKNOWN"
	contains(message("cloudtrail_changes", from_event), "metric filter value '$.requestParameters.count'")
	diluted := fixtures.patched([
		{"op": "add", "path": ["alarms", trail_alarm, "statistic"], "value": "Average"},
		{
			"op": "add",
			"path": ["log_groups", lg, "metric_filters", 0, "metric_transformations", 0, "default_value"],
			"value": 0,
		},
	])
	status("cloudtrail_changes", diluted) == "UNKNOWN"
	contains(message("cloudtrail_changes", diluted), "default value 0")
}

test_firing_alarm_wins_over_one_that_cannot if {
	other := "arn:aws:cloudwatch:us-east-1:111122223333:alarm:never"
	snapshot := fixtures.patched([
		{
			"op": "add",
			"path": ["alarms", other],
			"value": object.union(fixtures.compliant.alarms[trail_alarm], {"arn": other, "threshold": 1000000}),
		},
	])
	status("cloudtrail_changes", snapshot) == "PASS"
	not contains(message("cloudtrail_changes", snapshot), other)
}

# _fires tests the conditions of fire's PASS directly (the chains use it):
# both must agree on every kind of alarm and metric value, including those
# fire judges FAIL or UNKNOWN.
test_fires_agrees_with_fire if {
	base := object.remove(fixtures.compliant.alarms[trail_alarm], ["threshold", "evaluation_periods"])
	alarms_ := [object.union_n([base, {"statistic": stat, "comparison_operator": op}, extra, periods]) |
		some stat in ["Sum", "SampleCount", "Average", "Minimum", "Maximum", "p99", "", null]
		some op in [
			"GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
			"LessThanLowerOrGreaterThanUpperThreshold", "", null,
		]
		some extra in [{"threshold": 1}, {"threshold": 10}, {"threshold": 0.5}, {}]
		some periods in [
			{"evaluation_periods": 1}, {"evaluation_periods": 3},
			{"evaluation_periods": 3, "datapoints_to_alarm": 1}, {"evaluation_periods": 1, "datapoints_to_alarm": 2},
			{},
		]
	]
	transformations := [object.union({"metric_name": "M", "metric_namespace": "N", "metric_value": v}, d) |
		some v in ["1", "10", " 2.5 ", "$.requestParameters.count"]
		some d in [{}, {"default_value": 0}]
	]
	count(alarms_) * count(transformations) == 7680
	every a in alarms_ {
		every t in transformations {
			fires_says(a, t) == fire_says(a, t)
		}
	}

	# Some of them fire, some do not.
	some a in alarms_
	fires_says(a, transformations[0])
	some b in alarms_
	not fires_says(b, transformations[0])
}

# fires_says(a, t) is _fires of alarm a, fire_says(a, t) whether fire is PASS.
fires_says(a, t) if {
	alarms._fires(a.arn, t) with input.alarms as {a.arn: a}
} else := false

fire_says(a, t) if {
	alarms.fire(a, t).status == "PASS"
} else := false
