package trailguard.checks.who_can_blind_trail_test

import data.trailguard.checks.who_can_blind_trail
import data.trailguard.checks.who_can_blind_trail.findings
import data.trailguard.fixtures

alice := "arn:aws:iam::111122223333:user/alice"

bob := "arn:aws:iam::111122223333:user/bob"

admin_access := "arn:aws:iam::aws:policy/AdministratorAccess"

bob_with(extra) := object.union(
	{"arn": bob, "name": "bob", "groups": [], "attached_policies": [], "inline_policies": {}, "permissions_boundary": ""},
	extra,
)

# with_bob(user): the compliant account plus user bob (and AdministratorAccess, its real
# document), without its alarms, event data store and log group (fewer resources to
# ask about: the tests stay quick).
with_bob(user) := fixtures.patched([
	{"op": "remove", "path": ["alarms"]},
	{"op": "remove", "path": ["event_data_stores"]},
	{"op": "remove", "path": ["trails", fixtures.trail_arn, "cloudwatch_logs_log_group_arn"]},
	{"op": "add", "path": ["iam", "users", bob], "value": user},
	{
		"op": "add",
		"path": ["iam", "policies", admin_access],
		"value": {
			"arn": admin_access,
			"name": "AdministratorAccess",
			"aws_managed": true,
			"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
		},
	},
])

_by_resource(fs, resource) := f if {
	some f in fs
	f.resource == resource
}

test_pass_only_the_reviewed_administrator if {
	fs := findings with input as fixtures.compliant
	_by_resource(fs, "111122223333").status == "PASS"
	a := _by_resource(fs, alice)
	a.status == "PASS"
	contains(a.message, "reviewed CloudTrail administrator")
	contains(a.message, "user/alice -> member of group/SecurityAdmins -> AWS-managed policy AWSCloudTrail_FullAccess")
}

test_fail_administrator_access_user if {
	fs := findings with input as with_bob(bob_with({"attached_policies": [admin_access]}))
	b := _by_resource(fs, bob)
	b.status == "FAIL"
	b.severity == "critical"
	contains(b.message, "user/bob -> AWS-managed policy AdministratorAccess -> statement 1 -> ")
	contains(b.message, "kms:ScheduleKeyDeletion")
	contains(b.message, "s3:DeleteObject")
	acct := _by_resource(fs, "111122223333")
	acct.status == "FAIL"
	contains(acct.message, "user/bob")
}

test_pass_allowed_break_glass_parameter if {
	fs := findings with input as with_bob(bob_with({"attached_policies": [admin_access]}))
		with data.params.blinding_allowed_principals as ["arn:aws:iam::*:user/bob"]
	_by_resource(fs, bob).status == "PASS"
	_by_resource(fs, "111122223333").status == "PASS"
}

# An allowed pattern's * matches any characters, the dots of a path included (an SSO
# role's path is aws-reserved/sso.amazonaws.com/).
test_pass_allowed_pattern_across_dots if {
	doc := with_bob(bob_with({"attached_policies": [admin_access]}))
	dotted := object.union(doc, {"iam": object.union(doc.iam, {"users": {sso_bob: bob_with({
		"arn": sso_bob,
		"attached_policies": [admin_access],
	})}})})
	fs := findings with input as dotted
		with data.params.blinding_allowed_principals as ["arn:aws:iam::111122223333:user/aws-reserved/*"]
	f := _by_resource(fs, sso_bob)
	f.status == "PASS"
	contains(f.message, "is allowed (params blinding_allowed_principals)")
}

sso_bob := "arn:aws:iam::111122223333:user/aws-reserved/sso.amazonaws.com/bob"

test_fail_reviewed_holders_when_not_allowed if {
	fs := findings with input as fixtures.compliant
		with data.params.blinding_allow_reviewed_full_access_holders as false
	_by_resource(fs, alice).status == "FAIL"
	_by_resource(fs, "111122223333").status == "FAIL"
}

test_fail_reviewed_holder_without_mfa if {
	fs := findings with input as fixtures.with_value(["iam", "users", alice, "mfa_enabled"], false)
	_by_resource(fs, alice).status == "FAIL"
}

