# METADATA
# title: Log file validation is enabled
# description: |
#   CloudTrail log file validation writes a signed digest file every hour, so
#   that anyone can prove later that no log file was modified, deleted or
#   forged after CloudTrail delivered it. Without it, an attacker who reaches
#   the bucket can rewrite history undetected.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html
#     description: "Validating CloudTrail log file integrity"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-4
#     description: "Security Hub control CloudTrail.4: CloudTrail log file validation should be enabled"
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: "CIS Amazon Web Services Foundations Benchmark, control v3.0.0 3.2; v1.4.0 3.2"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
#     description: "CIS AWS Foundations Benchmark controls in Security Hub"
# custom:
#   id: TG-CT-005
#   severity: medium
#   resource_type: AwsCloudTrailTrail
#   remediation:
#     console: CloudTrail console > Trails > choose the trail > General details > Edit > Additional settings > Log file
#       validation > Enabled > Save changes.
#     cli: aws cloudtrail update-trail --name <trail-arn> --enable-log-file-validation
#   frameworks:
#     cis-aws-v3.0.0: ["3.2"]
#     cis-aws-v1.4.0: ["3.2"]
#     securityhub: ["CloudTrail.4"]
package trailguard.checks.log_file_validation

import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# One finding per trail: the cases are exclusive, so they are tried in turn, the
# usual one first (an else chain stops at the first that holds, where separate
# rules would each look at every trail).
findings contains _finding(arn, trail) if some arn, trail in input.trails

_finding(arn, trail) := result.pass(arn, trail.home_region, "log file validation is enabled") if {
	trail.log_file_validation_enabled == true
} else := result.fail(
	arn,
	trail.home_region,
	"log file validation is disabled: log files can be altered or deleted without detection",
) if {
	trail.log_file_validation_enabled == false
} else := result.unknown(arn, trail.home_region, snapshot.missing("log file validation setting", arn)) if {
	not is_boolean(object.get(trail, "log_file_validation_enabled", null))
}
