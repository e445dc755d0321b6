package trailguard.checks.bucket_public_access_block_test

import data.trailguard.checks.bucket_public_access_block.findings
import data.trailguard.fixtures

bucket := fixtures.bucket_name

bucket_level := ["buckets", bucket, "public_access_block"]

account_level := ["s3_account_public_access_block"]

all_off := {
	"block_public_acls": false,
	"ignore_public_acls": false,
	"block_public_policy": false,
	"restrict_public_buckets": false,
}

only_finding(snapshot) := f if {
	[f] := [f | some f in findings] with input as snapshot
}

test_pass_when_all_settings_on_at_both_levels if {
	f := only_finding(fixtures.compliant)
	f.status == "PASS"
	f.resource == fixtures.bucket_arn
	f.message == "all four Block Public Access settings are on (at the bucket or its account)"
}

test_pass_when_only_the_account_blocks_public_access if {
	f := only_finding(fixtures.with_value(bucket_level, all_off))
	f.status == "PASS"
	f.resource == fixtures.bucket_arn
	f.message == "all four Block Public Access settings are on (at the bucket or its account)"
}

test_pass_when_only_the_bucket_blocks_public_access if {
	f := only_finding(fixtures.with_value(account_level, all_off))
	f.status == "PASS"
	f.resource == fixtures.bucket_arn
	f.message == "all four Block Public Access settings are on (at the bucket or its account)"
}

test_pass_when_each_setting_is_on_at_one_level if {
	snapshot := fixtures.patched([
		{
			"op": "replace",
			"path": bucket_level,
			"value": {
				"block_public_acls": true,
				"ignore_public_acls": true,
				"block_public_policy": false,
				"restrict_public_buckets": false,
			},
		},
		{
			"op": "replace",
			"path": account_level,
			"value": {
				"block_public_acls": false,
				"ignore_public_acls": false,
				"block_public_policy": true,
				"restrict_public_buckets": true,
			},
		},
	])
	only_finding(snapshot).status == "PASS"
}

test_fail_lists_every_setting_off_at_both_levels if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": bucket_level, "value": object.union(all_off, {"block_public_acls": true})},
		{"op": "replace", "path": account_level, "value": all_off},
	])
	f := only_finding(snapshot)
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"Block Public Access BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets off at both the bucket and",
		"the account",
	])
}

test_fail_even_when_another_setting_is_unknown if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": bucket_level, "value": {"block_public_acls": false}},
		{"op": "replace", "path": account_level, "value": {"block_public_acls": false}},
	])
	f := only_finding(snapshot)
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == "Block Public Access BlockPublicAcls off at both the bucket and the account"
}

test_unknown_when_account_level_not_read if {
	snapshot := fixtures.patched([
		{
			"op": "replace",
			"path": bucket_level,
			"value": object.union(all_off, {"block_public_acls": true, "ignore_public_acls": true}),
		},
		{"op": "remove", "path": account_level},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {
				"service": "s3control",
				"operation": "GetPublicAccessBlock",
				"resource": "111122223333",
				"code": "AccessDenied",
			},
		},
	])
	f := only_finding(snapshot)
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"BlockPublicPolicy, RestrictPublicBuckets not on at the bucket, and the account-level Block Public Access",
		"configuration could not be read (s3control GetPublicAccessBlock: AccessDenied)",
	])
}

test_unknown_when_bucket_level_not_read_and_account_level_off if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": bucket_level},
		{"op": "replace", "path": account_level, "value": all_off},
	])
	f := only_finding(snapshot)
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets not on at the bucket, and the",
		"bucket-level Block Public Access configuration of bucket aws-cloudtrail-logs-111122223333-a1b2c3d4 could",
		"not be read (not collected)",
	])
}

test_pass_when_bucket_level_not_read_but_account_blocks_all if {
	only_finding(fixtures.without(bucket_level)).status == "PASS"
}

test_account_level_does_not_count_for_a_bucket_in_another_account if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": bucket_level, "value": all_off},
		{"op": "replace", "path": ["buckets", bucket, "owner_account_id"], "value": "999988887777"},
	])
	f := only_finding(snapshot)
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets not on at the bucket, and the",
		"bucket is owned by account 999988887777, whose account-level Block Public Access configuration is not in",
		"the snapshot",
	])
}

test_account_level_does_not_count_when_bucket_owner_unknown if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": bucket_level, "value": all_off},
		{"op": "remove", "path": ["buckets", bucket, "owner_account_id"]},
	])
	f := only_finding(snapshot)
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets not on at the bucket, and the",
		"bucket's owner account is unknown, so the audited account's Block Public Access configuration may not",
		"apply to it",
	])
}

test_unknown_when_bucket_not_collected if {
	snapshot := fixtures.without(["buckets", bucket])
	f := only_finding(snapshot)
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == sprintf(
		"bucket %s is not in the snapshot (not collected): its configuration cannot be checked",
		[fixtures.bucket_name],
	)
}
