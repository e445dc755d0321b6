package trailguard.checks.bucket_not_public_test

import data.trailguard.checks.bucket_not_public.findings
import data.trailguard.fixtures

bucket := fixtures.bucket_name

bucket_arn := sprintf("arn:aws:s3:::%s", [bucket])

statements := ["buckets", bucket, "policy", "document", "Statement"]

with_statement(stmt) := fixtures.patched([{"op": "add", "path": array.concat(statements, ["-"]), "value": stmt}])

statuses(snapshot) := s if {
	s := {f.status | some f in findings} with input as snapshot
}

fails(snapshot) := fs if {
	fs := [f | some f in findings; f.status == "FAIL"] with input as snapshot
}

get_object := {
	"Sid": "PublicRead",
	"Effect": "Allow",
	"Principal": "*",
	"Action": "s3:GetObject",
	"Resource": sprintf("arn:aws:s3:::%s/*", [bucket]),
}

test_pass_for_private_bucket if {
	[f] := [f | some f in findings] with input as fixtures.compliant
	f.status == "PASS"
	f.resource == bucket_arn
	f.region == "us-east-1"
}

test_fail_when_acl_grants_everyone_read if {
	snapshot := fixtures.patched([
		{
			"op": "add",
			"path": ["buckets", bucket, "acl", "grants", "-"],
			"value": {
				"grantee_type": "Group",
				"grantee_uri": "http://acs.amazonaws.com/groups/global/AllUsers",
				"permission": "READ",
			},
		},
		{"op": "add", "path": ["buckets", bucket, "public_access_block", "ignore_public_acls"], "value": false},
		{"op": "add", "path": ["s3_account_public_access_block", "ignore_public_acls"], "value": false},
	])
	[f] := fails(snapshot)
	f.message == "ACL grants READ to AllUsers (everyone)"
	not f.severity
}

test_fail_when_acl_grants_any_aws_account_write if {
	snapshot := fixtures.patched([
		{
			"op": "add",
			"path": ["buckets", bucket, "acl", "grants", "-"],
			"value": {
				"grantee_type": "Group",
				"grantee_uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
				"permission": "WRITE",
			},
		},
		{"op": "remove", "path": ["buckets", bucket, "public_access_block"]},
		{"op": "remove", "path": ["s3_account_public_access_block"]},
	])
	[f] := fails(snapshot)
	f.message == "ACL grants WRITE to AuthenticatedUsers (any AWS account)"
}

test_public_acl_neutralised_by_ignore_public_acls_is_medium if {
	snapshot := fixtures.patched([{
		"op": "add",
		"path": ["buckets", bucket, "acl", "grants", "-"],
		"value": {
			"grantee_type": "Group",
			"grantee_uri": "http://acs.amazonaws.com/groups/global/AllUsers",
			"permission": "READ",
		},
	}])
	[f] := fails(snapshot)
	f.severity == "medium"
	contains(f.message, "neutralised by IgnorePublicAcls")
}

test_log_delivery_group_grant_is_not_public if {
	snapshot := fixtures.patched([{
		"op": "add",
		"path": ["buckets", bucket, "acl", "grants", "-"],
		"value": {
			"grantee_type": "Group",
			"grantee_uri": "http://acs.amazonaws.com/groups/s3/LogDelivery",
			"permission": "WRITE",
		},
	}])
	statuses(snapshot) == {"PASS"}
}

test_fail_when_policy_allows_everyone_to_read_logs if {
	snapshot := json.patch(with_statement(get_object), [
		{"op": "add", "path": ["buckets", bucket, "public_access_block", "restrict_public_buckets"], "value": false},
		{"op": "add", "path": ["s3_account_public_access_block", "restrict_public_buckets"], "value": false},
	])
	[f] := fails(snapshot)
	f.message == concat(" ", [
		"policy statement 'PublicRead' allows s3:GetObject to",
		"Principal * without a condition restricting the caller",
	])
	not f.severity
}

test_fail_when_policy_allows_aws_star_array_actions if {
	stmt := json.patch(get_object, [
		{"op": "add", "path": ["Principal"], "value": {"AWS": ["*"]}},
		{"op": "add", "path": ["Action"], "value": ["s3:PutObject", "s3:GetObject"]},
		{"op": "remove", "path": ["Sid"]},
	])
	[f] := fails(with_statement(stmt))
	contains(f.message, "statement #5 allows s3:GetObject, s3:PutObject to Principal *")
	f.severity == "medium"
}

