package trailguard.checks.root_mfa_test

import data.trailguard.checks.root_mfa.findings
import data.trailguard.fixtures

test_pass_when_root_has_mfa if {
	findings == {{
		"status": "PASS",
		"resource": "111122223333",
		"region": "",
		"message": "the root user has MFA enabled",
	}} with input as fixtures.compliant
}

test_fail_when_root_has_no_mfa if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["iam", "root", "mfa_enabled"], "value": false},
		{"op": "add", "path": ["organization"], "value": {"is_management_account": false}},
	])
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": "111122223333",
		"message": concat(" ", [
			"the root user has no MFA: its password alone can stop or delete every trail",
			"(whether it has a password was not read, but the account is not in an organization,",
			"so one can always be set through password recovery)",
		]),
	} with input as snapshot
}

member := {"id": "o-a1b2c3d4e5", "management_account_id": "999988887777", "is_management_account": false}

managed := {"organization_id": "o-a1b2c3d4e5", "enabled_features": ["RootCredentialsManagement", "RootSessions"]}

no_mfa(root, org, features) := fixtures.patched(array.concat(
	[{
		"op": "replace",
		"path": ["iam", "root"],
		"value": object.union({"mfa_enabled": false, "access_keys_present": false}, root),
	}],
	array.concat(
		[{"op": "add", "path": ["organization"], "value": org} | org != null],
		[{"op": "add", "path": ["iam", "organization_features"], "value": features} | features != null],
	),
))

# A root user without MFA is judged by whether anyone can sign in as root.
test_root_without_mfa_cases if {
	cases := {
		"password": {
			"root": {"password_enabled": true},
			"org": member,
			"features": managed,
			"status": "FAIL",
			"says": "the root user has no MFA: its password alone can stop or delete every trail",
		},
		"access keys": {
			"root": {"access_keys_present": true},
			"org": member,
			"features": managed,
			"status": "FAIL",
			"says": "the root user has no MFA and has access keys",
		},
		"centrally managed, no credentials": {
			"root": {"password_enabled": false},
			"org": member,
			"features": managed,
			"status": "PASS",
			"says": concat(" ", [
				"the root user has no MFA, but it has no password and no access keys, and organization o-a1b2c3d4e5 manages",
				"member accounts' root credentials centrally (RootCredentialsManagement): nobody can sign in as root or recover",
				"its password",
			]),
		},
		"no credentials, feature off": {
			"root": {"password_enabled": false},
			"org": member,
			"features": {"organization_id": "o-a1b2c3d4e5", "enabled_features": []},
			"status": "FAIL",
			"says": concat(" ", [
				"it has no password and no access keys now, but its organization does not manage root credentials centrally",
				"(RootCredentialsManagement is off), so password recovery",
			]),
		},
		"no credentials, management account": {
			"root": {"password_enabled": false},
			"org": object.union(member, {"is_management_account": true}),
			"features": managed,
			"status": "FAIL",
			"says": "it is the organization's management account",
		},
		"no credentials, not in an organization": {
			"root": {"password_enabled": false},
			"org": {"is_management_account": false},
			"features": null,
			"status": "FAIL",
			"says": "the account is not in an organization",
		},
		"no credentials, features not readable": {
			"root": {"password_enabled": false},
			"org": member,
			"features": null,
			"status": "UNKNOWN",
			"says": concat(" ", [
				"the root user has no MFA, no password and no access keys; it cannot sign in if its organization manages root",
				"credentials centrally (RootCredentialsManagement), but the organization's root access features",
			]),
		},
		"password unknown, managed": {
			"root": {},
			"org": member,
			"features": managed,
			"status": "UNKNOWN",
			"says": concat(" ", [
				"so it may have no password either; but whether the root user of 111122223333 has a password",
				"(IAM credential report) could not be read",
			]),
		},
		"password unknown, not in an organization": {
			"root": {},
			"org": {"is_management_account": false},
			"features": null,
			"status": "FAIL",
			"says": concat(" ", [
				"whether it has a password was not read, but the account is not in an organization, so one can always be set",
				"through password recovery",
			]),
		},
		"password and organization unknown": {
			"root": {},
			"org": null,
			"features": null,
			"status": "UNKNOWN",
			"says": "the organization membership of 111122223333 could not be read",
		},
	}
	every c in cases {
		fs := findings with input as no_mfa(c.root, c.org, c.features)
		count(fs) == 1
		some f in fs
		f.status == c.status
		f.resource == "111122223333"
		contains(f.message, c.says)
	}
}

test_unknown_when_root_mfa_status_was_not_read if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["iam", "root", "mfa_enabled"]},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {"service": "iam", "operation": "GetAccountSummary", "code": "AccessDenied", "resource": "111122223333"},
		},
	])
	findings == {{
		"status": "UNKNOWN",
		"resource": "111122223333",
		"region": "",
		"message": "root user MFA status of 111122223333 could not be read (iam GetAccountSummary: AccessDenied)",
	}} with input as snapshot
}

test_unknown_when_root_was_not_read if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": "root user MFA status of 111122223333 could not be read (not collected)",
	} with input as fixtures.without(["iam", "root"])
}

test_unknown_when_iam_was_not_read if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": "root user MFA status of 111122223333 could not be read (not collected)",
	} with input as fixtures.without(["iam"])
}
