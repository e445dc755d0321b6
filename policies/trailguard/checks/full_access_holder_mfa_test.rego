package trailguard.checks.full_access_holder_mfa_test

import data.trailguard.checks.full_access_holder_mfa.findings
import data.trailguard.fixtures

alice := "arn:aws:iam::111122223333:user/alice"

bob := "arn:aws:iam::111122223333:user/bob"

admins_group := "arn:aws:iam::111122223333:group/SecurityAdmins"

ops_group := "arn:aws:iam::111122223333:group/Ops"

alice_without_mfa := fixtures.with_value(["iam", "users", alice, "mfa_enabled"], false)

test_pass_when_the_group_member_has_mfa if {
	findings == {{
		"status": "PASS",
		"resource": alice,
		"region": "",
		"message": "user alice holds AWSCloudTrail_FullAccess (via group/SecurityAdmins) and has an MFA device",
	}} with input as fixtures.compliant
}

test_fail_when_a_console_user_holding_the_policy_has_no_mfa if {
	findings == {{
		"status": "FAIL",
		"resource": alice,
		"region": "",
		"message": concat(" ", [
			"user alice holds AWSCloudTrail_FullAccess (via group/SecurityAdmins) and signs in to the console with a password",
			"alone: no MFA device is assigned",
		]),
	}} with input as alice_without_mfa
}

test_fail_when_an_access_key_only_holder_has_no_mfa if {
	snapshot := fixtures.patched([
		{"op": "add", "path": ["iam", "users", alice, "mfa_enabled"], "value": false},
		{"op": "add", "path": ["iam", "users", alice, "console_access"], "value": false},
		{"op": "add", "path": ["iam", "users", alice, "attached_policies"], "value": [fixtures.full_access_policy_arn]},
	])
	findings == {{
		"status": "FAIL",
		"resource": alice,
		"region": "",
		"message": concat(" ", [
			"user alice holds AWSCloudTrail_FullAccess (attached directly, via group/SecurityAdmins) and uses access keys",
			"only, with no MFA device: no MFA can be enforced on its calls",
		]),
	}} with input as snapshot
}

test_fail_when_console_access_is_unknown_but_mfa_is_missing if {
	snapshot := fixtures.patched([
		{"op": "add", "path": ["iam", "users", alice, "mfa_enabled"], "value": false},
		{"op": "remove", "path": ["iam", "users", alice, "console_access"]},
	])
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": "arn:aws:iam::111122223333:user/alice",
		"message": "user alice holds AWSCloudTrail_FullAccess (via group/SecurityAdmins) and has no MFA device",
	} with input as snapshot
}

test_direct_holder_without_mfa_fails if {
	snapshot := fixtures.patched([{"op": "add", "path": ["iam", "users", bob], "value": {
		"arn": bob, "name": "bob", "console_access": true, "mfa_enabled": false,
		"groups": [], "attached_policies": [fixtures.full_access_policy_arn], "inline_policies": {},
	}}])
	fixtures.reduced_findings(findings) == {
		{
			"status": "PASS",
			"resource": "arn:aws:iam::111122223333:user/alice",
			"message": "user alice holds AWSCloudTrail_FullAccess (via group/SecurityAdmins) and has an MFA device",
		},
		{
			"status": "FAIL",
			"resource": "arn:aws:iam::111122223333:user/bob",
			"message": concat(" ", [
				"user bob holds AWSCloudTrail_FullAccess (attached directly) and signs in to the console with a password",
				"alone: no MFA device is assigned",
			]),
		},
	} with input as snapshot
}

test_users_without_the_policy_are_not_judged if {
	snapshot := fixtures.patched([{"op": "add", "path": ["iam", "users", bob], "value": {
		"arn": bob, "name": "bob", "console_access": true, "mfa_enabled": false,
		"groups": [], "attached_policies": [], "inline_policies": {},
	}}])
	fixtures.one_finding(findings) == {
		"status": "PASS",
		"resource": "arn:aws:iam::111122223333:user/alice",
		"message": "user alice holds AWSCloudTrail_FullAccess (via group/SecurityAdmins) and has an MFA device",
	} with input as snapshot
}

