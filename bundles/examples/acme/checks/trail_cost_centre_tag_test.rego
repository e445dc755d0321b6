package acme.checks.trail_cost_centre_tag_test

import data.acme.checks.trail_cost_centre_tag.findings
import data.trailguard.fixtures

test_pass_with_known_cost_centre if {
	{f.status | some f in findings} == {"PASS"} with input as fixtures.compliant
}

test_fail_without_tag if {
	snapshot := fixtures.with_value(["trails", fixtures.trail_arn, "tags"], {"owner": "security"})
	{f.status | some f in findings} == {"FAIL"} with input as snapshot
}

test_fail_with_unknown_cost_centre if {
	snapshot := fixtures.with_value(["trails", fixtures.trail_arn, "tags", "cost-centre"], "marketing-42")
	some f in findings with input as snapshot
	f.status == "FAIL"
	contains(f.message, "marketing-42")
}

test_unknown_when_tags_missing if {
	snapshot := fixtures.without(["trails", fixtures.trail_arn, "tags"])
	{f.status | some f in findings} == {"UNKNOWN"} with input as snapshot
}
