# METADATA
# title: Trails are logging and delivering log files
# description: |
#   A trail records nothing while it is stopped, and a trail whose deliveries
#   to S3 fail (bucket deleted, bucket policy or KMS key policy changed) loses
#   the events it cannot deliver. Stopping a trail is one of the first things
#   an attacker does (StopLogging). Each trail must be logging and its latest
#   S3 delivery must have succeeded.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-turning-off-logging.html
#     description: "Turning off logging for a trail"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html
#     description: "Security best practices in AWS CloudTrail"
# custom:
#   id: TG-CT-003
#   severity: high
#   resource_type: AwsCloudTrailTrail
#   remediation:
#     console: CloudTrail console > Trails > choose the trail > Start logging. If the trail shows a delivery error, fix
#       the S3 bucket (it must exist and its policy must let cloudtrail.amazonaws.com call s3:GetBucketAcl and
#       s3:PutObject) and the KMS key policy (kms:GenerateDataKey* for cloudtrail.amazonaws.com).
#     cli: aws cloudtrail start-logging --name <trail-arn> && aws cloudtrail get-trail-status --name <trail-arn>
package trailguard.checks.trail_logging

import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# delivery_error(trail) is the trail's latest S3 delivery error, when there is one.
delivery_error(trail) := trail.status.latest_delivery_error if snapshot.has_value(
	trail.status,
	"latest_delivery_error",
)

stopped_since(trail) := sprintf(" since %s", [trail.status.stop_logging_time]) if {
	snapshot.has_value(trail.status, "stop_logging_time")
} else := ""

last_error(trail) := sprintf("; its last delivery failed with %s", [delivery_error(trail)]) if {
	delivery_error(trail)
} else := ""

# _pass_message says what the status shows: a delivery time when there is one
# (a trail that has not delivered yet reports none, and no error either).
_pass_message(trail) := sprintf(
	"trail is logging and its latest delivery to S3 (%s) succeeded",
	[trail.status.latest_delivery_time],
) if {
	snapshot.has_value(trail.status, "latest_delivery_time")
} else := "trail is logging and reports no S3 delivery error (no delivery time reported yet)"

# One finding per trail: the cases are exclusive, so they are tried in turn, the
# usual one first (an else chain stops at the first that holds, where separate
# rules would each look at every trail).
findings contains _finding(arn, trail) if some arn, trail in input.trails

_finding(arn, trail) := result.pass(arn, trail.home_region, _pass_message(trail)) if {
	trail.status.is_logging == true
	not delivery_error(trail)
} else := result.fail(arn, trail.home_region, msg) if {
	trail.status.is_logging == false
	msg := sprintf("trail is stopped%s: no events are recorded%s", [stopped_since(trail), last_error(trail)])
} else := result.unknown(arn, trail.home_region, snapshot.missing("logging status (GetTrailStatus)", arn)) if {
	not is_boolean(object.get(object.get(trail, "status", {}), "is_logging", null))
} else := result.fail(arn, trail.home_region, msg) if {
	trail.status.is_logging == true
	msg := sprintf(
		concat(" ", [
			"trail is logging but its latest delivery to S3 bucket %s failed with %s:",
			"events that cannot be delivered are lost",
		]),
		[
			object.get(trail, "s3_bucket_name", "(unknown)"),
			delivery_error(trail),
		],
	)
}
