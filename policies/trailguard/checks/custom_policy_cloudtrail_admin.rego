# METADATA
# title: Custom IAM policies do not let anyone switch CloudTrail off unconditionally
# description: |
#   AWSCloudTrail_FullAccess is not the only way to switch CloudTrail off: any
#   customer-managed or inline policy that allows cloudtrail:StopLogging,
#   DeleteTrail, UpdateTrail or PutEventSelectors (or the CloudTrail Lake
#   equivalents DeleteEventDataStore, StopEventDataStoreIngestion and
#   UpdateEventDataStore), be it by name, by a wildcard such as "cloudtrail:*",
#   "cloudtrail:Stop*" or "*", or through NotAction, on every resource ("*", or a
#   pattern covering every trail or event data store of an enabled region) and
#   without a Condition, makes every principal it is attached to a CloudTrail administrator outside the
#   reviewed set. Actions denied on every resource in the same document are not
#   counted. One finding per customer-managed policy and per inline policy; an
#   account that has none gets one PASS saying so (once IAM was read whole).
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html
#     description: "Actions, resources and condition keys for AWS CloudTrail"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/security_iam_id-based-policy-examples.html
#     description: "Identity-based policy examples for AWS CloudTrail"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html
#     description: "Security best practices in AWS CloudTrail"
# custom:
#   id: TG-IAM-004
#   severity: medium
#   resource_type: AwsIamPolicy
#   remediation:
#     console: IAM console > Policies (or the principal's Permissions tab for an inline policy) > choose the policy >
#       Edit > remove the CloudTrail write actions, limit Resource to the trails the principal must manage, or add a
#       Condition (for example aws:MultiFactorAuthPresent) > Save; grant CloudTrail administration only through the
#       reviewed group or role.
#     cli: aws iam create-policy-version --policy-arn <policy-arn> --policy-document file://<restricted-policy.json>
#       --set-as-default  (inline policy - aws iam put-user-policy --user-name <user-name> --policy-name <policy-name>
#       --policy-document file://<restricted-policy.json>)
package trailguard.checks.custom_policy_cloudtrail_admin

import data.trailguard.lib.cloudtrail_actions
import data.trailguard.lib.cloudtrail_admins as admins
import data.trailguard.lib.iam
import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# The CloudTrail actions that stop, delete or narrow what is recorded (lib/cloudtrail_actions),
# with the kind of resource they act on.
sensitive_actions := object.union(
	{action: "trail" | some action in cloudtrail_actions.trail_actions},
	{action: "eventdatastore" | some action in cloudtrail_actions.event_data_store_actions},
)

# _sensitive_lower maps each sensitive action, lower-cased, to its name.
_sensitive_lower := {lower(action): action | some action, _ in sensitive_actions}

# granted(doc) is the sorted list of sensitive actions doc allows on every resource
# without a condition, less those doc denies on every resource without a condition.
# Each statement is analysed once: the sensitive actions it allows or denies
# (iam.allows_action / iam.denies_action semantics), then its resources.
granted(doc) := sort({action |
	some stmt in iam.statements(doc)
	stmt.Effect == "Allow"
	not iam.conditional(stmt)
	some action in _sensitive_matched(stmt)
	_every_resource(stmt, sensitive_actions[action])
} - _denied_everywhere(doc))

# _denied_everywhere(doc) are the sensitive actions doc denies on "*" without a condition.
_denied_everywhere(doc) := {action |
	some stmt in iam.statements(doc)
	stmt.Effect == "Deny"
	"*" in _list(stmt.Resource)
	not iam.conditional(stmt)
	some action in _sensitive_matched(stmt)
}

# _sensitive_matched(stmt) are the sensitive actions stmt's Action covers, or all
# those its NotAction does not exclude (whatever its Effect).
_sensitive_matched(stmt) := _by_action(stmt) | _by_not_action(stmt)

# (A pattern without glob metacharacters is looked up, not matched against every
# action: all patterns at once, with object.filter; a lookup of a pattern with
# metacharacters finds nothing, so none is skipped. A pattern with metacharacters (those glob.quote_meta escapes) can only
# match the actions that start with its literal part, before the first one: it
# is matched against every action only when some action does. Most patterns have
# none, and are dropped by one test before their literal part is cut.)
_by_action(stmt) := {action | some action in object.filter(_sensitive_lower, patterns)} | {action |
	some lp in patterns
	regex.match(`[*?\[\]{}\\]`, lp)
	literal := regex.replace(lp, `[*?\[\]{}\\][\s\S]*`, "")
	strings.any_prefix_match(_sensitive_names, literal)
	some la, action in _sensitive_lower
	glob.match(lp, null, la)
} if {
	patterns := [lower(p) | some p in _list(stmt.Action)]
}

_sensitive_names := object.keys(_sensitive_lower)

# _list(x) is iam.values(x) as an array ([x] for a string): for iterating, without
# building a set per statement (called for every statement of every policy).
_list(x) := [x] if is_string(x)

