# METADATA
# title: An alarm notifies someone of S3 bucket policy changes
# description: |
#   Changing a bucket's ACL, policy, CORS, lifecycle or replication can expose
#   the trail's log bucket, ship its logs elsewhere or expire them early. A
#   CloudWatch Logs metric filter on the trail's log group, with an alarm that
#   notifies an SNS topic someone is subscribed to, turns PutBucketAcl,
#   PutBucketPolicy, PutBucketCors, PutBucketLifecycle, PutBucketReplication,
#   DeleteBucketPolicy, DeleteBucketCors, DeleteBucketLifecycle and
#   DeleteBucketReplication (s3.amazonaws.com) into an alert.
#
#   Passes when some logging, multi-region trail sends its events to a log
#   group with a metric filter whose pattern matches every one of these events
#   (judged by meaning: any spelling, order, quoting or wildcards such as
#   PutBucket*), an alarm with actions enabled on that filter's metric, and an
#   SNS topic with at least one confirmed subscription. Fails naming the missing
#   link; unknown when no chain is complete and a link could not be read.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
#     description: >-
#       CloudTrail: sending events to CloudWatch Logs
#   - ref: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
#     description: >-
#       CloudWatch Logs: filter pattern syntax
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-8
#     description: >-
#       Security Hub CloudWatch.8: A log metric filter and alarm should exist for S3 bucket policy changes
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: >-
#       CIS AWS Foundations Benchmark v3.0.0 and v1.4.0 4.8: Ensure a log metric filter and alarm exist for S3 bucket
#       policy changes
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: TG-CW-004
#   severity: low
#   resource_type: AwsAccount
#   remediation:
#     console: >-
#       CloudWatch console > Log groups > choose the trail's log group > Metric filters > Create metric filter,
#       pattern { ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName =
#       PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName =
#       PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) ||
#       ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }, namespace CISBenchmark,
#       metric S3BucketPolicyChangeCount, value 1; then Create alarm on the metric (Sum >= 1 over 5 minutes) notifying
#       an SNS topic, and confirm a subscription to that topic.
#     cli: >-
#       aws logs put-metric-filter --log-group-name <log-group-name> --filter-name S3BucketPolicyChanges
#       --filter-pattern '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName =
#       PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName =
#       PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) ||
#       ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }' --metric-transformations
#       metricName=S3BucketPolicyChangeCount,metricNamespace=CISBenchmark,metricValue=1 && aws cloudwatch
#       put-metric-alarm --alarm-name cis-s3-bucket-policy-changes --metric-name S3BucketPolicyChangeCount --namespace
#       CISBenchmark --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator
#       GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>
#   frameworks:
#     cis-aws-v3.0.0: ["4.8"]
#     cis-aws-v1.4.0: ["4.8"]
#     securityhub: ["CloudWatch.8"]
package trailguard.checks.alarm_bucket_policy_changes

import data.trailguard.lib.alarms

findings contains alarms.finding("bucket_policy_changes")
