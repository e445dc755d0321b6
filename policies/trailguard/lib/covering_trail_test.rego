package trailguard.lib.covering_trail_test

import data.trailguard.fixtures
import data.trailguard.lib.covering_trail

trail := fixtures.compliant.trails[fixtures.trail_arn]

other_arn := "arn:aws:cloudtrail:eu-west-1:111122223333:trail/regional"

wording := {
	"undecided": "no trail is known to do X",
	"incomplete": "no collected trail does X",
	"ruled_out": "no trail does X",
	"no_trail": "no trail exists: X is not done",
}

# Both trails exist in the snapshot; judged says what rules each out.
two_trails := fixtures.with_value(["trails", other_arn], object.union(trail, {"arn": other_arn}))

test_pass_names_the_trail if {
	f := covering_trail.pass(fixtures.trail_arn, "does X") with input as fixtures.compliant
	f == {
		"status": "PASS", "resource": "111122223333", "region": "",
		"message": sprintf("trail %s does X", [fixtures.trail_arn]),
	}
}

test_pass_names_the_owner_of_an_organization_trail if {
	snapshot := fixtures.with_value(["trails", fixtures.trail_arn, "owner_account_id"], "999988887777")
	f := covering_trail.pass(fixtures.trail_arn, "does X") with input as snapshot
	f.message == sprintf("trail %s (organization trail owned by account 999988887777) does X", [fixtures.trail_arn])
}

test_unknown_when_a_trail_is_not_ruled_out if {
	judged := {
		fixtures.trail_arn: {"shortfalls": set(), "gaps": {"logging status", "event selectors"}},
		other_arn: {"shortfalls": {"is not logging"}, "gaps": set()},
	}
	f := covering_trail.not_covered(judged, wording) with input as two_trails
	f.status == "UNKNOWN"
	f.resource == "111122223333"
	f.message == sprintf(
		"no trail is known to do X: event selectors, logging status of %s could not be read (not collected)",
		[fixtures.trail_arn],
	)
}

test_fail_lists_every_trail_with_its_shortfalls if {
	judged := {
		fixtures.trail_arn: {"shortfalls": {"is not multi-region", "is not logging"}, "gaps": {"event selectors"}},
		other_arn: {"shortfalls": {"is not logging"}, "gaps": set()},
	}
	f := covering_trail.not_covered(judged, wording) with input as two_trails
	f.status == "FAIL"
	f.resource == "111122223333"
	f.message == sprintf(
		"no trail does X: trail %s is not logging; trail %s is not logging and is not multi-region",
		[other_arn, fixtures.trail_arn],
	)
}

test_unknown_when_every_trail_is_ruled_out_but_the_list_may_be_incomplete if {
	judged := {fixtures.trail_arn: {"shortfalls": {"is not logging"}, "gaps": set()}}
	snapshot := fixtures.with_value(["complete"], false)
	f := covering_trail.not_covered(judged, wording) with input as snapshot
	f.status == "UNKNOWN"
	f.message == "no collected trail does X, but the list of trails may be incomplete (the collection was interrupted)"
}

test_fail_when_there_is_no_trail if {
	f := covering_trail.not_covered({}, wording) with input as fixtures.with_value(["trails"], {})
	f == {"status": "FAIL", "resource": "111122223333", "region": "", "message": "no trail exists: X is not done"}
}

test_fail_lists_at_most_five_trails if {
	judged := {sprintf("t%d", [i]): {"shortfalls": {"is not logging"}, "gaps": set()} | some i in numbers.range(1, 7)}
	f := covering_trail.not_covered(judged, wording) with input as fixtures.compliant
	f.message == concat("", [
		"no trail does X: trail t1 is not logging; trail t2 is not logging; trail t3 is not logging; ",
		"trail t4 is not logging; trail t5 is not logging; and 2 more",
	])
}

test_shared_requirements if {
	covering_trail.multi_region_and_logging(trail)
	covering_trail.multi_region_and_logging_shortfalls(trail) == set()
	covering_trail.multi_region_and_logging_gaps(trail) == set()
	covering_trail.selectors_gaps(trail) == set()

	stopped := object.union(trail, {"is_multi_region": false, "status": {"is_logging": false}})
	covering_trail.multi_region_and_logging_shortfalls(stopped) == {"is not multi-region", "is not logging"}

	unread := json.remove(trail, ["is_multi_region", "status", "advanced_event_selectors"])
	covering_trail.multi_region_and_logging_gaps(unread) == {"multi-region setting", "logging status"}
	covering_trail.selectors_gaps(unread) == {"event selectors"}
}
