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
matches(pattern, event) if matches_compiled(compile(pattern), event)

# tokens(pattern) cuts a JSON filter pattern into its tokens, or returns
# [] when pattern is not a JSON pattern `{ ... }`.
tokens(pattern) := regex.find_all_string_submatch_n(_token_re, pattern, -1) if {
	expr := trim_space(pattern)
	startswith(expr, "{")
	endswith(expr, "}")
} else := []

# compile(pattern) prepares a pattern once for matching against many events:
# its template (the pattern without whitespace, each term replaced by a
# placeholder, anything unrecognised by "?") and its terms by placeholder.
compile(pattern) := compile_tokens(tokens(pattern))

# compile_tokens(tokens) is compile() on a pattern already cut by tokens().
compile_tokens(tokens) := {
	"template": concat("", [_template_token(i, m) | some i, m in tokens]),
	"terms": {_placeholder(i): _compile_term(m[1], m[2], m[3]) | some i, m in tokens; m[1] != ""},
	"negations": count([1 | some m in tokens; m[2] == "!="]) > 0,
}

_placeholder(i) := sprintf("<%d>", [i])

_template_token(i, m) := _placeholder(i) if {
	m[1] != ""
} else := m[4] if {
	m[4] != ""
} else := "" if {
	m[5] != ""
} else := "?"

# matches_tokens(tokens, event) is matches() on a pattern already cut by tokens().
matches_tokens(tokens, event) if matches_compiled(compile_tokens(tokens), event)

# matches_compiled(c, event) is matches() on a pattern prepared by compile().
matches_compiled(c, event) if {
	truths := {ph: _truth(term, event) | some ph, term in c.terms}

	# Without `!=`, a pattern is monotone in its terms: if no term holds, it cannot match.
	_may_match(c, truths)
	s := strings.replace_n(truths, c.template)

	# exactly one pair of braces, around everything
	regex.match(`^\{[^{}]*\}$`, s)
	regex.match(_top_true, _reduce(substring(s, 1, count(s) - 2)))
}

_may_match(c, _) if c.negations

_may_match(c, truths) if {
	not c.negations
	"true" in truths
}

# _compile_term prepares one term: the event path it reads, and for a bare or
# quoted value without wildcard the exact string to compare (fast path).
_compile_term(field, op, value) := {
	"field": field, "op": op, "value": value,
	"path": split(field, "."),
	"exact": _exact(value),
}

_exact(value) := v if {
	startswith(value, `"`)
	v := _unquote(value)
	not contains(v, "*")
} else := value if {
	not startswith(value, "%")
	not contains(value, "*")
} else := null

_truth(term, event) := "true" if {
	term.op == "="
	term.exact != null
	object.get(event, term.path, null) == term.exact
} else := "false" if {
	term.op == "="
	term.exact != null
} else := "true" if {
	_term(term.field, term.op, term.value, event)
} else := "false"

# substitute(pattern, event) replaces every term of pattern by "true" or
# "false" for event, drops whitespace and turns every unrecognised character
# into "?", e.g. "{ ($.eventName = A) || ($.eventName = B) }" -> "{(true)||(false)}".
substitute(pattern, event) := strings.replace_n({ph: _truth(term, event) | some ph, term in c.terms}, c.template) if {
	c := compile(pattern)
}

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
	value == actual
	not contains(value, "*")
}

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

# _reduce applies up to 32 steps: enough for 32 levels of parentheses or &&
# chains of thousands of literals. Most patterns are literals after 4 steps,
# so the remaining 28 are only attempted when needed.
_reduce(s) := _reduce_more(_step4(s))

_reduce_more(s) := s if {
	s in {"true", "false"}
} else := _step4(_step4(_step4(_step16(s))))
