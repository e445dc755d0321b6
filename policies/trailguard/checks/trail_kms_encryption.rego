# METADATA
# title: Trail logs are encrypted with a customer managed KMS key
# description: |
#   By default CloudTrail log files are encrypted with SSE-S3, which anyone who
#   can read the bucket can decrypt. With SSE-KMS and a customer managed key,
#   reading the logs also needs kms:Decrypt on a key whose policy the account
#   controls, and every use of the key is itself logged. A trail without a key
#   fails. A trail with a key passes: CloudTrail only accepts (and can only
#   use) a key whose key policy grants cloudtrail.amazonaws.com, which AWS
#   managed keys never do, so the key is customer managed even when it cannot
#   be read (denied, or in another account); the key's own checks (TG-KMS-*)
#   then report UNKNOWN. A key read as AWS managed (KeyManager AWS) fails.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html
#     description: "Encrypting CloudTrail log files with AWS KMS keys (SSE-KMS)"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-2
#     description: "Security Hub control CloudTrail.2: CloudTrail should have encryption at-rest enabled"
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: "CIS Amazon Web Services Foundations Benchmark, control v3.0.0 3.5; v1.4.0 3.7"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
#     description: "CIS AWS Foundations Benchmark controls in Security Hub"
# custom:
#   id: TG-CT-007
#   severity: medium
#   resource_type: AwsCloudTrailTrail
#   remediation:
#     console: CloudTrail console > Trails > choose the trail > General details > Edit > Log file SSE-KMS encryption >
#       Enabled > choose a customer managed key (new or existing, with a key policy that lets CloudTrail use it) > Save
#       changes.
#     cli: aws cloudtrail update-trail --name <trail-arn> --kms-key-id <customer-managed-key-arn>
#   frameworks:
#     cis-aws-v3.0.0: ["3.5"]
#     cis-aws-v1.4.0: ["3.7"]
#     securityhub: ["CloudTrail.2"]
package trailguard.checks.trail_kms_encryption

import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# One finding per trail: the cases are exclusive, so they are tried in turn, the
# usual one first (an else chain stops at the first that holds, where separate
# rules would each look at every trail).
findings contains _finding(arn, trail) if some arn, trail in input.trails

_finding(arn, trail) := result.pass(
	arn,
	trail.home_region,
	sprintf("log files are encrypted with customer managed KMS key %s", [trail.kms_key_id]),
) if {
	input.kms_keys[trail.kms_key_id].manager == "CUSTOMER"
} else := result.fail(
	arn,
	trail.home_region,
	"log files are not encrypted with SSE-KMS (SSE-S3 only): anyone who can read the bucket can read the logs",
) if {
	not snapshot.has_value(trail, "kms_key_id")
} else := result.fail(
	arn,
	trail.home_region,
	sprintf(
		concat(" ", [
			"log files are encrypted with AWS managed KMS key %s, whose key policy the account cannot restrict:",
			"use a customer managed key",
		]),
		[trail.kms_key_id],
	),
) if {
	input.kms_keys[trail.kms_key_id].manager == "AWS"
} else := result.pass(arn, trail.home_region, msg) if {
	snapshot.has_value(trail, "kms_key_id")
	not input.kms_keys[trail.kms_key_id].manager
	msg := sprintf(
		concat(" ", [
			"log files are encrypted with KMS key %s, a customer managed key:",
			"CloudTrail can only use a key whose key policy grants cloudtrail.amazonaws.com,",
			"which AWS managed keys never do (the key itself could not be read, so its policy,",
			"state and rotation are judged UNKNOWN by the key checks: %s)",
		]),
		[trail.kms_key_id, _why_unreadable(trail.kms_key_id)],
	)
}

# _why_unreadable(key) says why the key's manager is not in the snapshot.
_why_unreadable(key) := snapshot.missing("key manager", key) if {
	input.kms_keys[key]
} else := sprintf(
	"key %s lives in account %s, not the audited account %s, and could not be read (%s)",
	[key, owner, input.account_id, snapshot.why(key)],
) if {
	owner := snapshot.account_of_arn(key)
	owner != input.account_id
} else := sprintf("key %s in account %s could not be read (%s)", [key, input.account_id, snapshot.why(key)])
