package trailguard.checks.log_file_validation_test

import data.trailguard.checks.log_file_validation.findings
import data.trailguard.fixtures

test_pass_when_validation_enabled if {
	fixtures.one_finding(findings) == {
		"status": "PASS",
		"resource": fixtures.trail_arn,
		"message": "log file validation is enabled",
	} with input as fixtures.compliant
}

test_fail_when_validation_disabled if {
	snapshot := fixtures.with_value(["trails", fixtures.trail_arn, "log_file_validation_enabled"], false)
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.trail_arn,
		"message": "log file validation is disabled: log files can be altered or deleted without detection",
	} with input as snapshot
}

test_unknown_when_setting_missing if {
	snapshot := fixtures.without(["trails", fixtures.trail_arn, "log_file_validation_enabled"])
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": fixtures.trail_arn,
		"message": sprintf(
			"log file validation setting of %s could not be read (not collected)",
			[fixtures.trail_arn],
		),
	} with input as snapshot
}
