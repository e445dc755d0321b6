# METADATA
# title: IAM and resource policy helpers
# description: |
#   Helpers to read IAM policy documents exactly as AWS returns them:
#   Statement may be one object or an array; Action, NotAction, Resource,
#   Principal values may be strings or arrays. Action matching is
#   case-insensitive and honours wildcards (`cloudtrail:*`, `cloudtrail:Stop*`).
package trailguard.lib.iam

# statements(doc) returns the statements of a policy document as an array.
statements(doc) := doc.Statement if is_array(doc.Statement)

else := [doc.Statement] if is_object(doc.Statement)

# values(x) turns a string-or-array policy value into a set.
values(x) := {x} if is_string(x)

else := {v | some v in x} if is_array(x)

# _list(x) is values(x) as an array, for iterating or testing membership: no set is
# built for an array (values costs a comprehension per call, and these helpers are
# called for every statement of every policy). Undefined for other types, as values.
_list(x) := [x] if is_string(x)

else := x if is_array(x)

# action_matches(pattern, action) is true when an IAM action pattern such as
# "cloudtrail:*" or "CloudTrail:Stop*" covers action. (Inlined in the helpers
# below, which are called for every statement: a call per pattern costs more
# than the match.)
action_matches(pattern, action) if glob.match(lower(pattern), null, lower(action))

# allows_action(stmt, action) is true when stmt is an Allow statement whose
# Action (or NotAction) covers action.
allows_action(stmt, action) if {
	stmt.Effect == "Allow"
	some pattern in _list(stmt.Action)
	glob.match(lower(pattern), null, lower(action)) # action_matches, inlined
}

allows_action(stmt, action) if {
	stmt.Effect == "Allow"
	stmt.NotAction
	not _excludes(stmt.NotAction, action)
}

_excludes(not_action, action) if {
	some pattern in _list(not_action)
	glob.match(lower(pattern), null, lower(action)) # action_matches, inlined
}

# denies_action(stmt, action) is true when stmt is a Deny statement covering action.
denies_action(stmt, action) if {
	stmt.Effect == "Deny"
	some pattern in _list(stmt.Action)
	glob.match(lower(pattern), null, lower(action)) # action_matches, inlined
}

denies_action(stmt, action) if {
	stmt.Effect == "Deny"
	stmt.NotAction
	not _excludes(stmt.NotAction, action)
}

# on_all_resources(stmt) is true when stmt applies to every resource ("*" or NotResource).
on_all_resources(stmt) if "*" in _list(stmt.Resource)

on_all_resources(stmt) if stmt.NotResource

# conditional(stmt) is true when stmt has a non-empty Condition block.
conditional(stmt) if count(object.get(stmt, "Condition", {})) > 0

# allows_unconditionally(doc, action) returns the statements of doc that allow
# action on every resource without any condition.
allows_unconditionally(doc, action) := [stmt |
	some stmt in statements(doc)
	allows_action(stmt, action)
	on_all_resources(stmt)
	not conditional(stmt)
]

# principals(stmt) returns every principal string named by stmt's Principal
# ("*" for Principal: "*"), e.g. {"*", "arn:aws:iam::111122223333:root", "cloudtrail.amazonaws.com"}.
principals(stmt) := {"*"} if stmt.Principal == "*"

principals(stmt) := {p |
	some v in stmt.Principal
	some p in _list(v)
} if {
	is_object(stmt.Principal)
}

# public_principal(stmt) is true when stmt names everyone as principal.
public_principal(stmt) if "*" in principals(stmt)

# service_principal(stmt, service) is true when stmt names the given service
# principal, e.g. "cloudtrail.amazonaws.com".
# Service principal names are compared case-insensitively; Principal "*" is
# not a service principal (see public_principal).
# (stmt.Principal.Service is undefined for a Principal that is not an object
# or has no Service: such a statement is dropped before any call.)
service_principal(stmt, service) if {
	some name in _list(stmt.Principal.Service)
	lower(name) == lower(service)
}

# condition_keys(stmt) returns the lower-cased condition keys used by stmt,
# across all operators (aws:SourceArn, kms:EncryptionContext:..., ...).
condition_keys(stmt) := {lower(key) |
	some _op, block in stmt.Condition
	some key, _ in block
}

# condition_values(stmt, key) returns the values stmt's conditions give to key
# (key compared case-insensitively), across all operators.
condition_values(stmt, key) := {v |
	some _op, block in stmt.Condition
	some k, val in block
	lower(k) == lower(key)
	some v in _list(val)
}

# condition_operator_values(stmt, operator, key) returns the values given to key under one operator
# (operator compared case-insensitively, with or without an IfExists/ForAnyValue qualifier).
condition_operator_values(stmt, operator, key) := condition_operators_values(stmt, {base_operator(operator)}, key)

# condition_operators_values(stmt, operators, key) returns the values given to key under
# any of the set operators (base operators, see base_operator): the condition block is
# read once, not once per operator.
condition_operators_values(stmt, operators, key) := {v |
	some op, block in stmt.Condition
	base_operator(op) in operators
	some k, val in block
	lower(k) == lower(key)
	some v in _list(val)
}

# principal_exempting_operators are the base condition operators (see base_operator)
# with which a Deny on aws:PrincipalArn exempts the principals it names (the
# break-glass exception).
principal_exempting_operators := {"arnnotlike", "arnnotequals", "stringnotlike", "stringnotequals"}

# base_operator(op) is the lower-cased condition operator without its set
# qualifier (ForAnyValue:, ForAllValues:) and IfExists suffix, e.g.
# "ForAnyValue:StringLikeIfExists" -> "stringlike".
# (One regex drops the qualifier and the IfExists suffix: cheaper than
# testing each qualifier, and called for every condition operator read.)
base_operator(op) := regex.replace(lower(op), `^for(?:anyvalue|allvalues):|ifexists$`, "")
