# METADATA
# title: Organization facts
# description: |
#   What an organization scan (eval of an organization snapshot, scan --org)
#   adds to each account's input: the organization, the account's place in it
#   and the Service Control Policies in effect on it. The organization checks
#   (TG-ORG-*) report only in an organization scan: a single-account snapshot
#   does not say where the account sits in its organization, and its report
#   stays as it was.
# schemas:
#   - input: schema.snapshot
package trailguard.lib.organization

import data.trailguard.lib.buckets
import data.trailguard.lib.iam
import data.trailguard.lib.snapshot

# scan is true when the input is an account of an organization scan: the
# organization walk gives every account its OU path (root first).
scan if input.organization.ou_path

# id is the organization's id.
id := input.organization.id

# management_account_id is the organization's management account.
management_account_id := input.organization.management_account_id

# is_management_account is true for the management account.
is_management_account if input.organization.is_management_account == true

# is_member is true for every account of the organization but the management account.
is_member if {
	scan
	not is_management_account
}

# label is the audited account with its name, e.g. "222233334444 (workload-prod)".
label := sprintf("%s (%s)", [input.account_id, input.organization.account_name]) if {
	snapshot.has_value(input.organization, "account_name")
} else := input.account_id

# organization_trails maps the ARN of each organization trail of this
# organization (owned by its management account) to the trail, as the
# audited account sees it (a member sees the shadow of the management
# account's trail).
organization_trails := {arn: trail |
	some arn, trail in input.trails
	trail.is_organization_trail == true
	snapshot.account_of_arn(arn) == management_account_id
}

# foreign_organization_trails are organization trails of another organization.
foreign_organization_trails := {arn |
	some arn, trail in input.trails
	trail.is_organization_trail == true
	snapshot.account_of_arn(arn) != management_account_id
}

# complete_trail(trail) is true when trail is multi-region and logging.
complete_trail(trail) if {
	trail.is_multi_region == true
	trail.status.is_logging == true
}

# gaps(trail) lists what keeps trail from covering the account everywhere.
gaps(trail) := [g | some g in [_single_region(trail), _stopped(trail)]; g != ""]

_single_region(trail) := "it is single-region" if trail.is_multi_region == false

else := ""

_stopped(trail) := "it is stopped" if trail.status.is_logging == false

else := ""

# unread(trail) lists what was not read about trail.
unread(trail) := [g | some g in [_region_unread(trail), _status_unread(trail)]; g != ""]

_region_unread(trail) := "" if is_boolean(trail.is_multi_region)

else := "whether it is multi-region"

_status_unread(trail) := "" if is_boolean(trail.status.is_logging)

else := sprintf("whether it is logging (%s)", [snapshot.why(trail.arn)])

# scp_levels are the SCP levels in effect on the account (root first);
# undefined when the organization's policies were not read.
scp_levels := input.organization.service_control_policies

# scp_statements lists [level target, policy name, statement] for every
# statement of every SCP in effect on the account.
scp_statements := [[level.target_id, object.get(policy, "name", policy.id), stmt] |
	some level in scp_levels
	some policy in level.policies
	some stmt in iam.statements(policy.document)
]

# scps_enabled is false when the organization's enabled policy types were read
# and SCPs are not among them.
default scps_enabled := true

scps_enabled := false if {
	types := input.organization.policy_types_enabled
	not "SERVICE_CONTROL_POLICY" in types
}

# resource_matches(patterns, arn) is true when one of the IAM resource
# patterns covers arn ("*" and "?" wildcards; ARNs compared case-sensitively,
# as IAM does).
resource_matches(patterns, arn) if {
	some p in patterns
	glob.match(p, null, arn)
}

# covers_resource(stmt, arn) is true when stmt's Resource (or NotResource) covers arn.
covers_resource(stmt, arn) if resource_matches(iam.values(stmt.Resource), arn)

covers_resource(stmt, arn) if {
	stmt.NotResource
	not resource_matches(iam.values(stmt.NotResource), arn)
}

# snapshot_account(arn) is the account of arn.
snapshot_account(arn) := snapshot.account_of_arn(arn)

