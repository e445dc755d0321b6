package trailguard.checks.insights_enabled_test

import data.trailguard.checks.insights_enabled.findings
import data.trailguard.fixtures

only(snapshot) := f if {
	fs := findings with input as snapshot
	count(fs) == 1
	some f in fs
}

path(field) := ["trails", fixtures.trail_arn, field]

test_pass_with_call_rate_and_error_rate_insights if {
	f := only(fixtures.compliant)
	f.status == "PASS"
	f.resource == "111122223333"
	contains(f.message, "ApiErrorRateInsight) is on too")
}

test_pass_notes_missing_error_rate_insights if {
	f := only(fixtures.with_value(path("insight_selectors"), [{"insight_type": "ApiCallRateInsight"}]))
	f.status == "PASS"
	contains(f.message, "ApiErrorRateInsight) is off")
}

test_fail_when_insights_off if {
	f := only(fixtures.with_value(path("insight_selectors"), []))
	f.status == "FAIL"
	contains(f.message, "has no ApiCallRateInsight insight selector")
}

test_fail_with_only_error_rate_insights if {
	only(fixtures.with_value(path("insight_selectors"), [{"insight_type": "ApiErrorRateInsight"}])).status == "FAIL"
}

test_fail_when_trail_stopped if {
	f := only(fixtures.with_value(["trails", fixtures.trail_arn, "status", "is_logging"], false))
	f.status == "FAIL"
	contains(f.message, "is not logging")
}

test_fail_when_no_trail if {
	only(fixtures.with_value(["trails"], {})).status == "FAIL"
}

test_unknown_when_insight_selectors_not_collected if {
	f := only(fixtures.without(path("insight_selectors")))
	f.status == "UNKNOWN"
	contains(f.message, "insight selectors")
}

test_unknown_when_status_not_collected if {
	only(fixtures.without(path("status"))).status == "UNKNOWN"
}

test_unknown_when_trail_list_incomplete if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": path("insight_selectors"), "value": []},
		{"op": "replace", "path": ["complete"], "value": false},
	])
	only(snapshot).status == "UNKNOWN"
}

test_pass_with_single_region_trail if {
	# Insights is judged per trail; the trail need not be multi-region.
	only(fixtures.with_value(path("is_multi_region"), false)).status == "PASS"
}

test_pass_with_organization_trail_seen_from_member_account if {
	f := only(fixtures.with_value(["account_id"], "444455556666"))
	f.status == "PASS"
	contains(f.message, "organization trail owned by account 111122223333")
}

test_fail_message_lists_at_most_five_trails if {
	trails := {arn: t |
		some i in numbers.range(1, 6)
		arn := sprintf("arn:aws:cloudtrail:us-east-1:111122223333:trail/t%d", [i])
		t := object.union(fixtures.compliant.trails[fixtures.trail_arn], {"arn": arn, "insight_selectors": []})
	}
	f := only(fixtures.with_value(["trails"], trails))
	f.status == "FAIL"
	contains(f.message, "and 1 more")
}

# write_cases: API call rate Insights measures write management calls, so the
# trail must record them. Each case replaces the trail's event selectors.
write_cases := {
	"advanced read-only": {
		"selectors": {"advanced_event_selectors": [{"field_selectors": [
			{"field": "eventCategory", "equals": ["Management"]},
			{"field": "readOnly", "equals": ["true"]},
		]}]},
		"status": "FAIL",
		"says": concat("", [
			"no trail is logging with API call rate Insights (ApiCallRateInsight): trail <trail> records no write ",
			"management events (API call rate Insights measures write management calls only)",
		]),
	},
	"advanced data events only": {
		"selectors": {"advanced_event_selectors": [{"field_selectors": [
			{"field": "eventCategory", "equals": ["Data"]},
			{"field": "resources.type", "equals": ["AWS::S3::Object"]},
		]}]},
		"status": "FAIL",
		"says": "records no write management events",
	},
	"classic read-only": {
		"selectors": {"event_selectors": [{"read_write_type": "ReadOnly", "include_management_events": true}]},
		"status": "FAIL",
		"says": "records no write management events",
	},
	"classic write-only": {
		"selectors": {"event_selectors": [{"read_write_type": "WriteOnly", "include_management_events": true}]},
		"status": "PASS",
		"says": "trail <trail> is logging write management events with API call rate Insights",
	},
	"advanced writes of some sources": {
		"selectors": {"advanced_event_selectors": [{"field_selectors": [
			{"field": "eventCategory", "equals": ["Management"]},
			{"field": "eventSource", "not_equals": ["kms.amazonaws.com"]},
		]}]},
		"status": "PASS",
		"says": "is logging write management events",
	},
	"selectors not collected": {
		"selectors": {},
		"status": "UNKNOWN",
		"says": "event selectors of <trail> could not be read (not collected)",
	},
}

test_insights_need_write_management_events[note] if {
	some note, c in write_cases
	selectors := [{"op": "add", "path": path(k), "value": v} | some k, v in c.selectors]
	f := only(json.patch(fixtures.without(path("advanced_event_selectors")), selectors))
	f.status == c.status
	f.resource == "111122223333"
	contains(f.message, replace(c.says, "<trail>", fixtures.trail_arn))
}

# exact_cases: the whole finding (status, resource, region and message) for the
# compliant account and for one change to it. (<trail> stands for the trail's ARN.)
test_exact_finding[note] if {
	some note, case in exact_cases
	only(case.snapshot) == {
		"status": case.status,
		"resource": "111122223333",
		"region": "",
		"message": replace(case.message, "<trail>", fixtures.trail_arn),
	}
}

no_trail := fixtures.with_value(["trails"], {})

list_incomplete := fixtures.patched([
	{"op": "replace", "path": ["trails"], "value": {}},
	{"op": "replace", "path": ["complete"], "value": false},
])

unread_status := fixtures.without(["trails", fixtures.trail_arn, "status"])

single_region := fixtures.with_value(["trails", fixtures.trail_arn, "is_multi_region"], false)

exact_cases := {
	"pass": {"snapshot": fixtures.compliant, "status": "PASS", "message": concat("", [
		"trail <trail> is logging write management events with API call rate Insights (ApiCallRateInsight); ",
		"API error rate Insights (ApiErrorRateInsight) is on too",
	])},
	"insights off": {"snapshot": insights_off, "status": "FAIL", "message": concat("", [
		"no trail is logging with API call rate Insights (ApiCallRateInsight): ",
		"trail <trail> has no ApiCallRateInsight insight selector",
	])},
	"no trail": {"snapshot": no_trail, "status": "FAIL", "message": concat("", [
		"no trail exists: unusual API activity is not detected",
	])},
	"insight selectors not read": {"snapshot": unread_insights, "status": "UNKNOWN", "message": concat("", [
		"no trail is known to be logging with API call rate Insights (ApiCallRateInsight): ",
		"insight selectors of <trail> could not be read (not collected)",
	])},
	"trail list incomplete": {"snapshot": list_incomplete, "status": "UNKNOWN", "message": concat("", [
		"no collected trail is logging with API call rate Insights (ApiCallRateInsight), ",
		"but the list of trails may be incomplete (the collection was interrupted)",
	])},
}

insights_off := fixtures.with_value(path("insight_selectors"), [])

unread_insights := fixtures.without(path("insight_selectors"))
