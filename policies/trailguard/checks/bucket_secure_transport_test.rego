package trailguard.checks.bucket_secure_transport_test

import data.trailguard.checks.bucket_secure_transport.findings
import data.trailguard.fixtures

bucket := fixtures.bucket_name

policy := ["buckets", bucket, "policy"]

deny_insecure := ["buckets", bucket, "policy", "document", "Statement", 2]

secure_transport_statement := fixtures.compliant.buckets[bucket].policy.document.Statement[2]

# with_deny(changes) replaces fields of the DenyInsecureTransport statement by those of changes.
with_deny(changes) := fixtures.patched([{
	"op": "replace",
	"path": deny_insecure,
	"value": object.union(object.remove(secure_transport_statement, object.keys(changes)), changes),
}])

only_finding(snapshot) := f if {
	[f] := [f | some f in findings] with input as snapshot
}

status(snapshot) := only_finding(snapshot).status

test_pass_when_policy_denies_insecure_transport if {
	f := only_finding(fixtures.compliant)
	f.status == "PASS"
	f.resource == fixtures.bucket_arn
	f.message == "bucket policy statement 'DenyInsecureTransport' denies requests that do not use TLS"
}

test_pass_for_equivalent_shapes if {
	variants := [
		{"Principal": {"AWS": "*"}},
		{"Principal": {"AWS": ["*"]}},
		{"Action": ["S3:GetObject", "s3:PutObject", "s3:ListBucket"]},
		{"Action": ["s3:Get*", "s3:Put*"]},
		{"Action": "*"},
		{"Resource": "arn:aws:s3:::aws-cloudtrail-logs-111122223333-a1b2c3d4/*"},
		{"Resource": "*"},
		{"Condition": {"Bool": {"aws:SecureTransport": false}}},
		{"Condition": {"BoolIfExists": {"AWS:SecureTransport": "False"}}},
		{"Condition": {"NumericLessThanIfExists": {"s3:TlsVersion": "1.2"}}},
		{"Condition": {"NumericLessThanIfExists": {"s3:TlsVersion": 1.3}}},
	]
	every changes in variants {
		status(with_deny(changes)) == "PASS"
	}
}

test_pass_when_policy_is_a_single_statement_object if {
	snapshot := fixtures.with_value(["buckets", bucket, "policy", "document", "Statement"], secure_transport_statement)
	status(snapshot) == "PASS"
}

test_fail_for_statements_that_do_not_deny_all_insecure_requests if {
	variants := [
		{"Effect": "Allow"},
		{"Principal": {"AWS": "arn:aws:iam::111122223333:root"}},
		{"Action": "s3:GetObject"},
		{"Action": ["s3:Get*", "s3:List*"]},
		{"Resource": "arn:aws:s3:::aws-cloudtrail-logs-111122223333-a1b2c3d4"},
		{"Resource": "arn:aws:s3:::aws-cloudtrail-logs-111122223333-a1b2c3d4/AWSLogs/*"},
		{"Condition": {"Bool": {"aws:SecureTransport": "true"}}},
		{"Condition": {"Bool": {"aws:SecureTransport": ["false", "true"]}}},
		{"Condition": {"StringEquals": {"aws:SecureTransport": "false"}}},
		{"Condition": {"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"aws:PrincipalAccount": "444455556666"}}},
		{"Condition": {"NumericLessThanIfExists": {"s3:TlsVersion": "1.0"}}},
		{"Condition": {}},
	]
	every changes in variants {
		status(with_deny(changes)) == "FAIL"
	}
}

test_fail_explains_that_tls_version_alone_lets_plain_http_through if {
	f := only_finding(with_deny({"Sid": "EnforceTLS12", "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}}))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"bucket policy statement 'EnforceTLS12' denies old TLS versions with NumericLessThan s3:TlsVersion, but",
		"requests over plain HTTP carry no TLS version and are not denied: add a Deny with Bool",
		"aws:SecureTransport \"false\" (or use NumericLessThanIfExists)",
	])
}

test_fail_when_statement_removed if {
	snapshot := fixtures.patched([{"op": "remove", "path": deny_insecure}])
	f := only_finding(snapshot)
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"no bucket policy statement denies requests over plain HTTP (Deny for Principal * on s3:* with Bool",
		"aws:SecureTransport \"false\")",
	])
}

test_fail_when_bucket_has_no_policy if {
	f := only_finding(fixtures.with_value(policy, {"exists": false}))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == "the bucket has no policy, so nothing denies requests over plain HTTP"
}

test_unknown_when_policy_not_read if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": policy},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {"service": "s3", "operation": "GetBucketPolicy", "resource": bucket, "code": "AccessDenied"},
		},
	])
	f := only_finding(snapshot)
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == sprintf(
		"the bucket policy of bucket %s could not be read (s3 GetBucketPolicy: AccessDenied)",
		[fixtures.bucket_name],
	)
}

test_unknown_when_bucket_not_collected if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": fixtures.bucket_arn,
		"message": sprintf(
			"bucket %s is not in the snapshot (not collected): its configuration cannot be checked",
			[fixtures.bucket_name],
		),
	} with input as fixtures.without(["buckets", bucket])
}
