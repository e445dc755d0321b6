# METADATA
# title: A multi-region trail logs all management events
# description: |
#   At least one trail must be multi-region, logging, and record every read
#   and write management event from every event source. Without it, API
#   activity in a region nobody watches (or read calls, or calls to an
#   excluded service such as KMS) leaves no audit record: an attacker simply
#   works in that region or through that service.
#
#   Classic selectors must include one selector with ReadWriteType "All",
#   IncludeManagementEvents true and no excluded event sources (a ReadOnly
#   selector plus a WriteOnly selector does not count). Advanced selectors
#   must include a selector on eventCategory = Management with no readOnly
#   filter and no eventSource exclusion. An organization trail seen from a
#   member account counts.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html
#     description: >-
#       CloudTrail: receiving log files from multiple Regions
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html
#     description: >-
#       CloudTrail: logging management events
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-1
#     description: >-
#       Security Hub CloudTrail.1: CloudTrail should be enabled and configured with at least one multi-Region trail
#       that includes read and write management events
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-3
#     description: >-
#       Security Hub CloudTrail.3: At least one CloudTrail trail should be enabled
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: >-
#       CIS AWS Foundations Benchmark v3.0.0 and v1.4.0 3.1: Ensure CloudTrail is enabled in all regions
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: TG-CT-001
#   severity: high
#   resource_type: AwsAccount
#   remediation:
#     console: >-
#       CloudTrail console > Trails > Create trail (trails created in the console apply to all regions), or choose an
#       existing multi-region trail > Management events > Edit > API activity Read and Write, clear "Exclude AWS KMS
#       events" and "Exclude Amazon RDS Data API events" > Save changes; make sure the trail's status is Logging. A
#       single-region trail can be made multi-region only with the CLI, whose put-event-selectors replaces all of the
#       trail's selectors, so add its other selectors to the list.
#     cli: >-
#       aws cloudtrail update-trail --name <trail-arn> --is-multi-region-trail --include-global-service-events && aws
#       cloudtrail put-event-selectors --trail-name <trail-arn> --advanced-event-selectors '[{"Name":"Management
#       events","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]}]' && aws cloudtrail
#       start-logging --name <trail-arn>
#   frameworks:
#     cis-aws-v3.0.0: ["3.1"]
#     cis-aws-v1.4.0: ["3.1"]
#     securityhub: ["CloudTrail.1", "CloudTrail.3"]
package trailguard.checks.multi_region_trail

import data.trailguard.lib.covering_trail as covering
import data.trailguard.lib.selectors

# qualifying are the trails proven multi-region, logging and recording all
# management events. (lib/covering_trail turns these rules into the verdict.)
qualifying contains arn if {
	some arn, trail in input.trails
	covering.multi_region_and_logging(trail)
	selectors.all_management_events(trail)
}

# shortfalls(trail) are the collected facts that rule the trail out.
shortfalls(trail) := union({
	covering.multi_region_and_logging_shortfalls(trail),
	{_no_management |
		selectors.selectors_known(trail)
		not selectors.all_management_events(trail)
	},
})

_no_management := "does not record all read and write management events"

# gaps(trail) are the things needed to judge the trail that were not collected.
gaps(trail) := union({
	covering.multi_region_and_logging_gaps(trail),
	covering.selectors_gaps(trail),
})

findings contains _finding

_finding := covering.pass(arn, _pass_text) if {
	arn := sort(qualifying)[0]
} else := covering.not_covered(_judged, _wording)

_pass_text := "is multi-region, logging and records all read and write management events"

_judged := {arn: {"shortfalls": shortfalls(trail), "gaps": gaps(trail)} | some arn, trail in input.trails}

_wording := {
	"undecided": "no trail is known to be multi-region, logging and recording all management events",
	"incomplete": "no collected trail is multi-region, logging and recording all management events",
	"ruled_out": "no trail is multi-region, logging and recording all read and write management events",
	"no_trail": "no trail exists: API activity in this account is not recorded",
}
