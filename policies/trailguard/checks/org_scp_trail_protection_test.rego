package trailguard.checks.org_scp_trail_protection_test

import data.trailguard.checks.org_scp_trail_protection.findings
import data.trailguard.fixtures

protect := fixtures.trail_protection_statement

# with_condition(c) is the protecting statement with the Condition c instead.
with_condition(c) := object.union(json.remove(protect, ["Condition"]), {"Condition": c})

# with_scp(stmts) is the member with stmts in the SCP on its OU.
with_scp(stmts) := json.patch(
	fixtures.org_member,
	[{"op": "replace", "path": ["organization", "service_control_policies"], "value": fixtures.scp_levels(stmts)}],
)

only(snapshot) := f if {
	fs := findings with input as snapshot
	count(fs) == 1
	some f in fs
}

test_pass_with_the_control_tower_guardrail if {
	f := only(fixtures.org_member)
	f.status == "PASS"
	f.resource == "111122223333"
	f.message == concat(" ", [
		"SCPs deny cloudtrail:StopLogging, cloudtrail:DeleteTrail, cloudtrail:UpdateTrail,",
		"cloudtrail:PutEventSelectors on the organization trail to everyone but",
		"arn:aws:iam::*:role/AWSControlTowerExecution in account 111122223333 (workload-prod) (ProtectTrails at",
		"ou-ab12-11111111)",
	])
}

test_pass_in_every_equivalent_shape if {
	every stmt in [
		object.union(protect, {"Action": "cloudtrail:*"}),
		object.union(
			protect,
			{"Action": ["CloudTrail:Stop*", "cloudtrail:Delete*", "cloudtrail:Update*", "cloudtrail:Put*"]},
		),
		object.union(protect, {"Resource": "arn:aws:cloudtrail:*:999988887777:trail/*"}),
		json.remove(protect, ["Condition"]), # denies everyone
		with_condition({"ArnNotLikeIfExists": {"aws:PrincipalArn": ["arn:aws:iam::*:role/AWSControlTowerExecution"]}}),
		json.remove(object.union(protect, {"NotAction": ["s3:*"]}), ["Action"]),
	] {
		only(with_scp([stmt])).status == "PASS"
	}
}

test_pass_when_the_deny_sits_at_the_root if {
	levels := [
		{"target_id": "r-ab12", "target_type": "ROOT", "policies": [fixtures.full_aws_access, fixtures.scp([protect])]},
		{"target_id": "111122223333", "target_type": "ACCOUNT", "policies": [fixtures.full_aws_access]},
	]
	snapshot := json.patch(
		fixtures.org_member,
		[{"op": "replace", "path": ["organization", "service_control_policies"], "value": levels}],
	)
	only(snapshot).status == "PASS"
}

test_pass_with_a_custom_exception if {
	stmt := with_condition({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/logging-pipeline"}})
	only(with_scp([stmt])).status == "FAIL"
	exceptions := ["arn:aws:iam::*:role/logging-pipeline"]
	f := only(with_scp([stmt])) with data.params.scp_trail_protection_exceptions as exceptions
	f.status == "PASS"
}

test_fail_without_a_protecting_scp if {
	f := only(with_scp([]))
	f.status == "FAIL"
	f.resource == "111122223333"
	f.message == concat(" ", [
		"no SCP in effect on account 111122223333 (workload-prod) denies cloudtrail:StopLogging,",
		"cloudtrail:DeleteTrail, cloudtrail:UpdateTrail, cloudtrail:PutEventSelectors on the organization trail to",
		"all but arn:aws:iam::*:role/AWSControlTowerExecution: the account's administrators can stop or narrow",
		"logging",
	])
}

test_fail_naming_the_actions_left_out if {
	f := only(with_scp([object.union(protect, {"Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"]})]))
	f.status == "FAIL"
	f.resource == "111122223333"
	f.message == concat(" ", [
		"no SCP in effect on account 111122223333 (workload-prod) denies cloudtrail:UpdateTrail,",
		"cloudtrail:PutEventSelectors on the organization trail to all but",
		"arn:aws:iam::*:role/AWSControlTowerExecution: the account's administrators can stop or narrow logging",
	])
}

test_fail_when_the_deny_exempts_more_than_the_named_exceptions if {
	every c in [
		{"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/AWSControlTowerExecution", "arn:aws:iam::*:role/Admin*"]}},
		{"StringNotEquals": {"aws:PrincipalTag/team": "platform"}},
		{"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
	] {
		f := only(with_scp([with_condition(c)]))
		f.status == "FAIL"
		contains(f.message, "SCP ProtectTrails at ou-ab12-11111111 exempts")
	}
}

test_fail_when_the_deny_misses_the_organization_trail if {
	f := only(with_scp([object.union(protect, {"Resource": "arn:aws:cloudtrail:*:*:trail/aws-controltower-*"})]))
	f.status == "FAIL"
	f.resource == "111122223333"
	f.message == concat(" ", [
		"no SCP in effect on account 111122223333 (workload-prod) denies cloudtrail:StopLogging,",
		"cloudtrail:DeleteTrail, cloudtrail:UpdateTrail, cloudtrail:PutEventSelectors on the organization trail to",
		"all but arn:aws:iam::*:role/AWSControlTowerExecution: the account's administrators can stop or narrow",
		"logging",
	])
}

