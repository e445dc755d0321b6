# METADATA
# title: An SCP forbids the account's principals to stop, delete or change the organization trail
# description: |
#   A member account's administrators cannot delete the organization trail,
#   but without a Service Control Policy nothing stops an administrator, or an
#   attacker with their credentials, from calling what a member's own trails
#   and any trail they can reach need to keep recording. The organization's
#   guardrail is an SCP in effect on every member that denies
#   cloudtrail:StopLogging, DeleteTrail, UpdateTrail and PutEventSelectors on
#   the organization trail to everyone except named principals (parameter
#   scp_trail_protection_exceptions, by default Control Tower's
#   AWSControlTowerExecution role), with no other condition.
#   A Deny in an SCP at any level (root, OU, account) applies, and so does a
#   level at which no SCP allows the action (allow-list SCPs). FAIL names the
#   actions no such Deny covers, and the exemptions that go beyond the named
#   exceptions. FAIL too when SCPs are not enabled in the organization.
#   UNKNOWN when the SCPs in effect or a policy document could not be read.
#   Not reported for the management account (SCPs never apply to it) nor
#   outside an organization scan.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
#     description: "Service control policies (SCPs)"
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples.html
#     description: "Example service control policies"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html
#     description: "Creating a trail for an organization"
# custom:
#   id: TG-ORG-003
#   severity: high
#   resource_type: AwsAccount
#   remediation:
#     console: 'AWS Organizations console (management account) > Policies > Service control policies > Create policy
#       with {"Effect": "Deny", "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail",
#       "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"], "Resource": "*", "Condition": {"ArnNotLike":
#       {"aws:PrincipalArn": "arn:aws:iam::*:role/AWSControlTowerExecution"}}} > Targets > attach it to the root (or
#       every OU).'
#     cli: aws organizations create-policy --type SERVICE_CONTROL_POLICY --name ProtectOrganizationTrail --description
#       "Deny changes to CloudTrail" --content file://protect-trail.json && aws organizations attach-policy --policy-id
#       <policy-id> --target-id <root-or-ou-id>
package trailguard.checks.org_scp_trail_protection

import data.trailguard.lib.cloudtrail_actions
import data.trailguard.lib.iam
import data.trailguard.lib.organization
import data.trailguard.lib.params
import data.trailguard.lib.result

# The calls that stop, delete or narrow a trail.
_actions := cloudtrail_actions.trail_actions

findings contains _finding if organization.is_member

_exceptions := params.value("scp_trail_protection_exceptions")

_exception(v) if {
	some e in _exceptions
	lower(e) == lower(v)
}

_exception(v) if {
	some e in _exceptions
	glob.match(e, null, v)
}

# _extra_exemptions(stmt) lists how stmt's conditions narrow the Deny beyond the named exceptions.
_extra_exemptions(stmt) := {sprintf("%s %s %s", [op, key, v]) |
	some op, block in stmt.Condition
	some key, val in block
	some v in iam.values(val)
	not _named_exception(op, key, v)
}

_named_exception(op, key, v) if {
	iam.base_operator(op) in iam.principal_exempting_operators
	lower(key) == "aws:principalarn"
	_exception(v)
}

# _scp_denials are the SCP Deny statements that deny at least one of _actions,
# each as {"target", "name", "stmt", "actions": the actions of _actions it
# denies}: the SCP statements are read once, for _denials and _narrowed, and
# each statement's actions are matched once.
_scp_denials := [{"target": target, "name": name, "stmt": stmt, "actions": denied} |
	some [target, name, stmt] in organization.scp_statements
	stmt.Effect == "Deny"
	denied := {action | some action in _actions; iam.denies_action(stmt, action)}
	count(denied) > 0
]

# _denials holds [action, source] for every SCP statement that denies action on
# every organization trail, the source as "'name' at target". (Pairs in a set
# always read whole: a partial rule _denies[action] would be evaluated again
# for every action it is asked about.)
_denials contains [action, source] if {
	some d in _scp_denials
	every arn, _ in organization.organization_trails {
		organization.covers_resource(d.stmt, arn)
	}
	count(_extra_exemptions(d.stmt)) == 0
	source := sprintf("%s at %s", [d.name, d.target]) # once per statement, not per action
	some action in d.actions
}

