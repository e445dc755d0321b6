# METADATA
# title: CloudTrail Insights detects unusual API activity
# description: |
#   CloudTrail Insights learns the normal rate of write management API calls
#   (ApiCallRateInsight) and of API errors (ApiErrorRateInsight) and records
#   an Insights event when activity departs from it: a burst of
#   RunInstances from a leaked key, or an attacker enumerating permissions
#   and collecting AccessDenied errors. At least one logging trail must have
#   ApiCallRateInsight and record write management events (API call rate
#   Insights measures write management calls only: on a trail that records
#   only read-only events, or no management events, it detects nothing); the
#   message says whether ApiErrorRateInsight is on.
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: TG-CT-011
#   severity: low
#   resource_type: AwsAccount
#   remediation:
#     console: CloudTrail console > Trails > choose a trail that logs management events > Insights events > Edit > select API call rate and API error rate > Save changes.
#     cli: aws cloudtrail put-insight-selectors --trail-name <trail-arn> --insight-selectors '[{"InsightType":"ApiCallRateInsight"},{"InsightType":"ApiErrorRateInsight"}]'
package trailguard.checks.insights_enabled

import data.trailguard.lib.result
import data.trailguard.lib.selectors
import data.trailguard.lib.snapshot

# insight(trail, type) is true when the trail has an insight selector of type.
insight(trail, type) if {
	some sel in trail.insight_selectors
	sel.insight_type == type
}

# qualifying are the logging trails proven to have API call rate Insights.
qualifying contains arn if {
	some arn, trail in input.trails
	trail.status.is_logging == true
	insight(trail, "ApiCallRateInsight")
	selectors.records_write_management_events(trail)
}

shortfall(trail, "is not logging") if trail.status.is_logging == false

shortfall(trail, "has no ApiCallRateInsight insight selector") if {
	is_array(trail.insight_selectors)
	not insight(trail, "ApiCallRateInsight")
}

shortfall(trail, "records no write management events (API call rate Insights measures write management calls only)") if {
	selectors.selectors_known(trail)
	not selectors.records_write_management_events(trail)
}

gap(trail, "logging status") if not is_boolean(object.get(object.get(trail, "status", {}), "is_logging", null))

gap(trail, "insight selectors") if not is_array(object.get(trail, "insight_selectors", null))

gap(trail, "event selectors") if not selectors.selectors_known(trail)

error_rate_note(trail) := "API error rate Insights (ApiErrorRateInsight) is on too" if {
	insight(trail, "ApiErrorRateInsight")
} else := "API error rate Insights (ApiErrorRateInsight) is off: consider enabling it to spot permission enumeration"

pass_message(arn, trail) := sprintf("trail %s%s is logging write management events with API call rate Insights (ApiCallRateInsight); %s", [arn, owner_note(trail), error_rate_note(trail)])

# undecided are the trails that might qualify: no collected fact rules them
# out, but something needed was not collected.
undecided contains arn if {
	some arn, trail in input.trails
	not qualifying[arn]
	count(shortfalls(trail)) == 0
}

# shortfalls(trail) are the collected facts that rule the trail out.
shortfalls(trail) := {s | some s, _ in _shortfall_names; shortfall(trail, s)}

_shortfall_names := {
	"is not logging": true,
	"has no ApiCallRateInsight insight selector": true,
	"records no write management events (API call rate Insights measures write management calls only)": true,
}

# gaps(trail) are the things needed to judge the trail that were not collected.
gaps(trail) := {g | some g in ["logging status", "insight selectors", "event selectors"]; gap(trail, g)}

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
	msg := sprintf("no trail is known to be logging with API call rate Insights (ApiCallRateInsight): %s", [first(reasons, 5)])
} else := result.unknown(input.account_id, "", msg) if {
	count(qualifying) == 0
	count(undecided) == 0
	selectors.trail_list_incomplete
	msg := sprintf("no collected trail is logging with API call rate Insights (ApiCallRateInsight), but the list of trails may be incomplete (%s)", [selectors.trail_list_incomplete_reason])
} else := result.fail(input.account_id, "", fail_message) if {
	count(qualifying) == 0
	count(undecided) == 0
	not selectors.trail_list_incomplete
}

fail_message := "no trail exists: unusual API activity is not detected" if {
	count(input.trails) == 0
} else := sprintf("no trail is logging with API call rate Insights (ApiCallRateInsight): %s", [first(reasons, 5)]) if {
	reasons := {sprintf("trail %s %s", [arn, concat(" and ", sort(shortfalls(trail)))]) | some arn, trail in input.trails}
}