# The condition keys that say on whose behalf CloudTrail writes or encrypts.
_scoping_keys := {"aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "kms:encryptioncontext:aws:cloudtrail:arn"}

# cloudtrail_grant_problem(stmt) says what makes a statement granting
# cloudtrail.amazonaws.com broader than this organization: no condition pins
# the caller (any account's trail may use it), it admits another
# organization by aws:SourceOrgID, or it names an account outside the
# organization. Undefined when the grant is scoped.
cloudtrail_grant_problem(stmt) := concat(" ", [
	"does not say on whose behalf (no aws:SourceArn, aws:SourceAccount,",
	"aws:SourceOrgID or encryption-context condition pinned to specific values):",
	"any account's trail may use it",
]) if {
	count(buckets.pinned_keys(stmt) & _scoping_keys) == 0
} else := sprintf("admits organization %s, not this organization %s", [concat(", ", sort(others)), id]) if {
	others := {o | some [_, "aws:sourceorgid", o] in _scoping_conditions(stmt); o != id}
	count(others) > 0
} else := sprintf(
	"names account %s, which is not an account of organization %s: its trails may use it",
	[concat(", ", sort(outsiders)), id],
) if {
	accounts_listed
	outsiders := {a | some a in named_accounts(stmt); not known_account(a)}
	count(outsiders) > 0
}

# named_accounts(stmt) are the accounts a statement names as who may use
# it: the accounts of its AWS principals, its aws:SourceAccount values and
# the account of each aws:SourceArn or CloudTrail encryption-context ARN,
# under an operator that admits (StringEquals, ArnLike, ...; a negated
# operator names who may not). Only literal 12-digit accounts: a wildcard
# account is judged by the pinning rule above.
named_accounts(stmt) := {a |
	some a in _named(stmt)
	regex.match(`^[0-9]{12}$`, a)
}

_named(stmt) := {_principal_account(p) | some p in iam.values(stmt.Principal.AWS)} | {account |
	some [op, key, v] in _scoping_conditions(stmt)
	op in _admitting_operators
	account := _condition_account(key, v)
}

# _condition_account(key, v) is the account named by the value v of the
# (lower-cased) condition key: an aws:SourceAccount value, or the account of an
# ARN. Undefined for other keys.
_condition_account(key, v) := v if {
	key == "aws:sourceaccount"
} else := snapshot.account_of_arn(v) if {
	key in _arn_keys
	count(split(v, ":")) > 4
}

# The condition keys (lower-cased) whose values are the ARN of the trail CloudTrail acts for.
_arn_keys := {"aws:sourcearn", "kms:encryptioncontext:aws:cloudtrail:arn"}

# _principal_account(p) is the account of an AWS principal: an account id or an ARN.
_principal_account(p) := snapshot.account_of_arn(p) if count(split(p, ":")) > 4

else := p

_admitting_operators := {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}

# _scoping_conditions(stmt) lists the conditions of stmt on the _scoping_keys as
# [operator, key, value] triples (operator as iam.base_operator gives it, key
# lower-cased), e.g. ["stringequals", "aws:sourcearn", "arn:aws:cloudtrail:..."]:
# the condition block is read once per statement, where iam.condition_values
# would read it again for each key asked about.
_scoping_conditions(stmt) := {[iam.base_operator(op), key, v] |
	some op, block in stmt.Condition
	some k, val in block
	key := lower(k)
	key in _scoping_keys
	some v in iam.values(val)
}

# known_account(a) is true when account a is known to be in the organization:
# an account the organization scan listed (organization.account_ids), the
# management account or the audited account. A membership test, not a set of
# the listed accounts: that set would be built again for every member.
# Without the list, the accounts of the organization snapshot
# (organization.known_account_ids) are members too, but not the only ones.
known_account(a) if a in {management_account_id, input.account_id}

known_account(a) if a in input.organization.account_ids

known_account(a) if a in input.organization.known_account_ids

# accounts_listed is true when the organization scan listed every account
# of the organization (organization.account_ids).
accounts_listed if is_array(input.organization.account_ids)

# unlisted_accounts(stmts, action) are the accounts named by the CloudTrail
# grants of stmts (see named_accounts) that cannot be placed inside or
# outside the organization because its accounts were not all listed (an
# account missing from known_account_ids may be a member left out of the
# scan); empty when they were.
unlisted_accounts(stmts, action) := {a |
	not accounts_listed
	some [_, stmt] in cloudtrail_grants(stmts, action)
	some a in named_accounts(stmt)
	not known_account(a)
}

# admits_organization_trail(stmt, arn) is true when stmt's conditions let the
# organization trail arn through: its ARN (aws:SourceArn, or the CloudTrail
# encryption context), its management account or this organization's id.
# (Under any operator, as iam.condition_values reads them.)
admits_organization_trail(stmt, arn) if {
	some [_, key, v] in _scoping_conditions(stmt)
	_admits(key, v, arn)
}

_admits(key, v, arn) if {
	key in _arn_keys
	glob.match(v, null, arn)
} else if {
	key == "aws:sourceorgid"
	v == id
} else if {
	key == "aws:sourceaccount"
	v == management_account_id
}

# cloudtrail_grants(stmts, action) are the Allow statements of stmts that let
# cloudtrail.amazonaws.com call action, with their labels.
cloudtrail_grants(stmts, action) := [[buckets.label(stmt, i), stmt] |
	some i, stmt in stmts
	iam.service_principal(stmt, "cloudtrail.amazonaws.com")
	iam.allows_action(stmt, action)
]
