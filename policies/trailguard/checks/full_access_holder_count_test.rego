package trailguard.checks.full_access_holder_count_test

import data.trailguard.checks.full_access_holder_count.findings
import data.trailguard.fixtures

admins_group := "arn:aws:iam::111122223333:group/SecurityAdmins"

alice := "arn:aws:iam::111122223333:user/alice"

audit_role := "arn:aws:iam::111122223333:role/SecurityAudit"

user_arn(i) := sprintf("arn:aws:iam::111122223333:user/u%02d", [i])

# many_members(n) adds n more users to the SecurityAdmins group.
many_members(n) := [{"op": "add", "path": ["iam", "users", user_arn(i)], "value": {
	"arn": user_arn(i), "name": sprintf("u%02d", [i]), "console_access": true, "mfa_enabled": true,
	"groups": [admins_group], "attached_policies": [], "inline_policies": {},
}} |
	some i in numbers.range(1, n)
]

# role_holds is the patch attaching the policy directly to the SecurityAudit role.
role_holds := {
	"op": "replace",
	"path": ["iam", "roles", audit_role, "attached_policies"],
	"value": [fixtures.full_access_policy_arn],
}

# empty_group is the patch adding a group that holds the policy but has no members.
empty_group := {"op": "add", "path": ["iam", "groups", "arn:aws:iam::111122223333:group/CloudTrailAdmins"], "value": {
	"arn": "arn:aws:iam::111122223333:group/CloudTrailAdmins", "name": "CloudTrailAdmins",
	"attached_policies": [fixtures.full_access_policy_arn], "inline_policies": {},
}}

test_group_and_its_one_member_count_as_one_principal if {
	findings == {{
		"status": "PASS",
		"resource": "111122223333",
		"region": "",
		"message": "1 principal holds AWSCloudTrail_FullAccess (at most 3 allowed): user/alice (via group/SecurityAdmins)",
	}} with input as fixtures.compliant
}

test_pass_when_nobody_holds_the_policy if {
	snapshot := fixtures.with_value(["iam", "groups", admins_group, "attached_policies"], [])
	findings == {{
		"status": "PASS",
		"resource": "111122223333",
		"region": "",
		"message": "0 principals hold AWSCloudTrail_FullAccess (at most 3 allowed)",
	}} with input as snapshot
}

test_group_without_members_holds_nothing if {
	snapshot := fixtures.with_value(["iam", "users", alice, "groups"], [])
	findings == {{
		"status": "PASS",
		"resource": "111122223333",
		"region": "",
		"message": "0 principals hold AWSCloudTrail_FullAccess (at most 3 allowed)",
	}} with input as snapshot
}

test_pass_at_exactly_the_limit if {
	snapshot := fixtures.patched(array.concat([role_holds], many_members(1)))
	findings == {{
		"status": "PASS",
		"resource": "111122223333",
		"region": "",
		"message": concat(" ", [
			"3 principals hold AWSCloudTrail_FullAccess (at most 3 allowed): role/SecurityAudit, user/alice (via",
			"group/SecurityAdmins), user/u01 (via group/SecurityAdmins)",
		]),
	}} with input as snapshot
}

test_group_without_members_does_not_count_toward_the_limit if {
	snapshot := fixtures.patched(array.concat([role_holds, empty_group], many_members(1)))
	findings == {{
		"status": "PASS",
		"resource": "111122223333",
		"region": "",
		"message": concat(" ", [
			"3 principals hold AWSCloudTrail_FullAccess (at most 3 allowed): role/SecurityAudit, user/alice (via",
			"group/SecurityAdmins), user/u01 (via group/SecurityAdmins)",
		]),
	}} with input as snapshot
}

test_fail_when_a_group_of_four_members_exceeds_the_default_limit if {
	snapshot := fixtures.patched(many_members(3))
	findings == {{
		"status": "FAIL",
		"resource": "111122223333",
		"region": "",
		"message": concat(" ", [
			"4 principals hold AWSCloudTrail_FullAccess, more than the 3 allowed: user/alice (via group/SecurityAdmins),",
			"user/u01 (via group/SecurityAdmins), user/u02 (via group/SecurityAdmins), user/u03 (via group/SecurityAdmins)",
		]),
	}} with input as snapshot
}

test_user_holding_the_policy_two_ways_counts_once if {
	snapshot := fixtures.with_value(["iam", "users", alice, "attached_policies"], [fixtures.full_access_policy_arn])
	findings == {{
		"status": "PASS",
		"resource": "111122223333",
		"region": "",
		"message": concat(" ", [
			"1 principal holds AWSCloudTrail_FullAccess (at most 3 allowed): user/alice (attached directly, via",
			"group/SecurityAdmins)",
		]),
	}} with input as snapshot
}

