package trailguard.checks.all_regions_covered_test

import data.trailguard.checks.all_regions_covered.findings
import data.trailguard.fixtures

trail := fixtures.compliant.trails[fixtures.trail_arn]

by_region(snapshot) := {f.region: f | some f in fs} if {
	fs := findings with input as snapshot
}

status_by_region(snapshot) := {r: f.status | some r, f in by_region(snapshot)}

regional(region) := object.union(trail, {
	"arn": sprintf("arn:aws:cloudtrail:%s:111122223333:trail/regional-%s", [region, region]),
	"home_region": region,
	"is_multi_region": false,
})

single_region := fixtures.with_value(["trails", fixtures.trail_arn, "is_multi_region"], false)

test_pass_every_region_covered_by_multi_region_trail if {
	fs := by_region(fixtures.compliant)
	{r: f.status | some r, f in fs} == {"eu-west-1": "PASS", "us-east-1": "PASS"}
	fs["eu-west-1"].resource == "111122223333/eu-west-1"
	contains(fs["eu-west-1"].message, fixtures.trail_arn)
}

test_fail_region_without_trail_when_trail_is_single_region if {
	fixtures.reduced_findings(findings) == {
		{
			"status": "FAIL",
			"resource": "111122223333/eu-west-1",
			"message": "no logging trail covers region eu-west-1: API activity there is not recorded",
		},
		{
			"status": "PASS",
			"resource": "111122223333/us-east-1",
			"message": sprintf(
				"region us-east-1 is covered by logging trail %s",
				[fixtures.trail_arn],
			),
		},
	} with input as single_region
}

test_pass_with_one_regional_trail_per_region if {
	r := regional("eu-west-1")
	snapshot := json.patch(single_region, [{"op": "add", "path": ["trails", r.arn], "value": r}])
	status_by_region(snapshot) == {"eu-west-1": "PASS", "us-east-1": "PASS"}
}

test_fail_every_region_when_trail_stopped if {
	snapshot := fixtures.with_value(["trails", fixtures.trail_arn, "status", "is_logging"], false)
	fixtures.reduced_findings(findings) == {
		{
			"status": "FAIL",
			"resource": "111122223333/eu-west-1",
			"message": "no logging trail covers region eu-west-1: API activity there is not recorded",
		},
		{
			"status": "FAIL",
			"resource": "111122223333/us-east-1",
			"message": "no logging trail covers region us-east-1: API activity there is not recorded",
		},
	} with input as snapshot
}

test_fail_every_region_without_trails if {
	fixtures.reduced_findings(findings) == {
		{
			"status": "FAIL",
			"resource": "111122223333/eu-west-1",
			"message": "no logging trail covers region eu-west-1: API activity there is not recorded",
		},
		{
			"status": "FAIL",
			"resource": "111122223333/us-east-1",
			"message": "no logging trail covers region us-east-1: API activity there is not recorded",
		},
	} with input as fixtures.with_value(["trails"], {})
}

test_unknown_when_status_not_collected if {
	snapshot := fixtures.without(["trails", fixtures.trail_arn, "status"])
	fixtures.reduced_findings(findings) == {
		{
			"status": "UNKNOWN",
			"resource": "111122223333/eu-west-1",
			"message": concat(" ", [
				"region eu-west-1 is not known to be covered by a logging trail: the multi-region setting or logging",
				"status of arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events could not be read (not",
				"collected)",
			]),
		},
		{
			"status": "UNKNOWN",
			"resource": "111122223333/us-east-1",
			"message": concat(" ", [
				"region us-east-1 is not known to be covered by a logging trail: the multi-region setting or logging",
				"status of arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events could not be read (not",
				"collected)",
			]),
		},
	} with input as snapshot
}

test_unknown_when_multi_region_setting_not_collected if {
	snapshot := fixtures.without(["trails", fixtures.trail_arn, "is_multi_region"])
	fixtures.reduced_findings(findings) == {
		{
			"status": "UNKNOWN",
			"resource": "111122223333/eu-west-1",
			"message": concat(" ", [
				"region eu-west-1 is not known to be covered by a logging trail: the multi-region setting or logging",
				"status of arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events could not be read (not",
				"collected)",
			]),
		},
		{
			"status": "PASS",
			"resource": "111122223333/us-east-1",
			"message": sprintf(
				"region us-east-1 is covered by logging trail %s",
				[fixtures.trail_arn],
			),
		},
	} with input as snapshot
}

test_unknown_only_in_home_region_of_single_region_trail_with_unknown_status if {
	r := json.remove(regional("eu-west-1"), ["status"])
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["trails"], "value": {r.arn: r}},
		{"op": "replace", "path": ["regions"], "value": ["eu-west-1", "us-east-1", "ap-southeast-2"]},
	])
	fixtures.reduced_findings(findings) == {
		{
			"status": "FAIL",
			"resource": "111122223333/ap-southeast-2",
			"message": "no logging trail covers region ap-southeast-2: API activity there is not recorded",
		},
		{
			"status": "UNKNOWN",
			"resource": "111122223333/eu-west-1",
			"message": concat(" ", [
				"region eu-west-1 is not known to be covered by a logging trail: the multi-region setting or logging",
				"status of arn:aws:cloudtrail:eu-west-1:111122223333:trail/regional-eu-west-1 could not be read (not",
				"collected)",
			]),
		},
		{
			"status": "FAIL",
			"resource": "111122223333/us-east-1",
			"message": "no logging trail covers region us-east-1: API activity there is not recorded",
		},
	} with input as snapshot
}

test_pass_with_organization_trail_seen_from_member_account if {
	org := object.union(trail, {
		"arn": "arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail",
		"owner_account_id": "999988887777",
		"is_organization_trail": true,
	})
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["account_id"], "value": "444455556666"},
		{"op": "replace", "path": ["trails"], "value": {org.arn: org}},
	])
	status_by_region(snapshot) == {"eu-west-1": "PASS", "us-east-1": "PASS"}
}

test_unknown_when_trail_list_incomplete if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["complete"], "value": false},
		{"op": "replace", "path": ["trails"], "value": {}},
	])
	fixtures.reduced_findings(findings) == {
		{
			"status": "UNKNOWN",
			"resource": "111122223333/eu-west-1",
			"message": concat(" ", [
				"no collected trail covers region eu-west-1, but the list of trails may be incomplete (the collection",
				"was interrupted)",
			]),
		},
		{
			"status": "UNKNOWN",
			"resource": "111122223333/us-east-1",
			"message": concat(" ", [
				"no collected trail covers region us-east-1, but the list of trails may be incomplete (the collection",
				"was interrupted)",
			]),
		},
	} with input as snapshot
}

test_unknown_when_region_list_not_collected if {
	snapshot := fixtures.with_value(["regions"], [])
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": concat(" ", [
			"the regions enabled for the account were not collected (not",
			"collected): region coverage cannot be judged",
		]),
	} with input as snapshot
}
