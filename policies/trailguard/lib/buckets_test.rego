package trailguard.lib.buckets_test

import data.trailguard.fixtures
import data.trailguard.lib.buckets

bucket := fixtures.bucket_name

second_trail := "arn:aws:cloudtrail:eu-west-1:111122223333:trail/data-events"

with_second_trail(changes) := fixtures.patched([{
	"op": "add",
	"path": ["trails", second_trail],
	"value": object.union(
		fixtures.compliant.trails[fixtures.trail_arn],
		object.union({"arn": second_trail, "name": "data-events", "home_region": "eu-west-1"}, changes),
	),
}])

test_trail_buckets_are_deduplicated if {
	buckets.trail_buckets == {bucket} with input as with_second_trail({})
	count(buckets.trails_by_bucket[bucket]) == 2 with input as with_second_trail({})
}

test_trails_without_bucket_name_are_ignored if {
	snapshot := with_second_trail({"s3_bucket_name": ""})
	buckets.trail_buckets == {bucket} with input as snapshot
}

test_arn_uses_the_partition if {
	buckets.arn("logs") == "arn:aws:s3:::logs" with input as fixtures.compliant
	buckets.arn("logs") == "arn:aws-us-gov:s3:::logs" with input as fixtures.with_value(["partition"], "aws-us-gov")
}

test_evaluated_skips_buckets_that_do_not_exist if {
	count(buckets.evaluated) == 1 with input as fixtures.compliant
	count(buckets.evaluated) == 0 with input as fixtures.with_value(["buckets", bucket, "exists"], false)
	count(buckets.not_collected_findings) == 0 with input as fixtures.with_value(["buckets", bucket, "exists"], false)
}

test_why_quotes_errors_by_name_and_arn if {
	snapshot := fixtures.patched([
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {"service": "s3", "operation": "GetBucketPolicy", "resource": bucket, "code": "AccessDenied"},
		},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {
				"service": "s3",
				"operation": "GetBucketAcl",
				"resource": sprintf("arn:aws:s3:::%s", [bucket]),
				"code": "AccessDenied",
			},
		},
	])
	buckets.why(bucket) == "s3 GetBucketAcl: AccessDenied; s3 GetBucketPolicy: AccessDenied" with input as snapshot
	buckets.why(bucket) == "not collected" with input as fixtures.compliant
}

test_not_collected_bucket_is_unknown if {
	[f] := [f | some f in buckets.not_collected_findings] with input as fixtures.without(["buckets", bucket])
	f.status == "UNKNOWN"
	f.resource == sprintf("arn:aws:s3:::%s", [bucket])
	f.region == ""
}

test_policy_statements_accepts_object_or_array if {
	one := {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}
	buckets.policy_statements({"policy": {"exists": true, "document": {"Statement": one}}}) == [one]
	buckets.policy_statements({"policy": {"exists": true, "document": {"Statement": [one]}}}) == [one]
	buckets.policy_statements({"policy": {"exists": false}}) == []
	not buckets.policy_known({"policy": {"exists": true}})
	not buckets.policy_known({})
}

test_public_principal_shapes if {
	buckets.public_principal({"Principal": "*"})
	buckets.public_principal({"Principal": {"AWS": "*"}})
	buckets.public_principal({"Principal": {"AWS": ["arn:aws:iam::111122223333:root", "*"]}})
	not buckets.public_principal({"Principal": {"Service": "cloudtrail.amazonaws.com"}})
	not buckets.public_principal({"Principal": {"AWS": "arn:aws:iam::111122223333:root"}})
}

test_covers_objects if {
	arn := "arn:aws:s3:::logs"
	buckets.covers_objects({"Resource": "*"}, arn)
	buckets.covers_objects({"Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]}, arn)
	buckets.covers_objects({"Resource": "arn:aws:s3:::log*"}, arn)
	buckets.covers_objects({"NotResource": "arn:aws:s3:::other/*"}, arn)
	not buckets.covers_objects({"Resource": "arn:aws:s3:::logs"}, arn)
	not buckets.covers_objects({"Resource": "arn:aws:s3:::logs/AWSLogs/*"}, arn)
}

test_pinned_keys if {
	stmt := {"Condition": {
		"StringEquals": {"aws:SourceAccount": "111122223333", "aws:PrincipalOrgID": "*"},
		"ArnLike": {
			"aws:SourceArn": "arn:aws:cloudtrail:*:111122223333:trail/*",
			"aws:PrincipalArn": "arn:aws:iam::*:role/x",
		},
		"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"},
		"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-1/r-1/*"]},
		"ForAllValues:StringEquals": {"aws:userid": ["AIDA1"]},
		"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "::/0"]},
		"StringNotEquals": {"aws:PrincipalAccount": "444455556666"},
		"Bool": {"aws:SecureTransport": "true"},
	}}
	buckets.pinned_keys(stmt) == {"aws:sourceaccount", "aws:sourcearn", "aws:principalorgpaths"}
}

