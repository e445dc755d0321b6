package acme.checks.full_access_security_admin_only_test

import data.acme.checks.full_access_security_admin_only.findings
import data.trailguard.fixtures

full_access := fixtures.full_access_policy_arn

security_admin := "arn:aws:iam::111122223333:role/SecurityAdmin"

# Only the SecurityAdmin role holds the policy: the SecurityAdmins group loses it.
security_admin_only := fixtures.patched([
	{"op": "replace", "path": ["iam", "groups", "arn:aws:iam::111122223333:group/SecurityAdmins", "attached_policies"], "value": []},
	{"op": "add", "path": ["iam", "roles", security_admin], "value": {
		"arn": security_admin,
		"name": "SecurityAdmin",
		"service_linked": false,
		"attached_policies": [full_access],
		"inline_policies": {},
	}},
])

test_pass_when_only_security_admin_role_holds if {
	{f.status | some f in findings} == {"PASS"} with input as security_admin_only
}

test_fail_for_group_and_its_members if {
	fails := {f.resource | some f in findings; f.status == "FAIL"} with input as fixtures.compliant
	fails == {"arn:aws:iam::111122223333:group/SecurityAdmins", "arn:aws:iam::111122223333:user/alice"}
}

test_fail_for_another_role if {
	snapshot := json.patch(security_admin_only, [{
		"op": "replace", "path": ["iam", "roles", "arn:aws:iam::111122223333:role/SecurityAudit", "attached_policies"],
		"value": [full_access],
	}])
	{f.resource | some f in findings; f.status == "FAIL"} == {"arn:aws:iam::111122223333:role/SecurityAudit"} with input as snapshot
}

test_unknown_when_role_policies_missing if {
	snapshot := json.patch(security_admin_only, [{
		"op": "remove", "path": ["iam", "roles", "arn:aws:iam::111122223333:role/SecurityAudit", "attached_policies"],
	}])
	{f.status | some f in findings} == {"UNKNOWN"} with input as snapshot
}

test_unknown_when_iam_missing if {
	{f.status | some f in findings} == {"UNKNOWN"} with input as fixtures.without(["iam"])
}
