# METADATA
# title: MFA delete is enabled on the trail's S3 bucket
# description: |
#   With versioning on, deleting or overwriting a log file only hides it behind a
#   new version; MFA delete additionally requires the root user's MFA code to
#   permanently delete a version or to turn versioning off. Stolen credentials
#   alone then cannot destroy the audit trail.
#   PASS needs versioning Status "Enabled" and MFADelete "Enabled". Versioning
#   suspended or never enabled fails (MFA delete needs versioning); versioning on
#   without MFA delete fails with its own message. UNKNOWN when the versioning
#   configuration was not read.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html
#     description: "Configuring MFA delete"
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: "CIS Amazon Web Services Foundations Benchmark, control v3.0.0 2.1.2"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
#     description: "CIS AWS Foundations Benchmark controls in Security Hub"
# custom:
#   id: TG-S3-003
#   severity: medium
#   resource_type: AwsS3Bucket
#   remediation:
#     console: MFA delete cannot be enabled from the console. Sign in as the root user with an MFA device and use the
#       AWS CLI.
#     cli: aws s3api put-bucket-versioning --bucket <bucket-name> --versioning-configuration
#       Status=Enabled,MFADelete=Enabled --mfa "<root-mfa-device-arn> <mfa-code>"
#   frameworks:
#     cis-aws-v3.0.0:
#       - id: 2.1.2
#         partial: CIS 2.1.2 asks MFA delete on every S3 bucket; this check looks only at the trails' log buckets
package trailguard.checks.bucket_mfa_delete

import data.trailguard.lib.buckets
import data.trailguard.lib.result

findings contains f if some f in buckets.not_collected_findings

# One finding per evaluated bucket: the cases are exclusive, so they are tried in
# turn, the usual one first (an else chain stops at the first that holds, where
# separate rules would each look at every bucket).
findings contains _finding(name, bucket) if some name, bucket in buckets.evaluated

_finding(name, bucket) := result.pass(
	buckets.arn(name),
	buckets.region(bucket),
	"versioning and MFA delete are enabled",
) if {
	bucket.versioning.status == "Enabled"
	bucket.versioning.mfa_delete == "Enabled"
} else := result.unknown(
	buckets.arn(name),
	buckets.region(bucket),
	buckets.missing("the versioning configuration", name, {"GetBucketVersioning"}),
) if {
	not is_string(object.get(bucket, ["versioning", "status"], null))
} else := result.fail(
	buckets.arn(name),
	buckets.region(bucket),
	_versioning_off_message(bucket.versioning.status),
) if {
	bucket.versioning.status != "Enabled"
} else := result.unknown(
	buckets.arn(name),
	buckets.region(bucket),
	buckets.missing("the MFA delete setting", name, {"GetBucketVersioning"}),
) if {
	not is_string(object.get(bucket, ["versioning", "mfa_delete"], null))
} else := result.fail(
	buckets.arn(name),
	buckets.region(bucket),
	concat(" ", [
		"versioning is enabled but MFA delete is not: log file versions can be deleted,",
		"and versioning suspended, without the root user's MFA",
	]),
)

_versioning_off_message("Suspended") := concat(" ", [
	"versioning is suspended, so MFA delete cannot protect the logs:",
	"a deleted or overwritten log file is gone",
])

_versioning_off_message(status) := sprintf(
	concat(" ", [
		"versioning has never been enabled (status %q), so MFA delete cannot protect the logs:",
		"a deleted or overwritten log file is gone",
	]),
	[status],
) if status != "Suspended"
