# METADATA
# title: Some trail covers the account
# description: |
#   The verdict of the account-level checks that ask whether SOME trail does
#   something for the whole account (multi_region_trail, global_service_events,
#   s3_data_events_read, s3_data_events_write, insights_enabled). Each of those
#   checks states what differs: which trails qualify, and for every trail the
#   collected facts that rule it out (its shortfalls) and what was needed to
#   judge it but not collected (its gaps). This library decides, once for all:
#
#     PASS     some trail qualifies (the check names the first, see pass);
#     UNKNOWN  none qualifies, but some trail has no shortfall: the data it
#              lacks might make it qualify (its gaps are listed);
#     UNKNOWN  every trail is ruled out, but the list of trails may be
#              incomplete (selectors.trail_list_incomplete);
#     FAIL     every trail is ruled out (each listed with its shortfalls), or
#              there is no trail at all.
#
#   A check reads:
#
#     findings contains _finding
#     _finding := covering_trail.pass(arn, "is multi-region, ...") if {
#         arn := sort(qualifying)[0]
#     } else := covering_trail.not_covered(_judged, _wording)
#     _judged := {arn: {"shortfalls": shortfalls(t), "gaps": gaps(t)} | some arn, t in input.trails}
#
#   (The PASS case comes first, in the check: the shortfalls and gaps of every
#   trail are only computed when no trail qualifies.)
# schemas:
#   - input: schema.snapshot
package trailguard.lib.covering_trail

import data.trailguard.lib.result
import data.trailguard.lib.selectors
import data.trailguard.lib.snapshot
import data.trailguard.lib.text

# pass(arn, does) is the account's PASS finding, naming the qualifying trail arn and
# what it does: "trail <arn> is multi-region, ...".
pass(arn, does) := result.pass(
	input.account_id,
	"",
	sprintf("trail %s%s %s", [arn, _owner_note(input.trails[arn]), does]),
)

_owner_note(trail) := sprintf(" (organization trail owned by account %s)", [trail.owner_account_id]) if {
	snapshot.foreign(trail)
} else := ""

# not_covered(judged, wording) is the account's finding when no trail qualifies.
# judged maps every trail's ARN to {"shortfalls": set, "gaps": set}; wording has the
# start of each message:
#   "undecided":       "no trail is known to be <X>" (followed by the gaps),
#   "incomplete":      "no collected trail is <X>" (followed by the reason),
#   "ruled_out":       "no trail is <X>" (followed by every trail's shortfalls),
#   "no_trail":        the whole message when there is no trail.
not_covered(judged, wording) := result.unknown(input.account_id, "", msg) if {
	undecided := {arn | some arn, j in judged; count(j.shortfalls) == 0}
	count(undecided) > 0
	reasons := {snapshot.missing(concat(", ", sort(judged[arn].gaps)), arn) | some arn in undecided}
	msg := sprintf("%s: %s", [wording.undecided, text.first(reasons, 5)])
} else := result.unknown(input.account_id, "", msg) if {
	selectors.trail_list_incomplete
	msg := sprintf("%s, but the list of trails may be incomplete (%s)", [
		wording.incomplete,
		selectors.trail_list_incomplete_reason,
	])
} else := result.fail(input.account_id, "", wording.no_trail) if {
	count(input.trails) == 0
} else := result.fail(input.account_id, "", msg) if {
	reasons := {sprintf("trail %s %s", [arn, concat(" and ", sort(j.shortfalls))]) | some arn, j in judged}
	msg := sprintf("%s: %s", [wording.ruled_out, text.first(reasons, 5)])
}

# The requirements most of these checks share. A requirement is met when a rule
# such as multi_region_and_logging holds; a shortfall when the collected value
# rules it out; a gap when the value was not collected.

# multi_region_and_logging(trail) is true when the trail is proven multi-region and logging.
multi_region_and_logging(trail) if {
	trail.is_multi_region == true
	trail.status.is_logging == true
}

# multi_region_and_logging_shortfalls(trail) are those of "is not multi-region" and
# "is not logging" that the collected values prove.
multi_region_and_logging_shortfalls(trail) := _multi_region_shortfalls(trail) | logging_shortfalls(trail)

_multi_region_shortfalls(trail) := {"is not multi-region"} if {
	trail.is_multi_region == false
} else := set()

# logging_shortfalls(trail) is {"is not logging"} when the trail's status says so.
logging_shortfalls(trail) := {"is not logging"} if {
	trail.status.is_logging == false
} else := set()

# multi_region_and_logging_gaps(trail) are those of the multi-region setting and the
# logging status that were not collected.
multi_region_and_logging_gaps(trail) := _multi_region_gaps(trail) | logging_gaps(trail)

_multi_region_gaps(trail) := {"multi-region setting"} if {
	not is_boolean(object.get(trail, "is_multi_region", null))
} else := set()

# logging_gaps(trail) is {"logging status"} when GetTrailStatus was not read.
logging_gaps(trail) := {"logging status"} if {
	not is_boolean(object.get(object.get(trail, "status", {}), "is_logging", null))
} else := set()

# selectors_gaps(trail) is {"event selectors"} when the trail's event selectors were
# not collected.
selectors_gaps(trail) := {"event selectors"} if {
	not selectors.selectors_known(trail)
} else := set()
