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
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
#     description: "Configure AWS KMS key policies for CloudTrail"
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
#     description: "Key policies in AWS KMS"
# custom:
#   id: TG-KMS-003
#   severity: high
#   resource_type: AwsKmsKey
#   remediation:
#     console: KMS console > Customer managed keys > choose the key > Key policy > Edit. In the statement that allows
#       cloudtrail.amazonaws.com to use kms:GenerateDataKey*, add the condition "StringEquals" {"aws:SourceArn" =
#       "arn:aws:cloudtrail:<region>:<account-id>:trail/<trail-name>"} and "StringLike"
#       {"kms:EncryptionContext:aws:cloudtrail:arn" = "arn:aws:cloudtrail:*:<account-id>:trail/*"}; in statements with
#       Principal "*", remove kms:* and add "StringEquals" {"kms:CallerAccount" = "<account-id>"} to decrypt
#       permissions. Save changes.
#     cli: aws kms get-key-policy --key-id <key-arn> --policy-name default --query Policy --output text >
#       key-policy.json && (edit key-policy.json as described) && aws kms put-key-policy --key-id <key-arn>
#       --policy-name default --policy file://key-policy.json
package trailguard.checks.kms_key_policy

import data.trailguard.lib.iam
import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# owners maps each trail key to the set of accounts whose trails use it: the
# trails' owner accounts (the management account for an organization trail).
# (A complete comprehension: the inner comprehension is indexed by OPA, so this is
# linear in the number of trails, where a partial rule would scan every trail per key.)
owners := {key: accts |
	some key in {k | some trail in input.trails; k := trail.kms_key_id; k != ""}
	accts := {object.get(trail, "owner_account_id", input.account_id) |
		some trail in input.trails
		trail.kms_key_id == key
	}
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

# The same three lists as sets, looked up by whether the statement names the
# principal concerned (CloudTrail, everyone): `allowed & _x_if[named]` is a lookup
# and an intersection where a comprehension would iterate the list per statement.
# The lists give the order of the actions in messages (see _in_order).
_service_use_if := {
	true: {
		"kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:Encrypt", "kms:Decrypt",
		"kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:CreateGrant",
	},
	false: set(),
}

_decrypt_if := {true: {"kms:Decrypt", "kms:ReEncryptFrom", "kms:CreateGrant"}, false: set()}

_admin_if := {true: {"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey"}, false: set()}

# _in_order(actions, order) lists the set actions in the order of the list order (for messages).
_in_order(actions, order) := [a | some a in order; actions[a]]

# Every action judged, lower-cased for matching.
# (A literal: a comprehension would be rebuilt at every evaluation.)
_judged_actions := {
	"kms:GenerateDataKey": "kms:generatedatakey",
	"kms:GenerateDataKeyWithoutPlaintext": "kms:generatedatakeywithoutplaintext",
	"kms:Encrypt": "kms:encrypt",
	"kms:Decrypt": "kms:decrypt",
	"kms:ReEncryptFrom": "kms:reencryptfrom",
	"kms:ReEncryptTo": "kms:reencryptto",
	"kms:CreateGrant": "kms:creategrant",
	"kms:PutKeyPolicy": "kms:putkeypolicy",
	"kms:ScheduleKeyDeletion": "kms:schedulekeydeletion",
	"kms:DisableKey": "kms:disablekey",
}

_judged_by_lower := {
	"kms:generatedatakey": "kms:GenerateDataKey",
	"kms:generatedatakeywithoutplaintext": "kms:GenerateDataKeyWithoutPlaintext",
	"kms:encrypt": "kms:Encrypt",
	"kms:decrypt": "kms:Decrypt",
	"kms:reencryptfrom": "kms:ReEncryptFrom",
	"kms:reencryptto": "kms:ReEncryptTo",
	"kms:creategrant": "kms:CreateGrant",
	"kms:putkeypolicy": "kms:PutKeyPolicy",
	"kms:schedulekeydeletion": "kms:ScheduleKeyDeletion",
	"kms:disablekey": "kms:DisableKey",
}

# Condition operators that restrict a key to the values given (lower-cased, as
# iam.base_operator returns them).
_positive_operators := {"stringequals", "stringlike", "stringequalsignorecase", "arnequals", "arnlike"}

# Condition keys that tie a service's use of the key to an account.
_source_keys := {"aws:sourcearn", "aws:sourceaccount", "kms:encryptioncontext:aws:cloudtrail:arn"}

# Condition keys that tie a caller to an account.
_caller_keys := {"kms:calleraccount", "aws:principalaccount", "aws:principalarn"}

# _account_of(key, value) is the account a condition value names (key lower-cased).
_account_of(key, value) := value if {
	key in {"aws:sourceaccount", "kms:calleraccount", "aws:principalaccount"}
} else := snapshot.account_of_arn(value)

# _conditions(stmt) lists stmt's conditions as [operator, key, value] triples, the
# operator as iam.base_operator returns it and the key lower-cased.
# (iam.base_operator inlined: one regex drops the set qualifier and the
# IfExists suffix, where a call per operator would cost more than the rest of
# the triple.)
_conditions(stmt) := {[bop, lower(k), v] |
	some op, block in stmt.Condition
	bop := regex.replace(lower(op), `^for(?:anyvalue|allvalues):|ifexists$`, "") # the qualifier and IfExists in one pass
	some k, val in block
	some v in _list(val)
}

# _list(x) is iam.values(x) as an array ([x] for a string): for iterating, without
# building a set per statement (called for every statement of every trail key policy).
_list(x) := [x] if is_string(x)

else := x if is_array(x)

# _restricts(conds, keys, allowed) is true when one condition (from _conditions),
# under a positive operator, limits one of keys to accounts in allowed: every value
# given to that key under that operator names an allowed account.
# (A negated rule instead of `every` with a helper call per condition, or a
# comprehension counting them all: it stops at the first value that names
# another account, and this is evaluated for every statement that can offend.)
_restricts(conds, keys, allowed) if {
	some c in conds
	c[1] in keys
	c[0] in _positive_operators
	not _names_other(conds, c, allowed)
}

# _names_other(conds, c, allowed) is true when a condition with the operator and
# key of c names no account in allowed. (A rule: it stops at the first.)
_names_other(conds, c, allowed) if {
	some d in conds
	d[1] == c[1]
	d[0] == c[0]
	not _names_allowed(d, allowed)
}

# _names_allowed(d, allowed) is true when condition d names an account in allowed.
# (A rule, so that `not` also holds when no account can be read from the value,
# e.g. aws:SourceArn "*": inlined, an undefined _account_of would drop the
# condition instead of counting it against the statement.)
_names_allowed(d, allowed) if _account_of(d[1], d[2]) in allowed

# _org_values(conds) are the aws:PrincipalOrgID values under positive operators.
_org_values(conds) := {c[2] | some c in conds; c[0] in _positive_operators; c[1] == "aws:principalorgid"}

# _org_restricted(conds) is true when a condition limits callers to the audited
# account's organization.
_org_restricted(conds) if {
	org := _org_id
	some op in {c[0] | some c in conds; c[0] in _positive_operators; c[1] == "aws:principalorgid"}
	every c in conds {
		_other_or_org(c, op, org)
	}
}

_other_or_org(c, op, org) if [c[0], c[1]] != [op, "aws:principalorgid"]

else if c[2] == org

# _org_id is the audited account's organization id, when collected.
_org_id := input.organization.id if input.organization.id != ""

_label(i, stmt) := sprintf("'%s'", [stmt.Sid]) if {
	snapshot.has_value(stmt, "Sid")
} else := sprintf("#%d", [i + 1])

# _allowed_set(stmt) is the set of judged actions the Allow statement stmt allows
# (as iam.allows_action decides, matching every pattern once; a pattern without
# glob metacharacters is looked up instead of matched against every action: a
# lookup of a pattern with metacharacters finds nothing, so none is skipped;
# lps, the lower-cased patterns, are computed once for both).
_allowed_set(stmt) := ({_judged_by_lower[lp] | some lp in lps} | {a |
	some lp in lps
	glob.quote_meta(lp) != lp
	some a, la in _judged_actions
	glob.match(lp, null, la)
}) | {a |
	stmt.NotAction
	excluded := [lower(p) | some p in _list(stmt.NotAction)]
	some a, la in _judged_actions
	count([p | some p in excluded; glob.match(p, null, la)]) == 0
} if {
	lps := [lower(p) | some p in _list(stmt.Action)]
}

_policy(key) := input.kms_keys[key].policy

# _readable(key) is true when the key policy and its statements were collected.
_readable(key) if iam.statements(_policy(key))

# _statements maps every trail key to the statements of its policy that name
# cloudtrail.amazonaws.com or everyone and allow one of the judged actions (the
# only ones that can offend), each analysed once: {"i", "stmt", "allowed" (judged actions allowed), "conds"
# (_conditions), "service" (names cloudtrail.amazonaws.com), "everyone"}.
# (Cheapest tests first: most statements are dropped by their Effect or Principal
# before their actions and conditions are analysed.)
_statements := {key: [s |
	some i, stmt in iam.statements(_policy(key))
	stmt.Effect == "Allow"
	service := _bool_service(stmt)
	everyone := _bool_everyone(stmt)
	[service, everyone] != [false, false]
	allowed := _allowed_set(stmt)
	count(allowed) > 0
	s := {
		"i": i,
		"stmt": stmt,
		"conds": _conditions(stmt),
		"service_use": allowed & _service_use_if[service],
		"admin": allowed & _admin_if[everyone],
		"decrypt": allowed & _decrypt_if[everyone],
		"generates": "kms:GenerateDataKey" in allowed,
	}
] |
	some key, _ in owners
}

# _bool_service(stmt) is iam.service_principal(stmt, "cloudtrail.amazonaws.com"), as a boolean.
# (Usual case first: no Service principal at all. object.get with a path is the
# empty default when Principal is not an object.)
_bool_service(stmt) := false if {
	not stmt.Principal.Service
} else if {
	some name in _list(object.get(stmt, ["Principal", "Service"], []))
	lower(name) == "cloudtrail.amazonaws.com"
} else := false

# _bool_everyone(stmt) is true when stmt is about every principal: Principal "*",
# {"AWS": "*"} (any principal type given "*", as iam.public_principal), or
# NotPrincipal (everyone except a few); false otherwise.
# (Usual case first: no NotPrincipal, and no "*" anywhere in Principal, so that
# none of the forms below can hold: one look at the JSON text, not a walk.)
_bool_everyone(stmt) := false if {
	not stmt.NotPrincipal
	not contains(json.marshal(object.get(stmt, "Principal", null)), `"*"`)
} else if stmt.Principal == "*"

else if {
	is_object(stmt.Principal)
	some v in stmt.Principal
	"*" in _list(v)
} else if stmt.NotPrincipal

else := false

# problems maps a key to the messages of its offending statements.
problems := {key: msgs |
	some key, stmts in _statements
	msgs := (_confused_deputy(key, stmts) | _open_admin(stmts)) | _open_decrypt(_open_decrypts[key])
	count(msgs) > 0
}

# (a) CloudTrail may use the key for any account's trails.
_confused_deputy(key, stmts) := {msg |
	some s in stmts
	allowed := s.service_use
	count(allowed) > 0
	not _restricts(s.conds, _source_keys, accounts(key))
	msg := sprintf(
		concat(" ", [
			"statement %s allows %s to cloudtrail.amazonaws.com %s: any account's trail can use this key (confused",
			"deputy); add an aws:SourceArn or kms:EncryptionContext:aws:cloudtrail:arn condition naming account %s",
		]),
		[
			_label(s.i, s.stmt),
			concat(", ", _in_order(allowed, _service_use_actions)),
			_how_conditioned(s.stmt),
			concat(", ", sort(accounts(key))),
		],
	)
}

_how_conditioned(stmt) := "with conditions that do not limit it to this account's trails" if {
	iam.conditional(stmt)
} else := "without any condition"

# (b) key administration open to everyone.
_open_admin(stmts) := {msg |
	some s in stmts
	admin := s.admin
	count(admin) > 0
	msg := sprintf(
		concat(" ", [
			"statement %s allows key administration (%s) to Principal *:",
			"whoever it lets in can change the key policy, or disable or delete the key and so make the logs unreadable",
		]),
		[_label(s.i, s.stmt), concat(", ", _in_order(admin, _admin_actions))],
	)
}

# _open_decrypt_stmts(stmts) are the statements that open decryption to everyone
# without limiting it to the account or to the key's own account (a log-archive
# account's key seen from a member of its organization), nor to an
# organization, verified or not.
# (Computed once per key, for problems and unverified.)
_open_decrypts := {key: [[s, allowed] |
	some s in stmts
	allowed := s.decrypt
	count(allowed) > 0
	count(s.admin) == 0
	not _restricts(s.conds, _caller_keys, {input.account_id, snapshot.account_of_arn(key)})
] |
	some key, stmts in _statements
}

# (b) decryption open to everyone, not limited to the account or organization.
_open_decrypt(open) := {msg |
	some [s, allowed] in open
	not _org_restricted(s.conds)
	not _org_unverifiable(s.conds)
	msg := sprintf(
		"statement %s allows %s to Principal * %s: principals outside account %s can decrypt the logs",
		[
			_label(s.i, s.stmt),
			concat(", ", _in_order(allowed, _decrypt_actions)),
			_how_conditioned_caller(s.stmt),
			input.account_id,
		],
	)
}

_how_conditioned_caller(stmt) := "with conditions that do not limit it to this account or organization" if {
	iam.conditional(stmt)
} else := "without any condition"

# A statement limited by aws:PrincipalOrgID cannot be judged when the
# organization id was not collected.
_org_unverifiable(conds) if {
	not _org_id
	count(_org_values(conds)) > 0
}

unverified := {key: msgs |
	some key, open in _open_decrypts
	msgs := {msg |
		some [s, allowed] in open
		_org_unverifiable(s.conds)
		msg := sprintf(
			concat(" ", [
				"statement %s allows %s to Principal * in organization %s,",
				"but whether that is the audited account's organization is unknown: %s",
			]),
			[
				_label(s.i, s.stmt),
				concat(", ", _in_order(allowed, _decrypt_actions)),
				concat(", ", sort(iam.condition_values(s.stmt, "aws:PrincipalOrgID"))),
				snapshot.missing("organization id", input.account_id),
			],
		)
	}
	count(msgs) > 0
}

# The findings of each trail key: a readable policy passes or has problems, an
# unreadable one is UNKNOWN; tried in turn, the usual case first (an else chain
# stops at the first that holds, where separate rules would each look at every key).
findings contains f if {
	some key, _ in owners
	some f in _findings(key)
}

_findings(key) := {result.pass(key, _region(key), msg)} if {
	_readable(key)
	not problems[key]
	not unverified[key]
	_cloudtrail_can_use(key)
	msg := sprintf(
		concat(" ", [
			"key policy lets CloudTrail use the key only for trails of account %s,",
			"and opens neither decryption nor key administration to Principal *",
		]),
		[concat(", ", sort(accounts(key)))],
	)
} else := {result.fail(key, _region(key), msg)} if {
	_readable(key)
	not problems[key]
	not unverified[key]
	msg := sprintf(
		concat(" ", [
			"no statement of the key policy allows kms:GenerateDataKey to cloudtrail.amazonaws.com:",
			"CloudTrail cannot encrypt log files with this key, so delivery of the trails that use it (%s) fails",
		]),
		[concat(", ", sort(_trails_using(key)))],
	)
} else := {result.fail(key, _region(key), msg) |
	some msg in object.get(problems, key, set())
} | {result.unknown(key, _region(key), msg) |
	some msg in object.get(unverified, key, set())
} if {
	_readable(key)
} else := {result.unknown(key, _region(key), msg)} if {
	not _readable(key)
	msg := _why_unreadable(key)
}

# _cloudtrail_can_use(key) is true when an Allow statement of the key policy
# grants kms:GenerateDataKey to cloudtrail.amazonaws.com (or to everyone), as
# CloudTrail needs to encrypt log files.
_cloudtrail_can_use(key) if {
	some s in _statements[key]
	s.generates
}

_trails_using(key) := {arn | some arn, trail in input.trails; trail.kms_key_id == key}

# _region(key) is the key's region (lib/snapshot).
_region(key) := snapshot.kms_key_region(key)

# _why_unreadable(key) says why the key policy cannot be judged.
_why_unreadable(key) := sprintf("key policy of %s has no Statement", [key]) if {
	_policy(key)
} else := snapshot.missing("key policy", key) if {
	input.kms_keys[key]
} else := sprintf(
	"key policy of %s could not be read: the key lives in account %s, not the audited account %s (%s)",
	[key, owner, input.account_id, snapshot.why(key)],
) if {
	owner := snapshot.account_of_arn(key)
	owner != input.account_id
} else := snapshot.missing("key policy", key)
