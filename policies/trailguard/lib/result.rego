# METADATA
# title: Finding builders
# description: |
#   Every check exposes a set rule `findings`; each element is built with one
#   of these functions so that all checks report the same shape:
#   {"status", "resource", "region", "message"} plus an optional "severity"
#   that overrides the check's severity for that one finding.
package trailguard.lib.result

# pass reports that resource complies.
pass(resource, region, message) := {
	"status": "PASS",
	"resource": resource,
	"region": region,
	"message": message,
}

# fail reports that resource does not comply.
fail(resource, region, message) := {
	"status": "FAIL",
	"resource": resource,
	"region": region,
	"message": message,
}

# fail_with_severity reports a failure more (or less) severe than the check's default.
fail_with_severity(resource, region, message, severity) := object.union(
	fail(resource, region, message),
	{"severity": severity},
)

# unknown reports that the data needed to judge resource was not collected.
# message says what is missing and why; never use pass for missing data.
unknown(resource, region, message) := {
	"status": "UNKNOWN",
	"resource": resource,
	"region": region,
	"message": message,
}
