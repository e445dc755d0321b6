# METADATA
# title: Trail events reach CloudWatch Logs
# description: |
#   Metric filters and alarms only see what CloudTrail delivers to CloudWatch
#   Logs: a trail without a log group, or whose delivery keeps failing (deleted
#   log group, broken or missing IAM role), raises no alert at all, however good
#   the alarms are. CloudWatch Logs also keeps a second, independently
#   retained copy of the events.
#
#   Passes when the trail has a CloudWatch Logs group and GetTrailStatus shows a
#   delivery to it no older than `max_cloudwatch_delivery_age_hours` (default
#   24) before the collection, with no delivery error. Fails when no log group
#   is set, the latest delivery failed, never happened or is too old; unknown
#   when the trail status could not be read.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
#     description: "Sending events to CloudWatch Logs"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-5
#     description: "Security Hub control CloudTrail.5: CloudTrail trails should be integrated with Amazon CloudWatch
#       Logs"
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: "CIS Amazon Web Services Foundations Benchmark, control v1.4.0 3.4"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
#     description: "CIS AWS Foundations Benchmark controls in Security Hub"
# custom:
#   id: TG-CT-008
#   severity: low
#   resource_type: AwsCloudTrailTrail
#   remediation:
#     console: CloudTrail console > Trails > choose the trail > CloudWatch Logs > Edit > Enabled, choose or create the
#       log group and an IAM role that CloudTrail can assume to call logs:CreateLogStream and logs:PutLogEvents on it >
#       Save changes. If deliveries fail, check that the log group still exists and the role's trust and permissions
#       policies.
#     cli: aws cloudtrail update-trail --name <trail-arn> --cloud-watch-logs-log-group-arn <log-group-arn>
#       --cloud-watch-logs-role-arn <role-arn>
#   frameworks:
#     cis-aws-v1.4.0: ["3.4"]
#     securityhub: ["CloudTrail.5"]
package trailguard.checks.cloudwatch_logs_integration

import data.trailguard.lib.params
import data.trailguard.lib.result
import data.trailguard.lib.snapshot

max_age_hours := params.value("max_cloudwatch_delivery_age_hours")

_ns_per_hour := 3600000000000

# _age_hours(trail) is how long before the collection the latest delivery happened.
_age_hours(trail) := (_ns(input.collected_at) - _ns(trail.status.latest_cloudwatch_logs_delivery_time)) / _ns_per_hour

# _ns(t) is RFC 3339 time t in nanoseconds since the epoch (undefined when t is not one).
_ns(t) := time.parse_rfc3339_ns(t)

# _rounded(hours) keeps one decimal, for messages.
_rounded(hours) := round(hours * 10) / 10

_sends(trail) if snapshot.has_value(trail, "cloudwatch_logs_log_group_arn")

_delivery_time(trail) := object.get(trail, ["status", "latest_cloudwatch_logs_delivery_time"], "")

_delivery_error(trail) := object.get(trail, ["status", "latest_cloudwatch_logs_delivery_error"], "")

# The findings of each trail: the usual case (a recent delivery, no error) is
# tried first, then the others in turn (an else chain stops at the first that
# holds, where separate rules would each look at every trail). A trail whose
# status was read can have several problems at once: they are listed together.
findings contains f if {
	some arn, trail in input.trails
	some f in _findings(arn, trail)
}

_findings(arn, trail) := {result.pass(arn, trail.home_region, msg)} if {
	_sends(trail)
	snapshot.status_known(trail)
	_delivery_error(trail) == ""
	age := _age_hours(trail)
	age <= max_age_hours
	msg := sprintf(
		"events reach CloudWatch Logs group %s (latest delivery %s, %v hours before the collection)",
		[trail.cloudwatch_logs_log_group_arn, _delivery_time(trail), _rounded(age)],
	)
} else := {result.fail(
	arn,
	trail.home_region,
	"the trail does not send its events to CloudWatch Logs: no metric filter or alarm can watch them",
)} if {
	not _sends(trail)
} else := {result.unknown(
	arn,
	trail.home_region,
	snapshot.missing("the trail status (latest CloudWatch Logs delivery)", arn),
)} if {
	not snapshot.status_known(trail)
} else := _status_findings(arn, trail)

# _status_findings(arn, trail) are the problems of a trail that sends its events
# to CloudWatch Logs and whose status was read.
_status_findings(arn, trail) := (({result.fail(arn, trail.home_region, msg) |
	_delivery_error(trail) != ""
	msg := sprintf(
		"the latest delivery to CloudWatch Logs group %s failed: %s",
		[trail.cloudwatch_logs_log_group_arn, _delivery_error(trail)],
	)
} | {result.fail(arn, trail.home_region, msg) |
	_delivery_time(trail) == ""
	msg := sprintf(
		"CloudTrail has never delivered events to CloudWatch Logs group %s",
		[trail.cloudwatch_logs_log_group_arn],
	)
}) | {result.unknown(arn, trail.home_region, msg) |
	_delivery_time(trail) != ""
	not _age_hours(trail)
	msg := sprintf(
		"the latest CloudWatch Logs delivery time %q or the collection time %q is not an RFC 3339 time",
		[_delivery_time(trail), input.collected_at],
	)
}) | {result.fail(arn, trail.home_region, msg) |
	age := _age_hours(trail)
	age > max_age_hours
	msg := sprintf(
		concat(" ", [
			"the latest delivery to CloudWatch Logs group %s was at %s,",
			"%v hours before the collection (more than %v): events are not reaching the log group",
		]),
		[trail.cloudwatch_logs_log_group_arn, _delivery_time(trail), _rounded(age), max_age_hours],
	)
}
