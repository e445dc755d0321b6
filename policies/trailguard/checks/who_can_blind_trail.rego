# METADATA
# title: Only the allowed principals can blind the trail
# description: |
#   Every principal that can stop, delete or weaken audit logging, through any
#   policy path: the trail (cloudtrail:StopLogging, DeleteTrail, UpdateTrail,
#   PutEventSelectors; DeleteEventDataStore, StopEventDataStoreIngestion,
#   UpdateEventDataStore for event data stores), its bucket (s3:DeleteObject,
#   DeleteObjectVersion on the log files; PutBucketPolicy, DeleteBucketPolicy,
#   PutLifecycleConfiguration, PutBucketVersioning, DeleteBucket), its KMS key
#   (kms:DisableKey, ScheduleKeyDeletion, PutKeyPolicy), its log group
#   (logs:DeleteLogGroup, DeleteMetricFilter, PutRetentionPolicy) and its alarms
#   (cloudwatch:DeleteAlarms, DisableAlarmActions). The answer follows AWS's
#   evaluation logic (data.trailguard.lib.iam_eval): identity policies (AWS-managed
#   such as AdministratorAccess and PowerUserAccess included), group policies,
#   permission boundaries, SCPs, RCPs, bucket and key policies, explicit Deny, NotAction,
#   NotResource, wildcards and conditions, one role assumption and one escalation step.
#   One finding per principal, with each path spelled out; severity by how direct the
#   path is (critical: an unconditional grant; high: behind a condition, through a
#   role or from outside the account; medium: one escalation step). Principals in
#   params blinding_allowed_principals (ARN patterns, * and ?: break-glass roles) pass,
#   and so do the reviewed CloudTrail administrators governed by TG-IAM-001..003: users
#   whose only paths are AWSCloudTrail_FullAccess through a group, with MFA on (turn
#   this off with params blinding_allow_reviewed_full_access_holders: false).
#   The account finding fails when any other principal can. What could not be read
#   (a policy document, a bucket or key policy, the organization's SCPs) is UNKNOWN
#   with the reason, never PASS. The root user can always act and is covered by
#   TG-IAM-005 and TG-IAM-006.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
#     description: "IAM policy evaluation logic (explicit deny, boundaries, SCPs, resource policies)"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html
#     description: "Security best practices in AWS CloudTrail: least privilege, no shared accounts"
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
#     description: "Security best practices in IAM: grant least privilege"
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: TG-IAM-007
#   severity: high
#   resource_type: AwsIamPrincipal
#   remediation:
#     console: >-
#       IAM console > the principal > Permissions > remove or narrow the policy named in the finding (or its group
#       membership, the role's trust policy, the bucket or key policy statement); for break-glass roles add their ARN
#       to params blinding_allowed_principals. Organizations console > Policies > Service control policies > attach an
#       SCP that denies the blinding actions to everyone but the break-glass role.
#     cli: >-
#       aws iam detach-user-policy --user-name <user> --policy-arn <policy-arn>  (or detach-role-policy /
#       remove-user-from-group / update-assume-role-policy); an SCP denying cloudtrail:StopLogging, DeleteTrail,
#       UpdateTrail, PutEventSelectors, s3:DeleteObject* and kms:ScheduleKeyDeletion on the trail's resources except
#       for the break-glass role - aws organizations create-policy --type SERVICE_CONTROL_POLICY --content
#       file://deny-blinding.json
package trailguard.checks.who_can_blind_trail

import data.trailguard.lib.cloudtrail_actions
import data.trailguard.lib.iam_eval
import data.trailguard.lib.params
import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# The blinding actions, by the kind of resource they act on.
trail_actions := cloudtrail_actions.trail_actions

event_data_store_actions := [
	"cloudtrail:DeleteEventDataStore",
	"cloudtrail:StopEventDataStoreIngestion",
	"cloudtrail:UpdateEventDataStore",
]

bucket_actions := [
	"s3:PutBucketPolicy",
	"s3:DeleteBucketPolicy",
	"s3:PutLifecycleConfiguration",
	"s3:PutBucketVersioning",
	"s3:DeleteBucket",
]

object_actions := ["s3:DeleteObject", "s3:DeleteObjectVersion"]

key_actions := ["kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"]

log_group_actions := ["logs:DeleteLogGroup", "logs:DeleteMetricFilter", "logs:PutRetentionPolicy"]

alarm_actions := ["cloudwatch:DeleteAlarms", "cloudwatch:DisableAlarmActions"]

# _own_trails: a trail of another account (an organization trail seen from a member)
# cannot be changed from here; its bucket and key are still asked about (their
# policies may let this account's principals in), its log group only when it is in
# this account (see _elsewhere).
_own_trails := [t | some t in snapshot.trails; not snapshot.foreign(t)]

