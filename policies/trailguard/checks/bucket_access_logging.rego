# METADATA
# title: Server access logging is enabled on the trail's S3 bucket
# description: |
#   CloudTrail records management calls on the log bucket, but reads and deletes
#   of the log files themselves are object-level requests. S3 server access
#   logging records every request made to the bucket (who downloaded, overwrote
#   or deleted which log file), so tampering with the audit trail leaves a trace.
#   PASS when logging is enabled to another bucket. FAIL when it is disabled, or
#   when the bucket delivers its access logs to itself (every log delivery
#   produces another request to log, and the access logs sit in the same blast
#   radius as the logs they protect). UNKNOWN when the logging configuration
#   was not read.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerAccessLogs.html
#     description: "Logging requests with Amazon S3 server access logging"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-7
#     description: "Security Hub control CloudTrail.7: S3 bucket access logging on the CloudTrail S3 bucket"
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: "CIS Amazon Web Services Foundations Benchmark, control v3.0.0 3.4; v1.4.0 3.6"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
#     description: "CIS AWS Foundations Benchmark controls in Security Hub"
# custom:
#   id: TG-S3-004
#   severity: low
#   resource_type: AwsS3Bucket
#   remediation:
#     console: S3 console > Buckets > choose the trail's bucket > Properties > Server access logging > Edit > Enable,
#       choose a separate destination bucket (e.g. s3://<access-log-bucket>/cloudtrail/) > Save changes.
#     cli: aws s3api put-bucket-logging --bucket <bucket-name> --bucket-logging-status
#       '{"LoggingEnabled":{"TargetBucket":"<access-log-bucket>","TargetPrefix":"cloudtrail/"}}'
#   frameworks:
#     cis-aws-v3.0.0: ["3.4"]
#     cis-aws-v1.4.0: ["3.6"]
#     securityhub: ["CloudTrail.7"]
package trailguard.checks.bucket_access_logging

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
	sprintf("server access logging is enabled, with bucket %s as its target", [bucket.logging.target_bucket]),
) if {
	bucket.logging.enabled == true
	is_string(bucket.logging.target_bucket)
	not _self_target(name, bucket)
} else := result.fail(
	buckets.arn(name),
	buckets.region(bucket),
	"server access logging is disabled: reads and deletions of log files leave no trace",
) if {
	bucket.logging.enabled == false
} else := result.unknown(
	buckets.arn(name),
	buckets.region(bucket),
	buckets.missing("the server access logging configuration", name, {"GetBucketLogging"}),
) if {
	not is_boolean(object.get(bucket, ["logging", "enabled"], null))
} else := result.unknown(
	buckets.arn(name),
	buckets.region(bucket),
	buckets.missing("the server access logging target bucket", name, {"GetBucketLogging"}),
) if {
	not is_string(object.get(bucket, ["logging", "target_bucket"], null))
} else := result.fail(
	buckets.arn(name),
	buckets.region(bucket),
	"server access logs are delivered to the log bucket itself: use a separate access-log bucket",
)

# S3 accepts the target as a bucket name; tolerate an ARN too.
_self_target(name, bucket) if lower(bucket.logging.target_bucket) in {lower(name), lower(buckets.arn(name))}
