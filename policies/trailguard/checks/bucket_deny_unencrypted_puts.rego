# METADATA
# title: The trail's S3 bucket policy denies uploads not encrypted with KMS
# description: |
#   The bucket policy should refuse any object written to the log bucket without
#   SSE-KMS, so that nothing (CloudTrail or someone planting files) stores log
#   data readable by anyone who can merely read the bucket, and reading logs
#   always requires kms:Decrypt on the key.
#   PASS when a Deny statement for Principal "*" (or {"AWS": "*"}) covering
#   s3:PutObject (s3:*, s3:Put* count) on every object of the bucket has only
#   encryption conditions, among them:
#   - StringNotEquals(IfExists) s3:x-amz-server-side-encryption "aws:kms" or
#     "aws:kms:dsse";
#   - Null s3:x-amz-server-side-encryption "true";
#   - StringNotEquals(IfExists) / StringNotLike(IfExists)
#     s3:x-amz-server-side-encryption-aws-kms-key-id (a specific key).
#   Default bucket encryption with SSE-KMS is noted in the FAIL message as a
#   mitigating fact (objects written without an encryption header are still
#   encrypted with KMS) but does not PASS the check: the default applies only
#   when a request sends no header, so a request asking for SSE-S3 is accepted.
#   FAIL when no statement does this or the bucket has no policy; UNKNOWN when
#   the policy was not read.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html
#     description: "Encrypting CloudTrail log files with AWS KMS keys (SSE-KMS)"
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
#     description: "Using server-side encryption with AWS KMS keys (SSE-KMS) in Amazon S3"
# custom:
#   id: TG-S3-006
#   severity: medium
#   resource_type: AwsS3Bucket
#   remediation:
#     console: 'S3 console > Buckets > choose the bucket > Permissions > Bucket policy > Edit > add a statement {"Sid":
#       "DenyUnencryptedObjectUploads", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource":
#       "arn:aws:s3:::<bucket-name>/*", "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption":
#       "aws:kms"}}} > Save changes. Make sure the trail uses SSE-KMS (CloudTrail console > Trails > Edit > Log file
#       SSE-KMS encryption) first, or its deliveries are denied.'
#     cli: aws s3api get-bucket-policy --bucket <bucket-name> --query Policy --output text > policy.json, add the
#       DenyUnencryptedObjectUploads statement to policy.json, then aws s3api put-bucket-policy --bucket <bucket-name>
#       --policy file://policy.json
package trailguard.checks.bucket_deny_unencrypted_puts

import data.trailguard.lib.buckets
import data.trailguard.lib.iam
import data.trailguard.lib.result

_sse := "s3:x-amz-server-side-encryption"

_sse_key := "s3:x-amz-server-side-encryption-aws-kms-key-id"

_kms_algorithms := {"aws:kms", "aws:kms:dsse"}

# Only encryption conditions: any other condition narrows the deny (an entry of
# buckets.public_denies).
_only_encryption_conditions(deny) if {
	count(deny.keys) > 0
	object.subset(_encryption_keys, deny.keys)
}

# _encryption_keys is {_sse, _sse_key}. (A literal: built from the two rules it
# would be rebuilt, with two lookups, for every statement.)
_encryption_keys := {"s3:x-amz-server-side-encryption", "s3:x-amz-server-side-encryption-aws-kms-key-id"}

# _values(conds, ops, key) are the values the conditions (buckets.raw_conditions) give
# to key under one of the (lower-cased) operators ops, one set per operator.
_values(conds, ops, key) := [vals |
	some op in ops
	vals := {t[2] | some t in conds; t[0] == op; t[1] == key}
	count(vals) > 0
]

_requires_kms(conds) if {
	some vals in _values(conds, ["stringnotequals", "stringnotequalsifexists"], _sse)
	not _names_other_algorithm(vals)
}

# _names_other_algorithm(vals) is true when a value (lower-cased) is not a KMS
# algorithm. (A rule: it stops at the first; a value lower cannot read is skipped.)
_names_other_algorithm(vals) if {
	some v in vals
	lv := lower(v)
	not lv in _kms_algorithms
}

_requires_kms(conds) if {
	some vals in _values(conds, ["null"], _sse)
	every v in vals {
		buckets.is_true(v)
	}
}

_requires_kms(conds) if {
	some vals in _values(
		conds,
		["stringnotequals", "stringnotequalsifexists", "stringnotlike", "stringnotlikeifexists"],
		_sse_key,
	)
	every v in vals {
		is_string(v)
		not v in {"", "*"}
	}
}

# _enforcing maps a bucket to the labels of its statements that deny uploads
# not encrypted with SSE-KMS.
_enforcing := {name: labels |
	some name, denies in buckets.public_denies
	labels := {buckets.label(deny.stmt, deny.i) |
		some deny in denies
		_only_encryption_conditions(deny)
		iam.denies_action(deny.stmt, "s3:PutObject")
		_requires_kms(buckets.raw_conditions(deny.stmt))
	}
	count(labels) > 0
}

_kms_defaults(bucket) := {rule.sse_algorithm |
	some rule in object.get(bucket, ["encryption", "rules"], [])
	lower(object.get(rule, "sse_algorithm", "")) in _kms_algorithms
}

_mitigation(bucket) := sprintf(
	concat(" ", [
		" (mitigating: default bucket encryption is %s,",
		"so objects uploaded without an encryption header are still encrypted with KMS)",
	]),
	[concat(", ", sort(_kms_defaults(bucket)))],
) if {
	count(_kms_defaults(bucket)) > 0
} else := ""

findings contains f if some f in buckets.not_collected_findings

# One finding per evaluated bucket: the cases are exclusive, so they are tried in
# turn, the usual one first (an else chain stops at the first that holds, where
# separate rules would each look at every bucket).
findings contains _finding(name, bucket) if some name, bucket in buckets.evaluated

_finding(name, bucket) := result.pass(
	buckets.arn(name),
	buckets.region(bucket),
	sprintf(
		"bucket policy statement %s denies uploads not encrypted with SSE-KMS",
		[concat(", ", sort(_enforcing[name]))],
	),
) if {
	_enforcing[name]
} else := result.fail(
	buckets.arn(name),
	buckets.region(bucket),
	sprintf("the bucket has no policy, so nothing denies uploads not encrypted with SSE-KMS%s", [_mitigation(bucket)]),
) if {
	bucket.policy.exists == false
} else := result.unknown(
	buckets.arn(name),
	buckets.region(bucket),
	buckets.missing("the bucket policy", name, {"GetBucketPolicy"}),
) if {
	not buckets.policies[name]
} else := result.fail(
	buckets.arn(name),
	buckets.region(bucket),
	sprintf(
		concat(" ", [
			"no bucket policy statement denies s3:PutObject without SSE-KMS (Deny for Principal * with",
			"StringNotEquals s3:x-amz-server-side-encryption \"aws:kms\")%s",
		]),
		[_mitigation(bucket)],
	),
)
