package trailguard.checks.org_trail_coverage_test

import data.trailguard.checks.org_trail_coverage.findings
import data.trailguard.fixtures

org_trail := fixtures.org_trail_arn

member := fixtures.org_member_without_own_trail

only(snapshot) := f if {
	fs := findings with input as snapshot
	count(fs) == 1
	some f in fs
}

test_pass_when_the_organization_trail_reaches_the_member if {
	f := only(member)
	f.status == "PASS"
	f.resource == "111122223333"
	f.message == concat(" ", [
		"organization trail arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail (owned by management account",
		"999988887777) is multi-region and logging: it records account 111122223333 (workload-prod) in every",
		"region",
	])
}

test_pass_in_the_management_account if {
	snapshot := json.patch(member, [{"op": "replace", "path": ["organization", "is_management_account"], "value": true}])
	only(snapshot).status == "PASS"
}

test_fail_when_no_organization_trail_reaches_the_account if {
	# The account's own trail is fine, but the organization does not record it.
	f := only(json.patch(fixtures.org_member, [{"op": "remove", "path": ["trails", org_trail]}]))
	f.status == "FAIL"
	f.resource == "111122223333"
	f.message == concat(" ", [
		"account 111122223333 (workload-prod) sees no organization trail of organization o-a1b2c3d4e5 (management",
		"account 999988887777): nothing records the account for the organization",
	])
}

test_fail_when_only_another_organizations_trail_is_seen if {
	stranger := "arn:aws:cloudtrail:us-east-1:123456789012:trail/their-org-trail"
	snapshot := json.patch(member, [
		{
			"op": "add",
			"path": ["trails", stranger],
			"value": object.union(member.trails[org_trail], {"arn": stranger, "owner_account_id": "123456789012"}),
		},
		{"op": "remove", "path": ["trails", org_trail]},
	])
	f := only(snapshot)
	f.status == "FAIL"
	f.resource == "111122223333"
	f.message == concat(" ", [
		"account 111122223333 (workload-prod) sees no organization trail of organization o-a1b2c3d4e5 (management",
		"account 999988887777) (it sees organization trails of other organizations only:",
		"arn:aws:cloudtrail:us-east-1:123456789012:trail/their-org-trail): nothing records the account for the",
		"organization",
	])
}

test_fail_when_the_organization_trail_is_stopped_or_single_region if {
	every c in [
		[{"op": "replace", "path": ["trails", org_trail, "status", "is_logging"], "value": false}, "it is stopped"],
		[{"op": "replace", "path": ["trails", org_trail, "is_multi_region"], "value": false}, "it is single-region"],
	] {
		fixtures.one_finding(findings) == {
			"status": "FAIL",
			"resource": "111122223333",
			"message": sprintf(
				"organization trail %s does not cover account 111122223333 (workload-prod) everywhere: %s",
				[fixtures.org_trail_arn, c[1]],
			),
		} with input as json.patch(member, [c[0]])
	}
}

test_unknown_when_the_trail_status_was_not_read if {
	f := only(json.patch(member, [{"op": "remove", "path": ["trails", org_trail, "status"]}]))
	f.status == "UNKNOWN"
	f.resource == "111122223333"
	f.message == sprintf(
		"organization trail %s: whether it is logging (not collected) could not be read",
		[fixtures.org_trail_arn],
	)
}

test_unknown_when_the_trails_could_not_be_listed if {
	snapshot := json.patch(member, [
		{"op": "remove", "path": ["trails", org_trail]},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {
				"service": "cloudtrail",
				"operation": "DescribeTrails",
				"region": "us-east-1",
				"code": "AccessDeniedException",
			},
		},
	])
	f := only(snapshot)
	f.status == "UNKNOWN"
	f.resource == "111122223333"
	f.message == concat(" ", [
		"the trails of account 111122223333 (workload-prod) could not all be read (cloudtrail DescribeTrails:",
		"AccessDeniedException): whether the organization trail reaches it is unknown",
	])
}

test_nothing_reported_outside_an_organization_scan if {
	# A single-account snapshot, even of a member that read its organization id.
	count(findings) == 0 with input as fixtures.compliant
	count(findings) == 0 with input as json.patch(member, [{"op": "remove", "path": ["organization", "ou_path"]}])
}
