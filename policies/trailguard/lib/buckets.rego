# METADATA
# title: Trail log bucket helpers
# description: |
#   The S3 buckets that receive trail logs, joined by name from the trails, and
#   the shared handling of buckets the snapshot does not describe. Every bucket
#   check evaluates each distinct trails[_].s3_bucket_name once:
#   - a bucket absent from input.buckets (not collected, access denied, or owned
#     by another account, e.g. an organization trail's log-archive bucket) gets
#     one UNKNOWN finding from `not_collected_findings`;
#   - a bucket with exists == false is skipped (TG-CT-004 reports it: anyone can
#     claim the name);
#   - every other bucket is in `evaluated` (name -> bucket) for the check itself.
# schemas:
#   - input: schema.snapshot
package trailguard.lib.buckets

import data.trailguard.lib.iam
import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# trail_buckets is the set of names of the buckets that trails deliver to.
trail_buckets contains name if {
	some trail in input.trails
	name := object.get(trail, "s3_bucket_name", "")
	name != ""
}

# trails_by_bucket maps a bucket name to the trails that deliver to it.
# (A complete object comprehension, so that OPA indexes the inner comprehension:
# linear in the number of trails, where a partial rule would be quadratic.)
trails_by_bucket := {name: trails |
	some name in trail_buckets
	trails := {trail | trail := input.trails[_]; trail.s3_bucket_name == name}
}

# arn(name) is the ARN of the bucket name in the audited account's partition.
arn(name) := sprintf("arn:%s:s3:::%s", [snapshot.partition, name])

# evaluated maps the name of every collected, existing trail bucket to the bucket.
# (A complete comprehension: a partial object rule with large values is
# quadratic in the number of buckets.)
evaluated := {name: bucket |
	some name in trail_buckets
	bucket := input.buckets[name]
	object.get(bucket, "exists", true) != false
}

# region(bucket) is the bucket's region ("" when not collected).
region(bucket) := object.get(bucket, "region", "")

# why(name) explains why data about the bucket is missing: the collection
# errors recorded for its name or its ARN, or "not collected".
why(name) := concat("; ", sort([sprintf("%s %s: %s", [e.service, e.operation, e.code]) |
	some resource in {name, arn(name)}
	some e in snapshot.errors_by_resource[resource]
])) if {
	some resource in {name, arn(name)}
	snapshot.errors_by_resource[resource]
} else := "not collected"

# why_op(name, operations) explains why data about the bucket read by one of
# operations (e.g. {"GetBucketPolicy"}) is missing: the errors of those calls,
# else every error recorded for the bucket, else "not collected".
why_op(name, operations) := concat("; ", sort([sprintf("%s %s: %s", [e.service, e.operation, e.code]) |
	some resource in {name, arn(name)}
	some e in snapshot.errors_by_resource[resource]
	e.operation in operations
])) if {
	some resource in {name, arn(name)}
	some e in snapshot.errors_by_resource[resource]
	e.operation in operations
} else := why(name)

# missing(what, name, operations) is the message of an UNKNOWN finding about part
# of a bucket read by one of operations, e.g.
# missing("the bucket policy", name, {"GetBucketPolicy"}).
missing(what, name, operations) := sprintf(
	"%s of bucket %s could not be read (%s)",
	[what, name, why_op(name, operations)],
)

# foreign_trails(name) are the trails owned by another account (organization
# trails seen from a member account) that deliver to the bucket.
foreign_trails(name) := {trail.arn |
	some trail in trails_by_bucket[name]
	snapshot.foreign(trail)
}

# not_collected_message(name) explains why a trail's bucket is not in the snapshot.
not_collected_message(name) := sprintf(
	concat(" ", [
		"bucket %s is not in the snapshot (%s); it receives the logs of organization trail(s) %s owned by another",
		"account: audit it from the account that owns it (e.g. the log-archive account)",
	]),
	[name, why(name), concat(", ", sort(foreign_trails(name)))],
) if {
	count(foreign_trails(name)) > 0
} else := sprintf("bucket %s is not in the snapshot (%s): its configuration cannot be checked", [name, why(name)])

# not_collected_findings are the UNKNOWN findings for trail buckets absent from input.buckets.
not_collected_findings contains result.unknown(arn(name), "", not_collected_message(name)) if {
	some name in trail_buckets
	not input.buckets[name]
}

# policy_statements(bucket) returns the statements of the bucket policy
# (empty when the bucket has no policy); undefined when the policy was not read.
# (An else chain: a function with several bodies has every body evaluated.)
policy_statements(bucket) := [] if {
	bucket.policy.exists == false
} else := iam.statements(bucket.policy.document) if {
	bucket.policy.exists != false
	bucket.policy.document
}

# policy_known(bucket) is true when the bucket policy (or its absence) was read.
policy_known(bucket) if policy_statements(bucket)

# policies maps the name of every evaluated bucket whose policy (or its absence)
# was read to its statements ([] without a policy). Computed once per evaluation
# for all bucket checks: policies[name] is defined exactly when policy_known.
policies := {name: stmts |
	some name, bucket in evaluated
	stmts := policy_statements(bucket)
}

