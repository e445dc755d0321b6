# METADATA
# title: The trail's S3 bucket policy denies requests without TLS
# description: |
#   Requests over plain HTTP expose log contents and request signatures on the
#   wire. The bucket policy must deny them for everyone.
#   PASS when a Deny statement for Principal "*" (or {"AWS": "*"}) covering
#   s3:* (or at least s3:GetObject and s3:PutObject, wildcards such as s3:Get*
#   count) on every object of the bucket has Bool or BoolIfExists
#   aws:SecureTransport "false" (string or boolean) as its only condition.
#   Alternatively a NumericLessThanIfExists s3:TlsVersion condition (>= 1.2)
#   enforces TLS: plain HTTP requests carry no s3:TlsVersion, so a plain
#   NumericLessThan condition does not deny them and does not count.
#   A statement with further conditions (e.g. also on aws:PrincipalAccount)
#   denies only some insecure requests and does not count.
#   FAIL when no statement does this or the bucket has no policy; UNKNOWN when
#   the policy was not read.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
#     description: "Security best practices for Amazon S3 (enforce encryption of data in transit)"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-5
#     description: "Security Hub control S3.5: S3 general purpose buckets should require requests to use SSL"
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: "CIS Amazon Web Services Foundations Benchmark, control v3.0.0 2.1.1"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
#     description: "CIS AWS Foundations Benchmark controls in Security Hub"
# custom:
#   id: TG-S3-005
#   severity: medium
#   resource_type: AwsS3Bucket
#   remediation:
#     console: 'S3 console > Buckets > choose the bucket > Permissions > Bucket policy > Edit > add a statement {"Sid":
#       "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource":
#       ["arn:aws:s3:::<bucket-name>", "arn:aws:s3:::<bucket-name>/*"], "Condition": {"Bool": {"aws:SecureTransport":
#       "false"}}} > Save changes.'
#     cli: aws s3api get-bucket-policy --bucket <bucket-name> --query Policy --output text > policy.json, add the
#       DenyInsecureTransport statement to policy.json, then aws s3api put-bucket-policy --bucket <bucket-name>
#       --policy file://policy.json
#   frameworks:
#     cis-aws-v3.0.0:
#       - id: 2.1.1
#         partial: CIS 2.1.1 asks every S3 bucket policy to deny HTTP requests; this check looks only at the trails'
#           log buckets
package trailguard.checks.bucket_secure_transport

import data.trailguard.lib.buckets
import data.trailguard.lib.iam
import data.trailguard.lib.result

_covers_actions(stmt) if {
	some pattern in iam.values(stmt.Action)
	iam.action_matches(pattern, "s3:*")
}

_covers_actions(stmt) if {
	iam.denies_action(stmt, "s3:GetObject")
	iam.denies_action(stmt, "s3:PutObject")
}

# _insecure_transport(deny) is true when the deny (an entry of buckets.public_denies)
# applies exactly to requests with Bool aws:SecureTransport "false".
_insecure_transport(deny) if {
	deny.keys == {"aws:securetransport"}
	some op in ["Bool", "BoolIfExists"]
	vals := buckets.raw_condition_values(deny.stmt, op, "aws:SecureTransport")
	count(vals) > 0
	every v in vals {
		buckets.is_false(v)
	}
}

# _old_tls(deny, op) is true when the deny applies exactly to requests with a TLS
# version below 1.2 under the operator op.
_old_tls(deny, op) if {
	deny.keys == {"s3:tlsversion"}
	vals := buckets.raw_condition_values(deny.stmt, op, "s3:TlsVersion")
	count(vals) > 0
	every v in vals {
		to_number(v) >= 1.2
	}
}

# _enforcing maps a bucket to the labels of its statements that deny plain HTTP
# (or, with NumericLessThanIfExists, requests without TLS 1.2).
_enforcing := {name: labels |
	some name, denies in buckets.public_denies
	labels := {buckets.label(deny.stmt, deny.i) |
		some deny in denies
		_covers_actions(deny.stmt)
		_enforces(deny)
	}
	count(labels) > 0
}

_enforces(deny) if _insecure_transport(deny)

_enforces(deny) if _old_tls(deny, "NumericLessThanIfExists")

# Statements that only deny old TLS versions, and let plain HTTP through.
_tls_only := {name: labels |
	some name, denies in buckets.public_denies
	labels := {buckets.label(deny.stmt, deny.i) |
		some deny in denies
		_covers_actions(deny.stmt)
		_old_tls(deny, "NumericLessThan")
	}
	count(labels) > 0
}

findings contains f if some f in buckets.not_collected_findings

# One finding per evaluated bucket: the cases are exclusive, so they are tried in
# turn, the usual one first (an else chain stops at the first that holds, where
# separate rules would each look at every bucket).
findings contains _finding(name, bucket) if some name, bucket in buckets.evaluated

_finding(name, bucket) := result.pass(
	buckets.arn(name),
	buckets.region(bucket),
	sprintf("bucket policy statement %s denies requests that do not use TLS", [concat(", ", sort(_enforcing[name]))]),
) if {
	_enforcing[name]
} else := result.fail(
	buckets.arn(name),
	buckets.region(bucket),
	"the bucket has no policy, so nothing denies requests over plain HTTP",
) if {
	bucket.policy.exists == false
} else := result.unknown(
	buckets.arn(name),
	buckets.region(bucket),
	buckets.missing("the bucket policy", name, {"GetBucketPolicy"}),
) if {
	not buckets.policies[name]
} else := result.fail(buckets.arn(name), buckets.region(bucket), _no_deny_message(name))

_no_deny_message(name) := sprintf(
	concat(" ", [
		"bucket policy statement %s denies old TLS versions with NumericLessThan s3:TlsVersion,",
		"but requests over plain HTTP carry no TLS version and are not denied:",
		"add a Deny with Bool aws:SecureTransport \"false\" (or use NumericLessThanIfExists)",
	]),
	[concat(", ", sort(_tls_only[name]))],
) if {
	_tls_only[name]
} else := concat(" ", [
	"no bucket policy statement denies requests over plain HTTP (Deny for Principal * on s3:* with Bool",
	"aws:SecureTransport \"false\")",
])