test_condition_values_as_booleans_or_strings if {
	stmt := {"Condition": {"bool": {"AWS:SecureTransport": false}, "Null": {"s3:x": ["true"]}}}
	buckets.raw_condition_values(stmt, "Bool", "aws:securetransport") == {false}
	buckets.is_false(false)
	buckets.is_false("False")
	buckets.is_true("true")
	buckets.raw_condition_values(stmt, "null", "S3:X") == {"true"}
}

test_label if {
	buckets.label({"Sid": "AllowX"}, 0) == "'AllowX'"
	buckets.label({"Sid": ""}, 2) == "#3"
	buckets.label({}, 0) == "#1"
}

test_wildcard_arns_do_not_pin if {
	not buckets.pinned_keys({"Condition": {"ArnLike": {"aws:SourceArn": "arn:*"}}})["aws:sourcearn"]
	not buckets.pinned_keys({"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket-*"}}})["aws:sourcearn"]
	wildcard_account := {"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:1111?2223333:trail/x"}}}
	not buckets.pinned_keys(wildcard_account)["aws:sourcearn"]
	buckets.pinned_keys({"Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::bucket"}}}) == {"aws:sourcearn"}
}

test_missing_quotes_the_errors_of_the_calls_that_read_the_data if {
	snapshot := fixtures.patched([
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {"service": "s3", "operation": "GetBucketPolicy", "resource": bucket, "code": "AccessDenied"},
		},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {"service": "s3", "operation": "GetBucketVersioning", "resource": bucket, "code": "Throttling"},
		},
	])
	msg := buckets.missing("the bucket policy", bucket, {"GetBucketPolicy"}) with input as snapshot
	msg == sprintf("the bucket policy of bucket %s could not be read (s3 GetBucketPolicy: AccessDenied)", [bucket])
	other := buckets.missing("the ACL", bucket, {"GetBucketAcl"}) with input as snapshot
	endswith(other, "(s3 GetBucketPolicy: AccessDenied; s3 GetBucketVersioning: Throttling)")
}

test_public_denies_keep_deny_statements_for_everyone_on_every_object if {
	snapshot := fixtures.with_value(["buckets", bucket, "policy", "document", "Statement"], [
		{
			"Sid": "NotResourceDeny",
			"Effect": "Deny",
			"Principal": "*",
			"Action": "s3:*",
			"NotResource": "arn:aws:s3:::other/*",
		},
		{
			"Sid": "AccountOnly",
			"Effect": "Deny",
			"Principal": {"AWS": "arn:aws:iam::111122223333:root"},
			"Action": "s3:*",
			"Resource": "*",
		},
		{"Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"},
		{"Sid": "OtherBucket", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::other/*"},
		{
			"Sid": "Objects",
			"Effect": "Deny",
			"Principal": {"AWS": ["*"]},
			"Action": "s3:*",
			"Resource": "arn:aws:s3:::*/*",
			"Condition": {"Bool": {"aws:SecureTransport": [false]}},
		},
	])
	denies := buckets.public_denies[bucket] with input as snapshot
	[d.stmt.Sid | some d in denies] == ["NotResourceDeny", "Objects"]
	denies[1].keys == {"aws:securetransport"}
	count(buckets.policies[bucket]) == 5 with input as snapshot
}

test_policies_only_hold_buckets_whose_policy_was_read if {
	buckets.policies[bucket] == [] with input as fixtures.with_value(["buckets", bucket, "policy"], {"exists": false})
	not buckets.policies[bucket] with input as fixtures.without(["buckets", bucket, "policy", "document"])
}
