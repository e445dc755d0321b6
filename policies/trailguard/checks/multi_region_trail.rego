# METADATA
# title: A multi-region trail logs all management events
# description: |
#   At least one trail must be multi-region, logging, and record every read
#   and write management event from every event source. Without it, API
#   activity in a region nobody watches (or read calls, or calls to an
#   excluded service such as KMS) leaves no audit record: an attacker simply
#   works in that region or through that service.
#
#   Classic selectors must include one selector with ReadWriteType "All",
#   IncludeManagementEvents true and no excluded event sources (a ReadOnly
#   selector plus a WriteOnly selector does not count). Advanced selectors
#   must include a selector on eventCategory = Management with no readOnly
#   filter and no eventSource exclusion. An organization trail seen from a
#   member account counts.
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: TG-CT-001
#   severity: high
#   resource_type: AwsAccount
#   remediation:
#     console: CloudTrail console > Trails > Create trail (trails created in the console apply to all regions), or choose an existing multi-region trail > Management events > Edit > API activity Read and Write, clear "Exclude AWS KMS events" and "Exclude Amazon RDS Data API events" > Save changes; make sure the trail's status is Logging. A single-region trail can be made multi-region only with the CLI, whose put-event-selectors replaces all of the trail's selectors, so add its other selectors to the list.
#     cli: aws cloudtrail update-trail --name <trail-arn> --is-multi-region-trail --include-global-service-events && aws cloudtrail put-event-selectors --trail-name <trail-arn> --advanced-event-selectors '[{"Name":"Management events","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]}]' && aws cloudtrail start-logging --name <trail-arn>
#   frameworks:
#     cis-aws-v3.0.0: ["3.1"]
#     cis-aws-v1.4.0: ["3.1"]
#     securityhub: ["CloudTrail.1", "CloudTrail.3"]
package trailguard.checks.multi_region_trail

import data.trailguard.lib.result
import data.trailguard.lib.selectors
import data.trailguard.lib.snapshot

# qualifying are the trails proven multi-region, logging and recording all
# management events.
qualifying contains arn if {
	some arn, trail in input.trails
	trail.is_multi_region == true
	trail.status.is_logging == true
	selectors.all_management_events(trail)
}

# undecided are the trails that might qualify: no collected fact rules them
# out, but something needed was not collected.
undecided contains arn if {
	some arn, trail in input.trails
	not qualifying[arn]
	count(shortfalls(trail)) == 0
}

# shortfalls(trail) are the collected facts that rule the trail out.
shortfalls(trail) := {s | some s in ["is not multi-region", "is not logging", "does not record all read and write management events"]; shortfall(trail, s)}

shortfall(trail, "is not multi-region") if trail.is_multi_region == false

shortfall(trail, "is not logging") if trail.status.is_logging == false

shortfall(trail, "does not record all read and write management events") if {
	selectors.selectors_known(trail)
	not selectors.all_management_events(trail)
}

# gaps(trail) are the things needed to judge the trail that were not collected.
gaps(trail) := {g | some g in ["multi-region setting", "logging status", "event selectors"]; gap(trail, g)}

gap(trail, "multi-region setting") if not is_boolean(object.get(trail, "is_multi_region", null))

gap(trail, "logging status") if not is_boolean(object.get(object.get(trail, "status", {}), "is_logging", null))

gap(trail, "event selectors") if not selectors.selectors_known(trail)

owner_note(trail) := sprintf(" (organization trail owned by account %s)", [trail.owner_account_id]) if {
	snapshot.foreign(trail)
} else := ""

# first(set, n) lists at most n elements of a set of strings, then how many more.
first(strings, n) := concat("; ", sorted) if {
	count(strings) <= n
	sorted := sort(strings)
} else := sprintf("%s; and %d more", [concat("; ", array.slice(sort(strings), 0, n)), count(strings) - n])

# The account-level finding: the cases are exclusive, so they are tried in turn,
# the usual one first (an else chain stops at the first that holds).
findings contains _finding

_finding := result.pass(input.account_id, "", msg) if {
	arn := sort(qualifying)[0]
	msg := sprintf("trail %s%s is multi-region, logging and records all read and write management events", [arn, owner_note(input.trails[arn])])
} else := result.unknown(input.account_id, "", msg) if {
	count(qualifying) == 0
	count(undecided) > 0
	reasons := {snapshot.missing(concat(", ", sort(gaps(input.trails[arn]))), arn) | some arn in undecided}
	msg := sprintf("no trail is known to be multi-region, logging and recording all management events: %s", [first(reasons, 5)])
} else := result.unknown(input.account_id, "", msg) if {
	count(qualifying) == 0
	count(undecided) == 0
	selectors.trail_list_incomplete
	msg := sprintf("no collected trail is multi-region, logging and recording all management events, but the list of trails may be incomplete (%s)", [selectors.trail_list_incomplete_reason])
} else := result.fail(input.account_id, "", msg) if {
	count(qualifying) == 0
	count(undecided) == 0
	not selectors.trail_list_incomplete
	msg := fail_message
}

fail_message := "no trail exists: API activity in this account is not recorded" if {
	count(input.trails) == 0
} else := sprintf("no trail is multi-region, logging and recording all read and write management events: %s", [first(reasons, 5)]) if {
	reasons := {sprintf("trail %s %s", [arn, concat(" and ", sort(shortfalls(trail)))]) | some arn, trail in input.trails}
}
