# METADATA
# title: Key policies of trail KMS keys limit CloudTrail to this account and keep decryption private
# description: |
#   The key policy is the only thing that decides who can use a KMS key. For a
#   key that encrypts CloudTrail logs it must:
#   (a) let the CloudTrail service (cloudtrail.amazonaws.com) use the key only
#   for this account's trails, with an aws:SourceArn or aws:SourceAccount
#   condition naming the account, or a kms:EncryptionContext:aws:cloudtrail:arn
#   condition such as arn:aws:cloudtrail:*:<account>:trail/*. Without it, any
#   account's trail can be pointed at the key (confused deputy), and its
#   owner can then fill or exhaust it; for an organization trail, the trail's
#   owner (management) account is accepted too;
#   (b) not give kms:Decrypt (or kms:ReEncryptFrom, kms:CreateGrant) to
#   Principal "*" unless a kms:CallerAccount, aws:PrincipalAccount,
#   aws:PrincipalArn or aws:PrincipalOrgID condition limits it to this account
#   or organization, and never give key administration (kms:*) to Principal "*".
#   The default "Enable IAM User Permissions" statement (the account's root
#   principal with kms:*) is normal: it delegates access to IAM policies.
#   One finding per offending statement, named by its Sid.
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: TG-KMS-003
#   severity: high
#   resource_type: AwsKmsKey
#   remediation:
#     console: KMS console > Customer managed keys > choose the key > Key policy > Edit. In the statement that allows cloudtrail.amazonaws.com to use kms:GenerateDataKey*, add the condition "StringEquals" {"aws:SourceArn" = "arn:aws:cloudtrail:<region>:<account-id>:trail/<trail-name>"} and "StringLike" {"kms:EncryptionContext:aws:cloudtrail:arn" = "arn:aws:cloudtrail:*:<account-id>:trail/*"}; in statements with Principal "*", remove kms:* and add "StringEquals" {"kms:CallerAccount" = "<account-id>"} to decrypt permissions. Save changes.
#     cli: aws kms get-key-policy --key-id <key-arn> --policy-name default --query Policy --output text > key-policy.json && (edit key-policy.json as described) && aws kms put-key-policy --key-id <key-arn> --policy-name default --policy file://key-policy.json
package trailguard.checks.kms_key_policy

import data.trailguard.lib.iam
import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# owners[key] is the set of accounts whose trails use key: the trails' owner
# accounts (the management account for an organization trail).
owners[key] contains owner if {
	some trail in input.trails
	key := trail.kms_key_id
	key != ""
	owner := object.get(trail, "owner_account_id", input.account_id)
}

# accounts(key) are the accounts whose trails may use key.
accounts(key) := owners[key] | {input.account_id}

# CloudTrail uses a trail key with GenerateDataKey; the other actions would
# let the service encrypt or decrypt with it as well.
_service_use_actions := [
	"kms:GenerateDataKey",
	"kms:GenerateDataKeyWithoutPlaintext",
	"kms:Encrypt",
	"kms:Decrypt",
	"kms:ReEncryptFrom",
	"kms:ReEncryptTo",
	"kms:CreateGrant",
]

# Actions that let their holder read what the key protects.
_decrypt_actions := ["kms:Decrypt", "kms:ReEncryptFrom", "kms:CreateGrant"]

# Actions only a key administrator needs (covered by kms:* and "*").
_admin_actions := ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey"]

# Condition operators that restrict a key to the values given.
_positive_operators := ["StringEquals", "StringLike", "StringEqualsIgnoreCase", "ArnEquals", "ArnLike"]

# Condition keys that tie a service's use of the key to an account.
_source_keys := ["aws:SourceArn", "aws:SourceAccount", "kms:EncryptionContext:aws:cloudtrail:arn"]

# Condition keys that tie a caller to an account.
_caller_keys := ["kms:CallerAccount", "aws:PrincipalAccount", "aws:PrincipalArn"]

# _account_of(key, value) is the account a condition value names.
_account_of(key, value) := value if {
	lower(key) in {"aws:sourceaccount", "kms:calleraccount", "aws:principalaccount"}
} else := snapshot.account_of_arn(value)

# restricts(stmt, keys, allowed) is true when one condition of stmt, under a
# positive operator, limits one of keys to accounts in allowed.
restricts(stmt, keys, allowed) if {
	some op in _positive_operators
	some key in keys
	vals := iam.condition_operator_values(stmt, op, key)
	count(vals) > 0
	every v in vals {
		_account_of(key, v) in allowed
	}
}

# org_restricted(stmt) is true when a condition limits callers to the audited
# account's organization.
org_restricted(stmt) if {
	org := _org_id
	some op in _positive_operators
	vals := iam.condition_operator_values(stmt, op, "aws:PrincipalOrgID")
	count(vals) > 0
	every v in vals {
		v == org
	}
}

# _org_id is the audited account's organization id, when collected.
_org_id := input.organization.id if input.organization.id != ""

# everyone(stmt) is true when stmt is about every principal: Principal "*",
# {"AWS": "*"}, or NotPrincipal (everyone except a few).
everyone(stmt) if iam.public_principal(stmt)

