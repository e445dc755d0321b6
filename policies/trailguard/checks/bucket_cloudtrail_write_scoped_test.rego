package trailguard.checks.bucket_cloudtrail_write_scoped_test

import data.trailguard.checks.bucket_cloudtrail_write_scoped.findings
import data.trailguard.fixtures

bucket := fixtures.bucket_name

policy := ["buckets", bucket, "policy"]

write := ["buckets", bucket, "policy", "document", "Statement", 1]

write_statement := fixtures.compliant.buckets[bucket].policy.document.Statement[1]

# with_write(changes) replaces fields of the AWSCloudTrailWrite statement by those of changes.
with_write(changes) := fixtures.patched([{
	"op": "replace",
	"path": write,
	"value": object.union(object.remove(write_statement, object.keys(changes)), changes),
}])

only_finding(snapshot) := f if {
	[f] := [f | some f in findings] with input as snapshot
}

statuses(snapshot) := s if {
	s := [f.status | some f in findings] with input as snapshot
}

test_pass_when_cloudtrail_write_is_scoped_to_the_trail if {
	f := only_finding(fixtures.compliant)
	f.status == "PASS"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"policy statement 'AWSCloudTrailWrite' lets CloudTrail write only on behalf of the named trails or",
		"accounts",
	])
}

test_pass_for_other_scoping_conditions if {
	variants := [
		{"StringEquals": {"aws:SourceAccount": "111122223333"}},
		{"StringEquals": {"AWS:SourceAccount": ["111122223333", "444455556666"]}},
		{"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:111122223333:trail/*"}},
		{"StringLike": {"aws:SourceArn": ["arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"]}},
		{"StringEquals": {"aws:SourceOrgID": "o-abc123"}},
		{
			"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"},
			"ArnEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail"},
		},
	]
	every condition in variants {
		statuses(with_write({"Condition": condition})) == ["PASS"]
	}
}

test_pass_with_service_principal_array_and_wildcard_action if {
	f := only_finding(with_write({
		"Principal": {"Service": ["config.amazonaws.com", "cloudtrail.amazonaws.com"]},
		"Action": ["s3:Put*"],
	}))
	f.status == "PASS"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"policy statement 'AWSCloudTrailWrite' lets CloudTrail write only on behalf of the named trails or",
		"accounts",
	])
}

test_fail_when_cloudtrail_write_is_unscoped if {
	f := only_finding(with_write({"Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"policy statement 'AWSCloudTrailWrite' lets cloudtrail.amazonaws.com write to the bucket without an",
		"aws:SourceArn or aws:SourceAccount condition: any account's trail could deliver (forged) logs into it",
	])
}

test_fail_for_conditions_that_do_not_scope_the_caller if {
	variants := [
		{"StringLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:*:trail/*"}},
		{"StringLike": {"aws:SourceAccount": "*"}},
		{"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}},
		{"StringNotEquals": {"aws:SourceAccount": "444455556666"}},
	]
	every condition in variants {
		fixtures.one_finding(findings) == {
			"status": "FAIL",
			"resource": fixtures.bucket_arn,
			"message": concat(" ", [
				"policy statement 'AWSCloudTrailWrite' lets cloudtrail.amazonaws.com write to the bucket without an",
				"aws:SourceArn or aws:SourceAccount condition: any account's trail could deliver (forged) logs into it",
			]),
		} with input as with_write({"Condition": condition})
	}
}

test_one_failure_per_unscoped_statement if {
	unscoped := object.union(object.remove(write_statement, ["Condition", "Sid"]), {"Sid": "LegacyWrite"})
	snapshot := fixtures.patched([{
		"op": "add",
		"path": ["buckets", bucket, "policy", "document", "Statement", "-"],
		"value": unscoped,
	}])
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.bucket_arn,
		"message": concat(" ", [
			"policy statement 'LegacyWrite' lets cloudtrail.amazonaws.com write to the bucket without an",
			"aws:SourceArn or aws:SourceAccount condition: any account's trail could deliver (forged) logs into it",
		]),
	} with input as snapshot
}

test_fail_when_no_statement_lets_cloudtrail_write if {
	snapshot := fixtures.patched([{"op": "remove", "path": write}])
	f := only_finding(snapshot)
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"no bucket policy statement grants cloudtrail.amazonaws.com s3:PutObject: CloudTrail cannot deliver logs",
		"to the bucket",
	])
}

test_fail_when_bucket_has_no_policy if {
	f := only_finding(fixtures.with_value(policy, {"exists": false}))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"no bucket policy statement grants cloudtrail.amazonaws.com s3:PutObject: CloudTrail cannot deliver logs",
		"to the bucket",
	])
}

test_unknown_when_policy_not_read if {
	f := only_finding(fixtures.without(policy))
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == "the bucket policy of bucket aws-cloudtrail-logs-111122223333-a1b2c3d4 could not be read (not collected)"
}

test_unknown_when_bucket_not_collected if {
	f := only_finding(fixtures.without(["buckets", bucket]))
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == sprintf(
		"bucket %s is not in the snapshot (not collected): its configuration cannot be checked",
		[fixtures.bucket_name],
	)
}
