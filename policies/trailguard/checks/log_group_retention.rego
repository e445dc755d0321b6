# METADATA
# title: The trail's CloudWatch Logs group keeps events long enough
# description: |
#   CloudWatch Logs deletes events older than the log group's retention. A short
#   retention (the console offers 1 day) wipes the searchable copy of the audit
#   trail before an investigation starts: incidents are often found months
#   later.
#
#   For every log group a trail delivers to: passes when events never expire or
#   are kept at least `min_log_retention_days` (default 365) days; fails when the
#   retention is shorter or the log group no longer exists; unknown when the log
#   group could not be read.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html
#     description: "Working with log groups and log streams (change log data retention)"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
#     description: "Sending events to CloudWatch Logs"
# custom:
#   id: TG-CW-001
#   severity: low
#   resource_type: Other
#   remediation:
#     console: CloudWatch console > Log groups > choose the trail's log group > Actions > Edit retention setting >
#       choose 1 year (365 days) or more, or Never expire > Save.
#     cli: aws logs put-retention-policy --log-group-name <log-group-name> --retention-in-days 365
package trailguard.checks.log_group_retention

import data.trailguard.lib.params
import data.trailguard.lib.result
import data.trailguard.lib.snapshot

min_days := params.value("min_log_retention_days")

# _log_groups is the set of keys (ARN without ":*") of the log groups trails deliver to;
# a log group shared by several trails is judged once.
_log_groups contains snapshot.log_group_key(trail.cloudwatch_logs_log_group_arn) if {
	some trail in input.trails
	snapshot.has_value(trail, "cloudwatch_logs_log_group_arn")
}

_region(arn) := r if {
	r := split(arn, ":")[3]
} else := ""

# _retention(lg) is the retention in days, null for never expire, "absent" when not collected.
_retention(lg) := object.get(lg, "retention_in_days", "absent")

# One finding per log group: the cases are exclusive, so they are tried in
# turn, the usual one first (an else chain stops at the first that holds, where
# separate rules would each look at every log group). A retention that is
# neither a number, null nor absent gets no finding, as before.
findings contains _finding(key, input.log_groups[key]) if some key in _log_groups

findings contains result.unknown(key, _region(key), snapshot.missing("the retention setting", key)) if {
	some key in _log_groups
	not input.log_groups[key]
}

_finding(key, lg) := result.pass(key, _region(key), msg) if {
	object.get(lg, "exists", true) != false
	days := _retention(lg)
	is_number(days)
	days >= min_days
	msg := sprintf("events are kept %d days (at least %d)", [days, min_days])
} else := result.fail(
	key,
	_region(key),
	"the log group does not exist: the trail's events are not kept in CloudWatch Logs at all",
) if {
	lg.exists == false
} else := result.pass(key, _region(key), "events never expire") if {
	_retention(lg) == null
} else := result.unknown(key, _region(key), snapshot.missing("the retention setting", key)) if {
	_retention(lg) == "absent"
} else := result.fail(key, _region(key), msg) if {
	days := _retention(lg)
	is_number(days)
	days < min_days
	msg := sprintf(
		"events are deleted after %d days, less than the %d days an investigation may need to look back",
		[days, min_days],
	)
}
