# METADATA
# title: Every enabled region is covered by a logging trail
# description: |
#   Each region enabled for the account must be covered by a trail that is
#   logging: a multi-region trail, or a trail whose home region is that
#   region. API activity in an uncovered region is not recorded at all, which
#   makes unused regions a favourite place to run crypto miners or stage
#   exfiltration. An organization trail seen from a member account counts.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html
#     description: "Receiving CloudTrail log files from multiple Regions"
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: "CIS Amazon Web Services Foundations Benchmark, control v3.0.0 3.1; v1.4.0 3.1"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
#     description: "CIS AWS Foundations Benchmark controls in Security Hub"
# custom:
#   id: TG-CT-002
#   severity: high
#   resource_type: AwsAccount
#   remediation:
#     console: CloudTrail console > Trails > Create trail (trails created in the console apply to all regions) and make
#       sure its status is Logging; an existing single-region trail can be made multi-region only with the CLI.
#     cli: aws cloudtrail update-trail --name <trail-arn> --is-multi-region-trail --include-global-service-events &&
#       aws cloudtrail start-logging --name <trail-arn>
#   frameworks:
#     cis-aws-v3.0.0:
#       - id: "3.1"
#         partial: CIS 3.1 asks one multi-region trail recording all read and write management events (TG-CT-001); this
#           check looks only at whether every enabled region is covered by a logging trail
#     cis-aws-v1.4.0:
#       - id: "3.1"
#         partial: CIS 3.1 asks one multi-region trail recording all read and write management events (TG-CT-001); this
#           check looks only at whether every enabled region is covered by a logging trail
package trailguard.checks.all_regions_covered

import data.trailguard.lib.result
import data.trailguard.lib.selectors
import data.trailguard.lib.snapshot

# multi_region_logging are the logging multi-region trails: they cover every region.
multi_region_logging contains arn if {
	some arn, trail in input.trails
	trail.is_multi_region == true
	trail.status.is_logging == true
}

# home_logging[region] are the logging trails whose home region is region.
home_logging[region] contains arn if {
	some arn, trail in input.trails
	trail.status.is_logging == true
	region := trail.home_region
}

# maybe_everywhere are the trails that might cover every region: their
# multi-region setting or their logging status was not collected, and no
# collected fact rules them out.
maybe_everywhere contains arn if {
	some arn, trail in input.trails
	not multi_region_logging[arn]
	not trail.is_multi_region == false
	not trail.status.is_logging == false
}

# maybe_home[region] are the trails homed in region whose logging status was not collected.
maybe_home[region] contains arn if {
	some arn, trail in input.trails
	not is_boolean(object.get(object.get(trail, "status", {}), "is_logging", null))
	region := trail.home_region
}

resource(region) := sprintf("%s/%s", [input.account_id, region])

# covered_by(region) is the first logging trail homed in region: what covers it
# when no logging multi-region trail does (one that does covers every region,
# and those findings are built directly, below).
covered_by(region) := sort(home_logging[region])[0]

# _first_multi_region_logging is the first logging multi-region trail; undefined
# when there is none. (Sorted once, not once per region.)
_first_multi_region_logging := sort(multi_region_logging)[0]

undecided(region) := sort(maybe_everywhere | object.get(maybe_home, region, set()))

# One finding per region. The usual case, a logging multi-region trail, covers
# every region: its findings are built directly, without trying the cases of
# _finding region by region. (resource(region) inlined: for every region of
# every account, a call costs more than the sprintf; the account id is read and
# the message built in the head, not once more per region.)
findings contains result.pass(
	sprintf("%s/%s", [account, region]),
	region,
	sprintf("region %s is covered by logging trail %s", [region, arn]),
) if {
	arn := _first_multi_region_logging
	account := input.account_id
	some region in input.regions
}

# Otherwise the cases are exclusive, so they are tried in turn, the usual one
# first (an else chain stops at the first that holds, where separate rules
# would each look at every region).
findings contains _finding(region) if {
	not _first_multi_region_logging
	some region in input.regions
}

_finding(region) := result.pass(resource(region), region, msg) if {
	arn := covered_by(region)
	msg := sprintf("region %s is covered by logging trail %s", [region, arn])
} else := result.unknown(resource(region), region, msg) if {
	not covered_by(region)
	arns := undecided(region)
	count(arns) > 0
	msg := sprintf("region %s is not known to be covered by a logging trail: %s", [
		region,
		snapshot.missing("the multi-region setting or logging status", arns[0]),
	])
} else := result.unknown(resource(region), region, msg) if {
	not covered_by(region)
	count(undecided(region)) == 0
	selectors.trail_list_incomplete
	msg := sprintf(
		"no collected trail covers region %s, but the list of trails may be incomplete (%s)",
		[region, selectors.trail_list_incomplete_reason],
	)
} else := result.fail(resource(region), region, msg) if {
	not covered_by(region)
	count(undecided(region)) == 0
	not selectors.trail_list_incomplete
	msg := sprintf("no logging trail covers region %s: API activity there is not recorded", [region])
}

# No region list (the collector could not list the enabled regions): nothing
# can be judged, and an empty result must not read as "all covered".
findings contains result.unknown(input.account_id, "", msg) if {
	count(input.regions) == 0
	msg := sprintf(
		"the regions enabled for the account were not collected (%s): region coverage cannot be judged",
		[snapshot.why(input.account_id)],
	)
}