test_escalation_is_medium if {
	fs := findings with input as with_bob(bob_with({
		"inline_policies": {
			"self": {"Statement": [{"Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": bob}]},
		},
	}))
	b := _by_resource(fs, bob)
	b.status == "FAIL"
	b.severity == "medium"
	contains(b.message, "escalation: iam:attachuserpolicy on user/bob (itself)")
}

test_conditional_grant_is_high if {
	fs := findings with input as with_bob(bob_with({
		"inline_policies": {
			"mfa": {
				"Statement": [{
					"Effect": "Allow",
					"Action": "cloudtrail:StopLogging",
					"Resource": "*",
					"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
				}],
			},
		},
	}))
	b := _by_resource(fs, bob)
	b.status == "FAIL"
	b.severity == "high"
	contains(b.message, `(only if {"Bool":{"aws:MultiFactorAuthPresent":"true"}})`)
}

test_unknown_when_iam_not_read if {
	fs := findings with input as fixtures.without(["iam"])
	_by_resource(fs, "111122223333").status == "UNKNOWN"
	count(fs) == 1
}

test_unknown_when_trails_not_read if {
	fs := findings with input as fixtures.without(["trails"])
	_by_resource(fs, "111122223333").status == "UNKNOWN"
}

test_unknown_when_a_policy_document_is_missing if {
	fs := findings with input as with_bob(bob_with({"attached_policies": ["arn:aws:iam::111122223333:policy/Unread"]}))
	b := _by_resource(fs, bob)
	b.status == "UNKNOWN"
	contains(b.message, "arn:aws:iam::111122223333:policy/Unread")
	_by_resource(fs, "111122223333").status == "UNKNOWN"
}

test_unknown_when_the_organization_scps_were_not_read if {
	doc := object.union(
		with_bob(bob_with({"attached_policies": [admin_access]})),
		{"organization": {"id": "o-a1b2c3d4e5", "management_account_id": "999999999999", "is_management_account": false}},
	)
	fs := findings with input as doc
	b := _by_resource(fs, bob)
	b.status == "UNKNOWN"
	contains(b.message, "unless an SCP denies it")
	_by_resource(fs, "111122223333").status == "UNKNOWN"
}

test_fail_when_scps_read_and_allow if {
	scps := [{
		"target_id": "r-root",
		"target_type": "ROOT",
		"policies": [{
			"id": "p-FullAWSAccess",
			"name": "FullAWSAccess",
			"aws_managed": true,
			"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
		}],
	}]
	doc := object.union(
		with_bob(bob_with({"attached_policies": [admin_access]})),
		{
			"organization": {
				"id": "o-a1b2c3d4e5",
				"management_account_id": "999999999999",
				"is_management_account": false,
				"service_control_policies": scps,
			},
		},
	)
	fs := findings with input as doc
	_by_resource(fs, bob).status == "FAIL"
}

test_pass_when_an_scp_denies_the_blinding_actions if {
	scps := [{
		"target_id": "r-root",
		"target_type": "ROOT",
		"policies": [{
			"id": "p-x",
			"name": "deny-blinding",
			"document": {
				"Version": "2012-10-17",
				"Statement": [
					{"Effect": "Allow", "Action": "*", "Resource": "*"},
					{
						"Effect": "Deny",
						"Action": ["cloudtrail:*", "s3:Delete*", "s3:Put*", "kms:*", "logs:*", "cloudwatch:*", "iam:*"],
						"Resource": "*",
					},
				],
			},
		}],
	}]
	doc := object.union(
		with_bob(bob_with({"attached_policies": [admin_access]})),
		{
			"organization": {
				"id": "o-a1b2c3d4e5",
				"management_account_id": "999999999999",
				"is_management_account": false,
				"service_control_policies": scps,
			},
		},
	)
	fs := findings with input as doc
	not _by_resource(fs, bob)
}

