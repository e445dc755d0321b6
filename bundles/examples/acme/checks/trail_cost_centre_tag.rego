# METADATA
# title: Trails carry a valid cost-centre tag
# description: |
#   ACME charges the cost of CloudTrail delivery, storage and its KMS key to the
#   team that owns the trail: every trail carries the tag named by
#   data.acme.organization.cost_centre_tag ("cost-centre") with one of the cost
#   centres in data.acme.organization.cost_centres. (The snapshot records no tags
#   for KMS keys, so the trail's tag stands for the key it uses.) UNKNOWN when the
#   trail's tags could not be read.
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: ACME-TAG-001
#   severity: low
#   resource_type: AwsCloudTrailTrail
#   remediation:
#     console: CloudTrail console > Trails > choose the trail > Tags > Edit > Add tag cost-centre = <your cost centre> > Save changes.
#     cli: aws cloudtrail add-tags --resource-id <trail-arn> --tags-list Key=cost-centre,Value=<cost-centre>
#   frameworks:
#     acme-security-standard: ["FIN-1.2"]
package acme.checks.trail_cost_centre_tag

import data.trailguard.lib.result
import data.trailguard.lib.snapshot

tag := data.acme.organization.cost_centre_tag

cost_centres := {c | some c in data.acme.organization.cost_centres}

findings contains result.pass(arn, trail.home_region, msg) if {
	some arn, trail in input.trails
	trail.tags[tag] in cost_centres
	msg := sprintf("tag %s is %s", [tag, trail.tags[tag]])
}

findings contains result.fail(arn, trail.home_region, msg) if {
	some arn, trail in input.trails
	is_object(trail.tags)
	not trail.tags[tag]
	msg := sprintf("the trail has no %s tag: its cost cannot be charged to a team", [tag])
}

findings contains result.fail(arn, trail.home_region, msg) if {
	some arn, trail in input.trails
	value := trail.tags[tag]
	not value in cost_centres
	msg := sprintf("tag %s is %q, which is not an ACME cost centre (%s)", [tag, value, concat(", ", sort(cost_centres))])
}

findings contains result.unknown(arn, trail.home_region, snapshot.missing("tags", arn)) if {
	some arn, trail in input.trails
	not is_object(object.get(trail, "tags", null))
}
