# METADATA
# title: A trail records global service events
# description: |
#   IAM, STS, CloudFront and other global services log their API calls as
#   global service events, delivered to trails that include them. Without
#   such a trail, creating an IAM user, attaching an admin policy or minting
#   access keys leaves no record. At least one logging multi-region trail
#   must include global service events and record management events.
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: TG-CT-006
#   severity: medium
#   resource_type: AwsAccount
#   remediation:
#     console: CloudTrail console > Trails > Create trail (trails created in the console apply to all regions and include global service events) with management events recorded, and make sure its status is Logging; an existing trail can be changed only with the CLI.
#     cli: aws cloudtrail update-trail --name <trail-arn> --is-multi-region-trail --include-global-service-events
package trailguard.checks.global_service_events

import data.trailguard.lib.result
import data.trailguard.lib.selectors
import data.trailguard.lib.snapshot

# qualifying are the trails proven to record global service events.
qualifying contains arn if {
	some arn, trail in input.trails
	trail.is_multi_region == true
	trail.status.is_logging == true
	trail.include_global_service_events == true
	selectors.logs_management_events(trail)
}

shortfall(trail, "is not multi-region") if trail.is_multi_region == false

shortfall(trail, "is not logging") if trail.status.is_logging == false

shortfall(trail, "does not include global service events") if trail.include_global_service_events == false

shortfall(trail, "records no management events") if {
	selectors.selectors_known(trail)
	not selectors.logs_management_events(trail)
}

gap(trail, "multi-region setting") if not is_boolean(object.get(trail, "is_multi_region", null))

gap(trail, "logging status") if not is_boolean(object.get(object.get(trail, "status", {}), "is_logging", null))

gap(trail, "global service events setting") if not is_boolean(object.get(trail, "include_global_service_events", null))

gap(trail, "event selectors") if not selectors.selectors_known(trail)

pass_message(arn, trail) := sprintf("trail %s%s is multi-region, logging and includes global service events (IAM, STS, CloudFront)", [arn, owner_note(trail)])

# undecided are the trails that might qualify: no collected fact rules them
# out, but something needed was not collected.
undecided contains arn if {
	some arn, trail in input.trails
	not qualifying[arn]
	count(shortfalls(trail)) == 0
}

# shortfalls(trail) are the collected facts that rule the trail out.
shortfalls(trail) := {s | some s in ["is not multi-region", "is not logging", "does not include global service events", "records no management events"]; shortfall(trail, s)}

# gaps(trail) are the things needed to judge the trail that were not collected.
gaps(trail) := {g | some g in ["multi-region setting", "logging status", "global service events setting", "event selectors"]; gap(trail, g)}

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
	msg := sprintf("no trail is known to record global service events: %s", [first(reasons, 5)])
} else := result.unknown(input.account_id, "", msg) if {
	count(qualifying) == 0
	count(undecided) == 0
	selectors.trail_list_incomplete
	msg := sprintf("no collected trail records global service events, but the list of trails may be incomplete (%s)", [selectors.trail_list_incomplete_reason])
} else := result.fail(input.account_id, "", fail_message) if {
	count(qualifying) == 0
	count(undecided) == 0
	not selectors.trail_list_incomplete
}

fail_message := "no trail exists: IAM, STS and other global API calls are not recorded" if {
	count(input.trails) == 0
} else := sprintf("no trail records global service events: %s", [first(reasons, 5)]) if {
	reasons := {sprintf("trail %s %s", [arn, concat(" and ", sort(shortfalls(trail)))]) | some arn, trail in input.trails}
}
