# METADATA
# title: The trail's S3 bucket exists
# description: |
#   S3 bucket names are global. When the bucket a trail delivers to is
#   deleted, CloudTrail keeps trying to deliver to that name: anyone can
#   create a bucket with this name and receive your logs (and CloudTrail
#   loses every event until then). The bucket must exist; a bucket that S3
#   reports as NoSuchBucket, or a trail whose latest delivery failed with
#   NoSuchBucket, fails this check. A bucket that exists passes only when its
#   owner is known to be the audited account, the trail's owner (an
#   organization trail's management account), or (with organization data) an
#   account of the organization: a bucket that answers 403 exists, but a
#   bucket deleted and re-created by a stranger answers the same, so an
#   unknown owner is UNKNOWN.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
#     description: "Amazon S3 bucket policy for CloudTrail"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html
#     description: "Security best practices in AWS CloudTrail"
# custom:
#   id: TG-CT-004
#   severity: critical
#   resource_type: AwsCloudTrailTrail
#   remediation:
#     console: S3 console > Create bucket with the trail's bucket name in your account (or CloudTrail console > Trails
#       > choose the trail > General details > Edit > Storage location > Create new S3 bucket) > Save changes; then
#       check the trail's status shows no delivery error.
#     cli: aws s3api create-bucket --bucket <bucket-name> --region <region> --create-bucket-configuration
#       LocationConstraint=<region> && aws s3api put-bucket-policy --bucket <bucket-name> --policy
#       file://cloudtrail-bucket-policy.json && aws cloudtrail update-trail --name <trail-arn> --s3-bucket-name
#       <bucket-name>
package trailguard.checks.trail_bucket_exists

import data.trailguard.lib.organization
import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# no_such_bucket(trail) is true when the trail's latest delivery failed because the bucket is gone.
no_such_bucket(trail) if contains(lower(trail.status.latest_delivery_error), "nosuchbucket")

bucket_gone(trail) if input.buckets[trail.s3_bucket_name].exists == false

claim_warning := "anyone can create a bucket with this name and receive your logs"

# One finding per trail (but for the missing bucket name, below): the cases are
# exclusive, so they are tried in turn, the usual one first (an else chain stops
# at the first that holds, where separate rules would each look at every trail).
findings contains _finding(arn, trail) if some arn, trail in input.trails

_finding(arn, trail) := result.pass(arn, trail.home_region, msg) if {
	bucket := input.buckets[trail.s3_bucket_name]
	bucket.exists == true
	not no_such_bucket(trail)
	why := _trusted_owner(trail, bucket.owner_account_id)
	msg := sprintf(
		"S3 bucket %s exists and is owned by account %s (%s)",
		[trail.s3_bucket_name, bucket.owner_account_id, why],
	)
} else := result.unknown(arn, trail.home_region, msg) if {
	input.buckets[trail.s3_bucket_name].exists == true
	not no_such_bucket(trail)
	msg := sprintf(
		"S3 bucket %s exists, but %s: a bucket deleted and re-created by another account answers the same",
		[trail.s3_bucket_name, _owner_doubt(trail.s3_bucket_name, input.buckets[trail.s3_bucket_name])],
	)
} else := result.fail(arn, trail.home_region, msg) if {
	bucket_gone(trail)
	msg := sprintf("S3 bucket %s does not exist: %s", [trail.s3_bucket_name, claim_warning])
} else := result.fail(arn, trail.home_region, msg) if {
	not bucket_gone(trail)
	no_such_bucket(trail)
	msg := sprintf("the trail's latest delivery to S3 bucket %s failed with %s: the bucket was deleted, and %s", [
		object.get(trail, "s3_bucket_name", "(unknown)"),
		trail.status.latest_delivery_error,
		claim_warning,
	])
} else := result.unknown(arn, trail.home_region, msg) if {
	not no_such_bucket(trail)
	name := trail.s3_bucket_name
	name != ""
	not is_boolean(object.get(object.get(input, ["buckets", name], {}), "exists", null))
	question := sprintf("whether the S3 bucket %s exists", [name])
	msg := sprintf("%s%s", [snapshot.unanswered(question, name), elsewhere(trail)])
}

findings contains result.unknown(arn, trail.home_region, msg) if {
	some arn, trail in input.trails
	not no_such_bucket(trail)
	not snapshot.has_value(trail, "s3_bucket_name")
	msg := snapshot.missing("S3 bucket name", arn)
}

# _trusted_owner(trail, owner) says why owner is a trusted owner of the trail's
# bucket (undefined when it is not known to be).
_trusted_owner(trail, owner) := "the audited account" if {
	owner == input.account_id
} else := "the trail's owner" if {
	owner == trail.owner_account_id
} else := "the organization's management account" if {
	owner == input.organization.management_account_id
} else := "an account of the organization" if {
	organization.known_account(owner)
}

_owner_doubt(name, bucket) := sprintf("its owner could not be read (%s)", [snapshot.why(name)]) if {
	not snapshot.has_value(bucket, "owner_account_id")
} else := sprintf(
	"its owner, account %s, is neither the audited account %s nor known to belong to its organization%s",
	[bucket.owner_account_id, input.account_id, _org_note],
)

_org_note := "" if {
	input.organization.account_ids
} else := " (the organization's accounts were not listed)"

elsewhere(trail) := sprintf(
	"; the trail belongs to account %s, whose bucket may not be readable from this account",
	[trail.owner_account_id],
) if {
	snapshot.foreign(trail)
} else := ""
