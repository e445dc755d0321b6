package trailguard.lib.iam_eval_test

import data.trailguard.lib.iam_eval

# A table of evaluation cases, each naming the AWS evaluation rule it exercises.
# Every case asks one question (principal, action, resource) of a small account and
# states the answer: "path:<kind>" (kind: direct, conditional, role, escalation,
# outside), "uncertain:<kind>" (a path that an unread SCP could still deny), "none",
# or "unknown" (the data to decide was not collected).

acct := "111122223333"

other := "444455556666"

trail := "arn:aws:cloudtrail:us-east-1:111122223333:trail/main"

other_trail := "arn:aws:cloudtrail:us-east-1:111122223333:trail/other"

alice := "arn:aws:iam::111122223333:user/alice"

bob := "arn:aws:iam::111122223333:user/bob"

ops := "arn:aws:iam::111122223333:role/ops"

admins := "arn:aws:iam::111122223333:group/admins"

custom := "arn:aws:iam::111122223333:policy/Custom"

admin_access := "arn:aws:iam::aws:policy/AdministratorAccess"

power_user := "arn:aws:iam::aws:policy/PowerUserAccess"

read_only := "arn:aws:iam::aws:policy/ReadOnlyAccess"

key := "arn:aws:kms:us-east-1:111122223333:key/0f6e2a1c-5d7b-4e8f-9a3c-2b1d4e6f8a90"

bucket := "arn:aws:s3:::trail-logs"

logs := "arn:aws:s3:::trail-logs/AWSLogs/*"

outsider := "arn:aws:iam::444455556666:root"

# AdministratorAccess (v1) and PowerUserAccess (v5) as AWS publishes them.
admin_access_doc := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}

