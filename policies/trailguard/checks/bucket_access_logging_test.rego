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
	f.resource == fixtures.bucket_arn
	f.message == "server access logging is enabled, with bucket s3-access-logs-111122223333-us-east-1 as its target"
}

test_fail_when_access_logging_disabled if {
	f := only_finding(fixtures.with_value(logging, {"enabled": false}))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == "server access logging is disabled: reads and deletions of log files leave no trace"
}

test_fail_when_bucket_logs_to_itself if {
	f := only_finding(fixtures.with_value(array.concat(logging, ["target_bucket"]), fixtures.bucket_name))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == "server access logs are delivered to the log bucket itself: use a separate access-log bucket"
}

test_fail_when_bucket_logs_to_itself_by_arn if {
	f := only_finding(fixtures.with_value(
		array.concat(logging, ["target_bucket"]),
		"arn:aws:s3:::AWS-CloudTrail-Logs-111122223333-a1b2c3d4",
	))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == "server access logs are delivered to the log bucket itself: use a separate access-log bucket"
}

test_unknown_when_logging_not_read if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": logging},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {
				"service": "s3",
				"operation": "GetBucketLogging",
				"resource": fixtures.bucket_name,
				"code": "AccessDenied",
			},
		},
	])
	f := only_finding(snapshot)
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == sprintf(
		"the server access logging configuration of bucket %s could not be read (s3 GetBucketLogging: AccessDenied)",
		[fixtures.bucket_name],
	)
}

test_unknown_when_target_bucket_missing if {
	f := only_finding(fixtures.with_value(logging, {"enabled": true}))
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == sprintf(
		"the server access logging target bucket of bucket %s could not be read (not collected)",
		[fixtures.bucket_name],
	)
}

test_unknown_when_bucket_not_collected if {
	f := only_finding(fixtures.without(["buckets", fixtures.bucket_name]))
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == sprintf(
		"bucket %s is not in the snapshot (not collected): its configuration cannot be checked",
		[fixtures.bucket_name],
	)
}
