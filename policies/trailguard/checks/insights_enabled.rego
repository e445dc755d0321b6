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
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-insights-events-with-cloudtrail.html
#     description: >-
#       CloudTrail: working with CloudTrail Insights
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: TG-CT-011
#   severity: low
#   resource_type: AwsAccount
#   remediation:
#     console: >-
#       CloudTrail console > Trails > choose a trail that logs management events > Insights events > Edit > select API
#       call rate and API error rate > Save changes.
#     cli: >-
#       aws cloudtrail put-insight-selectors --trail-name <trail-arn> --insight-selectors
#       '[{"InsightType":"ApiCallRateInsight"},{"InsightType":"ApiErrorRateInsight"}]'
package trailguard.checks.insights_enabled

import data.trailguard.lib.covering_trail as covering
import data.trailguard.lib.selectors
import data.trailguard.lib.snapshot

# insight(trail, type) is true when the trail has an insight selector of type.
insight(trail, type) if {
	some sel in trail.insight_selectors
	sel.insight_type == type
}

# qualifying are the logging trails proven to have API call rate Insights on
# write management events. (lib/covering_trail turns these rules into the verdict.)
qualifying contains arn if {
	some arn, trail in input.trails
	snapshot.logging(trail)
	insight(trail, "ApiCallRateInsight")
	selectors.records_write_management_events(trail)
}

# shortfalls(trail) are the collected facts that rule the trail out.
shortfalls(trail) := union({
	covering.logging_shortfalls(trail),
	{"has no ApiCallRateInsight insight selector" |
		is_array(trail.insight_selectors)
		not insight(trail, "ApiCallRateInsight")
	},
	{_no_writes |
		selectors.selectors_known(trail)
		not selectors.records_write_management_events(trail)
	},
})

_no_writes := "records no write management events (API call rate Insights measures write management calls only)"

# gaps(trail) are the things needed to judge the trail that were not collected.
gaps(trail) := union({
	covering.logging_gaps(trail),
	{"insight selectors" | not is_array(object.get(trail, "insight_selectors", null))},
	covering.selectors_gaps(trail),
})

findings contains _finding

_finding := covering.pass(arn, _pass_text(input.trails[arn])) if {
	arn := sort(qualifying)[0]
} else := covering.not_covered(_judged, _wording)

_pass_text(trail) := concat("; ", [
	"is logging write management events with API call rate Insights (ApiCallRateInsight)",
	_error_rate_note(trail),
])

_error_rate_note(trail) := "API error rate Insights (ApiErrorRateInsight) is on too" if {
	insight(trail, "ApiErrorRateInsight")
} else := "API error rate Insights (ApiErrorRateInsight) is off: consider enabling it to spot permission enumeration"

_judged := {arn: {"shortfalls": shortfalls(trail), "gaps": gaps(trail)} | some arn, trail in input.trails}

_wording := {
	"undecided": "no trail is known to be logging with API call rate Insights (ApiCallRateInsight)",
	"incomplete": "no collected trail is logging with API call rate Insights (ApiCallRateInsight)",
	"ruled_out": "no trail is logging with API call rate Insights (ApiCallRateInsight)",
	"no_trail": "no trail exists: unusual API activity is not detected",
}
