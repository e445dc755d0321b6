package trailguard.checks.log_file_validation_test

import data.trailguard.checks.log_file_validation.findings
import data.trailguard.fixtures

test_pass_when_validation_enabled if {
	{f.status | some f in findings} == {"PASS"} with input as fixtures.compliant
}

test_fail_when_validation_disabled if {
	snapshot := fixtures.with_value(["trails", fixtures.trail_arn, "log_file_validation_enabled"], false)
	{f.status | some f in findings} == {"FAIL"} with input as snapshot
}

test_unknown_when_setting_missing if {
	snapshot := fixtures.without(["trails", fixtures.trail_arn, "log_file_validation_enabled"])
	{f.status | some f in findings} == {"UNKNOWN"} with input as snapshot
}