# _narrowed lists the Denies that would protect the trail but exempt more than the named exceptions.
_narrowed contains sprintf("SCP %s at %s exempts %s", [d.name, d.target, concat(", ", sort(extra))]) if {
	some d in _scp_denials
	extra := _extra_exemptions(d.stmt)
	count(extra) > 0
}

# _denials also holds, as "no SCP at target allows it", the levels at which no SCP allows action on the
# organization trails (an allow-list strategy): there the action is denied to
# everyone, exceptions included. A level with a policy whose document was not
# read allows it, as far as is known. A level with no policy at all is never
# counted: AWS keeps at least one SCP on every level, so an empty level is a
# gap in the data, not a deny-all (counting it would be a false PASS).
_denials contains [action, sprintf("no SCP at %s allows it", [level.target_id])] if {
	some level in organization.scp_levels
	count(level.policies) > 0
	every policy in level.policies {
		policy.document
	}
	allowed := union({_allowed_on_trails(policy.document) | some policy in level.policies})
	some action in (_action_set - allowed)
}

_action_set := {action | some action in _actions}

# _allowed_on_trails(doc) are the actions of _actions that the SCP document doc
# allows on an organization trail (each statement read once, not once per action).
_allowed_on_trails(doc) := {action |
	some stmt in iam.statements(doc)
	stmt.Effect == "Allow"
	some arn, _ in organization.organization_trails
	organization.covers_resource(stmt, arn)
	some action in _actions
	iam.allows_action(stmt, action)
}

# _denied are the actions of _actions that some SCP denies on the organization trail.
_denied := {action | some [action, _] in _denials}

_unprotected := [a | some a in _actions; not a in _denied]

_unread_documents := {policy.id |
	some level in organization.scp_levels
	some policy in level.policies
	not policy.document
}

_finding := result.unknown(input.account_id, "", msg) if {
	not organization.scp_levels
	msg := sprintf(
		"the SCPs in effect on account %s were not read: whether one protects the organization trail is unknown",
		[organization.label],
	)
} else := result.fail(input.account_id, "", msg) if {
	not organization.scps_enabled
	msg := sprintf(
		concat(" ", [
			"service control policies are not enabled in organization %s:",
			"nothing stops the principals of account %s from stopping or changing CloudTrail",
		]),
		[organization.id, organization.label],
	)
} else := result.unknown(input.account_id, "", msg) if {
	count(organization.organization_trails) == 0
	msg := sprintf(
		"account %s sees no organization trail (see TG-ORG-001): what the SCPs must protect is unknown",
		[organization.label],
	)
} else := result.pass(input.account_id, "", msg) if {
	_denied == _action_set # every action denied: _unprotected is empty, without a negation per action
	msg := sprintf("SCPs deny %s on the organization trail to everyone but %s in account %s (%s)", [
		concat(", ", _actions), concat(", ", _exceptions), organization.label,
		concat("; ", sort({source | some [_, source] in _denials})),
	])
} else := result.unknown(input.account_id, "", msg) if {
	count(_unread_documents) > 0
	msg := sprintf(
		"no SCP read denies %s on the organization trail in account %s, and the documents of %s were not read",
		[concat(", ", _unprotected), organization.label, concat(", ", sort(_unread_documents))],
	)
} else := result.fail(input.account_id, "", msg) if {
	msg := sprintf(
		concat(" ", [
			"no SCP in effect on account %s denies %s on the organization trail to all but %s%s:",
			"the account's administrators can stop or narrow logging",
		]),
		[organization.label, concat(", ", _unprotected), concat(", ", _exceptions), _narrowed_note],
	)
}

_narrowed_note := sprintf(" (%s)", [concat("; ", sort(_narrowed))]) if count(_narrowed) > 0

else := ""
