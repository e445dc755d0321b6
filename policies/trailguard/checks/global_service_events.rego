# METADATA
# title: A trail records global service events
# description: |
#   IAM, STS, CloudFront and other global services log their API calls as
#   global service events, delivered to trails that include them. Without
#   such a trail, creating an IAM user, attaching an admin policy or minting
#   access keys leaves no record. At least one logging multi-region trail
#   must include global service events and record management events.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events
#     description: >-
#       CloudTrail: global service events
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: TG-CT-006
#   severity: medium
#   resource_type: AwsAccount
#   remediation:
#     console: >-
#       CloudTrail console > Trails > Create trail (trails created in the console apply to all regions and include
#       global service events) with management events recorded, and make sure its status is Logging; an existing trail
#       can be changed only with the CLI.
#     cli: aws cloudtrail update-trail --name <trail-arn> --is-multi-region-trail --include-global-service-events
package trailguard.checks.global_service_events

import data.trailguard.lib.covering_trail as covering
import data.trailguard.lib.selectors

# qualifying are the trails proven to record global service events.
# (lib/covering_trail turns these rules into the verdict.)
qualifying contains arn if {
	some arn, trail in input.trails
	covering.multi_region_and_logging(trail)
	trail.include_global_service_events == true
	selectors.logs_management_events(trail)
}

# shortfalls(trail) are the collected facts that rule the trail out.
shortfalls(trail) := union({
	covering.multi_region_and_logging_shortfalls(trail),
	{"does not include global service events" | trail.include_global_service_events == false},
	{"records no management events" |
		selectors.selectors_known(trail)
		not selectors.logs_management_events(trail)
	},
})

# gaps(trail) are the things needed to judge the trail that were not collected.
gaps(trail) := union({
	covering.multi_region_and_logging_gaps(trail),
	{"global service events setting" | not is_boolean(object.get(trail, "include_global_service_events", null))},
	covering.selectors_gaps(trail),
})

findings contains _finding

_finding := covering.pass(arn, _pass_text) if {
	arn := sort(qualifying)[0]
} else := covering.not_covered(_judged, _wording)

_pass_text := "is multi-region, logging and includes global service events (IAM, STS, CloudFront)"

_judged := {arn: {"shortfalls": shortfalls(trail), "gaps": gaps(trail)} | some arn, trail in input.trails}

_wording := {
	"undecided": "no trail is known to record global service events",
	"incomplete": "no collected trail records global service events",
	"ruled_out": "no trail records global service events",
	"no_trail": "no trail exists: IAM, STS and other global API calls are not recorded",
}
