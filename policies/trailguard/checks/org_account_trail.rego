# METADATA
# title: Each account of the organization is recorded by the organization trail or a trail of its own
# description: |
#   Every account of an organization must be recorded everywhere: by the
#   organization trail, or, where the organization has none that reaches the
#   account, by a multi-region, logging trail of the account's own. An account
#   that neither records is blind to whatever happens in it.
#   PASS names the trail that records the account; FAIL when no trail the
#   account sees is both multi-region and logging; UNKNOWN when that could not
#   be read. Reported only in an organization scan.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html
#     description: "Creating a trail for an organization"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html
#     description: "Receiving CloudTrail log files from multiple Regions"
# custom:
#   id: TG-ORG-002
#   severity: high
#   resource_type: AwsAccount
#   remediation:
#     console: In the management account, make the organization trail apply to all accounts and all regions (CloudTrail
#       console > Trails > the trail > Edit > "Enable for all accounts in my organization"), or in the account create a
#       multi-region trail (CloudTrail console > Create trail) and start logging.
#     cli: aws cloudtrail create-trail --name <name> --s3-bucket-name <bucket> --is-multi-region-trail && aws
#       cloudtrail start-logging --name <name>
package trailguard.checks.org_account_trail

import data.trailguard.lib.organization
import data.trailguard.lib.result
import data.trailguard.lib.selectors

findings contains _finding if organization.scan

# _recording are the trails the account sees that record it everywhere, the
# organization's trails first.
_recording := [[kind, arn] |
	some kind in ["organization trail", "own trail"]
	some arn, trail in input.trails
	_kind(arn, trail) == kind
	organization.complete_trail(trail)
]

_kind(arn, _) := "organization trail" if organization.organization_trails[arn]

else := "own trail" if {
	not organization.foreign_organization_trails[arn]
	organization.snapshot_account(arn) == input.account_id
}

_unread := {arn: unread |
	some arn, trail in input.trails
	_kind(arn, trail)
	unread := organization.unread(trail)
	count(unread) > 0
}

_finding := result.pass(input.account_id, "", msg) if {
	[kind, arn] := _recording[0]
	msg := sprintf("account %s is recorded in every region by its %s %s", [organization.label, kind, arn])
} else := result.unknown(input.account_id, "", msg) if {
	count(_unread) > 0
	msg := concat("; ", sort([sprintf("trail %s: %s could not be read", [arn, concat(" and ", unread)]) |
		some arn, unread in _unread
	]))
} else := result.unknown(input.account_id, "", msg) if {
	selectors.trail_list_incomplete
	msg := sprintf(
		"the trails of account %s could not all be read (%s)",
		[organization.label, selectors.trail_list_incomplete_reason],
	)
} else := result.fail(input.account_id, "", msg) if {
	msg := sprintf(
		"account %s is recorded everywhere neither by the organization trail nor by a trail of its own%s",
		[organization.label, _seen],
	)
}

_seen := sprintf(": %s", [concat("; ", sort([sprintf(
	"%s %s (%s)",
	[_kind(arn, trail), arn, concat(" and ", organization.gaps(trail))],
) |
	some arn, trail in input.trails
	_kind(arn, trail)
]))]) if {
	some arn, trail in input.trails
	_kind(arn, trail)
} else := ": it sees no trail"
