package trailguard.checks.bucket_deny_unencrypted_puts_test

import data.trailguard.checks.bucket_deny_unencrypted_puts
import data.trailguard.checks.bucket_deny_unencrypted_puts.findings
import data.trailguard.fixtures

bucket := fixtures.bucket_name

policy := ["buckets", bucket, "policy"]

deny_unencrypted := ["buckets", bucket, "policy", "document", "Statement", 3]

deny_statement := fixtures.compliant.buckets[bucket].policy.document.Statement[3]

# with_deny(changes) replaces fields of the DenyUnencryptedObjectUploads statement by those of changes.
with_deny(changes) := fixtures.patched([{
	"op": "replace",
	"path": deny_unencrypted,
	"value": object.union(object.remove(deny_statement, object.keys(changes)), changes),
}])

without_deny := fixtures.patched([{"op": "remove", "path": deny_unencrypted}])

only_finding(snapshot) := f if {
	[f] := [f | some f in findings] with input as snapshot
}

status(snapshot) := only_finding(snapshot).status

test_pass_when_policy_denies_puts_without_kms if {
	f := only_finding(fixtures.compliant)
	f.status == "PASS"
	f.resource == fixtures.bucket_arn
	f.message == "bucket policy statement 'DenyUnencryptedObjectUploads' denies uploads not encrypted with SSE-KMS"
}

test_pass_for_equivalent_shapes if {
	variants := [
		{"Principal": {"AWS": ["*"]}},
		{"Action": ["s3:Put*"]},
		{
			"Action": "s3:*",
			"Resource": [
				"arn:aws:s3:::aws-cloudtrail-logs-111122223333-a1b2c3d4",
				"arn:aws:s3:::aws-cloudtrail-logs-111122223333-a1b2c3d4/*",
			],
		},
		{"Condition": {"StringNotEquals": {"S3:X-Amz-Server-Side-Encryption": ["aws:kms", "aws:kms:dsse"]}}},
		{"Condition": {"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"}}},
		{"Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}},
		{"Condition": {"Null": {"s3:x-amz-server-side-encryption": true}}},
		{"Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": fixtures.key_arn}}},
		{"Condition": {"StringNotLikeIfExists": {
			"s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:us-east-1:111122223333:key/*",
		}}},
	]
	every changes in variants {
		status(with_deny(changes)) == "PASS"
	}
}

test_fail_for_statements_that_let_unencrypted_puts_through if {
	variants := [
		{"Effect": "Allow"},
		{"Principal": {"Service": "cloudtrail.amazonaws.com"}},
		{"Action": "s3:GetObject"},
		{"Resource": "arn:aws:s3:::aws-cloudtrail-logs-111122223333-a1b2c3d4/tmp/*"},
		{"Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": ["aws:kms", "AES256"]}}},
		{"Condition": {"StringEquals": {"s3:x-amz-server-side-encryption": "AES256"}}},
		{"Condition": {"Null": {"s3:x-amz-server-side-encryption": "false"}}},
		{"Condition": {"StringNotLike": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "*"}}},
		{"Condition": {"StringNotEquals": {
			"s3:x-amz-server-side-encryption": "aws:kms",
			"aws:PrincipalAccount": "444455556666",
		}}},
		{"Condition": {}},
	]
	every changes in variants {
		status(with_deny(changes)) == "FAIL"
	}
}

test_fail_notes_default_kms_encryption_as_mitigation if {
	f := only_finding(without_deny)
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"no bucket policy statement denies s3:PutObject without SSE-KMS (Deny for Principal * with StringNotEquals",
		"s3:x-amz-server-side-encryption \"aws:kms\") (mitigating: default bucket encryption is aws:kms, so",
		"objects uploaded without an encryption header are still encrypted with KMS)",
	])
}

test_fail_without_mitigation_when_default_encryption_is_sse_s3 if {
	snapshot := json.patch(
		without_deny,
		[{"op": "replace", "path": ["buckets", bucket, "encryption"], "value": {"rules": [{"sse_algorithm": "AES256"}]}}],
	)
	f := only_finding(snapshot)
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"no bucket policy statement denies s3:PutObject without SSE-KMS (Deny for Principal * with StringNotEquals",
		"s3:x-amz-server-side-encryption \"aws:kms\")",
	])
	not contains(f.message, "mitigating")
}

test_fail_when_bucket_has_no_policy if {
	f := only_finding(fixtures.with_value(policy, {"exists": false}))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"the bucket has no policy, so nothing denies uploads not encrypted with SSE-KMS (mitigating: default",
		"bucket encryption is aws:kms, so objects uploaded without an encryption header are still encrypted with",
		"KMS)",
	])
}

test_unknown_when_policy_not_read if {
	f := only_finding(fixtures.without(policy))
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == "the bucket policy of bucket aws-cloudtrail-logs-111122223333-a1b2c3d4 could not be read (not collected)"
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

# _encryption_keys is a literal for speed: it must stay equal to its two keys.
test_encryption_keys_match_the_keys if {
	bucket_deny_unencrypted_puts._encryption_keys == {
		bucket_deny_unencrypted_puts._sse,
		bucket_deny_unencrypted_puts._sse_key,
	}
}