# public_denies maps the name of every bucket in policies to its Deny statements for
# Principal * that cover every object of the bucket (the statements that can enforce
# a bucket-wide requirement), each as {"i": index, "stmt": statement, "keys":
# iam.condition_keys(stmt)}.
public_denies := {name: denies |
	some name, stmts in policies
	objects := lower(sprintf("%s/*", [arn(name)]))
	denies := [{"i": i, "stmt": stmt, "keys": iam.condition_keys(stmt)} |
		some i, stmt in stmts
		stmt.Effect == "Deny"
		public_principal(stmt)
		_covers_lower(stmt, objects)
	]
}

# _covers_lower(stmt, objects) is covers_objects with the lower-cased "<bucket-arn>/*".
_covers_lower(stmt, objects) if {
	resource := stmt.Resource
	some pattern in {true: resource, false: [resource]}[is_array(resource)] # _as_array, inlined
	glob.match(lower(pattern), null, objects)
}

_covers_lower(stmt, _) if stmt.NotResource

# label(stmt, i) names statement number i for messages: its Sid, or its position.
label(stmt, i) := sprintf("'%s'", [stmt.Sid]) if {
	is_string(stmt.Sid)
	stmt.Sid != ""
} else := sprintf("#%d", [i + 1])

# covers_objects(stmt, bucket_arn) is true when stmt applies to every object of
# the bucket (Resource "*", "<bucket-arn>/*", "arn:aws:s3:::*", ...).
covers_objects(stmt, bucket_arn) if {
	some pattern in _as_array(stmt.Resource)
	glob.match(lower(pattern), null, lower(sprintf("%s/*", [bucket_arn])))
}

covers_objects(stmt, _) if stmt.NotResource

# is_true(x) / is_false(x) read a policy condition value given as a boolean or a string.
is_true(x) if lower(sprintf("%v", [x])) == "true"

is_false(x) if lower(sprintf("%v", [x])) == "false"

# raw_condition_values(stmt, operator, key) returns the values (booleans kept as
# booleans) stmt gives to key under operator; both compared case-insensitively.
raw_condition_values(stmt, operator, key) := {v |
	some op, block in stmt.Condition
	lower(op) == lower(operator)
	some k, val in block
	lower(k) == lower(key)
	some v in {true: val, false: [val]}[is_array(val)] # _as_array(val), inlined
}

# raw_conditions(stmt) lists stmt's conditions once as [operator, key, value] triples,
# operator and key lower-cased, values as given (booleans kept as booleans):
# raw_condition_values(stmt, operator, key) is
# {t[2] | some t in raw_conditions(stmt); t[0] == lower(operator); t[1] == lower(key)}.
raw_conditions(stmt) := {[lower(op), lower(k), v] |
	some op, block in stmt.Condition
	some k, val in block
	some v in {true: val, false: [val]}[is_array(val)] # _as_array(val), inlined
}

# _as_array(x) is x as an array ([x] for anything but an array). (Also used to
# iterate Resource and Principal values: where iam.values would build a set per
# statement; a value that is neither a string nor an array matches nothing either way.)
# In the loops over statements and conditions it is inlined as
# {true: x, false: [x]}[is_array(x)], the same array without the cost of a call.
_as_array(x) := x if is_array(x)

else := [x]

# pinned_keys(stmt) returns the lower-cased condition keys that stmt pins to
# specific values: with a positive operator (StringEquals, StringLike, ArnEquals,
# ArnLike, IpAddress, optionally ForAnyValue:), not IfExists (which lets a request
# without the key through) nor a negated operator, and with no value that matches
# anyone ("*", "0.0.0.0/0", an ARN whose account is a wildcard).
pinned_keys(stmt) := {lower(key) |
	some op, block in stmt.Condition
	_positive_operator(op)
	some key, val in block
	_specific_values(val)
}

# _specific_values(val) is true when the condition value val (a value or an
# array of values) is specific, or a non-empty array of specific values. (The
# usual single value first: no array is built and walked for it.)
_specific_values(val) if _specific(val)

else if {
	is_array(val)
	count(val) > 0
	every v in val {
		_specific(v)
	}
}

_positive_operators := {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"}

# (An else chain: the qualified form is only looked at when op is not a plain
# positive operator.)
_positive_operator(op) if lower(op) in _positive_operators

else if {
	parts := split(lower(op), ":")
	count(parts) == 2
	parts[0] == "foranyvalue"
	parts[1] in _positive_operators
}

_specific(v) if {
	is_string(v)
	not v in {"", "*"}
	not endswith(v, "/0")
	not _wildcard_account_arn(v)
}

# (The account part is only looked at for an ARN with a wildcard.)
_wildcard_account_arn(v) if {
	startswith(lower(v), "arn:")
	_has_wildcard(v)
	_wildcard_account(split(v, ":"))
}

# _wildcard_account(parts) is true when the ARN split into parts has no account
# part, or one that is empty or has a wildcard.
_wildcard_account(parts) if count(parts) <= 4

else if _wildcard_or_empty(parts[4])

_wildcard_or_empty("")

_wildcard_or_empty(s) if _has_wildcard(s)

_has_wildcard(s) if contains(s, "*")

else if contains(s, "?")

# public_principal(stmt) is true when stmt names everyone: Principal "*" or
# {"AWS": "*"} (string or array). (iam.principals conflicts on Principal "*".)
# (An else chain: the object form is only looked at when Principal is not "*";
# stmt.Principal.AWS is undefined for a Principal that is not an object or has
# no AWS entry, which is dropped before any call.)
public_principal(stmt) if stmt.Principal == "*"

else if "*" in _as_array(stmt.Principal.AWS)
