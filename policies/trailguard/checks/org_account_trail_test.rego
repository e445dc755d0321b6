package trailguard.checks.org_account_trail_test

import data.trailguard.checks.org_account_trail.findings
import data.trailguard.fixtures

only(snapshot) := f if {
	fs := findings with input as snapshot
	count(fs) == 1
	some f in fs
}

test_pass_when_the_organization_trail_records_the_account if {
	f := only(fixtures.org_member)
	f.status == "PASS"
	f.resource == "111122223333"
	f.message == sprintf(
		"account 111122223333 (workload-prod) is recorded in every region by its organization trail %s",
		[fixtures.org_trail_arn],
	)
}

test_pass_when_only_its_own_trail_records_the_account if {
	snapshot := json.patch(fixtures.org_member, [{"op": "remove", "path": ["trails", fixtures.org_trail_arn]}])
	f := only(snapshot)
	f.status == "PASS"
	f.resource == "111122223333"
	f.message == sprintf(
		"account 111122223333 (workload-prod) is recorded in every region by its own trail %s",
		[fixtures.trail_arn],
	)
}

test_fail_when_no_trail_records_the_account_everywhere if {
	snapshot := json.patch(fixtures.org_member, [
		{"op": "replace", "path": ["trails", fixtures.org_trail_arn, "status", "is_logging"], "value": false},
		{"op": "replace", "path": ["trails", fixtures.trail_arn, "is_multi_region"], "value": false},
	])
	f := only(snapshot)
	f.status == "FAIL"
	f.resource == "111122223333"
	f.message == concat(" ", [
		"account 111122223333 (workload-prod) is recorded everywhere neither by the organization trail nor by a",
		"trail of its own: organization trail arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail (it is",
		"stopped); own trail arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events (it is",
		"single-region)",
	])
}

test_fail_when_the_account_sees_no_trail if {
	snapshot := json.patch(fixtures.org_member, [{"op": "replace", "path": ["trails"], "value": {}}])
	f := only(snapshot)
	f.status == "FAIL"
	f.resource == "111122223333"
	f.message == concat(" ", [
		"account 111122223333 (workload-prod) is recorded everywhere neither by the organization trail nor by a",
		"trail of its own: it sees no trail",
	])
}

test_unknown_when_a_status_was_not_read if {
	snapshot := json.patch(
		fixtures.org_member_without_own_trail,
		[{"op": "remove", "path": ["trails", fixtures.org_trail_arn, "status"]}],
	)
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": sprintf(
			"trail %s: whether it is logging (not collected) could not be read",
			[fixtures.org_trail_arn],
		),
	} with input as snapshot
}

test_unknown_when_the_trails_could_not_be_listed if {
	snapshot := json.patch(fixtures.org_member, [
		{"op": "replace", "path": ["trails"], "value": {}},
		{"op": "replace", "path": ["complete"], "value": false},
	])
	f := only(snapshot)
	f.status == "UNKNOWN"
	f.resource == "111122223333"
	f.message == concat(" ", [
		"the trails of account 111122223333 (workload-prod) could not",
		"all be read (the collection was interrupted)",
	])
}

test_nothing_reported_outside_an_organization_scan if {
	count(findings) == 0 with input as fixtures.compliant
}
