# METADATA
# title: Trail logs are delivered to a bucket in the log-archive account
# description: |
#   ACME keeps every audit log in its dedicated log-archive account
#   (data.acme.organization.log_archive_account_id), where no workload team
#   holds write or delete permissions. A trail whose bucket lives in the
#   audited account can be tampered with by anyone who administers that
#   account. One finding per trail; UNKNOWN when the bucket's owner could
#   not be read.
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: ACME-CT-001
#   severity: high
#   resource_type: AwsCloudTrailTrail
#   remediation:
#     console: CloudTrail console > Trails > choose the trail > General details > Edit > Storage location > Use existing S3 bucket > enter the log-archive bucket (aws-cloudtrail-logs-<org-id>) > Save changes.
#     cli: aws cloudtrail update-trail --name <trail-arn> --s3-bucket-name <log-archive-bucket>
#   frameworks:
#     acme-security-standard: ["LOG-2.1"]
package acme.checks.trail_bucket_in_log_archive

import data.trailguard.lib.result
import data.trailguard.lib.snapshot

log_archive := data.acme.organization.log_archive_account_id

findings contains result.pass(arn, trail.home_region, msg) if {
	some arn, trail in input.trails
	owner := _bucket_owner(trail)
	owner == log_archive
	msg := sprintf("bucket %s is in the log-archive account %s", [trail.s3_bucket_name, log_archive])
}

findings contains result.fail(arn, trail.home_region, msg) if {
	some arn, trail in input.trails
	owner := _bucket_owner(trail)
	owner != log_archive
	msg := sprintf(
		"bucket %s belongs to account %s, not to the log-archive account %s: logs can be altered from there",
		[trail.s3_bucket_name, owner, log_archive],
	)
}

findings contains result.unknown(arn, trail.home_region, msg) if {
	some arn, trail in input.trails
	not _bucket_owner(trail)
	msg := snapshot.missing("the owner of the trail's S3 bucket", object.get(trail, "s3_bucket_name", arn))
}

_bucket_owner(trail) := owner if {
	owner := input.buckets[trail.s3_bucket_name].owner_account_id
	owner != ""
}
