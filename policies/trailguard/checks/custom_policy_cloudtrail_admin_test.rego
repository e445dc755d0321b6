package trailguard.checks.custom_policy_cloudtrail_admin_test

import data.trailguard.checks.custom_policy_cloudtrail_admin.findings
import data.trailguard.checks.custom_policy_cloudtrail_admin.granted
import data.trailguard.fixtures

alice := "arn:aws:iam::111122223333:user/alice"

admins_group := "arn:aws:iam::111122223333:group/SecurityAdmins"

audit_role := "arn:aws:iam::111122223333:role/SecurityAudit"

readonly_policy := "arn:aws:iam::111122223333:policy/CloudTrailReadOnly"

all_actions := [
	"cloudtrail:DeleteEventDataStore", "cloudtrail:DeleteTrail", "cloudtrail:PutEventSelectors",
	"cloudtrail:StopEventDataStoreIngestion", "cloudtrail:StopLogging", "cloudtrail:UpdateEventDataStore",
	"cloudtrail:UpdateTrail",
]

trail_actions := [
	"cloudtrail:DeleteTrail",
	"cloudtrail:PutEventSelectors",
	"cloudtrail:StopLogging",
	"cloudtrail:UpdateTrail",
]

# with_readonly_document(doc) replaces the document of the customer-managed policy
# attached to the SecurityAudit role.
with_readonly_document(doc) := fixtures.with_value(["iam", "policies", readonly_policy, "document"], doc)

statuses(snapshot) := s if {
	s := {[f.status, f.resource] | some f in findings} with input as snapshot
}

doc(statement) := {"Version": "2012-10-17", "Statement": statement}

# --- what counts as granting -------------------------------------------------

test_read_only_cloudtrail_access_grants_nothing if {
	doc := data.trailguard.fixtures.compliant.iam.policies[readonly_policy].document
	granted(doc) == [] with input as fixtures.compliant
}

test_cloudtrail_wildcard_grants_every_sensitive_action if {
	granted(doc([{
		"Effect": "Allow",
		"Action": "cloudtrail:*",
		"Resource": "*",
	}])) == all_actions with input as fixtures.compliant
}

test_star_action_grants_every_sensitive_action if {
	granted(doc({"Effect": "Allow", "Action": "*", "Resource": ["*"]})) == all_actions with input as fixtures.compliant
}

test_single_action_as_string_in_a_single_statement_object if {
	granted(doc({
		"Effect": "Allow",
		"Action": "cloudtrail:StopLogging",
		"Resource": "*",
	})) == ["cloudtrail:StopLogging"] with input as fixtures.compliant
}

test_actions_match_case_insensitively_with_wildcards if {
	granted(doc([{
		"Effect": "Allow",
		"Action": ["CLOUDTRAIL:stop*"],
		"Resource": "*",
	}])) == ["cloudtrail:StopEventDataStoreIngestion", "cloudtrail:StopLogging"] with input as fixtures.compliant
}

test_not_action_grants_what_it_does_not_exclude if {
	granted(doc([{
		"Effect": "Allow",
		"NotAction": ["iam:*", "organizations:*"],
		"Resource": "*",
	}])) == all_actions with input as fixtures.compliant
	granted(doc([{
		"Effect": "Allow",
		"NotAction": "cloudtrail:*",
		"Resource": "*",
	}])) == [] with input as fixtures.compliant
}

test_condition_makes_the_grant_acceptable if {
	d := doc([{
		"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "*",
		"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
	}])
	granted(d) == [] with input as fixtures.compliant
}

test_grant_limited_to_one_trail_is_acceptable if {
	d := doc([{"Effect": "Allow", "Action": "cloudtrail:*", "Resource": fixtures.trail_arn}])
	granted(d) == [] with input as fixtures.compliant
}

