package acme.checks.trail_bucket_in_log_archive_test

import data.acme.checks.trail_bucket_in_log_archive.findings
import data.trailguard.fixtures

test_pass_when_bucket_in_log_archive if {
	snapshot := fixtures.with_value(["buckets", fixtures.bucket_name, "owner_account_id"], "999988887777")
	{f.status | some f in findings} == {"PASS"} with input as snapshot
}

test_fail_when_bucket_in_audited_account if {
	{f.status | some f in findings} == {"FAIL"} with input as fixtures.compliant
}

test_unknown_when_bucket_owner_missing if {
	snapshot := fixtures.without(["buckets", fixtures.bucket_name, "owner_account_id"])
	{f.status | some f in findings} == {"UNKNOWN"} with input as snapshot
}
