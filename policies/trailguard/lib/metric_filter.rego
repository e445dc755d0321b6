# METADATA
# title: CloudWatch Logs metric filter patterns
# description: |
#   Decides whether a CloudWatch Logs JSON filter pattern such as
#   `{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }`
#   matches a CloudTrail event such as {"eventSource": "kms.amazonaws.com", "eventName": "DisableKey"}
#   by meaning, whatever its spelling: with or without spaces and parentheses,
#   quoted or unquoted values, `*` wildcards ("Put*", "*Bucket*"), `%regex%`
#   values, `=` and `!=`, nested parentheses, && binding tighter than ||.
#
#   Technique (stock Rego, no recursion): the pattern is cut into tokens in
#   order (terms `$.field op value`, `&&`, `||`, parentheses, braces,
#   whitespace, anything else); every term is replaced by the literal true or
#   false for the event, whitespace is dropped, and anything unrecognised
#   becomes "?". The resulting string of literals, operators and parentheses is
#   reduced by a fixed chain of regular-expression rewrites (literal && pairs,
#   parenthesised groups of literals joined by ||). The pattern matches when the
#   whole expression reduces to exactly "true". Anything that cannot be parsed
#   (text patterns, space-delimited patterns, numeric comparisons, IS NULL,
#   EXISTS, unbalanced parentheses, an empty pattern) never matches: a check
#   built on this can report a false FAIL on exotic spellings, never a false PASS.
package trailguard.lib.metric_filter

import rego.v1

# One token of a JSON filter pattern, leftmost first:
#   1: field selector ($.eventName), 2: operator, 3: value ("quoted", %regex% or bare),
#   4: && || ( ) { }, 5: whitespace, 6: any other character (unparseable).
_token_re := `(?s)\$\.([A-Za-z0-9_.\[\]-]+)\s*(!=|=)\s*("(?:[^"\\]|\\.)*"|%[^%]*%|[^\s()&|{}"=<>!%]+)|(&&|\|\||[(){}])|(\s+)|(.)`

# matches(pattern, event) is true when the metric filter pattern matches the
# CloudTrail event (an object of top-level or nested fields, e.g.
# {"eventSource": "kms.amazonaws.com", "eventName": "DisableKey"}).
# A field absent from the event makes `=` false and `!=` true.
matches(pattern, event) if matches_tokens(tokens(pattern), event)

# tokens(pattern) cuts a JSON filter pattern into its tokens, or returns
# [] when pattern is not a JSON pattern `{ ... }`. Cut each pattern once and
# call matches_tokens for every event when testing many events.
tokens(pattern) := regex.find_all_string_submatch_n(_token_re, pattern, -1) if {
	expr := trim_space(pattern)
	startswith(expr, "{")
	endswith(expr, "}")
} else := []

# matches_tokens(tokens, event) is matches() on a pattern already cut by tokens().
matches_tokens(tokens, event) if {
	s := _substitute(tokens, event)

	# exactly one pair of braces, around everything
	regex.match(`^\{[^{}]*\}$`, s)
	regex.match(_top_true, _reduce(substring(s, 1, count(s) - 2)))
}

# substitute(pattern, event) replaces every term of pattern by "true" or
# "false" for event, drops whitespace and turns every unrecognised character
# into "?", e.g. "{ ($.eventName = A) || ($.eventName = B) }" -> "{(true)||(false)}".
substitute(pattern, event) := _substitute(tokens(pattern), event)

_substitute(tokens, event) := concat("", [_token(m, event) | some m in tokens])

_token(m, event) := "true" if {
	m[1] != ""
	_term(m[1], m[2], m[3], event)
} else := "false" if {
	m[1] != ""
} else := m[4] if {
	m[4] != ""
} else := "" if {
	m[5] != ""
} else := "?"

# _term(field, op, value, event) is true when the term `$.field op value` holds for event.
_term(field, "=", value, event) if _value_matches(value, _field(event, field))

_term(field, "!=", value, event) if {
	_valid_value(value)
	not _value_matches(value, _field(event, field))
}

# _valid_value(value) is false for a %regex% value that is not a valid
# regular expression, so that `!=` on it never counts as true.
_valid_value(value) if not startswith(value, "%")

_valid_value(value) if {
	startswith(value, "%")
	regex.is_valid(_regex(value))
}

# _field returns the event's value at a dotted path, null when absent.
_field(event, path) := object.get(event, split(path, "."), null)

# Quoted values: "DisableKey", "*Bucket*" (wildcards allowed inside quotes).
_value_matches(value, actual) if {
	is_string(actual)
	startswith(value, `"`)
	_wildcard_match(_unquote(value), actual)
}

# Regular-expression values: %^Delete.*Trail$% (partial match, as CloudWatch does).
_value_matches(value, actual) if {
	is_string(actual)
	startswith(value, "%")
	regex.match(_regex(value), actual)
}

# Bare values: DisableKey, kms.amazonaws.com, Put*.
_value_matches(value, actual) if {
	is_string(actual)
	not startswith(value, `"`)
	not startswith(value, "%")
	_wildcard_match(value, actual)
}

_regex(value) := trim_suffix(trim_prefix(value, "%"), "%")

_unquote(value) := replace(replace(trim_suffix(trim_prefix(value, `"`), `"`), `\"`, `"`), `\\`, `\`)

# `*` is the only wildcard of filter patterns; every other glob character is literal.
_wildcard_match(value, actual) if glob.match(replace(glob.quote_meta(value), `\*`, "*"), null, actual)

# Reduction rules, applied in this order by _step. Each rewrites a valid
# sub-expression of literals into its value, so a string that ends as exactly
# "true" was a well-formed expression that evaluates to true.
_and_false := `false&&(?:true|false)|true&&false`

_and_true := `true&&true`

_group_true := `\((?:(?:true|false)\|\|)*true(?:\|\|(?:true|false))*\)`

_group_false := `\(false(?:\|\|false)*\)`

# Once every parenthesised group and && pair is reduced, the pattern is a
# chain of literals joined by ||: it matches when one of them is true.
_top_true := `^(?:(?:true|false)\|\|)*true(?:\|\|(?:true|false))*$`

# A reduced literal stays as it is, so the remaining steps cost next to nothing.
_step(s) := s if {
	s in {"true", "false"}
} else := regex.replace(
	regex.replace(
		regex.replace(
			regex.replace(s, _and_false, "false"),
			_and_true, "true",
		),
		_group_true, "true",
	),
	_group_false, "false",
)

_step4(s) := _step(_step(_step(_step(s))))

_step16(s) := _step4(_step4(_step4(_step4(s))))

# _reduce applies 32 steps: enough for 32 levels of parentheses or && chains
# of thousands of literals. Steps on a reduced literal cost next to nothing.
_reduce(s) := _step16(_step16(s))
