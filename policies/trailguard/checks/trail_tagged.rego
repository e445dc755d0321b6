# METADATA
# title: Trails are tagged
# description: |
#   Tags record who owns a trail and what it is for, and tag-based access
#   control (aws:ResourceTag conditions) can protect trails from being
#   changed or deleted by anyone but their owners. An untagged trail is easy
#   to mistake for an unused one and delete. Each trail must have at least
#   one tag.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-update-a-trail-console.html
#     description: "Updating a trail (tags)"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-9
#     description: "Security Hub control CloudTrail.9: CloudTrail trails should be tagged"
# custom:
#   id: TG-CT-013
#   severity: low
#   resource_type: AwsCloudTrailTrail
#   remediation:
#     console: CloudTrail console > Trails > choose the trail > Tags > Edit > Add tag (e.g. owner = security) > Save
#       changes.
#     cli: aws cloudtrail add-tags --resource-id <trail-arn> --tags-list Key=owner,Value=<team>
#   frameworks:
#     securityhub: ["CloudTrail.9"]
package trailguard.checks.trail_tagged

import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# One finding per trail: the cases are exclusive, so they are tried in turn, the
# usual one first (an else chain stops at the first that holds, where separate
# rules would each look at every trail).
findings contains _finding(arn, trail) if some arn, trail in input.trails

_finding(arn, trail) := result.pass(arn, trail.home_region, msg) if {
	count(trail.tags) > 0
	msg := sprintf("trail has %d tag(s): %s", [count(trail.tags), concat(", ", sort(object.keys(trail.tags)))])
} else := result.fail(arn, trail.home_region, msg) if {
	count(trail.tags) == 0
	msg := sprintf("trail has no tags: its owner and purpose are not recorded%s", [owner_note(trail)])
} else := result.unknown(arn, trail.home_region, msg) if {
	not is_object(object.get(trail, "tags", null))
	trail.tags_from_owner == true
	msg := sprintf(
		concat(" ", [
			"the tags of %s are its owner's to read: only account %s may call ListTags on it;",
			"scan the organization (collect --org) to judge them",
		]),
		[arn, trail.owner_account_id],
	)
} else := result.unknown(arn, trail.home_region, snapshot.missing("tags (ListTags)", arn)) if {
	not is_object(object.get(trail, "tags", null))
}

owner_note(trail) := sprintf("; the trail is owned by account %s, which must add them", [trail.owner_account_id]) if {
	snapshot.foreign(trail)
} else := ""
