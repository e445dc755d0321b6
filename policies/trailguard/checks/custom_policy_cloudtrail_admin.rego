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
#   counted. One finding per customer-managed policy and per inline policy.
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: TG-IAM-004
#   severity: medium
#   resource_type: AwsIamPolicy
#   remediation:
#     console: IAM console > Policies (or the principal's Permissions tab for an inline policy) > choose the policy > Edit > remove the CloudTrail write actions, limit Resource to the trails the principal must manage, or add a Condition (for example aws:MultiFactorAuthPresent) > Save; grant CloudTrail administration only through the reviewed group or role.
#     cli: aws iam create-policy-version --policy-arn <policy-arn> --policy-document file://<restricted-policy.json> --set-as-default  (inline policy - aws iam put-user-policy --user-name <user-name> --policy-name <policy-name> --policy-document file://<restricted-policy.json>)
package trailguard.checks.custom_policy_cloudtrail_admin

import data.trailguard.lib.cloudtrail_admins as admins
import data.trailguard.lib.iam
import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# The CloudTrail actions that stop, delete or narrow what is recorded, with the kind
# of resource they act on.
sensitive_actions := {
	"cloudtrail:StopLogging": "trail",
	"cloudtrail:DeleteTrail": "trail",
	"cloudtrail:UpdateTrail": "trail",
	"cloudtrail:PutEventSelectors": "trail",
	"cloudtrail:DeleteEventDataStore": "eventdatastore",
	"cloudtrail:StopEventDataStoreIngestion": "eventdatastore",
	"cloudtrail:UpdateEventDataStore": "eventdatastore",
}

# granted(doc) is the sorted list of sensitive actions doc allows on every resource
# without a condition, less those doc denies on every resource without a condition.
granted(doc) := sort({action |
	some action, kind in sensitive_actions
	some stmt in _allowing(doc, action, kind)
	not _denied(doc, action)
})

# _allowing(doc, action, kind) returns the statements of doc that allow action without a
# condition on every resource: "*" (or NotResource), or a pattern such as
# "arn:aws:cloudtrail:*:*:trail/*" that reaches every trail or event data store.
_allowing(doc, action, kind) := array.concat(iam.allows_unconditionally(doc, action), [stmt |
	some stmt in iam.statements(doc)
	iam.allows_action(stmt, action)
	not iam.on_all_resources(stmt)
	not iam.conditional(stmt)
	_covers_every(stmt, kind)
])

_covers_every(stmt, kind) if {
	some pattern in iam.values(stmt.Resource)
	some region in array.concat(input.regions, ["zz-probe-1"])
	probe := sprintf("arn:%s:cloudtrail:%s:%s:%s/trailguard-probe-0c4f", [snapshot.partition, region, input.account_id, kind])
	glob.match(lower(pattern), null, lower(probe))
}

_denied(doc, action) if {
	some stmt in iam.statements(doc)
	iam.denies_action(stmt, action)
	"*" in iam.values(stmt.Resource)
	not iam.conditional(stmt)
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

_pairs := sort(((_principal_pairs(input.iam.users) | _principal_pairs(input.iam.groups)) | _principal_pairs(input.iam.roles)))

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

_customer_managed(_, policy) if policy.aws_managed == false

_customer_managed(arn, policy) if {
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
_inline contains {"resource": sprintf("%s/inline/%s", [arn, name]), "principal": arn, "name": name, "document": doc} if {
	some arn, principal in input.iam.users
	some name, doc in principal.inline_policies
}

_inline contains {"resource": sprintf("%s/inline/%s", [arn, name]), "principal": arn, "name": name, "document": doc} if {
	some arn, principal in input.iam.groups
	some name, doc in principal.inline_policies
}

_inline contains {"resource": sprintf("%s/inline/%s", [arn, name]), "principal": arn, "name": name, "document": doc} if {
	some arn, principal in input.iam.roles
	some name, doc in principal.inline_policies
}

# --- IAM not read --------------------------------------------------------------

findings contains result.unknown(input.account_id, "", snapshot.missing("IAM users, groups, roles and policies", input.account_id)) if {
	not input.iam
}

findings contains result.unknown(input.account_id, "", snapshot.missing(what, input.account_id)) if {
	input.iam
	missing := {sprintf("IAM %s", [name]) | some name in ["users", "groups", "roles", "policies"]; object.get(input.iam, name, null) == null}
	count(missing) > 0
	what := concat(", ", sort(missing))
}

# --- customer-managed policies -------------------------------------------------

findings contains _judge(arn, sprintf("customer-managed policy %s", [object.get(policy, "name", arn)]), policy.document, sprintf("; %s", [_holders_text(arn)])) if {
	some arn, policy in input.iam.policies
	_customer_managed(arn, policy)
	is_object(policy.document)
}

findings contains result.unknown(arn, "", snapshot.missing("policy document", arn)) if {
	some arn, policy in input.iam.policies
	_customer_managed(arn, policy)
	not is_object(object.get(policy, "document", null))
}

# A customer-managed policy attached to a principal but missing from input.iam.policies.
findings contains result.unknown(arn, "", sprintf("%s; %s", [snapshot.missing("policy document", arn), _holders_text(arn)])) if {
	input.iam.policies
	some arn, _ in _attachments
	not input.iam.policies[arn]
	snapshot.account_of_arn(arn) != "aws"
}

# --- inline policies -----------------------------------------------------------

findings contains _judge(p.resource, sprintf("inline policy %s of %s", [p.name, admins.short_name(p.principal)]), p.document, "") if {
	some p in _inline
	is_object(p.document)
}

# _judge(resource, label, doc, suffix) is the finding for one policy document
# (granted is evaluated once per document).
_judge(resource, label, doc, suffix) := result.fail(resource, "", msg) if {
	actions := granted(doc)
	count(actions) > 0
	msg := sprintf("%s allows %s on every resource without a condition%s%s", [label, concat(", ", actions), _via_statements(doc, actions), suffix])
} else := result.pass(resource, "", sprintf("%s does not allow stopping, deleting or narrowing CloudTrail logging unconditionally", [label]))

findings contains result.unknown(p.resource, "", snapshot.missing("policy document", p.resource)) if {
	some p in _inline
	not is_object(p.document)
}

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
