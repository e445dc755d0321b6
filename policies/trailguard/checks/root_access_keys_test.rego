package trailguard.checks.root_access_keys_test

import data.trailguard.checks.root_access_keys.findings
import data.trailguard.fixtures

test_pass_when_root_has_no_access_keys if {
	findings == {{
		"status": "PASS",
		"resource": "111122223333",
		"region": "",
		"message": "the root user has no access keys",
	}} with input as fixtures.compliant
}

test_fail_when_root_has_access_keys if {
	snapshot := fixtures.with_value(["iam", "root", "access_keys_present"], true)
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": "111122223333",
		"message": "the root user has access keys: anyone holding one can stop or delete every trail without MFA",
	} with input as snapshot
}

test_unknown_when_root_access_keys_were_not_read if {
	snapshot := fixtures.without(["iam", "root", "access_keys_present"])
	findings == {{
		"status": "UNKNOWN",
		"resource": "111122223333",
		"region": "",
		"message": "root user access keys of 111122223333 could not be read (not collected)",
	}} with input as snapshot
}

test_unknown_when_root_was_not_read if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": "root user access keys of 111122223333 could not be read (not collected)",
	} with input as fixtures.without(["iam", "root"])
}

test_unknown_when_iam_was_not_read if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": "root user access keys of 111122223333 could not be read (not collected)",
	} with input as fixtures.without(["iam"])
}
