# METADATA
# title: An alarm notifies someone when a KMS key is disabled or scheduled for deletion
# description: |
#   A trail's log files, and much else, are encrypted with customer managed KMS
#   keys: disabling a key or scheduling its deletion makes that data unreadable
#   for good once the key is gone. A CloudWatch Logs metric filter on the
#   trail's log group, with an alarm that notifies an SNS topic someone is
#   subscribed to, turns DisableKey and ScheduleKeyDeletion (kms.amazonaws.com)
#   into an alert while the 7-30 day deletion window still allows
#   CancelKeyDeletion.
#
#   Passes when some logging, multi-region trail sends its events to a log
#   group with a metric filter whose pattern matches both events (judged by
#   meaning: any spelling, order, quoting or wildcard), an alarm with actions
#   enabled on that filter's metric, and an SNS topic with at least one
#   confirmed subscription. Fails naming the missing link; unknown when no chain
#   is complete and a link could not be read.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
#     description: >-
#       CloudTrail: sending events to CloudWatch Logs
#   - ref: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
#     description: >-
#       CloudWatch Logs: filter pattern syntax
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-7
#     description: >-
#       Security Hub CloudWatch.7: A log metric filter and alarm should exist for disabling or scheduled deletion of
#       customer managed keys
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: >-
#       CIS AWS Foundations Benchmark v3.0.0 and v1.4.0 4.7: Ensure a log metric filter and alarm exist for disabling
#       or scheduled deletion of customer created CMKs
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: TG-CW-003
#   severity: low
#   resource_type: AwsAccount
#   remediation:
#     console: >-
#       CloudWatch console > Log groups > choose the trail's log group > Metric filters > Create metric filter,
#       pattern {($.eventSource = kms.amazonaws.com) &&
#       (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}, namespace CISBenchmark, metric
#       KmsKeyDisableOrDeletionCount, value 1; then Create alarm on the metric (Sum >= 1 over 5 minutes) notifying an
#       SNS topic, and confirm a subscription to that topic.
#     cli: >-
#       aws logs put-metric-filter --log-group-name <log-group-name> --filter-name KmsKeyDisableOrDeletion
#       --filter-pattern '{($.eventSource = kms.amazonaws.com) &&
#       (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}' --metric-transformations
#       metricName=KmsKeyDisableOrDeletionCount,metricNamespace=CISBenchmark,metricValue=1 && aws cloudwatch
#       put-metric-alarm --alarm-name cis-kms-key-disable-or-deletion --metric-name KmsKeyDisableOrDeletionCount
#       --namespace CISBenchmark --statistic Sum --period 300 --evaluation-periods 1 --threshold 1
#       --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>
#   frameworks:
#     cis-aws-v3.0.0: ["4.7"]
#     cis-aws-v1.4.0: ["4.7"]
#     securityhub: ["CloudWatch.7"]
package trailguard.checks.alarm_kms_key_deletion

import data.trailguard.lib.alarms

findings contains alarms.finding("kms_key_deletion")
