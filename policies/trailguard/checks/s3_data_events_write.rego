# METADATA
# title: S3 object-level write events are logged for all buckets
# description: |
#   S3 object-level API calls (PutObject, DeleteObject, ...) are data events, which trails do
#   not record by default. Without them nobody can tell who wrote or deleted which object. At
#   least one logging multi-region trail must record S3 object-level write
#   events for all current and future buckets: a classic data resource
#   AWS::S3::Object with value arn:<partition>:s3 (or arn:<partition>:s3:::),
#   or an advanced selector on eventCategory = Data and resources.type =
#   AWS::S3::Object without any resources.ARN, eventName or other narrowing
#   field selector.
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: TG-CT-009
#   severity: medium
#   resource_type: AwsAccount
#   remediation:
#     console: CloudTrail console > Trails > choose a multi-region trail > Data events > Edit > Add data event type > Data event type S3 > Log selector template "Log all events" (or "Log writeOnly events") > Save changes. With the CLI, put-event-selectors replaces all of the trail's selectors, so add its other selectors to the list.
#     cli: aws cloudtrail put-event-selectors --trail-name <trail-arn> --advanced-event-selectors '[{"Name":"Management events","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]},{"Name":"S3 object-level events, all buckets","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]}]}]'
#   frameworks:
#     cis-aws-v3.0.0: ["3.8"]
#     cis-aws-v1.4.0: ["3.10"]
package trailguard.checks.s3_data_events_write

import data.trailguard.lib.result
import data.trailguard.lib.selectors
import data.trailguard.lib.snapshot

# qualifying are the trails proven to record S3 object-level write events for all buckets.
qualifying contains arn if {
	some arn, trail in input.trails
	trail.is_multi_region == true
	trail.status.is_logging == true
	selectors.s3_data_events(trail, "write")
}

shortfall(trail, "is not multi-region") if trail.is_multi_region == false

shortfall(trail, "is not logging") if trail.status.is_logging == false

shortfall(trail, "does not record S3 object-level write events for all buckets") if {
	selectors.selectors_known(trail)
	not selectors.s3_data_events(trail, "write")
}

gap(trail, "multi-region setting") if not is_boolean(object.get(trail, "is_multi_region", null))

gap(trail, "logging status") if not is_boolean(object.get(object.get(trail, "status", {}), "is_logging", null))

gap(trail, "event selectors") if not selectors.selectors_known(trail)

pass_message(arn, trail) := sprintf("trail %s%s is multi-region, logging and records S3 object-level write events for all buckets", [arn, owner_note(trail)])

# undecided are the trails that might qualify: no collected fact rules them
# out, but something needed was not collected.
undecided contains arn if {
	some arn, trail in input.trails
	not qualifying[arn]
	count(shortfalls(trail)) == 0
}

# shortfalls(trail) are the collected facts that rule the trail out.
shortfalls(trail) := {s | some s in ["is not multi-region", "is not logging", "does not record S3 object-level write events for all buckets"]; shortfall(trail, s)}

# gaps(trail) are the things needed to judge the trail that were not collected.
gaps(trail) := {g | some g in ["multi-region setting", "logging status", "event selectors"]; gap(trail, g)}

owner_note(trail) := sprintf(" (organization trail owned by account %s)", [trail.owner_account_id]) if {
	snapshot.foreign(trail)
} else := ""

# first(strings, n) lists at most n of a set of strings, then how many more.
first(strings, n) := concat("; ", sort(strings)) if {
	count(strings) <= n
} else := sprintf("%s; and %d more", [concat("; ", array.slice(sort(strings), 0, n)), count(strings) - n])

# The account-level finding: the cases are exclusive, so they are tried in turn,
# the usual one first (an else chain stops at the first that holds).
findings contains _finding

_finding := result.pass(input.account_id, "", msg) if {
	arn := sort(qualifying)[0]
	msg := pass_message(arn, input.trails[arn])
} else := result.unknown(input.account_id, "", msg) if {
	count(qualifying) == 0
	count(undecided) > 0
	reasons := {snapshot.missing(concat(", ", sort(gaps(input.trails[arn]))), arn) | some arn in undecided}
	msg := sprintf("no trail is known to be multi-region, logging and record S3 object-level write events for all buckets: %s", [first(reasons, 5)])
} else := result.unknown(input.account_id, "", msg) if {
	count(qualifying) == 0
	count(undecided) == 0
	selectors.trail_list_incomplete
	msg := sprintf("no collected trail is multi-region, logging and records S3 object-level write events for all buckets, but the list of trails may be incomplete (%s)", [selectors.trail_list_incomplete_reason])
} else := result.fail(input.account_id, "", fail_message) if {
	count(qualifying) == 0
	count(undecided) == 0
	not selectors.trail_list_incomplete
}

fail_message := "no trail exists: S3 object-level write events are not recorded" if {
	count(input.trails) == 0
} else := sprintf("no trail is multi-region, logging and records S3 object-level write events for all buckets: %s", [first(reasons, 5)]) if {
	reasons := {sprintf("trail %s %s", [arn, concat(" and ", sort(shortfalls(trail)))]) | some arn, trail in input.trails}
}