test_resource_pattern_covering_every_trail_counts_as_every_resource if {
	d := doc([{"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "arn:aws:cloudtrail:*:111122223333:trail/*"}])
	granted(d) == trail_actions with input as fixtures.compliant
}

test_resource_pattern_covering_every_trail_counts_even_without_regions if {
	d := doc([{"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "arn:aws:cloudtrail:*:*:*"}])
	granted(d) == all_actions with input as fixtures.with_value(["regions"], [])
}

test_resource_pattern_covering_every_trail_of_a_region_counts if {
	d := doc([{
		"Effect": "Allow",
		"Action": "cloudtrail:*",
		"Resource": ["arn:aws:cloudtrail:us-east-1:*:trail/*", "arn:aws:cloudtrail:*:*:eventdatastore/*"],
	}])
	granted(d) == all_actions with input as fixtures.compliant
}

test_not_resource_counts_as_every_resource if {
	d := doc([{"Effect": "Allow", "Action": "cloudtrail:DeleteTrail", "NotResource": fixtures.trail_arn}])
	granted(d) == ["cloudtrail:DeleteTrail"] with input as fixtures.compliant
}

test_deny_in_the_same_document_removes_the_action if {
	d := doc([
		{"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "*"},
		{"Effect": "Deny", "Action": ["cloudtrail:Stop*", "cloudtrail:Delete*", "cloudtrail:Update*"], "Resource": "*"},
	])
	granted(d) == ["cloudtrail:PutEventSelectors"] with input as fixtures.compliant
}

test_conditional_or_narrow_deny_does_not_remove_the_action if {
	d := doc([
		{"Effect": "Allow", "Action": "cloudtrail:StopLogging", "Resource": "*"},
		{
			"Effect": "Deny",
			"Action": "cloudtrail:StopLogging",
			"Resource": "*",
			"Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "security"}},
		},
		{"Effect": "Deny", "Action": "cloudtrail:StopLogging", "Resource": fixtures.trail_arn},
	])
	granted(d) == ["cloudtrail:StopLogging"] with input as fixtures.compliant
}

# --- customer-managed policies ---------------------------------------------------

test_pass_for_the_read_only_policy_of_the_compliant_account if {
	findings == {{
		"status": "PASS",
		"resource": readonly_policy,
		"region": "",
		"message": concat(" ", [
			"customer-managed policy CloudTrailReadOnly does not allow stopping, deleting or narrowing CloudTrail logging",
			"unconditionally",
		]),
	}} with input as fixtures.compliant
}

test_fail_names_the_actions_the_statement_and_the_holders if {
	snapshot := with_readonly_document(doc([{
		"Sid": "TrailAdmin",
		"Effect": "Allow",
		"Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"],
		"Resource": "*",
	}]))
	findings == {{
		"status": "FAIL",
		"resource": readonly_policy,
		"region": "",
		"message": concat(" ", [
			"customer-managed policy CloudTrailReadOnly allows cloudtrail:DeleteTrail, cloudtrail:StopLogging on every",
			"resource without a condition (statement 'TrailAdmin'); attached to role/SecurityAudit",
		]),
	}} with input as snapshot
}

test_fail_without_sid_and_unattached if {
	snapshot := fixtures.with_value(["iam", "policies", "arn:aws:iam::111122223333:policy/Spare"], {
		"arn": "arn:aws:iam::111122223333:policy/Spare", "name": "Spare", "aws_managed": false,
		"document": doc({"Effect": "Allow", "Action": "cloudtrail:UpdateTrail", "Resource": "*"}),
	})
	some f in findings with input as snapshot
	f.resource == "arn:aws:iam::111122223333:policy/Spare"
	f.message == concat(" ", [
		"customer-managed policy Spare allows cloudtrail:UpdateTrail on every resource without a condition; not attached to",
		"any collected user, group or role",
	])
}

test_fail_lists_ten_holders_and_counts_the_rest if {
	users := [{"op": "add", "path": ["iam", "users", arn], "value": {
		"arn": arn, "name": sprintf("u%02d", [i]), "groups": [],
		"attached_policies": [readonly_policy], "inline_policies": {},
	}} |
		some i in numbers.range(1, 11)
		arn := sprintf("arn:aws:iam::111122223333:user/u%02d", [i])
	]
	snapshot := fixtures.patched(array.concat(
		users,
		[{
			"op": "add",
			"path": ["iam", "policies", readonly_policy, "document"],
			"value": doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
		}],
	))
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": "arn:aws:iam::111122223333:policy/CloudTrailReadOnly",
		"message": concat(" ", [
			"customer-managed policy CloudTrailReadOnly allows cloudtrail:DeleteEventDataStore,",
			"cloudtrail:DeleteTrail, cloudtrail:PutEventSelectors, cloudtrail:StopEventDataStoreIngestion,",
			"cloudtrail:StopLogging, cloudtrail:UpdateEventDataStore, cloudtrail:UpdateTrail on every resource",
			"without a condition; attached to role/SecurityAudit, user/u01, user/u02, user/u03, user/u04, user/u05,",
			"user/u06, user/u07, user/u08, user/u09 and 2 more",
		]),
	} with input as snapshot
}

test_aws_managed_policies_are_not_judged_here if {
	# AWSCloudTrail_FullAccess allows cloudtrail:*; its holders are judged by TG-IAM-001..003.
	statuses(fixtures.compliant) == {["PASS", readonly_policy]}
}

test_policy_of_unknown_ownership_is_judged_by_its_arn if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["iam", "policies", readonly_policy, "aws_managed"]},
		{"op": "remove", "path": ["iam", "policies", fixtures.full_access_policy_arn, "aws_managed"]},
	])
	statuses(snapshot) == {["PASS", readonly_policy]}
}

test_unknown_when_the_document_was_not_read if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["iam", "policies", readonly_policy, "document"]},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {"service": "iam", "operation": "GetPolicyVersion", "code": "AccessDenied", "resource": readonly_policy},
		},
	])
	findings == {{
		"status": "UNKNOWN",
		"resource": readonly_policy,
		"region": "",
		"message": concat(" ", [
			"policy document of arn:aws:iam::111122223333:policy/CloudTrailReadOnly could not be read (iam GetPolicyVersion:",
			"AccessDenied)",
		]),
	}} with input as snapshot
}

test_unknown_when_an_attached_policy_was_not_collected if {
	snapshot := fixtures.without(["iam", "policies", readonly_policy])
	findings == {{
		"status": "UNKNOWN",
		"resource": readonly_policy,
		"region": "",
		"message": concat(" ", [
			"policy document of arn:aws:iam::111122223333:policy/CloudTrailReadOnly could not be read (not collected);",
			"attached to role/SecurityAudit",
		]),
	}} with input as snapshot
}

test_unknown_when_policies_were_not_read if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": "IAM policies of 111122223333 could not be read (not collected)",
	} with input as fixtures.without(["iam", "policies"])
}

test_unknown_when_principals_were_not_read if {
	snapshot := fixtures.patched([{"op": "remove", "path": ["iam", "users"]}, {"op": "remove", "path": ["iam", "roles"]}])
	some f in findings with input as snapshot
	f == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"region": "",
		"message": "IAM roles, IAM users of 111122223333 could not be read (not collected)",
	}
}

test_unknown_when_iam_was_not_read if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": "IAM users, groups, roles and policies of 111122223333 could not be read (not collected)",
	} with input as fixtures.without(["iam"])
}

# --- inline policies -----------------------------------------------------------

test_fail_for_an_inline_policy_that_allows_stop_logging if {
	snapshot := fixtures.with_value(
		["iam", "users", alice, "inline_policies"],
		{"break-glass": doc({"Effect": "Allow", "Action": "cloudtrail:StopLogging", "Resource": "*"})},
	)
	some f in findings with input as snapshot
	f == {
		"status": "FAIL",
		"resource": "arn:aws:iam::111122223333:user/alice/inline/break-glass",
		"region": "",
		"message": concat(" ", [
			"inline policy break-glass of user/alice allows",
			"cloudtrail:StopLogging on every resource without a condition",
		]),
	}
}

test_inline_policies_of_groups_and_roles_are_judged if {
	snapshot := fixtures.patched([
		{
			"op": "add",
			"path": ["iam", "groups", admins_group, "inline_policies"],
			"value": {"ops": doc([{"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"}])},
		},
		{
			"op": "add",
			"path": ["iam", "roles", audit_role, "inline_policies"],
			"value": {"read": doc([{"Effect": "Allow", "Action": "cloudtrail:Get*", "Resource": "*"}])},
		},
	])
	statuses(snapshot) == {
		["PASS", readonly_policy],
		["FAIL", "arn:aws:iam::111122223333:group/SecurityAdmins/inline/ops"],
		["PASS", "arn:aws:iam::111122223333:role/SecurityAudit/inline/read"],
	}
	fixtures.reduced_findings(findings) == {
		{
			"status": "FAIL",
			"resource": "arn:aws:iam::111122223333:group/SecurityAdmins/inline/ops",
			"message": concat(" ", [
				"inline policy ops of group/SecurityAdmins allows cloudtrail:DeleteEventDataStore,",
				"cloudtrail:DeleteTrail, cloudtrail:PutEventSelectors, cloudtrail:StopEventDataStoreIngestion,",
				"cloudtrail:StopLogging, cloudtrail:UpdateEventDataStore, cloudtrail:UpdateTrail on every resource",
				"without a condition (statement 'All')",
			]),
		},
		{
			"status": "PASS",
			"resource": "arn:aws:iam::111122223333:policy/CloudTrailReadOnly",
			"message": concat(" ", [
				"customer-managed policy CloudTrailReadOnly does not allow stopping, deleting or narrowing CloudTrail",
				"logging unconditionally",
			]),
		},
		{
			"status": "PASS",
			"resource": "arn:aws:iam::111122223333:role/SecurityAudit/inline/read",
			"message": concat(" ", [
				"inline policy read of role/SecurityAudit does not allow stopping, deleting or narrowing CloudTrail",
				"logging unconditionally",
			]),
		},
	} with input as snapshot
}

test_unknown_when_an_inline_document_is_missing if {
	snapshot := fixtures.with_value(["iam", "roles", audit_role, "inline_policies"], {"lost": null})
	fixtures.reduced_findings(findings) == {
		{
			"status": "PASS",
			"resource": "arn:aws:iam::111122223333:policy/CloudTrailReadOnly",
			"message": concat(" ", [
				"customer-managed policy CloudTrailReadOnly does not allow stopping, deleting or narrowing CloudTrail",
				"logging unconditionally",
			]),
		},
		{
			"status": "UNKNOWN",
			"resource": "arn:aws:iam::111122223333:role/SecurityAudit/inline/lost",
			"message": concat(" ", [
				"policy document of arn:aws:iam::111122223333:role/SecurityAudit/inline/lost could not be read (not",
				"collected)",
			]),
		},
	} with input as snapshot
}

test_unknown_when_inline_policies_of_a_principal_were_not_read if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["iam", "users", alice, "inline_policies"]},
		{"op": "remove", "path": ["iam", "groups", admins_group, "inline_policies"]},
		{"op": "remove", "path": ["iam", "roles", audit_role, "inline_policies"]},
	])
	fixtures.reduced_findings(findings) == {
		{
			"status": "UNKNOWN",
			"resource": "arn:aws:iam::111122223333:group/SecurityAdmins",
			"message": "inline policies of arn:aws:iam::111122223333:group/SecurityAdmins could not be read (not collected)",
		},
		{
			"status": "PASS",
			"resource": "arn:aws:iam::111122223333:policy/CloudTrailReadOnly",
			"message": concat(" ", [
				"customer-managed policy CloudTrailReadOnly does not allow stopping, deleting or narrowing CloudTrail",
				"logging unconditionally",
			]),
		},
		{
			"status": "UNKNOWN",
			"resource": "arn:aws:iam::111122223333:role/SecurityAudit",
			"message": "inline policies of arn:aws:iam::111122223333:role/SecurityAudit could not be read (not collected)",
		},
		{
			"status": "UNKNOWN",
			"resource": "arn:aws:iam::111122223333:user/alice",
			"message": "inline policies of arn:aws:iam::111122223333:user/alice could not be read (not collected)",
		},
	} with input as snapshot
}

# --- nothing to examine ----------------------------------------------------------

# without_custom_policies is the compliant account without its one customer-managed policy.
without_custom_policies := fixtures.patched(array.concat(
	[{"op": "remove", "path": ["iam", "policies", readonly_policy]}],
	[{"op": "replace", "path": ["iam", "roles", arn, "attached_policies"], "value": [p |
		some p in role.attached_policies
		p != readonly_policy
	]} |
		some arn, role in fixtures.compliant.iam.roles
	],
))

test_pass_when_the_account_has_no_custom_policy_at_all if {
	findings == {{
		"status": "PASS",
		"resource": "111122223333",
		"region": "",
		"message": "the account has no customer-managed and no inline IAM policy: none can let anyone switch CloudTrail off",
	}} with input as without_custom_policies
}

test_no_account_pass_while_an_inline_policy_list_is_unread if {
	snapshot := json.patch(
		without_custom_policies,
		[{"op": "remove", "path": ["iam", "users", alice, "inline_policies"]}],
	)
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "arn:aws:iam::111122223333:user/alice",
		"message": "inline policies of arn:aws:iam::111122223333:user/alice could not be read (not collected)",
	} with input as snapshot
}

test_no_account_pass_when_an_inline_policy_exists if {
	snapshot := json.patch(
		without_custom_policies,
		[{
			"op": "replace",
			"path": ["iam", "users", alice, "inline_policies"],
			"value": {"ro": doc([{"Effect": "Allow", "Action": "cloudtrail:Describe*", "Resource": "*"}])},
		}],
	)
	statuses(snapshot) == {["PASS", sprintf("%s/inline/ro", [alice])]}
}

test_no_account_pass_when_iam_was_not_read if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": "IAM policies of 111122223333 could not be read (not collected)",
	} with input as json.patch(without_custom_policies, [{"op": "remove", "path": ["iam", "policies"]}])
}