test_an_allow_is_no_protection if {
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": "111122223333",
		"message": concat(" ", [
			"no SCP in effect on account 111122223333 (workload-prod) denies cloudtrail:StopLogging,",
			"cloudtrail:DeleteTrail, cloudtrail:UpdateTrail, cloudtrail:PutEventSelectors on the organization trail",
			"to all but arn:aws:iam::*:role/AWSControlTowerExecution: the account's administrators can stop or narrow",
			"logging",
		]),
	} with input as with_scp([object.union(protect, {"Effect": "Allow"})])
}

test_fail_when_scps_are_disabled if {
	snapshot := json.patch(
		fixtures.org_member,
		[{"op": "replace", "path": ["organization", "policy_types_enabled"], "value": []}],
	)
	f := only(snapshot)
	f.status == "FAIL"
	f.resource == "111122223333"
	f.message == concat(" ", [
		"service control policies are not enabled in organization o-a1b2c3d4e5: nothing stops the principals of",
		"account 111122223333 (workload-prod) from stopping or changing CloudTrail",
	])
}

test_unknown_when_scps_were_not_read if {
	snapshot := json.patch(fixtures.org_member, [{"op": "remove", "path": ["organization", "service_control_policies"]}])
	f := only(snapshot)
	f.status == "UNKNOWN"
	f.resource == "111122223333"
	f.message == concat(" ", [
		"the SCPs in effect on account 111122223333 (workload-prod) were not read: whether one protects the",
		"organization trail is unknown",
	])
}

test_unknown_when_a_policy_document_was_not_read if {
	levels := [{"target_id": "r-ab12", "target_type": "ROOT", "policies": [{"id": "p-unread01"}]}]
	snapshot := json.patch(
		fixtures.org_member,
		[{"op": "replace", "path": ["organization", "service_control_policies"], "value": levels}],
	)
	f := only(snapshot)
	f.status == "UNKNOWN"
	f.resource == "111122223333"
	f.message == concat(" ", [
		"no SCP read denies cloudtrail:StopLogging, cloudtrail:DeleteTrail, cloudtrail:UpdateTrail,",
		"cloudtrail:PutEventSelectors on the organization trail in account 111122223333 (workload-prod), and the",
		"documents of p-unread01 were not read",
	])
}

test_unknown_without_an_organization_trail if {
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": "111122223333",
		"message": concat(" ", [
			"account 111122223333 (workload-prod) sees no organization trail (see TG-ORG-001): what the SCPs must",
			"protect is unknown",
		]),
	} with input as json.patch(fixtures.org_member, [{"op": "remove", "path": ["trails", fixtures.org_trail_arn]}])
}

test_nothing_for_the_management_account_nor_outside_an_organization_scan if {
	count(findings) == 0 with input as json.patch(
		fixtures.org_member,
		[{"op": "replace", "path": ["organization", "is_management_account"], "value": true}],
	)
	count(findings) == 0 with input as fixtures.compliant
}

test_pass_when_an_allow_list_scp_leaves_the_actions_out if {
	# The OU's only SCP allows what the workloads need, not CloudTrail changes.
	allow_list := {
		"id": "p-allowlist",
		"name": "AllowList",
		"document": {
			"Version": "2012-10-17",
			"Statement": [{
				"Effect": "Allow",
				"Action": ["s3:*", "ec2:*", "cloudtrail:Describe*", "cloudtrail:Get*"],
				"Resource": "*",
			}],
		},
	}
	levels := [
		{"target_id": "r-ab12", "target_type": "ROOT", "policies": [fixtures.full_aws_access]},
		{"target_id": "ou-ab12-11111111", "target_type": "ORGANIZATIONAL_UNIT", "policies": [allow_list]},
		{"target_id": "111122223333", "target_type": "ACCOUNT", "policies": [fixtures.full_aws_access]},
	]
	f := only(json.patch(
		fixtures.org_member,
		[{"op": "replace", "path": ["organization", "service_control_policies"], "value": levels}],
	))
	f.status == "PASS"
	contains(f.message, "no SCP at ou-ab12-11111111 allows it")

	# With cloudtrail:* allowed there, nothing protects the trail.
	wide := json.patch(
		allow_list,
		[{"op": "add", "path": ["document", "Statement", 0, "Action", "-"], "value": "cloudtrail:*"}],
	)
	levels2 := json.patch(levels, [{"op": "replace", "path": [1, "policies", 0], "value": wide}])
	only(json.patch(
		fixtures.org_member,
		[{"op": "replace", "path": ["organization", "service_control_policies"], "value": levels2}],
	)).status == "FAIL"
}

# A level with no SCP at all is a gap in the data (AWS keeps at least one SCP on
# every level), never a deny-all that protects the trail.
test_empty_level_does_not_protect if {
	levels := [
		{"target_id": "r-ab12", "target_type": "ROOT", "policies": [fixtures.full_aws_access]},
		{"target_id": "111122223333", "target_type": "ACCOUNT", "policies": []},
	]
	snapshot := json.patch(
		fixtures.org_member,
		[{"op": "replace", "path": ["organization", "service_control_policies"], "value": levels}],
	)
	f := only(snapshot)
	f.status != "PASS"
}