everyone(stmt) if stmt.NotPrincipal

_label(i, stmt) := sprintf("'%s'", [stmt.Sid]) if {
	snapshot.has_value(stmt, "Sid")
} else := sprintf("#%d", [i + 1])

_allowed(stmt, actions) := [a |
	some a in actions
	iam.allows_action(stmt, a)
]

_policy(key) := input.kms_keys[key].policy

# _readable(key) is true when the key policy and its statements were collected.
_readable(key) if iam.statements(_policy(key))

# (a) CloudTrail may use the key for any account's trails.
problems[key] contains msg if {
	some key, _ in owners
	some i, stmt in iam.statements(_policy(key))
	iam.service_principal(stmt, "cloudtrail.amazonaws.com")
	allowed := _allowed(stmt, _service_use_actions)
	count(allowed) > 0
	not restricts(stmt, _source_keys, accounts(key))
	msg := sprintf("statement %s allows %s to cloudtrail.amazonaws.com %s: any account's trail can use this key (confused deputy); add an aws:SourceArn or kms:EncryptionContext:aws:cloudtrail:arn condition naming account %s", [_label(i, stmt), concat(", ", allowed), _how_conditioned(stmt), concat(", ", sort(accounts(key)))])
}

_how_conditioned(stmt) := "with conditions that do not limit it to this account's trails" if {
	iam.conditional(stmt)
} else := "without any condition"

# (b) key administration open to everyone.
problems[key] contains msg if {
	some key, _ in owners
	some i, stmt in iam.statements(_policy(key))
	everyone(stmt)
	count(_allowed(stmt, _admin_actions)) > 0
	msg := sprintf("statement %s allows key administration (%s) to Principal *: whoever it lets in can change the key policy, or disable or delete the key and so make the logs unreadable", [_label(i, stmt), concat(", ", _allowed(stmt, _admin_actions))])
}

# (b) decryption open to everyone, not limited to the account or organization.
problems[key] contains msg if {
	some key, _ in owners
	some i, stmt in iam.statements(_policy(key))
	everyone(stmt)
	count(_allowed(stmt, _admin_actions)) == 0
	allowed := _allowed(stmt, _decrypt_actions)
	count(allowed) > 0
	not restricts(stmt, _caller_keys, {input.account_id})
	not org_restricted(stmt)
	not _org_unverifiable(stmt)
	msg := sprintf("statement %s allows %s to Principal * %s: principals outside account %s can decrypt the logs", [_label(i, stmt), concat(", ", allowed), _how_conditioned_caller(stmt), input.account_id])
}

_how_conditioned_caller(stmt) := "with conditions that do not limit it to this account or organization" if {
	iam.conditional(stmt)
} else := "without any condition"

# A statement limited by aws:PrincipalOrgID cannot be judged when the
# organization id was not collected.
_org_unverifiable(stmt) if {
	not _org_id
	some op in _positive_operators
	count(iam.condition_operator_values(stmt, op, "aws:PrincipalOrgID")) > 0
}

unverified[key] contains msg if {
	some key, _ in owners
	some i, stmt in iam.statements(_policy(key))
	everyone(stmt)
	count(_allowed(stmt, _admin_actions)) == 0
	allowed := _allowed(stmt, _decrypt_actions)
	count(allowed) > 0
	not restricts(stmt, _caller_keys, {input.account_id})
	_org_unverifiable(stmt)
	msg := sprintf("statement %s allows %s to Principal * in organization %s, but whether that is the audited account's organization is unknown: %s", [_label(i, stmt), concat(", ", allowed), concat(", ", sort(iam.condition_values(stmt, "aws:PrincipalOrgID"))), snapshot.missing("organization id", input.account_id)])
}

findings contains result.fail(key, _region(key), msg) if {
	some key, msgs in problems
	some msg in msgs
}

findings contains result.unknown(key, _region(key), msg) if {
	some key, msgs in unverified
	some msg in msgs
}

findings contains result.pass(key, _region(key), msg) if {
	some key, _ in owners
	_readable(key)
	not problems[key]
	not unverified[key]
	msg := sprintf("key policy lets CloudTrail use the key only for trails of account %s, and opens neither decryption nor key administration to Principal *", [concat(", ", sort(accounts(key)))])
}

findings contains result.unknown(key, _region(key), msg) if {
	some key, _ in owners
	not _readable(key)
	msg := _why_unreadable(key)
}

# _region(key) is the key's region, from the key or its ARN.
_region(key) := input.kms_keys[key].region if {
	snapshot.has_value(input.kms_keys[key], "region")
} else := snapshot.region_of_arn(key) if {
	snapshot.region_of_arn(key)
} else := ""

# _why_unreadable(key) says why the key policy cannot be judged.
_why_unreadable(key) := sprintf("key policy of %s has no Statement", [key]) if {
	_policy(key)
} else := snapshot.missing("key policy", key) if {
	input.kms_keys[key]
} else := sprintf("key policy of %s could not be read: the key lives in account %s, not the audited account %s (%s)", [key, owner, input.account_id, snapshot.why(key)]) if {
	owner := snapshot.account_of_arn(key)
	owner != input.account_id
} else := snapshot.missing("key policy", key)
