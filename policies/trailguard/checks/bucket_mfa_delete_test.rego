package trailguard.checks.bucket_mfa_delete_test

import data.trailguard.checks.bucket_mfa_delete.findings
import data.trailguard.fixtures

versioning := ["buckets", fixtures.bucket_name, "versioning"]

only_finding(snapshot) := f if {
	[f] := [f | some f in findings] with input as snapshot
}

test_pass_when_versioning_and_mfa_delete_enabled if {
	f := only_finding(fixtures.compliant)
	f.status == "PASS"
	f.resource == fixtures.bucket_arn
	f.message == "versioning and MFA delete are enabled"
	f.region == "us-east-1"
}

test_fail_when_mfa_delete_disabled if {
	f := only_finding(fixtures.with_value(versioning, {"status": "Enabled", "mfa_delete": "Disabled"}))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"versioning is enabled but MFA delete is not: log file versions can be deleted, and versioning suspended,",
		"without the root user's MFA",
	])
}

test_fail_when_mfa_delete_never_configured if {
	f := only_finding(fixtures.with_value(versioning, {"status": "Enabled", "mfa_delete": ""}))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"versioning is enabled but MFA delete is not: log file versions can be deleted, and versioning suspended,",
		"without the root user's MFA",
	])
}

test_fail_when_versioning_suspended if {
	f := only_finding(fixtures.with_value(versioning, {"status": "Suspended", "mfa_delete": "Enabled"}))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"versioning is suspended, so MFA delete cannot protect the",
		"logs: a deleted or overwritten log file is gone",
	])
}

test_fail_when_versioning_never_enabled if {
	f := only_finding(fixtures.with_value(versioning, {"status": "", "mfa_delete": ""}))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"versioning has never been enabled (status \"\"), so MFA delete cannot protect the logs: a deleted or",
		"overwritten log file is gone",
	])
}

test_unknown_when_versioning_not_read if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": versioning},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {
				"service": "s3",
				"operation": "GetBucketVersioning",
				"resource": "arn:aws:s3:::aws-cloudtrail-logs-111122223333-a1b2c3d4",
				"code": "AccessDenied",
			},
		},
	])
	f := only_finding(snapshot)
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == sprintf(
		"the versioning configuration of bucket %s could not be read (s3 GetBucketVersioning: AccessDenied)",
		[fixtures.bucket_name],
	)
}

test_unknown_when_mfa_delete_not_read if {
	f := only_finding(fixtures.with_value(versioning, {"status": "Enabled"}))
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == sprintf(
		"the MFA delete setting of bucket %s could not be read (not collected)",
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

test_each_shared_bucket_is_reported_once if {
	second := "arn:aws:cloudtrail:eu-west-1:111122223333:trail/data-events"
	snapshot := fixtures.patched([{
		"op": "add",
		"path": ["trails", second],
		"value": object.union(
			fixtures.compliant.trails[fixtures.trail_arn],
			{"arn": second, "name": "data-events", "home_region": "eu-west-1"},
		),
	}])
	f := only_finding(snapshot)
	f.status == "PASS"
	f.resource == fixtures.bucket_arn
	f.message == "versioning and MFA delete are enabled"
}
