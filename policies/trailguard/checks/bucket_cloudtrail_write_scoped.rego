# METADATA
# title: The trail's S3 bucket lets only your own trails write to it
# description: |
#   CloudTrail writes log files with the service principal
#   cloudtrail.amazonaws.com. A bucket policy statement that allows
#   cloudtrail.amazonaws.com to s3:PutObject without saying on whose behalf lets
#   any AWS account point its own trail at the bucket (confused deputy): an
#   attacker can fill the bucket with forged log files that look exactly like
#   yours, or with enough data to bury them.
#   Every Allow statement granting s3:PutObject (s3:*, s3:Put* count) to
#   cloudtrail.amazonaws.com must pin the caller with aws:SourceArn (your trail
#   ARNs; a wildcard is fine only outside the account field), aws:SourceAccount,
#   or aws:SourceOrgID, with a positive operator (StringEquals, StringLike,
#   ArnEquals, ArnLike; not IfExists, not a "*" value).
#   FAIL names each unscoped statement. FAIL too when no statement grants
#   CloudTrail s3:PutObject (or the bucket has no policy): CloudTrail cannot
#   deliver to the bucket. UNKNOWN when the policy was not read.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
#     description: "Amazon S3 bucket policy for CloudTrail"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cross-service-confused-deputy-prevention.html
#     description: "Cross-service confused deputy prevention in CloudTrail"
# custom:
#   id: TG-S3-007
#   severity: medium
#   resource_type: AwsS3Bucket
#   remediation:
#     console: 'S3 console > Buckets > choose the bucket > Permissions > Bucket policy > Edit > in every statement
#       allowing cloudtrail.amazonaws.com s3:PutObject add "Condition": {"StringEquals": {"aws:SourceArn":
#       "<trail-arn>"}} (or "aws:SourceAccount": "<account-id>") > Save changes.'
#     cli: 'aws s3api get-bucket-policy --bucket <bucket-name> --query Policy --output text > policy.json; add
#       "StringEquals": {"aws:SourceArn": "<trail-arn>"} to the Condition of the CloudTrail write statement in
#       policy.json; aws s3api put-bucket-policy --bucket <bucket-name> --policy file://policy.json'
package trailguard.checks.bucket_cloudtrail_write_scoped

import data.trailguard.lib.buckets
import data.trailguard.lib.iam
import data.trailguard.lib.result

_scoping_keys := {"aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid"}

# _grant[name] contains [label, scoped] for every statement letting CloudTrail write to the bucket.
_grant := {name: grants |
	some name, stmts in buckets.policies
	grants := {[buckets.label(stmt, i), scoped] |
		some i, stmt in stmts
		iam.service_principal(stmt, "cloudtrail.amazonaws.com")
		iam.allows_action(stmt, "s3:PutObject")
		scoped := count(buckets.pinned_keys(stmt) & _scoping_keys) > 0
	}
	count(grants) > 0
}

findings contains f if some f in buckets.not_collected_findings

# The findings of each evaluated bucket: the cases are exclusive, so they are
# tried in turn, the usual one first (an else chain stops at the first that
# holds, where separate rules would each look at every bucket).
findings contains f if {
	some name, bucket in buckets.evaluated
	some f in _findings(name, bucket)
}

_findings(name, bucket) := {result.pass(
	buckets.arn(name),
	buckets.region(bucket),
	sprintf(
		"policy statement %s lets CloudTrail write only on behalf of the named trails or accounts",
		[concat(", ", sort({label | some [label, _] in _grant[name]}))],
	),
)} if {
	_grant[name]
	not false in {scoped | some [_, scoped] in _grant[name]}
} else := {result.fail(
	buckets.arn(name),
	buckets.region(bucket),
	sprintf(
		concat(" ", [
			"policy statement %s lets cloudtrail.amazonaws.com write to the bucket without an aws:SourceArn or",
			"aws:SourceAccount condition: any account's trail could deliver (forged) logs into it",
		]),
		[label],
	),
) |
	some [label, false] in _grant[name]
} if {
	_grant[name]
} else := {result.unknown(
	buckets.arn(name),
	buckets.region(bucket),
	buckets.missing("the bucket policy", name, {"GetBucketPolicy"}),
)} if {
	not buckets.policies[name]
} else := {result.fail(
	buckets.arn(name),
	buckets.region(bucket),
	concat(" ", [
		"no bucket policy statement grants cloudtrail.amazonaws.com s3:PutObject:",
		"CloudTrail cannot deliver logs to the bucket",
	]),
)}
