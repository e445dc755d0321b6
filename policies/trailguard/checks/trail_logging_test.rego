package trailguard.checks.trail_logging_test

import data.trailguard.checks.trail_logging.findings
import data.trailguard.fixtures

only(snapshot) := f if {
	fs := findings with input as snapshot
	count(fs) == 1
	some f in fs
}

test_pass_when_logging_and_delivering if {
	f := only(fixtures.compliant)
	f.status == "PASS"
	f.resource == fixtures.trail_arn
	f.message == "trail is logging and its latest delivery to S3 (2026-11-25T08:55:12Z) succeeded"
	f.region == "us-east-1"
}

test_fail_when_trail_stopped if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["trails", fixtures.trail_arn, "status", "is_logging"], "value": false},
		{
			"op": "add",
			"path": ["trails", fixtures.trail_arn, "status", "stop_logging_time"],
			"value": "2026-11-24T23:12:00Z",
		},
	])
	f := only(snapshot)
	f.status == "FAIL"
	f.resource == fixtures.trail_arn
	f.message == "trail is stopped since 2026-11-24T23:12:00Z: no events are recorded"
}

test_fail_when_stopped_reports_last_delivery_error if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["trails", fixtures.trail_arn, "status", "is_logging"], "value": false},
		{"op": "add", "path": ["trails", fixtures.trail_arn, "status", "latest_delivery_error"], "value": "AccessDenied"},
	])
	f := only(snapshot)
	f.status == "FAIL"
	f.resource == fixtures.trail_arn
	f.message == "trail is stopped: no events are recorded; its last delivery failed with AccessDenied"
}

test_fail_when_delivery_fails if {
	snapshot := fixtures.with_value(["trails", fixtures.trail_arn, "status", "latest_delivery_error"], "AccessDenied")
	f := only(snapshot)
	f.status == "FAIL"
	f.resource == fixtures.trail_arn
	f.message == concat(" ", [
		"trail is logging but its latest delivery to S3 bucket aws-cloudtrail-logs-111122223333-a1b2c3d4 failed",
		"with AccessDenied: events that cannot be delivered are lost",
	])
}

test_pass_when_delivery_error_is_empty_string if {
	snapshot := fixtures.with_value(["trails", fixtures.trail_arn, "status", "latest_delivery_error"], "")
	only(snapshot).status == "PASS"
}

test_unknown_when_status_not_collected if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["trails", fixtures.trail_arn, "status"]},
		{"op": "add", "path": ["errors"], "value": [{
			"service": "cloudtrail", "operation": "GetTrailStatus", "region": "us-east-1",
			"resource": fixtures.trail_arn, "code": "TrailNotFoundException",
		}]},
	])
	f := only(snapshot)
	f.status == "UNKNOWN"
	f.resource == fixtures.trail_arn
	f.message == sprintf(
		"logging status (GetTrailStatus) of %s could not be read (cloudtrail GetTrailStatus: TrailNotFoundException)",
		[fixtures.trail_arn],
	)
}

test_unknown_when_is_logging_missing if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": fixtures.trail_arn,
		"message": sprintf(
			"logging status (GetTrailStatus) of %s could not be read (not collected)",
			[fixtures.trail_arn],
		),
	} with input as fixtures.without(["trails", fixtures.trail_arn, "status", "is_logging"])
}

# A PASS says only what the status shows.
test_pass_message_names_the_delivery_time_or_says_there_is_none if {
	fs := findings with input as fixtures.compliant
	{f.message |
		some f in fs
	} == {sprintf(
		"trail is logging and its latest delivery to S3 (%s) succeeded",
		[fixtures.compliant.trails[fixtures.trail_arn].status.latest_delivery_time],
	)}
	fs2 := findings with input as fixtures.without(["trails", fixtures.trail_arn, "status", "latest_delivery_time"])
	{[f.status, f.resource, f.message] |
		some f in fs2
	} == {[
		"PASS",
		fixtures.trail_arn,
		"trail is logging and reports no S3 delivery error (no delivery time reported yet)",
	]}
}
