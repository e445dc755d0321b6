package trailguard.checks.full_access_no_direct_users_test

import data.trailguard.checks.full_access_no_direct_users.findings
import data.trailguard.fixtures

alice := "arn:aws:iam::111122223333:user/alice"

bob := "arn:aws:iam::111122223333:user/bob"

statuses(snapshot) := s if {
	s := {f.status | some f in findings} with input as snapshot
}

test_pass_when_admins_get_the_policy_through_a_group if {
	findings == {{
		"status": "PASS",
		"resource": fixtures.full_access_policy_arn,
		"region": "",
		"message": "no IAM user has AWSCloudTrail_FullAccess attached directly",
	}} with input as fixtures.compliant
}

test_fail_when_the_policy_is_attached_to_a_user if {
	snapshot := fixtures.with_value(["iam", "users", alice, "attached_policies"], [fixtures.full_access_policy_arn])
	findings == {{
		"status": "FAIL",
		"resource": alice,
		"region": "",
		"message": concat(" ", [
			"user alice has AWSCloudTrail_FullAccess attached directly: attach it to a group or role and grant it through",
			"membership instead",
		]),
	}} with input as snapshot
}

test_fail_for_the_deprecated_full_access_policy_too if {
	snapshot := fixtures.with_value(
		["iam", "users", alice, "attached_policies"],
		["arn:aws:iam::aws:policy/AWSCloudTrailFullAccess"],
	)
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": "arn:aws:iam::111122223333:user/alice",
		"message": concat(" ", [
			"user alice has AWSCloudTrailFullAccess attached directly: attach it to a group or role and grant it",
			"through membership instead",
		]),
	} with input as snapshot
}

test_fail_once_per_user_and_never_pass_alongside if {
	snapshot := fixtures.patched([
		{"op": "add", "path": ["iam", "users", alice, "attached_policies"], "value": [fixtures.full_access_policy_arn]},
		{
			"op": "add",
			"path": ["iam", "users", bob],
			"value": {
				"arn": bob,
				"name": "bob",
				"groups": [],
				"attached_policies": ["arn:aws:iam::aws:policy/ReadOnlyAccess", fixtures.full_access_policy_arn],
				"inline_policies": {},
			},
		},
	])
	fixtures.reduced_findings(findings) == {
		{
			"status": "FAIL",
			"resource": "arn:aws:iam::111122223333:user/alice",
			"message": concat(" ", [
				"user alice has AWSCloudTrail_FullAccess attached directly: attach it to a group or role and grant it",
				"through membership instead",
			]),
		},
		{
			"status": "FAIL",
			"resource": "arn:aws:iam::111122223333:user/bob",
			"message": concat(" ", [
				"user bob has AWSCloudTrail_FullAccess attached directly: attach it to a group or role and grant it",
				"through membership instead",
			]),
		},
	} with input as snapshot
}

test_policy_held_only_through_a_group_or_role_passes if {
	snapshot := fixtures.with_value(
		["iam", "roles", "arn:aws:iam::111122223333:role/SecurityAudit", "attached_policies"],
		[fixtures.full_access_policy_arn],
	)
	statuses(snapshot) == {"PASS"}
}

test_govcloud_uses_its_partition_arn if {
	snapshot := fixtures.patched([
		{"op": "add", "path": ["partition"], "value": "aws-us-gov"},
		{
			"op": "add",
			"path": ["iam", "users", alice, "attached_policies"],
			"value": ["arn:aws-us-gov:iam::aws:policy/AWSCloudTrail_FullAccess"],
		},
	])
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": "arn:aws:iam::111122223333:user/alice",
		"message": concat(" ", [
			"user alice has AWSCloudTrail_FullAccess attached directly: attach it to a group or role and grant it",
			"through membership instead",
		]),
	} with input as snapshot
}

test_unknown_when_iam_was_not_read if {
	findings == {{
		"status": "UNKNOWN",
		"resource": "111122223333",
		"region": "",
		"message": "IAM users, groups, roles and policies of 111122223333 could not be read (not collected)",
	}} with input as fixtures.without(["iam"])
}

test_unknown_when_users_were_not_read if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": "IAM users of 111122223333 could not be read (not collected)",
	} with input as fixtures.without(["iam", "users"])
}

test_unknown_not_pass_when_a_users_policies_were_not_read if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["iam", "users", alice, "attached_policies"]},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {"service": "iam", "operation": "ListAttachedUserPolicies", "code": "AccessDenied", "resource": alice},
		},
	])
	findings == {{
		"status": "UNKNOWN",
		"resource": alice,
		"region": "",
		"message": concat(" ", [
			"attached policies of arn:aws:iam::111122223333:user/alice could not be read (iam ListAttachedUserPolicies:",
			"AccessDenied)",
		]),
	}} with input as snapshot
}
