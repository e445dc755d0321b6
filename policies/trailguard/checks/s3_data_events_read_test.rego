package trailguard.checks.s3_data_events_read_test

import data.trailguard.checks.s3_data_events_read.findings
import data.trailguard.fixtures

only(snapshot) := f if {
	fs := findings with input as snapshot
	count(fs) == 1
	some f in fs
}

path(field) := ["trails", fixtures.trail_arn, field]

management := {"name": "Management events", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]}

with_advanced(s3_fields) := fixtures.with_value(path("advanced_event_selectors"), [
	management,
	{"name": "S3", "field_selectors": array.concat(
		[{"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]}],
		s3_fields,
	)},
])

with_classic(rw, values) := fixtures.patched([
	{"op": "remove", "path": path("advanced_event_selectors")},
	{"op": "add", "path": path("event_selectors"), "value": [{
		"read_write_type": rw,
		"include_management_events": true,
		"exclude_management_event_sources": [],
		"data_resources": [{"type": "AWS::S3::Object", "values": values}],
	}]},
])

test_pass_when_all_buckets_logged if {
	f := only(fixtures.compliant)
	f.status == "PASS"
	f.resource == "111122223333"
	f.region == ""
	contains(f.message, fixtures.trail_arn)
}

test_pass_with_advanced_read_only_selector if {
	only(with_advanced([{"field": "readOnly", "equals": ["true"]}])).status == "PASS"
}

test_fail_with_advanced_WriteOnly_selector if {
	f := only(with_advanced([{"field": "readOnly", "equals": ["false"]}]))
	f.status == "FAIL"
	contains(f.message, "does not record S3 object-level read events for all buckets")
}

test_pass_with_classic_all_buckets if {
	only(with_classic("All", ["arn:aws:s3"])).status == "PASS"
	only(with_classic("ReadOnly", ["arn:aws:s3:::"])).status == "PASS"
}

test_fail_with_classic_WriteOnly if {
	only(with_classic("WriteOnly", ["arn:aws:s3:::"])).status == "FAIL"
}

test_fail_when_only_some_buckets_logged if {
	only(with_classic("All", ["arn:aws:s3:::payroll-data/"])).status == "FAIL"
	only(with_advanced([{"field": "resources.ARN", "starts_with": ["arn:aws:s3:::payroll-data/"]}])).status == "FAIL"
}

test_fail_when_a_bucket_is_excluded if {
	only(with_advanced([{"field": "resources.ARN", "not_starts_with": ["arn:aws:s3:::noisy-bucket/"]}])).status == "FAIL"
}

test_fail_when_event_names_restricted if {
	only(with_advanced([{"field": "eventName", "equals": ["PutObject", "GetObject"]}])).status == "FAIL"
}

test_fail_when_no_data_events if {
	only(fixtures.with_value(path("advanced_event_selectors"), [management])).status == "FAIL"
}

test_fail_when_trail_is_single_region if {
	f := only(fixtures.with_value(path("is_multi_region"), false))
	f.status == "FAIL"
	contains(f.message, "is not multi-region")
}

test_fail_when_trail_stopped if {
	only(fixtures.with_value(["trails", fixtures.trail_arn, "status", "is_logging"], false)).status == "FAIL"
}

test_fail_when_no_trail if {
	f := only(fixtures.with_value(["trails"], {}))
	f.status == "FAIL"
	contains(f.message, "no trail exists")
}

test_unknown_when_selectors_not_collected if {
	f := only(fixtures.without(path("advanced_event_selectors")))
	f.status == "UNKNOWN"
	contains(f.message, "event selectors")
}

test_unknown_when_status_not_collected if {
	only(fixtures.without(path("status"))).status == "UNKNOWN"
}

test_unknown_when_trail_list_incomplete if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": path("advanced_event_selectors"), "value": [management]},
		{"op": "add", "path": ["errors"], "value": [{
			"service": "cloudtrail", "operation": "DescribeTrails",
			"region": "eu-west-1", "code": "AccessDenied",
		}]},
	])
	only(snapshot).status == "UNKNOWN"
}

test_pass_with_organization_trail_seen_from_member_account if {
	f := only(fixtures.with_value(["account_id"], "444455556666"))
	f.status == "PASS"
	contains(f.message, "organization trail owned by account 111122223333")
}

test_pass_when_a_second_trail_logs_data_events if {
	second := object.union(
		fixtures.compliant.trails[fixtures.trail_arn],
		{"arn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/data-events"},
	)
	snapshot := fixtures.patched([
		{"op": "replace", "path": path("advanced_event_selectors"), "value": [management]},
		{"op": "add", "path": ["trails", second.arn], "value": second},
	])
	only(snapshot).status == "PASS"
}

test_unknown_when_multi_region_setting_not_collected if {
	f := only(fixtures.without(path("is_multi_region")))
	f.status == "UNKNOWN"
	contains(f.message, "multi-region setting")
}

test_fail_message_lists_at_most_five_trails if {
	trails := {arn: t |
		some i in numbers.range(1, 6)
		arn := sprintf("arn:aws:cloudtrail:us-east-1:111122223333:trail/t%d", [i])
		t := object.union(fixtures.compliant.trails[fixtures.trail_arn], {"arn": arn, "is_multi_region": false})
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
		"trail <trail> is multi-region, logging and records S3 object-level read events for all buckets",
	])},
	"single-region trail": {"snapshot": single_region, "status": "FAIL", "message": concat("", [
		"no trail is multi-region, logging and records S3 object-level read events for all buckets: ",
		"trail <trail> is not multi-region",
	])},
	"no trail": {"snapshot": no_trail, "status": "FAIL", "message": concat("", [
		"no trail exists: S3 object-level read events are not recorded",
	])},
	"status not read": {"snapshot": unread_status, "status": "UNKNOWN", "message": concat("", [
		"no trail is known to be multi-region, logging and record S3 object-level read events for all buckets: ",
		"logging status of <trail> could not be read (not collected)",
	])},
	"trail list incomplete": {"snapshot": list_incomplete, "status": "UNKNOWN", "message": concat("", [
		"no collected trail is multi-region, logging and records S3 object-level read events for all buckets, ",
		"but the list of trails may be incomplete (the collection was interrupted)",
	])},
}