# _requests is the question: every blinding action on the actual resources.
_requests := array.concat(
	array.concat(
		[iam_eval.request(a, t.arn) | some t in _own_trails; some a in trail_actions],
		[iam_eval.request(a, arn) |
			some arn, _ in object.get(input, "event_data_stores", {})
			some a in event_data_store_actions
		],
	),
	array.concat(
		array.concat(_bucket_requests, _key_requests),
		array.concat(
			_log_group_requests,
			[iam_eval.request(a, arn) |
				some arn, _ in object.get(input, "alarms", {})
				not _elsewhere(arn)
				some a in alarm_actions
			],
		),
	),
)

# _elsewhere(arn): a log group or alarm of another account (the organization trail's,
# seen from a member). No resource policy applies to it, so nothing in this snapshot
# can grant it to anyone: it is not asked about (iam_eval.analyze would drop such a
# request as out of reach; building it first costs more than this test). The account
# is the ARN's fifth field, when it is not empty and followed by a sixth.
_elsewhere(arn) if regex.find_all_string_submatch_n(`^(?:[^:]*:){4}([^:]+):`, arn, 1)[0][1] != input.account_id

_buckets := {t.s3_bucket_name | some t in snapshot.trails; snapshot.has_value(t, "s3_bucket_name")}

_bucket_requests := array.concat(
	[iam_eval.bucket_request(a, name, sprintf("arn:%s:s3:::%s", [snapshot.partition, name])) |
		some name in _buckets
		some a in bucket_actions
	],
	[iam_eval.bucket_request(a, name, _log_prefix(t)) |
		some t in snapshot.trails
		name := t.s3_bucket_name
		some a in object_actions
	],
)

# _log_prefix(t): the trail's log files, "arn:aws:s3:::bucket/[prefix/]AWSLogs/*".
_log_prefix(t) := sprintf(
	"arn:%s:s3:::%s/%s/AWSLogs/*",
	[snapshot.partition, t.s3_bucket_name, trim_suffix(t.s3_key_prefix, "/")],
) if {
	snapshot.has_value(t, "s3_key_prefix")
} else := sprintf("arn:%s:s3:::%s/AWSLogs/*", [snapshot.partition, t.s3_bucket_name])

_key_requests := [iam_eval.key_request(a, k) |
	some k in (_trail_keys | _event_data_store_keys)
	some a in key_actions
]

# _trail_keys, _event_data_store_keys: the KMS keys (ARNs) of the trails and of the event data stores.
_trail_keys := {k | some t in snapshot.trails; k := t.kms_key_id; startswith(k, "arn:")}

_event_data_store_keys := {k |
	some s in object.get(input, "event_data_stores", {})
	k := s.kms_key_id
	startswith(k, "arn:")
}

# Log group actions are asked for both forms of its ARN: policies name it with or
# without the trailing ":*".
_log_group_requests := [iam_eval.request(a, arn) |
	some t in snapshot.trails
	snapshot.has_value(t, "cloudwatch_logs_log_group_arn")
	not _elsewhere(t.cloudwatch_logs_log_group_arn)
	g := snapshot.log_group_key(t.cloudwatch_logs_log_group_arn)
	some arn in [g, concat("", [g, ":*"])]
	some a in log_group_actions
]

_answer := iam_eval.analyze(_requests)

_allowed_patterns := params.value("blinding_allowed_principals")

_allowed(arn) if {
	some p in _allowed_patterns
	glob.match(p, null, arn)
}

_allowed(arn) if _reviewed(arn)

# _reviewed(arn): a user whose every path is AWSCloudTrail_FullAccess held through a
# group, with MFA on: the reviewed channel that TG-IAM-001 (no direct holders),
# TG-IAM-002 (few holders) and TG-IAM-003 (holders use MFA) govern. Allowed unless
# params blinding_allow_reviewed_full_access_holders is false.
_reviewed(arn) if {
	_allow_reviewed
	input.iam.users[arn].mfa_enabled == true
	paths := _answer.principals[arn].paths
	count(paths) > 0
	every p in paths {
		p.source == "identity"
		startswith(p.steps[1], "member of group/")
		p.steps[2] in {"AWS-managed policy AWSCloudTrail_FullAccess", "AWS-managed policy AWSCloudTrailFullAccess"}
	}
}

_allow_reviewed if params.value("blinding_allow_reviewed_full_access_holders") == true

_why_allowed(arn) := "a reviewed CloudTrail administrator: AWSCloudTrail_FullAccess through a group, with MFA" if {
	_reviewed(arn)
} else := "params blinding_allowed_principals"

# _certain(paths): the paths that do not depend on unread SCPs (_certain_of: of
# each principal of the answer; scp_uncertain is true or false on every path).
_certain(paths) := [p | some p in paths; p.scp_uncertain == false]

_certain_of := {arn: _certain(a.paths) | some arn, a in _answer.principals}

_severity(paths) := "critical" if {
	some p in paths
	p.kind == "direct"
	p.source != "role"
} else := "high" if {
	some p in paths
	p.kind in {"conditional", "role", "outside"}
} else := "medium"

# _describe(paths): each distinct route (principal -> policy -> statement) with the
# actions and resources it reaches, conditions and SCP notes.
_describe(paths) := concat("; ", [_route_text(route, routes[route]) | some route in sort(object.keys(routes))]) if {
	routes := iam_eval.routes(paths)
}

