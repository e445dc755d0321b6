package trailguard.checks.root_mfa_test

import data.trailguard.checks.root_mfa.findings
import data.trailguard.fixtures

test_pass_when_root_has_mfa if {
	findings == {{"status": "PASS", "resource": "111122223333", "region": "", "message": "the root user has MFA enabled"}} with input as fixtures.compliant
}

test_fail_when_root_has_no_mfa if {
	snapshot := fixtures.with_value(["iam", "root", "mfa_enabled"], false)
	{[f.status, f.resource] | some f in findings} == {["FAIL", "111122223333"]} with input as snapshot
}

test_unknown_when_root_mfa_status_was_not_read if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["iam", "root", "mfa_enabled"]},
		{"op": "add", "path": ["errors", "-"], "value": {"service": "iam", "operation": "GetAccountSummary", "code": "AccessDenied", "resource": "111122223333"}},
	])
	findings == {{
		"status": "UNKNOWN",
		"resource": "111122223333",
		"region": "",
		"message": "root user MFA status of 111122223333 could not be read (iam GetAccountSummary: AccessDenied)",
	}} with input as snapshot
}

test_unknown_when_root_was_not_read if {
	{f.status | some f in findings} == {"UNKNOWN"} with input as fixtures.without(["iam", "root"])
}

test_unknown_when_iam_was_not_read if {
	{[f.status, f.resource] | some f in findings} == {["UNKNOWN", "111122223333"]} with input as fixtures.without(["iam"])
}