test_fail_when_policy_is_a_single_statement_object if {
	snapshot := fixtures.with_value(statements, get_object)
	[f] := fails(snapshot)
	contains(f.message, "'PublicRead'")
}

test_fail_when_allow_uses_not_principal if {
	stmt := json.patch(get_object, [
		{"op": "remove", "path": ["Principal"]},
		{"op": "add", "path": ["NotPrincipal"], "value": {"AWS": "arn:aws:iam::111122223333:root"}},
		{"op": "remove", "path": ["Action"]},
		{"op": "add", "path": ["NotAction"], "value": "s3:DeleteBucket"},
	])
	[f] := fails(with_statement(stmt))
	contains(
		f.message,
		"allows every action except s3:DeleteBucket to everyone except NotPrincipal arn:aws:iam::111122223333:root",
	)
}

test_secure_transport_alone_does_not_restrict_the_caller if {
	stmt := object.union(get_object, {"Condition": {"Bool": {"aws:SecureTransport": "true"}}})
	count(fails(with_statement(stmt))) == 1
}

test_each_non_restricting_condition_fails if {
	conditions := [
		{"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}},
		{"StringNotEquals": {"aws:PrincipalAccount": "444455556666"}},
		{"StringLike": {"aws:PrincipalArn": "*"}},
		{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}},
		{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
		{"StringEquals": {"aws:PrincipalOrgID": ["o-abc123", "*"]}},
		{"StringEquals": {"aws:PrincipalOrgID": []}},
		{"ArnLike": {"aws:SourceArn": "arn:*"}},
	]
	every condition in conditions {
		count(fails(with_statement(object.union(get_object, {"Condition": condition})))) == 1
	}
}

test_conditions_that_pin_the_caller_pass if {
	conditions := [
		{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
		{"stringequals": {"AWS:PrincipalAccount": ["111122223333"]}},
		{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}},
		{"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::some-source-bucket"}},
		{"ForAnyValue:StringEquals": {"aws:SourceVpce": ["vpce-1a2b3c4d"]}},
		{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
		{"StringLike": {"aws:userid": "AROAEXAMPLEROLEID:*"}},
		{
			"Bool": {"aws:SecureTransport": "true"},
			"StringEquals": {"aws:SourceAccount": "111122223333"},
		},
	]
	every condition in conditions {
		statuses(with_statement(object.union(get_object, {"Condition": condition}))) == {"PASS"}
	}
}

test_public_deny_statements_are_not_grants if {
	stmt := object.union(get_object, {"Effect": "Deny"})
	statuses(with_statement(stmt)) == {"PASS"}
}

test_fail_when_s3_reports_policy_public if {
	snapshot := fixtures.with_value(["buckets", bucket, "policy_status", "is_public"], true)
	[f] := fails(snapshot)
	contains(f.message, "PolicyStatus.IsPublic")
}

test_policy_status_not_reported_twice if {
	snapshot := json.patch(
		with_statement(get_object),
		[{"op": "add", "path": ["buckets", bucket, "policy_status", "is_public"], "value": true}],
	)
	[f] := fails(snapshot)
	contains(f.message, "'PublicRead'")
}

test_one_finding_per_problem if {
	snapshot := json.patch(
		with_statement(get_object),
		[{
			"op": "add",
			"path": ["buckets", bucket, "acl", "grants", "-"],
			"value": {
				"grantee_type": "Group",
				"grantee_uri": "http://acs.amazonaws.com/groups/global/AllUsers",
				"permission": "READ",
			},
		}],
	)
	count(fails(snapshot)) == 2
	fixtures.reduced_findings(findings) == {
		{
			"status": "FAIL",
			"resource": fixtures.bucket_arn,
			"message": concat(" ", [
				"ACL grants READ to AllUsers (everyone) (currently neutralised by IgnorePublicAcls, but one setting",
				"change from exposure)",
			]),
		},
		{
			"status": "FAIL",
			"resource": fixtures.bucket_arn,
			"message": concat(" ", [
				"policy statement 'PublicRead' allows s3:GetObject to Principal * without a condition restricting the",
				"caller (currently neutralised by RestrictPublicBuckets, but one setting change from exposure)",
			]),
		},
	} with input as snapshot
}

test_unknown_when_acl_not_read if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["buckets", bucket, "acl"]},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {"service": "s3", "operation": "GetBucketAcl", "resource": bucket, "code": "AccessDenied"},
		},
	])
	[f] := [f | some f in findings] with input as snapshot
	f.status == "UNKNOWN"
	f.message == sprintf("the ACL of bucket %s could not be read (s3 GetBucketAcl: AccessDenied)", [bucket])
}