test_fail_lists_ten_holders_and_counts_the_rest if {
	snapshot := fixtures.patched(many_members(12))
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": "111122223333",
		"message": concat(" ", [
			"13 principals hold AWSCloudTrail_FullAccess, more than the 3 allowed: user/alice (via",
			"group/SecurityAdmins), user/u01 (via group/SecurityAdmins), user/u02 (via group/SecurityAdmins),",
			"user/u03 (via group/SecurityAdmins), user/u04 (via group/SecurityAdmins), user/u05 (via",
			"group/SecurityAdmins), user/u06 (via group/SecurityAdmins), user/u07 (via group/SecurityAdmins),",
			"user/u08 (via group/SecurityAdmins), user/u09 (via group/SecurityAdmins) and 3 more",
		]),
	} with input as snapshot
}

test_limit_comes_from_params if {
	findings == {{
		"status": "FAIL",
		"resource": "111122223333",
		"region": "",
		"message": concat(" ", [
			"1 principal holds AWSCloudTrail_FullAccess, more than the 0",
			"allowed: user/alice (via group/SecurityAdmins)",
		]),
	}} with input as fixtures.compliant with data.params as {"max_full_access_holders": 0}
	{f.status |
		some f in findings
	} == {"PASS"} with input as fixtures.patched(many_members(12)) with data.params as {"max_full_access_holders": 13}
	{f.status |
		some f in findings
	} == {"FAIL"} with input as fixtures.patched(many_members(12)) with data.params as {"max_full_access_holders": 12}
}

test_role_holding_the_policy_directly_counts if {
	snapshot := fixtures.patched([role_holds])
	findings == {{
		"status": "FAIL",
		"resource": "111122223333",
		"region": "",
		"message": concat(" ", [
			"2 principals hold AWSCloudTrail_FullAccess, more than the 1 allowed: role/SecurityAudit, user/alice (via",
			"group/SecurityAdmins)",
		]),
	}} with input as snapshot with data.params as {"max_full_access_holders": 1}
}

test_unknown_when_iam_was_not_read if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": "IAM users, groups, roles and policies of 111122223333 could not be read (not collected)",
	} with input as fixtures.without(["iam"])
}

test_unknown_not_pass_when_roles_were_not_read if {
	findings == {{
		"status": "UNKNOWN",
		"resource": "111122223333",
		"region": "",
		"message": concat(" ", [
			"1 principal is known to hold AWSCloudTrail_FullAccess (at most 3 allowed): user/alice (via group/SecurityAdmins),",
			"but not every principal could be read: IAM roles of 111122223333 could not be read (not collected)",
		]),
	}} with input as fixtures.without(["iam", "roles"])
}

test_unknown_when_a_role_could_not_be_read if {
	snapshot := fixtures.without(["iam", "roles", audit_role, "attached_policies"])
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": concat(" ", [
			"1 principal is known to hold AWSCloudTrail_FullAccess (at most 3 allowed): user/alice (via",
			"group/SecurityAdmins), but not every principal could be read: role/SecurityAudit: attached policies of",
			"arn:aws:iam::111122223333:role/SecurityAudit could not be read (not collected)",
		]),
	} with input as snapshot
}

test_unknown_lists_three_gaps_and_counts_the_rest if {
	snapshot := fixtures.patched(array.concat(
		[{"op": "remove", "path": ["iam", "groups", admins_group]}, {"op": "remove", "path": ["iam", "roles"]}],
		many_members(3),
	))
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": concat(" ", [
			"0 principals are known to hold AWSCloudTrail_FullAccess (at most 3 allowed), but not every principal",
			"could be read: IAM roles of 111122223333 could not be read (not collected); user/alice: its group",
			"arn:aws:iam::111122223333:group/SecurityAdmins: group of arn:aws:iam::111122223333:group/SecurityAdmins",
			"could not be read (not collected); user/u01: its group arn:aws:iam::111122223333:group/SecurityAdmins:",
			"group of arn:aws:iam::111122223333:group/SecurityAdmins could not be read (not collected); and 2 more",
		]),
	} with input as snapshot
}

test_fail_even_with_gaps_when_known_holders_exceed_the_limit if {
	snapshot := fixtures.patched(array.concat(many_members(3), [{"op": "remove", "path": ["iam", "roles"]}]))
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": "111122223333",
		"message": concat(" ", [
			"4 principals hold AWSCloudTrail_FullAccess, more than the 3 allowed: user/alice (via",
			"group/SecurityAdmins), user/u01 (via group/SecurityAdmins), user/u02 (via group/SecurityAdmins),",
			"user/u03 (via group/SecurityAdmins) (possibly more: IAM roles of 111122223333 could not be read (not",
			"collected))",
		]),
	} with input as snapshot
}