power_user_doc := {"Version": "2012-10-17", "Statement": [
	{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
	{
		"Effect": "Allow", "Action": [
			"account:GetAccountInformation", "account:GetPrimaryEmail", "account:ListRegions",
			"iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
			"organizations:DescribeOrganization",
		],
		"Resource": "*",
	},
]}

allow(actions, resources) := {"Effect": "Allow", "Action": actions, "Resource": resources}

deny(actions, resources) := {"Effect": "Deny", "Action": actions, "Resource": resources}

doc(stmts) := {"Version": "2012-10-17", "Statement": stmts}

screen := [
	"cloudtrail:stoplogging",
	"cloudtrail:deletetrail",
	"s3:deleteobject",
	"s3:putbucketpolicy",
	"kms:schedulekeydeletion",
	"sts:assumerole",
	"iam:attachuserpolicy",
	"iam:putuserpolicy",
	"iam:attachrolepolicy",
	"iam:putrolepolicy",
	"iam:attachgrouppolicy",
	"iam:putgrouppolicy",
	"iam:createpolicyversion",
	"iam:setdefaultpolicyversion",
	"iam:addusertogroup",
	"iam:updateassumerolepolicy",
	"iam:createaccesskey",
	"iam:createloginprofile",
	"iam:updateloginprofile",
	"iam:passrole",
	"ec2:runinstances",
	"lambda:createfunction",
	"ecs:runtask",
	"cloudformation:createstack",
	"codebuild:createproject",
	"glue:createdevendpoint",
	"sagemaker:createnotebookinstance",
]

user(arn, extra) := object.union(
	{
		"arn": arn,
		"name": split(arn, "/")[1],
		"groups": [],
		"attached_policies": [],
		"inline_policies": {},
		"permissions_boundary": "",
	},
	extra,
)

role(arn, trust, extra) := object.union(
	{
		"arn": arn,
		"name": split(arn, "/")[1],
		"service_linked": false,
		"attached_policies": [],
		"inline_policies": {},
		"permissions_boundary": "",
		"trust_policy": trust,
	},
	extra,
)

inline(stmts) := {"inline_policies": {"p": doc(stmts)}}

managed(arn, d) := {arn: {"arn": arn, "name": split(arn, "/")[1], "aws_managed": false, "document": d}}

aws_managed(arn, d) := {arn: {"arn": arn, "name": split(arn, "/")[1], "aws_managed": true, "document": d}}

trust_root := doc([
	{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"},
])

# snap(iam, extra): an account outside any organization with the given IAM maps.
snap(iam, extra) := object.union(
	{
		"schema_version": "1", "account_id": acct, "partition": "aws", "errors": [],
		"organization": {"is_management_account": false},
		"iam": object.union({"users": {}, "groups": {}, "roles": {}, "policies": {}, "aws_managed_screen": screen}, iam),
	},
	extra,
)

# alice_with(extra): the account with one user alice.
alice_with(extra) := snap({"users": {alice: user(alice, extra)}}, {})

alice_inline(stmts) := alice_with(inline(stmts))

stop := iam_eval.request("cloudtrail:StopLogging", trail)

org(levels, mgmt) := {
	"organization": {
		"id": "o-a1b2c3d4e5",
		"management_account_id": "999999999999",
		"is_management_account": mgmt,
		"service_control_policies": levels,
	},
}

scp_level(id, stmts) := {
	"target_id": id,
	"target_type": "ORGANIZATIONAL_UNIT",
	"policies": [{"id": concat("", ["p-", id]), "name": id, "document": doc(stmts)}],
}

full_aws := scp_level("r-root", [allow("*", "*")])

with_org(input_doc, o) := object.union(input_doc, o)

s3_req(action, resource, policy_doc, owner) := object.union(
	iam_eval.request(action, resource),
	{
		"policy": {
			"kind": "s3",
			"state": "read",
			"document": policy_doc,
			"owner": owner,
			"name": "bucket policy of trail-logs",
		},
	},
)

kms_req(action, policy_doc) := object.union(
	iam_eval.request(action, key),
	{"policy": {"kind": "kms", "state": "read", "document": policy_doc, "owner": acct, "name": "key policy"}},
)

pstmt(effect, principal, actions, resources) := {
	"Effect": effect,
	"Principal": principal,
	"Action": actions,
	"Resource": resources,
}

key_root := pstmt("Allow", {"AWS": "arn:aws:iam::111122223333:root"}, "kms:*", "*")

identity_1_cases := {
	"identity: an Allow on the exact action grants it": {
		"input": alice_inline([allow("cloudtrail:StopLogging", "*")]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"implicit deny: no policy, no path": {"input": alice_with({}), "req": stop, "who": alice, "want": "none"},
	"identity: a customer-managed policy attached to the user": {
		"input": snap(
			{
				"users": {alice: user(alice, {"attached_policies": [custom]})},
				"policies": managed(custom, doc([allow("cloudtrail:*", "*")])),
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"identity: a policy attached to the user's group": {
		"input": snap(
			{
				"users": {alice: user(alice, {"groups": [admins]})},
				"groups": {admins: {"arn": admins, "name": "admins", "attached_policies": [custom], "inline_policies": {}}},
				"policies": managed(custom, doc([allow("cloudtrail:*", "*")])),
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
}

identity_2_cases := {
	"identity: an inline policy of the user's group": {
		"input": snap(
			{
				"users": {alice: user(alice, {"groups": [admins]})},
				"groups": {
					admins: {
						"arn": admins,
						"name": "admins",
						"attached_policies": [],
						"inline_policies": {"g": doc([allow("cloudtrail:*", "*")])},
					},
				},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"identity: a customer-managed policy without its document is unknown": {
		"input": snap(
			{
				"users": {alice: user(alice, {"attached_policies": [custom]})},
				"policies": {custom: {"arn": custom, "aws_managed": false}},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "unknown",
	},
	"identity: an attached policy missing from the snapshot is unknown": {
		"input": snap({"users": {alice: user(alice, {"attached_policies": [custom]})}}, {}),
		"req": stop,
		"who": alice,
		"want": "unknown",
	},
	"identity: no path to a trail of another account without a resource policy": {
		"input": alice_inline([allow("*", "*")]),
		"req": iam_eval.request("cloudtrail:StopLogging", "arn:aws:cloudtrail:us-east-1:999999999999:trail/org"),
		"who": alice,
		"want": "none",
	},
}

wildcards_1_cases := {
	"wildcards: action names are case-insensitive": {
		"input": alice_inline([allow("CloudTrail:stoplogging", "*")]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"wildcards: * in an action pattern": {
		"input": alice_inline([allow("cloudtrail:Stop*", "*")]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"wildcards: ? matches one character": {
		"input": alice_inline([allow("cloudtrail:Stop?ogging", "*")]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"wildcards: a pattern that does not match": {
		"input": alice_inline([allow("cloudtrail:Start*", "*")]),
		"req": stop,
		"who": alice,
		"want": "none",
	},
}

wildcards_2_cases := {
	"wildcards: * alone is every action": {
		"input": alice_inline([allow("*", "*")]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"wildcards: another service's * does not match": {
		"input": alice_inline([allow("s3:*", "*")]),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"wildcards: a service part with a wildcard": {
		"input": alice_inline([allow("cloud*:Stop*", "*")]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"wildcards: * and ? in a resource pattern": {
		"input": alice_inline([allow("cloudtrail:StopLogging", "arn:aws:cloudtrail:*:111122223333:trail/ma?n")]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
}

not_action_1_cases := {
	"NotAction: allows every action it does not list": {
		"input": alice_inline([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"NotAction: the listed actions are not allowed": {
		"input": alice_inline([{"Effect": "Allow", "NotAction": ["cloudtrail:*", "iam:*"], "Resource": "*"}]),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"Resource: the exact ARN": {
		"input": alice_inline([allow("cloudtrail:StopLogging", trail)]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"Resource: another resource's ARN": {
		"input": alice_inline([allow("cloudtrail:StopLogging", other_trail)]),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"NotResource: allows every resource it does not list": {
		"input": alice_inline([{"Effect": "Allow", "Action": "cloudtrail:*", "NotResource": other_trail}]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
}

not_action_2_cases := {
	"NotResource: the listed resource is not allowed": {
		"input": alice_inline([{"Effect": "Allow", "Action": "cloudtrail:*", "NotResource": [trail]}]),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"Resource: a policy variable stands for any value": {
		"input": alice_inline([allow("s3:DeleteObject", "arn:aws:s3:::trail-logs/${aws:username}/*")]),
		"req": iam_eval.request("s3:DeleteObject", logs),
		"who": alice,
		"want": "path:direct",
	},
	"Resource: an Allow on part of the log files is a path": {
		"input": alice_inline([allow("s3:DeleteObject", "arn:aws:s3:::trail-logs/AWSLogs/111122223333/*")]),
		"req": iam_eval.request("s3:DeleteObject", logs),
		"who": alice,
		"want": "path:direct",
	},
	"NotResource: a Deny with NotResource excluding the resource does not apply": {
		"input": alice_inline([allow("*", "*"), {"Effect": "Deny", "Action": "*", "NotResource": trail}]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
}

escalation_1_cases := {
	"escalation: NotAction cloudtrail:* still allows attaching a policy to itself": {
		"input": alice_inline([{"Effect": "Allow", "NotAction": ["cloudtrail:*"], "Resource": "*"}]),
		"req": stop,
		"who": alice,
		"want": "path:escalation",
	},
	"escalation: iam:AttachUserPolicy on itself": {
		"input": alice_inline([allow("iam:AttachUserPolicy", alice)]),
		"req": stop,
		"who": alice,
		"want": "path:escalation",
	},
	"escalation: iam:PutUserPolicy on itself": {
		"input": alice_inline([allow("iam:PutUserPolicy", "arn:aws:iam::111122223333:user/${aws:username}")]),
		"req": stop,
		"who": alice,
		"want": "path:escalation",
	},
	"escalation: iam:AttachRolePolicy on itself": {
		"input": snap({"roles": {ops: role(ops, trust_root, inline([allow("iam:AttachRolePolicy", ops)]))}}, {}),
		"req": stop,
		"who": ops,
		"want": "path:escalation",
	},
	"escalation: iam:PutRolePolicy on itself": {
		"input": snap({"roles": {ops: role(ops, trust_root, inline([allow("iam:PutRolePolicy", "*")]))}}, {}),
		"req": stop,
		"who": ops,
		"want": "path:escalation",
	},
}

escalation_2_cases := {
	"escalation: iam:AttachGroupPolicy on its group": {
		"input": snap(
			{
				"users": {
					alice: user(alice, object.union(inline([allow("iam:AttachGroupPolicy", admins)]), {"groups": [admins]})),
				},
				"groups": {admins: {"arn": admins, "name": "admins", "attached_policies": [], "inline_policies": {}}},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:escalation",
	},
	"escalation: iam:PutGroupPolicy on its group": {
		"input": snap(
			{
				"users": {alice: user(alice, object.union(inline([allow("iam:PutGroupPolicy", "*")]), {"groups": [admins]}))},
				"groups": {admins: {"arn": admins, "name": "admins", "attached_policies": [], "inline_policies": {}}},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:escalation",
	},
	"escalation: iam:CreatePolicyVersion on its own customer-managed policy": {
		"input": snap(
			{
				"users": {alice: user(alice, {"attached_policies": [custom]})},
				"policies": managed(custom, doc([allow("iam:CreatePolicyVersion", custom)])),
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:escalation",
	},
	"escalation: iam:SetDefaultPolicyVersion on its own customer-managed policy": {
		"input": snap(
			{
				"users": {alice: user(alice, {"attached_policies": [custom]})},
				"policies": managed(custom, doc([allow("iam:SetDefaultPolicyVersion", "*")])),
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:escalation",
	},
	"escalation: iam:AddUserToGroup into a group that can": {
		"input": snap(
			{
				"users": {alice: user(alice, inline([allow("iam:AddUserToGroup", admins)]))},
				"groups": {
					admins: {
						"arn": admins,
						"name": "admins",
						"attached_policies": [],
						"inline_policies": {"g": doc([allow("cloudtrail:*", "*")])},
					},
				},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:escalation",
	},
}

escalation_3_cases := {
	"escalation: iam:UpdateAssumeRolePolicy on a role that can": {
		"input": snap(
			{
				"users": {alice: user(alice, inline([allow("iam:UpdateAssumeRolePolicy", ops)]))},
				"roles": {ops: role(ops, doc([]), inline([allow("cloudtrail:*", "*")]))},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:escalation",
	},
	"escalation: iam:CreateAccessKey for a user that can": {
		"input": snap(
			{
				"users": {
					alice: user(alice, inline([allow("iam:CreateAccessKey", bob)])),
					bob: user(bob, inline([allow("cloudtrail:*", "*")])),
				},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:escalation",
	},
	"escalation: iam:CreateLoginProfile for a user that can": {
		"input": snap(
			{
				"users": {
					alice: user(alice, inline([allow("iam:CreateLoginProfile", "*")])),
					bob: user(bob, inline([allow("cloudtrail:*", "*")])),
				},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:escalation",
	},
	"escalation: iam:UpdateLoginProfile for a user that can": {
		"input": snap(
			{
				"users": {
					alice: user(alice, inline([allow("iam:UpdateLoginProfile", "arn:aws:iam::111122223333:user/b*")])),
					bob: user(bob, inline([allow("cloudtrail:*", "*")])),
				},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:escalation",
	},
	"escalation: iam:PassRole of a role that can, with ec2:RunInstances": {
		"input": snap(
			{
				"users": {alice: user(alice, inline([allow(["iam:PassRole", "ec2:RunInstances"], "*")]))},
				"roles": {
					ops: role(
						ops,
						doc([{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
						inline([allow("cloudtrail:*", "*")]),
					),
				},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:escalation",
	},
}

escalation_4_cases := {
	"escalation: iam:PassRole without the compute action is not a path": {
		"input": snap(
			{
				"users": {alice: user(alice, inline([allow("iam:PassRole", "*")]))},
				"roles": {
					ops: role(
						ops,
						doc([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
						inline([allow("cloudtrail:*", "*")]),
					),
				},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"escalation: iam:AttachUserPolicy on another user only is not a step to itself": {
		"input": snap({"users": {alice: user(alice, inline([allow("iam:AttachUserPolicy", bob)])), bob: user(bob, {})}}, {}),
		"req": stop,
		"who": alice,
		"want": "none",
	},
}

deny_1_cases := {
	"deny beats allow: in the same policy": {
		"input": alice_inline([allow("*", "*"), deny("cloudtrail:StopLogging", "*")]),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"deny beats allow: a group's Deny beats the user's Allow": {
		"input": snap(
			{
				"users": {alice: user(alice, object.union(inline([allow("*", "*")]), {"groups": [admins]}))},
				"groups": {
					admins: {
						"arn": admins,
						"name": "admins",
						"attached_policies": [],
						"inline_policies": {"d": doc([deny("cloudtrail:*", "*")])},
					},
				},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"deny beats allow: a Deny with NotAction": {
		"input": alice_inline([allow("*", "*"), {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}]),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"deny beats allow: a Deny behind a condition may not apply, the path stays": {
		"input": alice_inline([
			allow("*", "*"),
			object.union(deny("cloudtrail:*", "*"), {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}),
		]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"deny beats allow: a Deny on another resource does not apply": {
		"input": alice_inline([allow("*", "*"), deny("cloudtrail:*", other_trail)]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
}

deny_2_cases := {
	"deny beats allow: a Deny on part of the log files leaves the rest": {
		"input": alice_inline([
			allow("s3:*", "*"),
			deny("s3:DeleteObject", "arn:aws:s3:::trail-logs/AWSLogs/111122223333/*"),
		]),
		"req": iam_eval.request("s3:DeleteObject", logs),
		"who": alice,
		"want": "path:direct",
	},
	"deny beats allow: a bucket policy Deny to everyone beats the identity Allow": {
		"input": alice_inline([allow("s3:*", "*")]),
		"req": s3_req(
			"s3:DeleteObject",
			logs,
			doc([pstmt("Deny", "*", "s3:DeleteObject", "arn:aws:s3:::trail-logs/*")]),
			acct,
		),
		"who": alice,
		"want": "none",
	},
	"deny beats allow: a bucket policy Deny with NotPrincipal spares only the named role": {
		"input": alice_inline([allow("s3:*", "*")]),
		"req": s3_req(
			"s3:DeleteObject",
			logs,
			doc([
				{
					"Effect": "Deny",
					"NotPrincipal": {"AWS": ops},
					"Action": "s3:DeleteObject",
					"Resource": "arn:aws:s3:::trail-logs/*",
				},
			]),
			acct,
		),
		"who": alice,
		"want": "none",
	},
	"deny beats allow: a Deny on the escalation action removes the step": {
		"input": alice_inline([allow("iam:*", "*"), deny("iam:*", "*")]),
		"req": stop,
		"who": alice,
		"want": "none",
	},
}

managed_1_cases := {
	"conditions: a grant behind MFA is still a path": {
		"input": alice_inline([
			object.union(allow("cloudtrail:*", "*"), {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}),
		]),
		"req": stop,
		"who": alice,
		"want": "path:conditional",
	},
	"conditions: a grant behind a narrow source IP is still a path": {
		"input": alice_inline([
			object.union(allow("cloudtrail:*", "*"), {"Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.10/32"}}}),
		]),
		"req": stop,
		"who": alice,
		"want": "path:conditional",
	},
	"AWS-managed: AdministratorAccess (real document) can stop logging": {
		"input": snap(
			{
				"users": {alice: user(alice, {"attached_policies": [admin_access]})},
				"policies": aws_managed(admin_access, admin_access_doc),
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"AWS-managed: AdministratorAccess (real document) can delete the log files": {
		"input": snap(
			{
				"users": {alice: user(alice, {"attached_policies": [admin_access]})},
				"policies": aws_managed(admin_access, admin_access_doc),
			},
			{},
		),
		"req": iam_eval.request("s3:DeleteObject", logs),
		"who": alice,
		"want": "path:direct",
	},
	"AWS-managed: PowerUserAccess (real document) can stop logging": {
		"input": snap(
			{
				"users": {alice: user(alice, {"attached_policies": [power_user]})},
				"policies": aws_managed(power_user, power_user_doc),
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
}

managed_2_cases := {
	"AWS-managed: PowerUserAccess (real document) can schedule the key's deletion": {
		"input": snap(
			{
				"users": {alice: user(alice, {"attached_policies": [power_user]})},
				"policies": aws_managed(power_user, power_user_doc),
			},
			{},
		),
		"req": kms_req("kms:ScheduleKeyDeletion", doc([key_root])),
		"who": alice,
		"want": "path:direct",
	},
	"AWS-managed: PowerUserAccess (real document) cannot attach policies (NotAction iam:*)": {
		"input": snap(
			{
				"users": {alice: user(alice, {"attached_policies": [power_user]})},
				"policies": aws_managed(power_user, power_user_doc),
			},
			{},
		),
		"req": iam_eval.request("iam:AttachUserPolicy", alice),
		"who": alice,
		"want": "none",
	},
	"AWS-managed: a policy the collector screened out grants none of the screened actions": {
		"input": snap(
			{
				"users": {alice: user(alice, {"attached_policies": [read_only]})},
				"policies": {read_only: {"arn": read_only, "name": "ReadOnlyAccess", "aws_managed": true}},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"AWS-managed: without a document nor a screen (older snapshot) the answer is unknown": {
		"input": object.union(
			snap(
				{
					"users": {alice: user(alice, {"attached_policies": [read_only]})},
					"policies": {read_only: {"arn": read_only, "name": "ReadOnlyAccess", "aws_managed": true}},
				},
				{},
			),
			{"iam": {"aws_managed_screen": null}},
		),
		"req": stop,
		"who": alice,
		"want": "unknown",
	},
}

boundaries_1_cases := {
	"boundaries intersect: a boundary that allows the action keeps the path": {
		"input": snap(
			{
				"users": {alice: user(alice, object.union(inline([allow("*", "*")]), {"permissions_boundary": custom}))},
				"policies": managed(custom, doc([allow("cloudtrail:*", "*")])),
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"boundaries intersect: a boundary that does not allow the action removes the path": {
		"input": snap(
			{
				"users": {alice: user(alice, object.union(inline([allow("*", "*")]), {"permissions_boundary": custom}))},
				"policies": managed(custom, doc([allow("s3:*", "*")])),
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"boundaries intersect: a boundary's Deny removes the path": {
		"input": snap(
			{
				"users": {alice: user(alice, object.union(inline([allow("*", "*")]), {"permissions_boundary": custom}))},
				"policies": managed(custom, doc([allow("*", "*"), deny("cloudtrail:StopLogging", "*")])),
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"boundaries intersect: a boundary's Deny with a break-glass exception removes the path of a principal it does not exempt": {
		"input": snap(
			{
				"users": {alice: user(alice, object.union(inline([allow("*", "*")]), {"permissions_boundary": custom}))},
				"policies": managed(custom, doc([
					allow("*", "*"),
					except_break_glass(deny("cloudtrail:StopLogging", "*"), "ArnNotLike", ["arn:aws:iam::*:role/ops"]),
				])),
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"boundaries intersect: a boundary's Deny with a break-glass exception keeps the path of the principal it exempts": {
		"input": snap(
			{
				"roles": {ops: role(ops, trust_root, object.union(inline([allow("*", "*")]), {"permissions_boundary": custom}))},
				"policies": managed(custom, doc([
					allow("*", "*"),
					except_break_glass(deny("cloudtrail:StopLogging", "*"), "ArnNotLike", ["arn:aws:iam::*:role/ops"]),
				])),
			},
			{},
		),
		"req": stop,
		"who": ops,
		"want": "path:direct",
	},
}

boundaries_2_cases := {
	"boundaries intersect: a boundary alone grants nothing": {
		"input": snap(
			{
				"users": {alice: user(alice, {"permissions_boundary": admin_access})},
				"policies": aws_managed(admin_access, admin_access_doc),
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"boundaries intersect: AdministratorAccess as boundary keeps the path": {
		"input": snap(
			{
				"roles": {
					ops: role(
						ops,
						trust_root,
						object.union(inline([allow("cloudtrail:*", "*")]), {"permissions_boundary": admin_access}),
					),
				},
				"policies": aws_managed(admin_access, admin_access_doc),
			},
			{},
		),
		"req": stop,
		"who": ops,
		"want": "path:direct",
	},
	"boundaries intersect: an unreadable boundary is unknown": {
		"input": snap(
			{
				"users": {alice: user(alice, object.union(inline([allow("*", "*")]), {"permissions_boundary": custom}))},
				"policies": {custom: {"arn": custom, "aws_managed": false}},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "unknown",
	},
}

scps_1_cases := {
	"SCPs intersect: FullAWSAccess at every level keeps the path": {
		"input": with_org(alice_inline([allow("*", "*")]), org([full_aws, scp_level("ou-1", [allow("*", "*")])], false)),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"SCPs intersect: a level that does not allow the action removes the path": {
		"input": with_org(alice_inline([allow("*", "*")]), org([full_aws, scp_level("ou-1", [allow("s3:*", "*")])], false)),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"SCPs intersect: a Deny at the account level removes the path": {
		"input": with_org(
			alice_inline([allow("*", "*")]),
			org([full_aws, scp_level("111122223333", [allow("*", "*"), deny("cloudtrail:StopLogging", "*")])], false),
		),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"SCPs intersect: an allow list naming the service at every level keeps the path": {
		"input": with_org(
			alice_inline([allow("*", "*")]),
			org(
				[scp_level("r-root", [allow(["cloudtrail:*", "s3:*"], "*")]), scp_level("ou-1", [allow("cloudtrail:Stop*", "*")])],
				false,
			),
		),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
}

# A Deny whose only condition exempts principals by ARN (the break-glass exception)
# is decided for each principal: it applies to every principal its patterns do not
# match. Any other condition leaves a Deny uncounted (it may not apply).
except_break_glass(stmt, op, pats) := object.union(stmt, {"Condition": {op: {"aws:PrincipalARN": pats}}})

ops_inline(stmts, extra) := snap({"roles": {ops: role(ops, trust_root, object.union(inline(stmts), extra))}}, {})

principal_exception_1_cases := {
	"SCPs intersect: a Deny with a break-glass exception (ArnNotLike aws:PrincipalArn) removes the path of everyone else": {
		"input": with_org(
			alice_inline([allow("*", "*")]),
			org(
				[full_aws, scp_level("111122223333", [
					allow("*", "*"),
					except_break_glass(deny("cloudtrail:StopLogging", "*"), "ArnNotLike", ["arn:aws:iam::*:role/ops"]),
				])],
				false,
			),
		),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"SCPs intersect: a Deny with a break-glass exception keeps the path of the principal it exempts": {
		"input": with_org(
			ops_inline([allow("*", "*")], {}),
			org(
				[full_aws, scp_level("111122223333", [
					allow("*", "*"),
					except_break_glass(deny("cloudtrail:StopLogging", "*"), "ArnNotLike", ["arn:aws:iam::*:role/ops"]),
				])],
				false,
			),
		),
		"req": stop,
		"who": ops,
		"want": "path:direct",
	},
	"SCPs intersect: a break-glass Deny does not apply to service-linked roles": {
		"input": with_org(
			ops_inline([allow("*", "*")], {"service_linked": true}),
			org(
				[full_aws, scp_level("111122223333", [
					allow("*", "*"),
					except_break_glass(deny("cloudtrail:StopLogging", "*"), "ArnNotLike", ["arn:aws:iam::*:role/BreakGlass"]),
				])],
				false,
			),
		),
		"req": stop,
		"who": ops,
		"want": "path:direct",
	},
	"deny beats allow: an identity Deny with StringNotLike aws:PrincipalArn applies to a principal outside the exception": {
		"input": alice_inline([
			allow("*", "*"),
			except_break_glass(deny("cloudtrail:*", "*"), "StringNotLikeIfExists", "arn:aws:iam::*:user/bob"),
		]),
		"req": stop,
		"who": alice,
		"want": "none",
	},
}

sso_admin := "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0a1b2c3d4e5f6a7b"

principal_exception_2_cases := {
	"deny beats allow: a break-glass exception's * matches across the dots of an SSO role's path": {
		"input": with_org(
			snap({"roles": {sso_admin: role(sso_admin, trust_root, inline([allow("*", "*")]))}}, {}),
			org(
				[full_aws, scp_level("111122223333", [
					allow("*", "*"),
					except_break_glass(deny("cloudtrail:StopLogging", "*"), "ArnNotLike", ["arn:aws:iam::*:role/aws-reserved/*"]),
				])],
				false,
			),
		),
		"req": stop,
		"who": sso_admin,
		"want": "path:direct",
	},
	"deny beats allow: a break-glass exception whose pattern may match the principal spares it": {
		"input": alice_inline([
			allow("*", "*"),
			except_break_glass(deny("cloudtrail:*", "*"), "ArnNotLike", ["arn:aws:iam::111122223333:user/*"]),
		]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"deny beats allow: an exception written with a policy variable stays uncounted": {
		"input": alice_inline([
			allow("*", "*"),
			except_break_glass(deny("cloudtrail:*", "*"), "ArnNotLike", ["arn:aws:iam::*:user/${aws:username}-admin"]),
		]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"deny beats allow: an exception with a second condition stays uncounted": {
		"input": alice_inline([
			allow("*", "*"),
			object.union(deny("cloudtrail:*", "*"), {"Condition": {
				"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"},
				"Bool": {"aws:MultiFactorAuthPresent": "true"},
			}}),
		]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"deny beats allow: an exception under a set qualifier (ForAnyValue:ArnNotLike) stays uncounted": {
		"input": alice_inline([
			allow("*", "*"),
			except_break_glass(deny("cloudtrail:*", "*"), "ForAnyValue:ArnNotLike", ["arn:aws:iam::*:role/BreakGlass"]),
		]),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
}

scps_2_cases := {
	"SCPs intersect: SCPs never apply to the management account": {
		"input": with_org(alice_inline([allow("*", "*")]), org([scp_level("r-root", [deny("*", "*")])], true)),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"SCPs intersect: SCPs do not apply to service-linked roles": {
		"input": with_org(
			snap(
				{
					"roles": {
						ops: role(ops, trust_root, object.union(inline([allow("cloudtrail:*", "*")]), {"service_linked": true})),
					},
				},
				{},
			),
			org([scp_level("r-root", [deny("*", "*")])], false),
		),
		"req": stop,
		"who": ops,
		"want": "path:direct",
	},
	"SCPs intersect: SCPs of an organization not collected leave the path uncertain": {
		"input": with_org(
			alice_inline([allow("*", "*")]),
			{"organization": {"id": "o-a1b2c3d4e5", "is_management_account": false}},
		),
		"req": stop,
		"who": alice,
		"want": "uncertain:direct",
	},
	"SCPs intersect: an SCP document not collected leaves the path uncertain": {
		"input": with_org(
			alice_inline([allow("*", "*")]),
			org([{"target_id": "r-root", "policies": [{"id": "p-x"}]}], false),
		),
		"req": stop,
		"who": alice,
		"want": "uncertain:direct",
	},
}

bucket_1_cases := {
	"resource policy, same account: a bucket policy naming the user is enough": {
		"input": alice_with({}),
		"req": s3_req(
			"s3:DeleteObject",
			logs,
			doc([pstmt("Allow", {"AWS": alice}, "s3:DeleteObject", "arn:aws:s3:::trail-logs/*")]),
			acct,
		),
		"who": alice,
		"want": "path:direct",
	},
	"resource policy, same account: identity alone is enough for S3 in the same account": {
		"input": alice_inline([allow("s3:DeleteObject", "*")]),
		"req": s3_req(
			"s3:DeleteObject",
			logs,
			doc([pstmt("Allow", {"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject", "arn:aws:s3:::trail-logs/*")]),
			acct,
		),
		"who": alice,
		"want": "path:direct",
	},
	"cross-account needs both sides: identity alone is not enough for a bucket of another account": {
		"input": alice_inline([allow("s3:*", "*")]),
		"req": s3_req("s3:DeleteObject", logs, doc([]), other),
		"who": alice,
		"want": "none",
	},
	"cross-account needs both sides: the bucket trusts the account and the identity allows": {
		"input": alice_inline([allow("s3:*", "*")]),
		"req": s3_req(
			"s3:DeleteObject",
			logs,
			doc([pstmt("Allow", {"AWS": "111122223333"}, "s3:*", "arn:aws:s3:::trail-logs/*")]),
			other,
		),
		"who": alice,
		"want": "path:direct",
	},
}

break_glass_bucket_deny := except_break_glass(
	pstmt("Deny", "*", "s3:DeleteObject", "arn:aws:s3:::trail-logs/*"),
	"ArnNotLike",
	["arn:aws:iam::111122223333:role/BreakGlass"],
)

bucket_3_cases := {
	"deny beats allow: a bucket policy Deny with a break-glass exception stops the user it does not exempt": {
		"input": alice_inline([allow("s3:*", "*")]),
		"req": s3_req("s3:DeleteObject", logs, doc([break_glass_bucket_deny]), acct),
		"who": alice,
		"want": "none",
	},
	"deny beats allow: a bucket policy Deny with a break-glass exception spares the role it exempts": {
		"input": snap(
			{"roles": {"arn:aws:iam::111122223333:role/BreakGlass": role(
				"arn:aws:iam::111122223333:role/BreakGlass",
				trust_root,
				inline([allow("s3:*", "*")]),
			)}},
			{},
		),
		"req": s3_req("s3:DeleteObject", logs, doc([break_glass_bucket_deny]), acct),
		"who": "arn:aws:iam::111122223333:role/BreakGlass",
		"want": "path:direct",
	},
	"deny beats allow: a break-glass Deny is not counted against another account, whose roles it may spare": {
		"input": alice_with({}),
		"req": s3_req(
			"s3:DeleteObject",
			logs,
			doc([
				pstmt("Allow", {"AWS": "444455556666"}, "s3:DeleteObject", "arn:aws:s3:::trail-logs/*"),
				except_break_glass(
					pstmt("Deny", "*", "s3:DeleteObject", "arn:aws:s3:::trail-logs/*"),
					"ArnNotLike",
					["arn:aws:iam::*:role/BreakGlass"],
				),
			]),
			acct,
		),
		"who": outsider,
		"want": "path:direct",
	},
}

bucket_2_cases := {
	"cross-account needs both sides: the bucket names the user but its identity does not allow": {
		"input": alice_with({}),
		"req": s3_req(
			"s3:DeleteObject",
			logs,
			doc([pstmt("Allow", {"AWS": alice}, "s3:*", "arn:aws:s3:::trail-logs/*")]),
			other,
		),
		"who": alice,
		"want": "none",
	},
	"cross-account needs both sides: an unread policy of another account's bucket is unknown": {
		"input": alice_inline([allow("s3:*", "*")]),
		"req": object.union(
			iam_eval.request("s3:DeleteObject", logs),
			{
				"policy": {
					"kind": "s3",
					"state": "unknown",
					"owner": "",
					"reason": "bucket policy of trail-logs could not be read (s3 GetBucketPolicy: AccessDenied)",
				},
			},
		),
		"who": alice,
		"want": "unknown",
	},
	"resource policy, other account: a bucket policy granting another account lets it in": {
		"input": alice_with({}),
		"req": s3_req(
			"s3:PutBucketPolicy",
			bucket,
			doc([pstmt("Allow", {"AWS": other}, "s3:PutBucketPolicy", bucket)]),
			acct,
		),
		"who": outsider,
		"want": "path:direct",
	},
	"resource policy, anyone: Principal * with a condition is a conditional path": {
		"input": alice_with({}),
		"req": s3_req(
			"s3:DeleteObject",
			logs,
			doc([
				object.union(
					pstmt("Allow", "*", "s3:DeleteObject", "arn:aws:s3:::trail-logs/*"),
					{"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
				),
			]),
			acct,
		),
		"who": "*",
		"want": "path:conditional",
	},
}

# RCPs: an organization whose RCPs (and SCPs: FullAWSAccess) were read, the account a member.
rcp_org(levels, extra) := {"organization": object.union(
	{
		"id": "o-a1b2c3d4e5",
		"management_account_id": "999999999999",
		"is_management_account": false,
		"policy_types_enabled": ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"],
		"service_control_policies": [full_aws],
		"resource_control_policies": array.concat([scp_level("r-root", [pstmt("Allow", "*", "*", "*")])], levels),
	},
	extra,
)}

# The organization's accounts, as an organization scan lists them (outsider is not one).
listed := {"account_ids": [acct, "999999999999"]}

# The data perimeter of AWS's examples: only the organization's principals (and AWS
# services) may act on its resources.
perimeter_deny(actions) := object.union(pstmt("Deny", "*", actions, "*"), {"Condition": {
	"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
	"BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
}})

del_logs(policy_doc) := s3_req("s3:DeleteObject", logs, policy_doc, acct)

outsider_grant := pstmt("Allow", {"AWS": other}, "s3:DeleteObject", "arn:aws:s3:::trail-logs/*")

rcps_1_cases := {
	"RCPs intersect: an RCP Deny removes the path of the account's own user": {
		"input": with_org(
			alice_inline([allow("s3:*", "*")]),
			rcp_org([scp_level("ou-1", [pstmt("Deny", "*", "s3:DeleteObject", "*")])], {}),
		),
		"req": del_logs(doc([])),
		"who": alice,
		"want": "none",
	},
	"RCPs intersect: RCPs do not apply to the management account's resources": {
		"input": with_org(
			alice_inline([allow("s3:*", "*")]),
			rcp_org([scp_level("ou-1", [pstmt("Deny", "*", "s3:DeleteObject", "*")])], {"is_management_account": true}),
		),
		"req": del_logs(doc([])),
		"who": alice,
		"want": "path:direct",
	},
	"RCPs intersect: RCPs do not restrict service-linked roles": {
		"input": with_org(
			ops_inline([allow("s3:*", "*")], {"service_linked": true}),
			rcp_org([scp_level("ou-1", [pstmt("Deny", "*", "s3:DeleteObject", "*")])], {}),
		),
		"req": del_logs(doc([])),
		"who": ops,
		"want": "path:direct",
	},
	"RCPs intersect: an RCP Deny with a break-glass exception spares the role it exempts": {
		"input": with_org(
			ops_inline([allow("s3:*", "*")], {}),
			rcp_org(
				[scp_level("ou-1", [except_break_glass(
					pstmt("Deny", "*", "s3:DeleteObject", "*"),
					"ArnNotLike",
					["arn:aws:iam::*:role/ops"],
				)])],
				{},
			),
		),
		"req": del_logs(doc([])),
		"who": ops,
		"want": "path:direct",
	},
	"RCPs intersect: RCPs do not govern CloudTrail (only S3, KMS, STS among the question's services)": {
		"input": with_org(alice_inline([allow("*", "*")]), rcp_org([scp_level("ou-1", [pstmt("Deny", "*", "*", "*")])], {})),
		"req": stop,
		"who": alice,
		"want": "path:direct",
	},
	"RCPs intersect: an RCP Deny on kms:ScheduleKeyDeletion removes the path the key policy's delegation gives": {
		"input": with_org(
			alice_inline([allow("kms:*", "*")]),
			rcp_org([scp_level("ou-1", [pstmt("Deny", "*", "kms:ScheduleKeyDeletion", "*")])], {}),
		),
		"req": kms_req("kms:ScheduleKeyDeletion", doc([key_root])),
		"who": alice,
		"want": "none",
	},
	"RCPs intersect: a bucket of another account is governed by that account's RCPs, not read here": {
		"input": with_org(
			alice_inline([allow("s3:*", "*")]),
			rcp_org([scp_level("ou-1", [pstmt("Deny", "*", "s3:DeleteObject", "*")])], {}),
		),
		"req": s3_req(
			"s3:DeleteObject",
			logs,
			doc([pstmt("Allow", {"AWS": acct}, "s3:*", "arn:aws:s3:::trail-logs/*")]),
			other,
		),
		"who": alice,
		"want": "path:direct",
	},
}

rcps_2_cases := {
	"RCPs intersect: a data-perimeter RCP denies an account outside the organization": {
		"input": with_org(alice_with({}), rcp_org([scp_level("ou-1", [perimeter_deny("s3:*")])], listed)),
		"req": del_logs(doc([outsider_grant])),
		"who": outsider,
		"want": "none",
	},
	"RCPs intersect: a data-perimeter RCP keeps the path of another account of the organization": {
		"input": with_org(
			alice_with({}),
			rcp_org([scp_level("ou-1", [perimeter_deny("s3:*")])], {"account_ids": [acct, other]}),
		),
		"req": del_logs(doc([outsider_grant])),
		"who": outsider,
		"want": "path:direct",
	},
	"RCPs intersect: a data-perimeter RCP keeps the path of an account not known to be outside (accounts not listed)": {
		"input": with_org(alice_with({}), rcp_org([scp_level("ou-1", [perimeter_deny("s3:*")])], {})),
		"req": del_logs(doc([outsider_grant])),
		"who": outsider,
		"want": "path:direct",
	},
	"RCPs intersect: a data-perimeter RCP does not deny the account's own user": {
		"input": with_org(alice_inline([allow("s3:*", "*")]), rcp_org([scp_level("ou-1", [perimeter_deny("s3:*")])], listed)),
		"req": del_logs(doc([])),
		"who": alice,
		"want": "path:direct",
	},
	"RCPs intersect: a perimeter Deny that also tests a resource tag is not counted (it may not apply)": {
		"input": with_org(
			alice_with({}),
			rcp_org(
				[scp_level("ou-1", [object.union(perimeter_deny("s3:*"), {"Condition": {
					"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5", "aws:ResourceTag/dp:exclude": "true"},
					"BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
				}})])],
				listed,
			),
		),
		"req": del_logs(doc([outsider_grant])),
		"who": outsider,
		"want": "path:direct",
	},
	"RCPs intersect: an RCP Deny on sts:AssumeRole stops an outside account from assuming a role that can blind": {
		"input": with_org(
			snap(
				{"roles": {ops: role(
					ops,
					doc([{"Effect": "Allow", "Principal": {"AWS": outsider}, "Action": "sts:AssumeRole"}]),
					inline([allow("cloudtrail:*", "*")]),
				)}},
				{},
			),
			rcp_org([scp_level("ou-1", [perimeter_deny("sts:AssumeRole")])], listed),
		),
		"req": stop,
		"who": outsider,
		"want": "none",
	},
	"RCPs intersect: an RCP Deny on sts:AssumeRole does not stop a SAML identity (it uses sts:AssumeRoleWithSAML)": {
		"input": with_org(
			snap(
				{"roles": {ops: role(
					ops,
					doc([{
						"Effect": "Allow",
						"Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/okta"},
						"Action": "sts:AssumeRoleWithSAML",
					}]),
					inline([allow("cloudtrail:*", "*")]),
				)}},
				{},
			),
			rcp_org([scp_level("ou-1", [pstmt("Deny", "*", "sts:AssumeRole", "*")])], listed),
		),
		"req": stop,
		"who": "arn:aws:iam::111122223333:saml-provider/okta",
		"want": "path:role",
	},
	"deny beats allow: a bucket policy's perimeter Deny is not counted against the organization's accounts when its id is missing": {
		"input": with_org(alice_with({}), {"organization": object.remove(rcp_org([], {"account_ids": [acct, other]}).organization, ["id"])}),
		"req": del_logs(doc([outsider_grant, perimeter_deny("s3:*")])),
		"who": outsider,
		"want": "path:direct",
	},
	"deny beats allow: a bucket policy's perimeter Deny stops an account outside the organization": {
		"input": with_org(alice_with({}), rcp_org([], listed)),
		"req": del_logs(doc([outsider_grant, perimeter_deny("s3:*")])),
		"who": outsider,
		"want": "none",
	},
	"deny beats allow: a bucket policy's perimeter Deny does not stop the account's own user": {
		"input": with_org(alice_inline([allow("s3:*", "*")]), rcp_org([], listed)),
		"req": del_logs(doc([perimeter_deny("s3:*")])),
		"who": alice,
		"want": "path:direct",
	},
}

key_1_cases := {
	"key policy: delegation to IAM through the account root, with an identity Allow": {
		"input": alice_inline([allow("kms:*", "*")]),
		"req": kms_req("kms:ScheduleKeyDeletion", doc([key_root])),
		"who": alice,
		"want": "path:direct",
	},
	"key policy: KMS needs the key policy to allow, unlike S3": {
		"input": alice_inline([allow("kms:*", "*")]),
		"req": kms_req("kms:ScheduleKeyDeletion", doc([pstmt("Allow", {"AWS": ops}, "kms:*", "*")])),
		"who": alice,
		"want": "none",
	},
	"key policy: a key policy naming the role is enough without an identity policy": {
		"input": snap({"roles": {ops: role(ops, trust_root, {})}}, {}),
		"req": kms_req("kms:DisableKey", doc([pstmt("Allow", {"AWS": ops}, ["kms:Disable*"], "*")])),
		"who": ops,
		"want": "path:direct",
	},
}

key_2_cases := {
	"key policy: an unread key policy is unknown": {
		"input": alice_inline([allow("kms:*", "*")]),
		"req": iam_eval.key_request("kms:ScheduleKeyDeletion", key),
		"who": alice,
		"want": "unknown",
	},
	"key policy: a Deny in the key policy beats the delegation": {
		"input": alice_inline([allow("kms:*", "*")]),
		"req": kms_req(
			"kms:ScheduleKeyDeletion",
			doc([key_root, pstmt("Deny", {"AWS": "*"}, "kms:ScheduleKeyDeletion", "*")]),
		),
		"who": alice,
		"want": "none",
	},
	"key policy: another account named by the key policy is an outside principal": {
		"input": alice_with({}),
		"req": kms_req(
			"kms:ScheduleKeyDeletion",
			doc([key_root, pstmt("Allow", {"AWS": "arn:aws:iam::444455556666:root"}, "kms:*", "*")]),
		),
		"who": outsider,
		"want": "path:direct",
	},
}

roles_1_cases := {
	"role assumption: sts:AssumeRole allowed and the trust admits the account": {
		"input": snap(
			{
				"users": {alice: user(alice, inline([allow("sts:AssumeRole", ops)]))},
				"roles": {ops: role(ops, trust_root, inline([allow("cloudtrail:*", "*")]))},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:role",
	},
	"role assumption: a trust naming the user is enough in the same account": {
		"input": snap(
			{
				"users": {alice: user(alice, {})},
				"roles": {
					ops: role(
						ops,
						doc([{"Effect": "Allow", "Principal": {"AWS": alice}, "Action": "sts:AssumeRole"}]),
						inline([allow("cloudtrail:*", "*")]),
					),
				},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "path:role",
	},
	"role assumption: the trust admits the account but the user may not call sts:AssumeRole": {
		"input": snap(
			{
				"users": {alice: user(alice, inline([allow("s3:ListBucket", "*")]))},
				"roles": {ops: role(ops, trust_root, inline([allow("cloudtrail:*", "*")]))},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "none",
	},
}

roles_2_cases := {
	"role assumption: sts:AssumeRole allowed but the trust admits someone else": {
		"input": snap(
			{
				"users": {alice: user(alice, inline([allow("sts:AssumeRole", "*")]))},
				"roles": {
					ops: role(
						ops,
						doc([{"Effect": "Allow", "Principal": {"AWS": bob}, "Action": "sts:AssumeRole"}]),
						inline([allow("cloudtrail:*", "*")]),
					),
				},
			},
			{},
		),
		"req": stop,
		"who": alice,
		"want": "none",
	},
	"role assumption: another account trusted by the role is an outside principal": {
		"input": snap(
			{
				"roles": {
					ops: role(
						ops,
						doc([{"Effect": "Allow", "Principal": {"AWS": outsider}, "Action": "sts:AssumeRole"}]),
						inline([allow("cloudtrail:*", "*")]),
					),
				},
			},
			{},
		),
		"req": stop,
		"who": outsider,
		"want": "path:role",
	},
	"role assumption: a federated identity trusted by the role": {
		"input": snap(
			{
				"roles": {
					ops: role(
						ops,
						doc([
							{
								"Effect": "Allow",
								"Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/okta"},
								"Action": "sts:AssumeRoleWithSAML",
							},
						]),
						inline([allow("cloudtrail:*", "*")]),
					),
				},
			},
			{},
		),
		"req": stop,
		"who": "arn:aws:iam::111122223333:saml-provider/okta",
		"want": "path:role",
	},
}

# One parameterized test per table (a family of AWS rules, a few cases each: small
# enough for opa test's timeout with coverage on, on a busy machine).
test_identity_1[note] if {
	some note, c in identity_1_cases
	outcome(c) == c.want
}

test_identity_2[note] if {
	some note, c in identity_2_cases
	outcome(c) == c.want
}

test_wildcards_1[note] if {
	some note, c in wildcards_1_cases
	outcome(c) == c.want
}

test_wildcards_2[note] if {
	some note, c in wildcards_2_cases
	outcome(c) == c.want
}

test_not_action_1[note] if {
	some note, c in not_action_1_cases
	outcome(c) == c.want
}

test_not_action_2[note] if {
	some note, c in not_action_2_cases
	outcome(c) == c.want
}

test_escalation_1[note] if {
	some note, c in escalation_1_cases
	outcome(c) == c.want
}

test_escalation_2[note] if {
	some note, c in escalation_2_cases
	outcome(c) == c.want
}

test_escalation_3[note] if {
	some note, c in escalation_3_cases
	outcome(c) == c.want
}

test_escalation_4[note] if {
	some note, c in escalation_4_cases
	outcome(c) == c.want
}

test_deny_1[note] if {
	some note, c in deny_1_cases
	outcome(c) == c.want
}

test_deny_2[note] if {
	some note, c in deny_2_cases
	outcome(c) == c.want
}

test_managed_1[note] if {
	some note, c in managed_1_cases
	outcome(c) == c.want
}

test_managed_2[note] if {
	some note, c in managed_2_cases
	outcome(c) == c.want
}

test_boundaries_1[note] if {
	some note, c in boundaries_1_cases
	outcome(c) == c.want
}

test_boundaries_2[note] if {
	some note, c in boundaries_2_cases
	outcome(c) == c.want
}

test_scps_1[note] if {
	some note, c in scps_1_cases
	outcome(c) == c.want
}

test_scps_2[note] if {
	some note, c in scps_2_cases
	outcome(c) == c.want
}

test_principal_exception_1[note] if {
	some note, c in principal_exception_1_cases
	outcome(c) == c.want
}

test_principal_exception_2[note] if {
	some note, c in principal_exception_2_cases
	outcome(c) == c.want
}

test_bucket_1[note] if {
	some note, c in bucket_1_cases
	outcome(c) == c.want
}

test_bucket_3[note] if {
	some note, c in bucket_3_cases
	outcome(c) == c.want
}

test_bucket_2[note] if {
	some note, c in bucket_2_cases
	outcome(c) == c.want
}

test_rcps_1[note] if {
	some note, c in rcps_1_cases
	outcome(c) == c.want
}

test_rcps_2[note] if {
	some note, c in rcps_2_cases
	outcome(c) == c.want
}

test_key_1[note] if {
	some note, c in key_1_cases
	outcome(c) == c.want
}

test_key_2[note] if {
	some note, c in key_2_cases
	outcome(c) == c.want
}

test_roles_1[note] if {
	some note, c in roles_1_cases
	outcome(c) == c.want
}

test_roles_2[note] if {
	some note, c in roles_2_cases
	outcome(c) == c.want
}

test_extra if {
	iam_eval._extra == (object.keys(iam_eval.escalation_actions) | iam_eval._assume_actions) | {a |
		some a in iam_eval.compute_services
	}
}

test_extra_index if {
	iam_eval._extra_index == {svc: {a | some a in iam_eval._extra; startswith(a, concat("", [svc, ":"]))} |
		some svc in {split(a, ":")[0] | some a in iam_eval._extra}
	}
}

# outcome(c) is the answer the library gives to case c, in the table's words.
outcome(c) := o if {
	answer := iam_eval.analyze([c.req]) with input as c.input
	o := _summary(object.get(answer.principals, c.who, null))
}

_summary(null) := "none"

_summary(a) := sprintf("uncertain:%s", [a.paths[0].kind]) if {
	count(a.paths) > 0
	a.paths[0].scp_uncertain
}

_summary(a) := sprintf("path:%s", [a.paths[0].kind]) if {
	count(a.paths) > 0
	not a.paths[0].scp_uncertain
}

_summary(a) := "unknown" if {
	count(a.paths) == 0
	count(a.unknown) > 0
}

_summary(a) := "none" if {
	a != null
	count(a.paths) + count(a.unknown) == 0
}

test_paths_are_spelled_out if {
	answer := iam_eval.analyze([stop]) with input as snap(
		{
			"users": {alice: user(alice, {"groups": [admins]})},
			"groups": {admins: {"arn": admins, "name": "admins", "attached_policies": [admin_access], "inline_policies": {}}},
			"policies": aws_managed(admin_access, admin_access_doc),
		},
		{},
	)
	answer.principals[alice].paths[0].steps == [
		"user/alice",
		"member of group/admins",
		"AWS-managed policy AdministratorAccess",
		"statement 1",
		"cloudtrail:StopLogging",
		trail,
	]
	answer.scp == "not applicable: the account is not in an organization"
}

test_conditions_are_reported if {
	cond := {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
	answer := iam_eval.analyze([stop]) with input as alice_inline([
		object.union(allow("cloudtrail:*", "*"), {"Condition": cond}),
	])
	answer.principals[alice].paths[0].conditions == [cond]
}

test_escalation_step_is_named if {
	answer := iam_eval.analyze([stop]) with input as snap(
		{
			"users": {
				alice: user(alice, inline([allow("iam:CreateAccessKey", bob)])),
				bob: user(bob, inline([allow("cloudtrail:*", "*")])),
			},
		},
		{},
	)
	some step in answer.principals[alice].paths[0].steps
	step == "escalation: iam:createaccesskey on user/bob (a user that can)"
}

test_scp_not_read_without_organization_data if {
	answer := iam_eval.analyze([stop]) with input as object.remove(alice_inline([allow("*", "*")]), ["organization"])
	startswith(answer.scp, "not read")
	answer.principals[alice].paths[0].scp_uncertain == false
}

test_rcp_summary if {
	deny_all := [scp_level("ou-1", [pstmt("Deny", "*", "s3:DeleteObject", "*")])]
	applied := iam_eval.analyze([del_logs(doc([]))]) with input as with_org(alice_with({}), rcp_org(deny_all, {}))
	applied.rcp == "applied"
	unread := iam_eval.analyze([stop]) with input as with_org(alice_with({}), org([full_aws], false))
	startswith(unread.rcp, "not read: the organization's RCPs were not collected")
	none := iam_eval.analyze([stop]) with input as object.remove(alice_with({}), ["organization"])
	startswith(none.rcp, "not read: no organization data")
	not_enabled := iam_eval.analyze([stop]) with input as with_org(alice_with({}), rcp_org([], {"policy_types_enabled": ["SERVICE_CONTROL_POLICY"]}))
	not_enabled.rcp == "not applicable: RCPs are not enabled in the organization"
	no_levels := iam_eval.analyze([stop]) with input as with_org(alice_with({}), {"organization": object.union(rcp_org([], {}).organization, {"resource_control_policies": []})})
	no_levels.rcp == "not applicable: no RCPs are in effect on the account"
	missing_doc := with_org(alice_with({}), rcp_org([{"target_id": "ou-1", "policies": [{"id": "p-unread"}]}], {}))
	partial := iam_eval.analyze([stop]) with input as missing_doc
	contains(partial.rcp, "p-unread")
}

test_gaps_when_iam_not_read if {
	answer := iam_eval.analyze([stop]) with input as {"account_id": acct, "errors": []}
	answer.gaps == {"IAM could not be read (see the collection errors)"}
}

test_can if {
	iam_eval.can(alice, stop) with input as alice_inline([allow("*", "*")])
	not iam_eval.can(alice, stop) with input as alice_with({})
}

# routes groups the paths by the steps before the action and resource, each
# route with its paths (sorted).
test_routes_groups_paths_by_route if {
	delete := iam_eval.request("cloudtrail:DeleteTrail", trail)
	stmts := [allow("cloudtrail:*", "*"), allow("cloudtrail:DeleteTrail", "*")]
	answer := iam_eval.analyze([stop, delete]) with input as alice_inline(stmts)
	routes := iam_eval.routes(answer.principals[alice].paths)
	count(routes) == 2
	first := ["user/alice", "inline policy p of user/alice", "statement 1"]
	{p.action | some p in routes[first]} == {"cloudtrail:StopLogging", "cloudtrail:DeleteTrail"}
	[p.action | some p in routes[array.concat(array.slice(first, 0, 2), ["statement 2"])]] == ["cloudtrail:DeleteTrail"]
}
