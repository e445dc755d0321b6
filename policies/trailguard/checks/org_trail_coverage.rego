# METADATA
# title: The organization trail is logging, multi-region and covers the account
# description: |
#   In an AWS Organization the organization trail, created in the management
#   account, records every account of the organization in every region: it is
#   what the security team relies on, whatever a member's administrators do
#   with trails of their own. Each account of an organization scan must see
#   this organization's trail (a member sees it as a trail owned by the
#   management account), and the trail must be multi-region and logging.
#   FAIL when the account sees no organization trail of its organization (none
#   exists, or it does not reach the account), or when the trail is
#   single-region or stopped; UNKNOWN when the trails or the trail's status
#   could not be read. Reported only in an organization scan.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html
#     description: "Creating a trail for an organization"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html
#     description: "Receiving CloudTrail log files from multiple Regions"
# custom:
#   id: TG-ORG-001
#   severity: high
#   resource_type: AwsAccount
#   remediation:
#     console: In the management account, CloudTrail console > Trails > Create trail (or choose the trail) > check
#       "Enable for all accounts in my organization", apply it to all regions, and Start logging. AWS Organizations
#       must have trusted access for CloudTrail enabled.
#     cli: aws cloudtrail update-trail --name <trail-arn> --is-organization-trail --is-multi-region-trail && aws
#       cloudtrail start-logging --name <trail-arn>  (run in the management account)
package trailguard.checks.org_trail_coverage

import data.trailguard.lib.organization
import data.trailguard.lib.result
import data.trailguard.lib.selectors

findings contains _finding if organization.scan

_complete := {arn | some arn, trail in organization.organization_trails; organization.complete_trail(trail)}

_unread := {arn: unread |
	some arn, trail in organization.organization_trails
	unread := organization.unread(trail)
	count(unread) > 0
}

_finding := result.pass(input.account_id, "", msg) if {
	some arn in _complete
	msg := sprintf(
		concat(" ", [
			"organization trail %s (owned by management account %s) is multi-region and logging:",
			"it records account %s in every region",
		]),
		[arn, organization.management_account_id, organization.label],
	)
} else := result.unknown(input.account_id, "", msg) if {
	count(organization.organization_trails) == 0
	selectors.trail_list_incomplete
	msg := sprintf(
		"the trails of account %s could not all be read (%s): whether the organization trail reaches it is unknown",
		[organization.label, selectors.trail_list_incomplete_reason],
	)
} else := result.fail(input.account_id, "", msg) if {
	count(organization.organization_trails) == 0
	msg := sprintf(
		concat(" ", [
			"account %s sees no organization trail of organization %s (management account %s)%s:",
			"nothing records the account for the organization",
		]),
		[organization.label, organization.id, organization.management_account_id, _foreign_note],
	)
} else := result.unknown(input.account_id, "", msg) if {
	count(_unread) > 0
	msg := concat("; ", sort([sprintf("organization trail %s: %s could not be read", [arn, concat(" and ", unread)]) |
		some arn, unread in _unread
	]))
} else := result.fail(input.account_id, "", msg) if {
	msg := concat("; ", sort([sprintf(
		"organization trail %s does not cover account %s everywhere: %s",
		[arn, organization.label, concat(" and ", organization.gaps(trail))],
	) |
		some arn, trail in organization.organization_trails
	]))
}

_foreign_note := sprintf(
	" (it sees organization trails of other organizations only: %s)",
	[concat(", ", sort(organization.foreign_organization_trails))],
) if {
	count(organization.foreign_organization_trails) > 0
} else := ""