else := x if is_array(x)

_by_not_action(stmt) := {action |
	stmt.NotAction
	excluded := [lower(p) | some p in _list(stmt.NotAction)]
	some la, action in _sensitive_lower
	count([p | some p in excluded; glob.match(p, null, la)]) == 0
}

# _every_resource(stmt, kind) is true when stmt applies to every resource: "*" (or
# NotResource), or a pattern such as "arn:aws:cloudtrail:*:*:trail/*" that reaches every
# trail or event data store (kind) of an enabled region.
_every_resource(stmt, _) if iam.on_all_resources(stmt)

_every_resource(stmt, kind) if {
	not iam.on_all_resources(stmt)
	_covers_every(stmt, kind)
}

# _allowing(doc, action, kind) returns the statements of doc that allow action without a
# condition on every resource: "*" (or NotResource), or a pattern such as
# "arn:aws:cloudtrail:*:*:trail/*" that reaches every trail or event data store.
# (Only used to name the statements of a failing policy.)
_allowing(doc, action, kind) := [stmt |
	some stmt in iam.statements(doc)
	iam.allows_action(stmt, action)
	not iam.conditional(stmt)
	_every_resource(stmt, kind)
]

_covers_every(stmt, kind) if {
	some pattern in _list(stmt.Resource)
	some region in array.concat(input.regions, ["zz-probe-1"])
	probe := sprintf(
		"arn:%s:cloudtrail:%s:%s:%s/trailguard-probe-0c4f",
		[snapshot.partition, region, input.account_id, kind],
	)
	glob.match(lower(pattern), null, lower(probe))
}

_statements(doc, actions) := sort({sprintf("'%s'", [stmt.Sid]) |
	some action in actions
	some stmt in _allowing(doc, action, sensitive_actions[action])
	stmt.Sid
})

_via_statements(doc, actions) := sprintf(" (statement %s)", [concat(", ", sids)]) if {
	sids := _statements(doc, actions)
	count(sids) > 0
} else := ""

# _attachments maps a managed policy ARN to the set of principals it is attached to.
# Grouped in linear time from the sorted [policy, principal] pairs (a partial object
# rule would be quadratic in OPA for 20,000 principals): each policy's principals form
# one run of the sorted array, from _starts[policy] to _ends[policy].
_attachments := {policy: {pair[1] | some pair in array.slice(_pairs, start, _ends[policy])} |
	some policy, start in _starts
}

# _attached is the set of managed policies attached to some principal (a plain set,
# so that _attachments is only grouped when a message names the holders).
_attached := ({policy |
	some principal in input.iam.users
	some policy in principal.attached_policies
} | {policy |
	some principal in input.iam.groups
	some policy in principal.attached_policies
}) | {policy |
	some principal in input.iam.roles
	some policy in principal.attached_policies
}

_pairs := sort(((users | groups) | roles)) if {
	users := _principal_pairs(input.iam.users)
	groups := _principal_pairs(input.iam.groups)
	roles := _principal_pairs(input.iam.roles)
}

_principal_pairs(principals) := {[policy, arn] |
	some arn, principal in principals
	some policy in principal.attached_policies
}

_starts := {pair[0]: i |
	some i, pair in _pairs
	_run_starts(i)
}

_ends := {pair[0]: end |
	some i, pair in _pairs
	_run_ends(i)
	end := i + 1
}

_run_starts(0)

_run_starts(i) if _pairs[i - 1][0] != _pairs[i][0]

_run_ends(i) if i == count(_pairs) - 1

_run_ends(i) if _pairs[i + 1][0] != _pairs[i][0]

# (An else chain: the ARN is only looked at when aws_managed is not false.)
_customer_managed(arn, policy) if policy.aws_managed == false

else if {
	not is_boolean(object.get(policy, "aws_managed", null))
	snapshot.account_of_arn(arn) != "aws"
}

_holders_text(arn) := sprintf("attached to %s", [concat(", ", names)]) if {
	principals := _attachments[arn]
	count(principals) <= 10
	names := [admins.short_name(p) | some p in sort(principals)]
} else := sprintf("attached to %s and %d more", [concat(", ", names), count(principals) - 10]) if {
	principals := _attachments[arn]
	names := [admins.short_name(p) | some p in array.slice(sort(principals), 0, 10)]
} else := "not attached to any collected user, group or role"

# Inline policies: {"resource", "principal", "name", "document"} for each inline
# policy of a user, group or role.
_inline contains {
	"resource": sprintf("%s/inline/%s", [arn, name]),
	"principal": arn,
	"name": name,
	"document": doc,
} if {
	some arn, principal in input.iam.users
	some name, doc in principal.inline_policies
}

_inline contains {
	"resource": sprintf("%s/inline/%s", [arn, name]),
	"principal": arn,
	"name": name,
	"document": doc,
} if {
	some arn, principal in input.iam.groups
	some name, doc in principal.inline_policies
}

