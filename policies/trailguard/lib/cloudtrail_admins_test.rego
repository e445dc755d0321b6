package trailguard.lib.cloudtrail_admins_test

import data.trailguard.fixtures
import data.trailguard.lib.cloudtrail_admins as admins

alice := "arn:aws:iam::111122223333:user/alice"

bob := "arn:aws:iam::111122223333:user/bob"

admins_group := "arn:aws:iam::111122223333:group/SecurityAdmins"

ops_group := "arn:aws:iam::111122223333:group/Ops"

audit_role := "arn:aws:iam::111122223333:role/SecurityAudit"

deprecated_arn := "arn:aws:iam::aws:policy/AWSCloudTrailFullAccess"

user(arn, name, groups, attached) := {
	"arn": arn, "name": name, "console_access": true, "mfa_enabled": true,
	"groups": groups, "attached_policies": attached, "inline_policies": {},
}

with_user(u) := fixtures.patched([{"op": "add", "path": ["iam", "users", u.arn], "value": u}])

test_compliant_account_holders_are_the_admin_group_and_its_member if {
	admins.holders == {
		admins_group: {"type": "group", "via": ["direct"]},
		alice: {"type": "user", "via": [admins_group]},
	} with input as fixtures.compliant
	count(admins.unresolved) == 0 with input as fixtures.compliant
	count(admins.missing_collections) == 0 with input as fixtures.compliant
}

test_policy_arn_follows_the_partition if {
	snapshot := fixtures.with_value(["partition"], "aws-us-gov")
	admins.full_access_policy_arn == "arn:aws-us-gov:iam::aws:policy/AWSCloudTrail_FullAccess" with input as snapshot
}

test_policy_of_another_partition_is_not_the_full_access_policy if {
	# In GovCloud, an attachment of the commercial ARN cannot exist; do not count it.
	snapshot := fixtures.with_value(["partition"], "aws-us-gov")
	count(admins.holders) == 0 with input as snapshot
}

test_user_with_direct_attachment_and_group_lists_both if {
	snapshot := with_user(user(bob, "bob", [admins_group], [fixtures.full_access_policy_arn]))
	admins.holders[bob] == {"type": "user", "via": ["direct", admins_group]} with input as snapshot
	admins.direct_user_holders == {bob} with input as snapshot
	admins.user_holders == {alice, bob} with input as snapshot
}

test_deprecated_full_access_policy_counts if {
	snapshot := with_user(user(bob, "bob", [], [deprecated_arn]))
	admins.holders[bob] == {"type": "user", "via": ["direct"]} with input as snapshot
	admins.full_access_names(input.iam.users[bob]) == "AWSCloudTrailFullAccess" with input as snapshot
}

test_role_holding_the_policy_is_a_holder if {
	snapshot := fixtures.with_value(["iam", "roles", audit_role, "attached_policies"], [fixtures.full_access_policy_arn])
	admins.holders[audit_role] == {"type": "role", "via": ["direct"]} with input as snapshot
}

test_user_in_other_groups_only_is_not_a_holder if {
	snapshot := fixtures.patched([
		{
			"op": "add",
			"path": ["iam", "groups", ops_group],
			"value": {"arn": ops_group, "name": "Ops", "attached_policies": [], "inline_policies": {}},
		},
		{"op": "add", "path": ["iam", "users", bob], "value": user(bob, "bob", [ops_group], [])},
	])
	not admins.holders[bob] with input as snapshot
	not admins.unresolved[bob] with input as snapshot
}

test_user_whose_group_was_not_collected_is_unresolved if {
	snapshot := with_user(user(bob, "bob", [ops_group], []))
	not admins.holders[bob] with input as snapshot
	admins.unresolved[bob] == "user" with input as snapshot
	admins.reasons(bob) == [sprintf(
		"its group %s: group of %s could not be read (not collected)",
		[ops_group, ops_group],
	)] with input as snapshot
	admins.unresolved_users == {bob} with input as snapshot
}

test_group_without_attached_policies_leaves_it_and_its_members_unresolved if {
	snapshot := fixtures.without(["iam", "groups", admins_group, "attached_policies"])
	count(admins.holders) == 0 with input as snapshot
	admins.unresolved[admins_group] == "group" with input as snapshot
	admins.reasons(alice) == [sprintf(
		"its group %s: attached policies of %s could not be read (not collected)",
		[admins_group, admins_group],
	)] with input as snapshot
}

test_known_holder_is_never_unresolved if {
	# bob holds the policy directly; that one of his groups is missing does not change it.
	snapshot := with_user(user(bob, "bob", [ops_group], [fixtures.full_access_policy_arn]))
	admins.holders[bob].via == ["direct"] with input as snapshot
	not admins.unresolved[bob] with input as snapshot
}

test_user_without_attached_policies_or_groups_is_unresolved if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["iam", "users", alice, "attached_policies"]},
		{"op": "remove", "path": ["iam", "users", alice, "groups"]},
	])
	admins.reasons(alice) == [
		sprintf("attached policies of %s could not be read (not collected)", [alice]),
		sprintf("group memberships of %s could not be read (not collected)", [alice]),
	] with input as snapshot
}

test_unresolved_reason_quotes_the_collection_error if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["iam", "roles", audit_role, "attached_policies"]},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {
				"service": "iam",
				"operation": "ListAttachedRolePolicies",
				"code": "AccessDenied",
				"resource": audit_role,
			},
		},
	])
	admins.unresolved[audit_role] == "role" with input as snapshot
	admins.reasons(audit_role) == [sprintf(
		"attached policies of %s could not be read (iam ListAttachedRolePolicies: AccessDenied)",
		[audit_role],
	)] with input as snapshot
}

test_missing_collections_are_named if {
	snapshot := fixtures.without(["iam", "roles"])
	admins.missing_collections == {"roles"} with input as snapshot
}

test_no_missing_collections_when_iam_was_not_read if {
	count(admins.missing_collections) == 0 with input as fixtures.without(["iam"])
	count(admins.holders) == 0 with input as fixtures.without(["iam"])
}

test_short_name_keeps_the_path if {
	admins.short_name("arn:aws:iam::111122223333:role/ops/Deploy") == "role/ops/Deploy"
	admins.short_name("not-an-arn") == "not-an-arn"
}

test_describe_says_how_the_policy_is_held if {
	admins.describe(admins_group) == "group/SecurityAdmins" with input as fixtures.compliant
	admins.describe(alice) == "user/alice (via group/SecurityAdmins)" with input as fixtures.compliant
	admins.describe(bob) == "user/bob" with input as fixtures.compliant
	admins.how(alice) == "via group/SecurityAdmins" with input as fixtures.compliant
}

test_list_names_is_sorted_and_cut_after_the_limit if {
	arns := {sprintf("arn:aws:iam::111122223333:role/r%02d", [i]) | some i in numbers.range(1, 12)}
	names := admins.list_names(arns, 10) with input as fixtures.compliant
	names == concat(" ", [
		"role/r01, role/r02, role/r03, role/r04, role/r05,",
		"role/r06, role/r07, role/r08, role/r09, role/r10 and 2 more",
	])
	admins.list_names(
		{"arn:aws:iam::111122223333:role/b", "arn:aws:iam::111122223333:role/a"},
		10,
	) == "role/a, role/b" with input as fixtures.compliant
}