test_outside_account_through_a_role_trust if {
	role := "arn:aws:iam::111122223333:role/vendor"
	doc := fixtures.patched([
		{
			"op": "add",
			"path": ["iam", "roles", role],
			"value": {
				"arn": role,
				"name": "vendor",
				"service_linked": false,
				"attached_policies": [],
				"permissions_boundary": "",
				"inline_policies": {"p": {"Statement": [{"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "*"}]}},
				"trust_policy": {
					"Statement": [{
						"Effect": "Allow",
						"Principal": {"AWS": "arn:aws:iam::444455556666:root"},
						"Action": "sts:AssumeRole",
					}],
				},
			},
		},
	])
	fs := findings with input as doc
	o := _by_resource(fs, "arn:aws:iam::444455556666:root")
	o.status == "FAIL"
	o.severity == "high"
	contains(o.message, "assume role/vendor")
}

test_unknown_when_the_bucket_policy_was_not_read if {
	fs := findings with input as fixtures.without(["buckets", fixtures.bucket_name, "policy"])
	acct := _by_resource(fs, "111122223333")
	acct.status == "UNKNOWN"
	contains(acct.message, "it may let other principals in")
}

# An alarm or log group of another account is not asked about (iam_eval would drop
# the request as out of reach); the account's own are.
test_resources_of_other_accounts_are_not_asked_about if {
	some own, alarm in fixtures.compliant.alarms
	foreign_alarm := "arn:aws:cloudwatch:us-east-1:999999999999:alarm:Foreign"
	foreign_group := "arn:aws:logs:us-east-1:999999999999:log-group:org-trail"
	inp := fixtures.patched([
		{"op": "add", "path": ["alarms", foreign_alarm], "value": object.union(alarm, {"arn": foreign_alarm})},
		{"op": "add", "path": ["trails", fixtures.trail_arn, "cloudwatch_logs_log_group_arn"], "value": concat("", [foreign_group, ":*"])},
	])
	asked := {r.resource | some r in who_can_blind_trail._requests} with input as inp
	own in asked
	not foreign_alarm in asked
	not foreign_group in asked
}

test_elsewhere_reads_the_account_field if {
	who_can_blind_trail._elsewhere("arn:aws:logs:us-east-1:999999999999:log-group:g:*") with input.account_id as "111122223333"
	not who_can_blind_trail._elsewhere("arn:aws:logs:us-east-1:111122223333:log-group:g") with input.account_id as "111122223333"
	not who_can_blind_trail._elsewhere("arn:aws:s3:::bucket") with input.account_id as "111122223333"
	not who_can_blind_trail._elsewhere("a:b:c:d:999999999999") with input.account_id as "111122223333"
}

# A partner account that the bucket policy lets delete the logs can blind the trail,
# unless the organization's data-perimeter RCP denies principals outside the
# organization, and the scan listed the organization's accounts (so the partner is
# known to be outside).
partner := "arn:aws:iam::444455556666:root"

with_partner(org) := fixtures.patched([
	{
		"op": "add",
		"path": ["buckets", fixtures.bucket_name, "policy", "document", "Statement", "-"],
		"value": {
			"Sid": "Partner",
			"Effect": "Allow",
			"Principal": {"AWS": partner},
			"Action": "s3:DeleteObject",
			"Resource": concat("", [fixtures.bucket_arn, "/*"]),
		},
	},
	{"op": "add", "path": ["organization"], "value": org},
])

perimeter_org(extra) := object.union(
	{
		"id": "o-a1b2c3d4e5",
		"management_account_id": "999999999999",
		"is_management_account": false,
		"policy_types_enabled": ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"],
		"service_control_policies": [{"target_id": "r-root", "policies": [{
			"id": "p-FullAWSAccess",
			"document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
		}]}],
		"resource_control_policies": [{"target_id": "r-root", "policies": [{
			"id": "p-perimeter",
			"document": {"Statement": [{
				"Effect": "Deny",
				"Principal": "*",
				"Action": ["s3:*", "kms:*", "sts:AssumeRole"],
				"Resource": "*",
				"Condition": {
					"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
					"BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
				},
			}]},
		}]}],
	},
	extra,
)

test_partner_outside_the_perimeter_cannot_blind if {
	without_rcp := findings with input as with_partner(object.remove(perimeter_org({}), ["resource_control_policies"]))
	_by_resource(without_rcp, partner).status == "FAIL"

	not_listed := findings with input as with_partner(perimeter_org({}))
	_by_resource(not_listed, partner).status == "FAIL"

	listed := findings with input as with_partner(perimeter_org({"account_ids": ["111122223333", "999999999999"]}))
	not _by_resource(listed, partner)
	acct := _by_resource(listed, "111122223333")
	acct.status == "PASS"
	contains(acct.message, "; RCPs: applied; the root user always can")
	plain := findings with input as fixtures.compliant
	not contains(_by_resource(plain, "111122223333").message, "RCPs")
}