_route_text(route, paths) := sprintf("%s -> %s -> %s%s%s", [
	concat(" -> ", route),
	concat(", ", sort({p.action | some p in paths})),
	_resources_text(sort({p.resource | some p in paths})),
	_conditions_text({json.marshal(c) | some p in paths; some c in p.conditions}),
	_scp_text({p.scp | some p in paths}),
])

_resources_text(rs) := concat(", ", rs) if count(rs) <= 3

else := sprintf("%s and %d more resources", [concat(", ", array.slice(rs, 0, 3)), count(rs) - 3])

_conditions_text(cs) := "" if count(cs) == 0

else := sprintf(" (only if %s)", [concat(" or ", sort(cs))])

_scp_text(notes) := sprintf(" [%s]", [concat("; ", sort(shown))]) if {
	shown := {n | some n in notes; _informative(n)}
	count(shown) > 0
} else := ""

_informative(n) if {
	n != ""
	n != "SCPs: allowed"
	not startswith(n, "not applicable")
}

_name(arn) := regex.replace(arn, `^(?:[^:]*:){5}`, "") if {
	iam_eval.local_principal(arn)
} else := "anyone (*)" if arn == "*"

else := arn

findings contains result.unknown(input.account_id, "", snapshot.missing("IAM", input.account_id)) if not input.iam

findings contains result.unknown(input.account_id, "", snapshot.missing("trails", input.account_id)) if {
	input.iam
	not input.trails
}

findings contains f if {
	input.iam
	input.trails
	some arn, a in _answer.principals
	f := _principal_finding(arn, a)
}

_principal_finding(arn, a) := result.pass(
	arn,
	"",
	sprintf("%s can blind the trail and is allowed (%s): %s", [_name(arn), _why_allowed(arn), _describe(a.paths)]),
) if {
	count(a.paths) > 0
	_allowed(arn)
} else := result.fail_with_severity(
	arn,
	"",
	sprintf("%s can blind the trail: %s", [_name(arn), _describe(certain)]),
	_severity(certain),
) if {
	certain := _certain_of[arn]
	count(certain) > 0
} else := result.unknown(
	arn,
	"",
	sprintf("%s can blind the trail unless an SCP denies it (%s): %s", [_name(arn), _answer.scp, _describe(a.paths)]),
) if {
	count(a.paths) > 0
} else := result.unknown(
	arn,
	"",
	sprintf("whether %s can blind the trail could not be decided: %s", [_name(arn), concat("; ", a.unknown)]),
)

# The account-level verdict.
findings contains f if {
	input.iam
	input.trails
	f := _account_finding
}

_blinders := {arn |
	some arn, certain in _certain_of
	count(certain) > 0
	not _allowed(arn)
}

_undecided := {arn |
	some arn, certain in _certain_of
	count(certain) == 0
	not _allowed(arn)
}

# _account_severity: the severity of all the blinders' certain paths together, the
# highest of each blinder's own.
_account_severity := "critical" if {
	some arn in _blinders
	_severity(_certain_of[arn]) == "critical"
} else := "high" if {
	some arn in _blinders
	_severity(_certain_of[arn]) == "high"
} else := "medium"

_names(arns) := concat(", ", [_name(a) | some a in array.slice(sort(arns), 0, 10)]) if count(arns) <= 10

else := sprintf(
	"%s and %d more",
	[concat(", ", [_name(a) | some a in array.slice(sort(arns), 0, 10)]), count(arns) - 10],
)

_account_finding := result.fail_with_severity(
	input.account_id,
	"",
	sprintf(
		"%d principal(s) outside the allowed set can blind the trail: %s%s%s",
		[count(_blinders), _names(_blinders), _undecided_text, _gaps_text],
	),
	_account_severity,
) if {
	count(_blinders) > 0
} else := result.unknown(
	input.account_id,
	"",
	sprintf("who can blind the trail could not be decided: %s", [concat("; ", sort(_answer.gaps))]),
) if {
	count(_answer.gaps) > 0
} else := result.unknown(
	input.account_id,
	"",
	sprintf(
		"%d principal(s) may blind the trail, which could not be decided: %s",
		[count(_undecided), _names(_undecided)],
	),
) if {
	count(_undecided) > 0
} else := result.pass(
	input.account_id,
	"",
	sprintf("only allowed principals can blind the trail (SCPs: %s%s; the root user always can)", [_answer.scp, _rcp_text]),
)

# _rcp_text: the RCPs, named when they were applied (they may have removed paths);
# unread or not applicable, they change nothing, as they only deny.
_rcp_text := sprintf("; RCPs: %s", [_answer.rcp]) if startswith(_answer.rcp, "applied")

else := ""

_gaps_text := sprintf(
	"; and the answer is incomplete: %s",
	[concat("; ", sort(_answer.gaps))],
) if count(_answer.gaps) > 0

else := ""

_undecided_text := sprintf(
	"; %d more could not be decided (see their findings)",
	[count(_undecided)],
) if count(_undecided) > 0

else := ""