_inline contains {
	"resource": sprintf("%s/inline/%s", [arn, name]),
	"principal": arn,
	"name": name,
	"document": doc,
} if {
	some arn, principal in input.iam.roles
	some name, doc in principal.inline_policies
}

# --- IAM not read --------------------------------------------------------------

findings contains result.unknown(
	input.account_id,
	"",
	snapshot.missing("IAM users, groups, roles and policies", input.account_id),
) if {
	not input.iam
}

findings contains result.unknown(input.account_id, "", snapshot.missing(what, input.account_id)) if {
	_iam_incomplete
	missing := {sprintf("IAM %s", [name]) |
		some name in ["users", "groups", "roles", "policies"]
		object.get(input.iam, name, null) == null
	}
	count(missing) > 0
	what := concat(", ", sort(missing))
}

# --- customer-managed policies -------------------------------------------------

# (One rule per customer-managed policy, whether its document was read or not:
# whether a policy is customer managed is worked out once.)
findings contains _policy_finding(arn, policy) if {
	some arn, policy in input.iam.policies
	_customer_managed(arn, policy)
}

_policy_finding(arn, policy) := _judge(
	arn,
	sprintf("customer-managed policy %s", [object.get(policy, "name", arn)]),
	policy.document,
	arn,
) if {
	is_object(policy.document)
} else := result.unknown(arn, "", snapshot.missing("policy document", arn)) if {
	not is_object(object.get(policy, "document", null))
}

# A customer-managed policy attached to a principal but missing from input.iam.policies.
findings contains result.unknown(
	arn,
	"",
	sprintf("%s; %s", [snapshot.missing("policy document", arn), _holders_text(arn)]),
) if {
	input.iam.policies
	some arn in _attached
	not input.iam.policies[arn]
	snapshot.account_of_arn(arn) != "aws"
}

# --- inline policies -----------------------------------------------------------

findings contains _inline_finding(p) if some p in _inline

# (One rule per inline policy, whether its document was read or not.)
_inline_finding(p) := _judge(
	p.resource,
	sprintf("inline policy %s of %s", [p.name, admins.short_name(p.principal)]),
	p.document,
	null,
) if {
	is_object(p.document)
} else := result.unknown(p.resource, "", snapshot.missing("policy document", p.resource)) if {
	not is_object(p.document)
}

# _judge(resource, label, doc, managed) is the finding for one policy document
# (granted is evaluated once per document); managed is the ARN of a customer-managed
# policy, whose holders a failure names, or null for an inline policy.
# _iam_incomplete is true when IAM was read but one of its maps (users, groups,
# roles, policies) is absent or null. (Two lookups in the usual, complete case,
# before the missing maps are listed one by one.)
_iam_incomplete if count(object.filter(input.iam, _iam_maps)) < 4

else if null in object.filter(input.iam, _iam_maps)

_iam_maps := {"users", "groups", "roles", "policies"}

_judge(resource, label, doc, managed) := result.fail(resource, "", msg) if {
	actions := granted(doc)
	count(actions) > 0
	msg := sprintf(
		"%s allows %s on every resource without a condition%s%s",
		[label, concat(", ", actions), _via_statements(doc, actions), _holders_suffix(managed)],
	)
} else := result.pass(
	resource,
	"",
	sprintf("%s does not allow stopping, deleting or narrowing CloudTrail logging unconditionally", [label]),
)

_holders_suffix(null) := ""

_holders_suffix(managed) := sprintf("; %s", [_holders_text(managed)]) if managed != null

findings contains result.unknown(arn, "", snapshot.missing("inline policies", arn)) if {
	some arn, principal in input.iam.users
	not principal.inline_policies
}

findings contains result.unknown(arn, "", snapshot.missing("inline policies", arn)) if {
	some arn, principal in input.iam.groups
	not principal.inline_policies
}

findings contains result.unknown(arn, "", snapshot.missing("inline policies", arn)) if {
	some arn, principal in input.iam.roles
	not principal.inline_policies
}

# --- nothing to examine ----------------------------------------------------------

# An account without any customer-managed or inline policy still gets a verdict,
# so that a report is complete evidence for the controls this check maps: PASS,
# saying so, once IAM was read whole.
findings contains result.pass(
	input.account_id,
	"",
	"the account has no customer-managed and no inline IAM policy: none can let anyone switch CloudTrail off",
) if {
	input.iam
	not _iam_incomplete
	count(_inline) == 0
	not _some_custom_policy
	not _some_unread_inline
}

_some_custom_policy if {
	some arn, policy in input.iam.policies
	_customer_managed(arn, policy)
}

_some_custom_policy if {
	some arn in _attached
	snapshot.account_of_arn(arn) != "aws"
}

_some_unread_inline if {
	some kind in ["users", "groups", "roles"]
	some principal in input.iam[kind]
	not principal.inline_policies
}