test_pass_on_the_policy_when_no_user_holds_it if {
	snapshot := fixtures.with_value(["iam", "users", alice, "groups"], [])
	findings == {{
		"status": "PASS",
		"resource": fixtures.full_access_policy_arn,
		"region": "",
		"message": "no IAM user holds AWSCloudTrail_FullAccess",
	}} with input as snapshot
}

test_unknown_when_mfa_status_was_not_read if {
	snapshot := fixtures.without(["iam", "users", alice, "mfa_enabled"])
	findings == {{
		"status": "UNKNOWN",
		"resource": alice,
		"region": "",
		"message": concat(" ", [
			"user alice holds AWSCloudTrail_FullAccess (via group/SecurityAdmins), but MFA status of",
			"arn:aws:iam::111122223333:user/alice could not be read (not collected)",
		]),
	}} with input as snapshot
}

test_unknown_when_iam_was_not_read if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": "IAM users, groups, roles and policies of 111122223333 could not be read (not collected)",
	} with input as fixtures.without(["iam"])
}

test_unknown_when_users_were_not_read if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": "IAM users of 111122223333 could not be read (not collected)",
	} with input as fixtures.without(["iam", "users"])
}

test_unknown_when_a_user_without_mfa_is_in_a_group_that_was_not_read if {
	snapshot := fixtures.patched([
		{"op": "add", "path": ["iam", "users", alice, "mfa_enabled"], "value": false},
		{"op": "add", "path": ["iam", "users", alice, "groups"], "value": [ops_group]},
	])
	findings == {{
		"status": "UNKNOWN",
		"resource": alice,
		"region": "",
		"message": concat(" ", [
			"whether user alice holds AWSCloudTrail_FullAccess is unknown (its group arn:aws:iam::111122223333:group/Ops:",
			"group of arn:aws:iam::111122223333:group/Ops could not be read (not collected)), and it has no MFA device",
		]),
	}} with input as snapshot
}

test_unknown_when_neither_holding_nor_mfa_was_read if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["iam", "users", alice, "mfa_enabled"]},
		{"op": "remove", "path": ["iam", "groups", admins_group, "attached_policies"]},
	])
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "arn:aws:iam::111122223333:user/alice",
		"message": concat(" ", [
			"whether user alice holds AWSCloudTrail_FullAccess is unknown (its group",
			"arn:aws:iam::111122223333:group/SecurityAdmins: attached policies of",
			"arn:aws:iam::111122223333:group/SecurityAdmins could not be read (not collected)), and its MFA status",
			"was not collected",
		]),
	} with input as snapshot
}

test_undecided_user_with_mfa_complies_either_way if {
	snapshot := fixtures.with_value(["iam", "users", alice, "groups"], [ops_group])
	findings == {{
		"status": "PASS",
		"resource": alice,
		"region": "",
		"message": concat(" ", [
			"user alice has an MFA device (whether it holds AWSCloudTrail_FullAccess is unknown: its group",
			"arn:aws:iam::111122223333:group/Ops: group of arn:aws:iam::111122223333:group/Ops could not be read (not",
			"collected))",
		]),
	}} with input as snapshot
}

test_policy_does_not_pass_when_groups_were_not_read if {
	# Without the groups nobody is known to hold the policy, but that is not "nobody holds it".
	snapshot := fixtures.without(["iam", "groups"])
	fixtures.one_finding(findings) == {
		"status": "PASS",
		"resource": "arn:aws:iam::111122223333:user/alice",
		"message": concat(" ", [
			"user alice has an MFA device (whether it holds AWSCloudTrail_FullAccess is unknown: its group",
			"arn:aws:iam::111122223333:group/SecurityAdmins: group of arn:aws:iam::111122223333:group/SecurityAdmins",
			"could not be read (not collected))",
		]),
	} with input as snapshot
}
