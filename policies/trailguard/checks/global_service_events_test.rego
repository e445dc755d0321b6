package trailguard.checks.global_service_events_test

import data.trailguard.checks.global_service_events.findings
import data.trailguard.fixtures

only(snapshot) := f if {
	fs := findings with input as snapshot
	count(fs) == 1
	some f in fs
}

path(field) := ["trails", fixtures.trail_arn, field]

test_pass_when_multi_region_trail_includes_global_events if {
	f := only(fixtures.compliant)
	f.status == "PASS"
	f.resource == "111122223333"
	contains(f.message, fixtures.trail_arn)
}

test_fail_when_global_service_events_excluded if {
	f := only(fixtures.with_value(path("include_global_service_events"), false))
	f.status == "FAIL"
	contains(f.message, "does not include global service events")
}

test_fail_when_trail_is_single_region if {
	only(fixtures.with_value(path("is_multi_region"), false)).status == "FAIL"
}

test_fail_when_trail_stopped if {
	only(fixtures.with_value(["trails", fixtures.trail_arn, "status", "is_logging"], false)).status == "FAIL"
}

test_fail_when_trail_records_only_data_events if {
	snapshot := fixtures.with_value(path("advanced_event_selectors"), [{
		"name": "S3 only",
		"field_selectors": [
			{"field": "eventCategory", "equals": ["Data"]},
			{"field": "resources.type", "equals": ["AWS::S3::Object"]},
		],
	}])
	f := only(snapshot)
	f.status == "FAIL"
	contains(f.message, "records no management events")
}

test_pass_when_only_write_management_events if {
	# Write-only management events still record IAM changes.
	snapshot := fixtures.with_value(path("advanced_event_selectors"), [{
		"name": "write",
		"field_selectors": [
			{"field": "eventCategory", "equals": ["Management"]},
			{"field": "readOnly", "equals": ["false"]},
		],
	}])
	only(snapshot).status == "PASS"
}

test_fail_when_no_trail if {
	f := only(fixtures.with_value(["trails"], {}))
	f.status == "FAIL"
	contains(f.message, "no trail exists")
}

test_unknown_when_setting_not_collected if {
	f := only(fixtures.without(path("include_global_service_events")))
	f.status == "UNKNOWN"
	contains(f.message, "global service events setting")
}

test_unknown_when_status_not_collected if {
	only(fixtures.without(path("status"))).status == "UNKNOWN"
}

test_unknown_when_trail_list_incomplete if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": path("include_global_service_events"), "value": false},
		{"op": "replace", "path": ["complete"], "value": false},
	])
	only(snapshot).status == "UNKNOWN"
}

test_pass_with_organization_trail_seen_from_member_account if {
	f := only(fixtures.with_value(["account_id"], "444455556666"))
	f.status == "PASS"
	contains(f.message, "organization trail owned by account 111122223333")
}

test_unknown_when_multi_region_setting_and_selectors_not_collected if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": path("is_multi_region")},
		{"op": "remove", "path": path("advanced_event_selectors")},
	])
	f := only(snapshot)
	f.status == "UNKNOWN"
	contains(f.message, "event selectors, multi-region setting")
}

test_fail_message_lists_at_most_five_trails if {
	trails := {arn: t |
		some i in numbers.range(1, 6)
		arn := sprintf("arn:aws:cloudtrail:us-east-1:111122223333:trail/t%d", [i])
		t := object.union(
			fixtures.compliant.trails[fixtures.trail_arn],
			{"arn": arn, "include_global_service_events": false},
		)
	}
	f := only(fixtures.with_value(["trails"], trails))
	f.status == "FAIL"
	contains(f.message, "and 1 more")
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
		"trail <trail> is multi-region, logging and includes global service events (IAM, STS, CloudFront)",
	])},
	"global service events excluded": {
		"snapshot": fixtures.with_value(path("include_global_service_events"), false),
		"status": "FAIL",
		"message": "no trail records global service events: trail <trail> does not include global service events",
	},
	"single-region trail": {"snapshot": single_region, "status": "FAIL", "message": concat("", [
		"no trail records global service events: trail <trail> is not multi-region",
	])},
	"no trail": {"snapshot": no_trail, "status": "FAIL", "message": concat("", [
		"no trail exists: IAM, STS and other global API calls are not recorded",
	])},
	"setting not read": {
		"snapshot": fixtures.without(path("include_global_service_events")),
		"status": "UNKNOWN",
		"message": concat("", [
			"no trail is known to record global service events: ",
			"global service events setting of <trail> could not be read (not collected)",
		]),
	},
	"trail list incomplete": {"snapshot": list_incomplete, "status": "UNKNOWN", "message": concat("", [
		"no collected trail records global service events, ",
		"but the list of trails may be incomplete (the collection was interrupted)",
	])},
}