test_unknown_names_every_part_not_read if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["buckets", bucket, "policy"]},
		{"op": "remove", "path": ["buckets", bucket, "policy_status"]},
	])
	[f] := [f | some f in findings] with input as snapshot
	f.status == "UNKNOWN"
	startswith(f.message, "the bucket policy, the policy status of bucket")
	endswith(f.message, "(not collected)")
}

test_unknown_when_policy_document_missing if {
	snapshot := fixtures.without(["buckets", bucket, "policy", "document"])
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": fixtures.bucket_arn,
		"message": sprintf(
			"the bucket policy of bucket %s could not be read (not collected)",
			[fixtures.bucket_name],
		),
	} with input as snapshot
}

test_no_policy_needs_no_policy_status if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["buckets", bucket, "policy"], "value": {"exists": false}},
		{"op": "remove", "path": ["buckets", bucket, "policy_status"]},
	])
	statuses(snapshot) == {"PASS"}
}

test_failure_wins_over_unknown if {
	snapshot := json.patch(with_statement(get_object), [{"op": "remove", "path": ["buckets", bucket, "acl"]}])
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.bucket_arn,
		"message": concat(" ", [
			"policy statement 'PublicRead' allows s3:GetObject to Principal * without a condition restricting the",
			"caller (currently neutralised by RestrictPublicBuckets, but one setting change from exposure)",
		]),
	} with input as snapshot
}

test_unknown_when_org_trail_bucket_lives_in_log_archive_account if {
	snapshot := fixtures.patched([
		{"op": "add", "path": ["trails", fixtures.trail_arn, "owner_account_id"], "value": "999988887777"},
		{"op": "add", "path": ["trails", fixtures.trail_arn, "s3_bucket_name"], "value": "org-cloudtrail-archive"},
	])
	[f] := [f | some f in findings] with input as snapshot
	f.status == "UNKNOWN"
	f.resource == "arn:aws:s3:::org-cloudtrail-archive"
	contains(f.message, "organization trail(s) arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events")
}

test_bucket_that_does_not_exist_is_left_to_tg_ct_004 if {
	snapshot := fixtures.with_value(["buckets", bucket, "exists"], false)
	count(findings) == 0 with input as snapshot
}

test_public_acl_neutralised_at_account_level_is_medium if {
	snapshot := fixtures.patched([
		{
			"op": "add",
			"path": ["buckets", bucket, "acl", "grants", "-"],
			"value": {
				"grantee_type": "Group",
				"grantee_uri": "http://acs.amazonaws.com/groups/global/AllUsers",
				"permission": "READ",
			},
		},
		{"op": "add", "path": ["buckets", bucket, "public_access_block", "ignore_public_acls"], "value": false},
	])
	[f] := fails(snapshot)
	f.severity == "medium"
}

test_fail_when_allow_uses_not_principal_string if {
	stmt := json.patch(get_object, [
		{"op": "remove", "path": ["Principal"]},
		{"op": "add", "path": ["NotPrincipal"], "value": "arn:aws:iam::111122223333:root"},
	])
	[f] := fails(with_statement(stmt))
	contains(f.message, "to everyone except NotPrincipal arn:aws:iam::111122223333:root")
}

test_unknown_when_acl_grants_not_read if {
	snapshot := fixtures.without(["buckets", bucket, "acl", "grants"])
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": fixtures.bucket_arn,
		"message": "the ACL of bucket aws-cloudtrail-logs-111122223333-a1b2c3d4 could not be read (not collected)",
	} with input as snapshot
}

test_unknown_when_group_grantee_not_read if {
	snapshot := fixtures.patched([{
		"op": "add",
		"path": ["buckets", bucket, "acl", "grants", "-"],
		"value": {"grantee_type": "Group", "permission": "READ"},
	}])
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": fixtures.bucket_arn,
		"message": sprintf(
			"the grantee of a group ACL grant of bucket %s could not be read (not collected)",
			[fixtures.bucket_name],
		),
	} with input as snapshot
}
