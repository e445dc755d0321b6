package trailguard.checks.multi_region_trail_test

import data.trailguard.checks.multi_region_trail.findings
import data.trailguard.fixtures

trail := fixtures.compliant.trails[fixtures.trail_arn]

statuses(snapshot) := {f.status | some f in fs} if {
	fs := findings with input as snapshot
}

only(snapshot) := f if {
	fs := findings with input as snapshot
	count(fs) == 1
	some f in fs
}

member_account := "444455556666"

org_trail_arn := "arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail"

# An organization trail as a member account sees it: owned by the management account.
org_trail := object.union(trail, {
	"arn": org_trail_arn,
	"name": "org-trail",
	"owner_account_id": "999988887777",
	"is_organization_trail": true,
})

test_pass_with_multi_region_trail_logging_all_management_events if {
	f := only(fixtures.compliant)
	f.status == "PASS"
	f.resource == "111122223333"
	f.region == ""
	contains(f.message, fixtures.trail_arn)
}

test_fail_when_trail_is_single_region if {
	f := only(fixtures.with_value(["trails", fixtures.trail_arn, "is_multi_region"], false))
	f.status == "FAIL"
	contains(f.message, "is not multi-region")
}

test_fail_when_trail_stopped if {
	f := only(fixtures.with_value(["trails", fixtures.trail_arn, "status", "is_logging"], false))
	f.status == "FAIL"
	contains(f.message, "is not logging")
}

test_fail_when_no_trail_exists if {
	f := only(fixtures.with_value(["trails"], {}))
	f.status == "FAIL"
	contains(f.message, "no trail exists")
}

test_fail_when_only_write_management_events if {
	snapshot := fixtures.with_value(["trails", fixtures.trail_arn, "advanced_event_selectors"], [{
		"name": "Write-only management events",
		"field_selectors": [
			{"field": "eventCategory", "equals": ["Management"]},
			{"field": "readOnly", "equals": ["false"]},
		],
	}])
	f := only(snapshot)
	f.status == "FAIL"
	contains(f.message, "does not record all read and write management events")
}

test_fail_when_kms_events_excluded if {
	snapshot := fixtures.with_value(["trails", fixtures.trail_arn, "advanced_event_selectors"], [{
		"name": "Management events",
		"field_selectors": [
			{"field": "eventCategory", "equals": ["Management"]},
			{"field": "eventSource", "not_equals": ["kms.amazonaws.com"]},
		],
	}])
	statuses(snapshot) == {"FAIL"}
}

test_fail_when_classic_read_only_plus_write_only if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["trails", fixtures.trail_arn, "advanced_event_selectors"]},
		{"op": "add", "path": ["trails", fixtures.trail_arn, "event_selectors"], "value": [
			{"read_write_type": "ReadOnly", "include_management_events": true},
			{"read_write_type": "WriteOnly", "include_management_events": true},
		]},
	])
	statuses(snapshot) == {"FAIL"}
}

test_pass_with_classic_all_selector if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["trails", fixtures.trail_arn, "advanced_event_selectors"]},
		{"op": "add", "path": ["trails", fixtures.trail_arn, "event_selectors"], "value": [
			{"read_write_type": "All", "include_management_events": true, "exclude_management_event_sources": []},
		]},
	])
	statuses(snapshot) == {"PASS"}
}

test_pass_with_organization_trail_seen_from_member_account if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["account_id"], "value": member_account},
		{"op": "replace", "path": ["trails"], "value": {org_trail_arn: org_trail}},
	])
	f := only(snapshot)
	f.status == "PASS"
	f.resource == member_account
	contains(f.message, "organization trail owned by account 999988887777")
}

test_one_good_trail_is_enough if {
	regional := object.union(trail, {
		"arn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/local",
		"is_multi_region": false,
	})
	snapshot := fixtures.with_value(["trails", regional.arn], regional)
	statuses(snapshot) == {"PASS"}
}

test_unknown_when_status_not_collected if {
	f := only(fixtures.without(["trails", fixtures.trail_arn, "status"]))
	f.status == "UNKNOWN"
	contains(f.message, "logging status")
}

test_unknown_when_selectors_not_collected if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["trails", fixtures.trail_arn, "advanced_event_selectors"]},
		{"op": "add", "path": ["errors"], "value": [{
			"service": "cloudtrail", "operation": "GetEventSelectors", "region": "us-east-1",
			"resource": fixtures.trail_arn, "code": "AccessDeniedException",
		}]},
	])
	f := only(snapshot)
	f.status == "UNKNOWN"
	contains(f.message, "event selectors")
	contains(f.message, "GetEventSelectors: AccessDeniedException")
}

test_unknown_when_org_trail_status_unreadable_from_member if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["account_id"], "value": member_account},
		{"op": "replace", "path": ["trails"], "value": {org_trail_arn: json.remove(org_trail, ["status"])}},
	])
	statuses(snapshot) == {"UNKNOWN"}
}

test_fail_not_unknown_when_missing_data_cannot_help if {
	# The status is unknown, but the trail is single-region: it cannot qualify.
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["trails", fixtures.trail_arn, "status"]},
		{"op": "replace", "path": ["trails", fixtures.trail_arn, "is_multi_region"], "value": false},
	])
	statuses(snapshot) == {"FAIL"}
}

test_unknown_when_trail_list_incomplete if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["trails"], "value": {}},
		{"op": "add", "path": ["errors"], "value": [{
			"service": "cloudtrail", "operation": "DescribeTrails",
			"region": "eu-west-1", "code": "AccessDenied",
		}]},
	])
	f := only(snapshot)
	f.status == "UNKNOWN"
	contains(f.message, "DescribeTrails")
}

test_fail_message_lists_at_most_five_trails if {
	trails := {arn: t |
		some i in numbers.range(1, 7)
		arn := sprintf("arn:aws:cloudtrail:us-east-1:111122223333:trail/t%d", [i])
		t := object.union(trail, {"arn": arn, "is_multi_region": false})
	}
	f := only(fixtures.with_value(["trails"], trails))
	f.status == "FAIL"
	contains(f.message, "and 2 more")
}

test_unknown_when_multi_region_setting_not_collected if {
	f := only(fixtures.without(["trails", fixtures.trail_arn, "is_multi_region"]))
	f.status == "UNKNOWN"
	contains(f.message, "multi-region setting")
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
		"trail <trail> is multi-region, logging and records all read and write management events",
	])},
	"single-region trail": {"snapshot": single_region, "status": "FAIL", "message": concat("", [
		"no trail is multi-region, logging and recording all read and write management events: ",
		"trail <trail> is not multi-region",
	])},
	"no trail": {"snapshot": no_trail, "status": "FAIL", "message": concat("", [
		"no trail exists: API activity in this account is not recorded",
	])},
	"status not read": {"snapshot": unread_status, "status": "UNKNOWN", "message": concat("", [
		"no trail is known to be multi-region, logging and recording all management events: ",
		"logging status of <trail> could not be read (not collected)",
	])},
	"trail list incomplete": {"snapshot": list_incomplete, "status": "UNKNOWN", "message": concat("", [
		"no collected trail is multi-region, logging and recording all management events, ",
		"but the list of trails may be incomplete (the collection was interrupted)",
	])},
}
