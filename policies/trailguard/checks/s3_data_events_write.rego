# METADATA
# title: S3 object-level write events are logged for all buckets
# description: |
#   S3 object-level API calls (PutObject, DeleteObject, ...) are data events, which trails do
#   not record by default. Without them nobody can tell who wrote or deleted which object. At
#   least one logging multi-region trail must record S3 object-level write
#   events for all current and future buckets: a classic data resource
#   AWS::S3::Object with value arn:<partition>:s3 (or arn:<partition>:s3:::),
#   or an advanced selector on eventCategory = Data and resources.type =
#   AWS::S3::Object without any resources.ARN, eventName or other narrowing
#   field selector.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html
#     description: >-
#       CloudTrail: logging data events
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-cloudtrail-logging-for-s3.html
#     description: >-
#       Amazon S3: enabling CloudTrail event logging for S3 buckets and objects
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: >-
#       CIS AWS Foundations Benchmark v3.0.0 3.8 (v1.4.0 3.10): Ensure that Object-level logging for write events is
#       enabled for S3 bucket
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: TG-CT-009
#   severity: medium
#   resource_type: AwsAccount
#   remediation:
#     console: >-
#       CloudTrail console > Trails > choose a multi-region trail > Data events > Edit > Add data event type > Data
#       event type S3 > Log selector template "Log all events" (or "Log writeOnly events") > Save changes. With the
#       CLI, put-event-selectors replaces all of the trail's selectors, so add its other selectors to the list.
#     cli: >-
#       aws cloudtrail put-event-selectors --trail-name <trail-arn> --advanced-event-selectors '[{"Name":"Management
#       events","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]},{"Name":"S3 object-level events,
#       all
#       buckets","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]}]}]'
#   frameworks:
#     cis-aws-v3.0.0: ["3.8"]
#     cis-aws-v1.4.0: ["3.10"]
package trailguard.checks.s3_data_events_write

import data.trailguard.lib.covering_trail as covering
import data.trailguard.lib.selectors

# qualifying are the trails proven to record S3 object-level write events for all
# buckets. (lib/covering_trail turns these rules into the verdict.)
qualifying contains arn if {
	some arn, trail in input.trails
	covering.multi_region_and_logging(trail)
	selectors.s3_data_events(trail, "write")
}

# shortfalls(trail) are the collected facts that rule the trail out.
shortfalls(trail) := union({
	covering.multi_region_and_logging_shortfalls(trail),
	{_no_s3_events |
		selectors.selectors_known(trail)
		not selectors.s3_data_events(trail, "write")
	},
})

_no_s3_events := "does not record S3 object-level write events for all buckets"

# gaps(trail) are the things needed to judge the trail that were not collected.
gaps(trail) := union({
	covering.multi_region_and_logging_gaps(trail),
	covering.selectors_gaps(trail),
})

findings contains _finding

_finding := covering.pass(arn, _pass_text) if {
	arn := sort(qualifying)[0]
} else := covering.not_covered(_judged, _wording)

_pass_text := "is multi-region, logging and records S3 object-level write events for all buckets"

_judged := {arn: {"shortfalls": shortfalls(trail), "gaps": gaps(trail)} | some arn, trail in input.trails}

_wording := {
	"undecided": "no trail is known to be multi-region, logging and record S3 object-level write events for all buckets",
	"incomplete": "no collected trail is multi-region, logging and records S3 object-level write events for all buckets",
	"ruled_out": "no trail is multi-region, logging and records S3 object-level write events for all buckets",
	"no_trail": "no trail exists: S3 object-level write events are not recorded",
}
