package trailguard.checks.bucket_access_logging_test

import data.trailguard.checks.bucket_access_logging.findings
import data.trailguard.fixtures

logging := ["buckets", fixtures.bucket_name, "logging"]

only_finding(snapshot) := f if {
	[f] := [f | some f in findings] with input as snapshot
}

test_pass_when_access_logs_go_to_a_separate_bucket if {
	f := only_finding(fixtures.compliant)
	f.status == "PASS"
	f.message == "server access logging is enabled, with bucket s3-access-logs-111122223333-us-east-1 as its target"
	f.resource == "arn:aws:s3:::aws-cloudtrail-logs-111122223333-a1b2c3d4"
}

test_fail_when_access_logging_disabled if {
	f := only_finding(fixtures.with_value(logging, {"enabled": false}))
	f.status == "FAIL"
	startswith(f.message, "server access logging is disabled")
}

test_fail_when_bucket_logs_to_itself if {
	f := only_finding(fixtures.with_value(array.concat(logging, ["target_bucket"]), fixtures.bucket_name))
	f.status == "FAIL"
	contains(f.message, "the log bucket itself")
}

test_fail_when_bucket_logs_to_itself_by_arn if {
	f := only_finding(fixtures.with_value(array.concat(logging, ["target_bucket"]), "arn:aws:s3:::AWS-CloudTrail-Logs-111122223333-a1b2c3d4"))
	f.status == "FAIL"
}

test_unknown_when_logging_not_read if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": logging},
		{"op": "add", "path": ["errors", "-"], "value": {"service": "s3", "operation": "GetBucketLogging", "resource": fixtures.bucket_name, "code": "AccessDenied"}},
	])
	f := only_finding(snapshot)
	f.status == "UNKNOWN"
	f.message == "the server access logging configuration of bucket aws-cloudtrail-logs-111122223333-a1b2c3d4 could not be read (s3 GetBucketLogging: AccessDenied)"
}

test_unknown_when_target_bucket_missing if {
	f := only_finding(fixtures.with_value(logging, {"enabled": true}))
	f.status == "UNKNOWN"
}

test_unknown_when_bucket_not_collected if {
	f := only_finding(fixtures.without(["buckets", fixtures.bucket_name]))
	f.status == "UNKNOWN"
}
