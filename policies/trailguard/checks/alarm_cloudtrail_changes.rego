# METADATA
# title: An alarm notifies someone of CloudTrail configuration changes
# description: |
#   Stopping, deleting or reconfiguring a trail is the first thing an intruder
#   does to blind the defenders. A CloudWatch Logs metric filter on the trail's
#   log group, with an alarm that notifies an SNS topic someone is subscribed
#   to, turns CreateTrail, UpdateTrail, DeleteTrail, StartLogging and
#   StopLogging (cloudtrail.amazonaws.com) into an alert within minutes.
#
#   Passes when some logging, multi-region trail sends its events to a log
#   group with a metric filter whose pattern matches every one of these events
#   (judged by meaning: any spelling, order, quoting or wildcard), an alarm with
#   actions enabled on that filter's metric, and an SNS topic with at least one
#   confirmed subscription. Fails naming the missing link; unknown when no chain
#   is complete and a link (log group, metric filters, alarms, topic
#   subscriptions) could not be read.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
#     description: >-
#       CloudTrail: sending events to CloudWatch Logs
#   - ref: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
#     description: >-
#       CloudWatch Logs: filter pattern syntax
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-5
#     description: >-
#       Security Hub CloudWatch.5: A log metric filter and alarm should exist for CloudTrail configuration changes
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: >-
#       CIS AWS Foundations Benchmark v3.0.0 and v1.4.0 4.5: Ensure a log metric filter and alarm exist for CloudTrail
#       configuration changes
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: TG-CW-002
#   severity: medium
#   resource_type: AwsAccount
#   remediation:
#     console: >-
#       CloudWatch console > Log groups > choose the trail's log group > Metric filters > Create metric filter,
#       pattern { ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) ||
#       ($.eventName = StartLogging) || ($.eventName = StopLogging) }, namespace CISBenchmark, metric
#       CloudTrailConfigChangeCount, value 1; then Create alarm on the metric (Sum >= 1 over 5 minutes) notifying an
#       SNS topic, and confirm a subscription to that topic.
#     cli: >-
#       aws logs put-metric-filter --log-group-name <log-group-name> --filter-name CloudTrailConfigChanges
#       --filter-pattern '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail)
#       || ($.eventName = StartLogging) || ($.eventName = StopLogging) }' --metric-transformations
#       metricName=CloudTrailConfigChangeCount,metricNamespace=CISBenchmark,metricValue=1 && aws cloudwatch
#       put-metric-alarm --alarm-name cis-cloudtrail-config-changes --metric-name CloudTrailConfigChangeCount
#       --namespace CISBenchmark --statistic Sum --period 300 --evaluation-periods 1 --threshold 1
#       --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>
#   frameworks:
#     cis-aws-v3.0.0: ["4.5"]
#     cis-aws-v1.4.0: ["4.5"]
#     securityhub: ["CloudWatch.5"]
package trailguard.checks.alarm_cloudtrail_changes

import data.trailguard.lib.alarms

findings contains alarms.finding("cloudtrail_changes")
