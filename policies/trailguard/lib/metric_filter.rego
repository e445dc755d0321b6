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
#   Anything that cannot be parsed (text patterns, space-delimited patterns,
#   numeric comparisons, IS NULL, EXISTS, unbalanced parentheses, an empty
#   pattern) never matches: a check built on this can report a false FAIL on
#   exotic spellings, never a false PASS.
#
#   The method. Rego has no recursion, so a pattern is not parsed into a tree:
#   it is rewritten as text by regular expressions (the named pieces below).
#   1. compile(pattern), once per pattern. One regex.replace turns every term
#      `$.field op value` into a token \x01$.field op value\x02, and one
#      regex.match checks that only tokens, &&, ||, parentheses and one pair of
#      braces are left. Usual case (every CIS pattern): a conjunction of clauses,
#      each an exact term or a parenthesised disjunction of exact terms, is kept
#      as its clauses {path: set of values} (the fast path). Otherwise it is kept
#      as its body: braces turned into parentheses, whitespace dropped.
#   2. matches_compiled(c, event). Fast path: every clause has a path at which
#      the event has one of the values. Otherwise:
#      substitute: one strings.replace_n writes "true" over the tokens of the
#      exact terms the event makes true (wildcard, %regex% and != terms are
#      judged one by one), and every token left becomes "false";
#      reduce: each round replaces every innermost parenthesised group of
#      literals by its value; the pattern matches when exactly "true" is left.
#
#   Worked example: { $.eventSource = kms.amazonaws.com && ($.eventName = Disable* || $.eventName = X) }
#   (a wildcard: no fast path) for {"eventSource": "kms.amazonaws.com", "eventName": "DisableKey"}:
#     body         (\x01$.eventSource=kms.amazonaws.com\x02&&(\x01$.eventName=Disable*\x02||\x01$.eventName=X\x02))
#     substituted  (true&&(true||false))
#     round 1      (true&&true)
#     round 2      true                  the pattern matches the event
package trailguard.lib.metric_filter

# --- Pieces of the regular expressions --------------------------------------

# A field path after "$.": eventName, userIdentity.type, resources[0].ARN.
_path := `[A-Za-z0-9_.\[\]-]+`

# A value: "quoted" (escapes allowed), %regex%, or bare.
_value := `"(?:[^"\\]|\\.)*"|%[^%]*%|[^\s()&|{}"=<>!%]+`

# One term: 1: "$.", 2: field path, 3: operator, 4: value.
_term_re := concat("", [`(\$\.)(`, _path, `)\s*(!=|=)\s*(`, _value, `)`])

# A term rewritten as a token: \x01$.field op value\x02.
_term_token := "\u0001${1}${2}${3}${4}\u0002"

# _braced(token) matches a pattern whose terms are tokens of the form token: one
# pair of braces around whitespace, parentheses, && and || and tokens only.
_braced(token) := concat("", [`^\s*\{(?:\s|[()]|&&|\|\||`, token, `)*\}\s*$`])

# Parseable patterns: any term (_valid_re), or only exact `=` terms, whose value
# is bare or quoted without wildcard, escape or %regex% (_exact_re).
_valid_re := _braced(`\x01\$\.[^\x01\x02]*\x02`)

_exact_re := _braced(concat("", [`\x01\$\.`, _path, `=(?:"[^"\\*\x01\x02]*"|[^"%*\x01\x02]+)\x02`]))

# A token with a quoted value without wildcard or escape (1: "\x01$.field=",
# 2: the value unquoted, 3: "\x02"), and any token (1: all of it).
_quoted_token := concat("", [`(\x01\$\.`, _path, `=)"([^"\\*\x02]*)"(\x02)`])

_any_token := `(\x01[^\x02]*\x02)`

# _unquote_re drops whitespace between tokens and unquotes quoted values without
# wildcard or escape (so that `"DisableKey"` and `DisableKey` read the same);
# _tidy_re also drops the parentheses around a single token.
_unquote_re := concat("|", [_quoted_token, _any_token, `\s+`])

_unquoted := "${1}${2}${3}${4}"

_tidy_re := concat("|", [
	concat("", [`\(\s*`, _quoted_token, `\s*\)`]),
	_quoted_token,
	concat("", [`\(\s*`, _any_token, `\s*\)`]),
	_any_token,
	`\s+`,
])

_tidy := "${1}${2}${3}${4}${5}${6}${7}${8}"

# --- Fast path: a conjunction of clauses of exact terms ---------------------
# Most patterns are a conjunction of clauses, each one exact term
# `$.field = value` or a parenthesised disjunction of exact terms (every
# pattern of the CIS benchmark is). Such a pattern is compiled into its
# clauses, each an object {path: set of values}, and matches an event when
# every clause has a path at which the event has one of the values: a few
# lookups, no text to rewrite.

# An exact term (1: field path, 2: quoted value unquoted, or 3: bare value).
_cnf_term := concat("", [
	`\$\.(`, _path, `)\s*=\s*`,
	`(?:"([^"\\*&|\x01-\x03]*)"|([^\s()&|{}"=<>!%*\x01-\x03]+))`,
])

# An exact term rewritten as \x01field\x02value\x03 (value unquoted).
_cnf_token := "\u0001${1}\u0002${2}${3}\u0003"

_cnf_t := `\x01[^\x02]*\x02[^\x03]*\x03`

# The same, capturing 1: the field path, 2: the value.
_cnf_t_captured := `\x01([^\x02]*)\x02([^\x03]*)\x03`

# An exact term in up to two pairs of parentheses.
_cnf_pterm := concat("", [`(?:`, _cnf_t, `|\(\s*`, _cnf_t, `\s*\)|\(\s*\(\s*`, _cnf_t, `\s*\)\s*\))`])

# A disjunction of such terms.
_cnf_or := concat("", [_cnf_pterm, `(?:\s*\|\|\s*`, _cnf_pterm, `)*`])

# A clause: a parenthesised disjunction, or one term.
_cnf_clause := concat("", [`(?:\(\s*`, _cnf_or, `\s*\)|`, _cnf_pterm, `)`])

# The whole pattern: one disjunction, or a conjunction of clauses.
_cnf_re := concat("", [`^\s*\{\s*(?:`, _cnf_or, `|`, _cnf_clause, `(?:\s*&&\s*`, _cnf_clause, `)*)\s*\}\s*$`])

# _clause(text) is the clause of the exact terms in text: {path: set of values}.
# (Usual case, every term of the clause on one field: no grouping needed.)
_clause(text) := {split(field, "."): {ms[i][2] | some i}} if {
	ms := regex.find_all_string_submatch_n(_cnf_t_captured, text, -1)
	field := ms[0][1]
	strings.count(text, "\u0001") == strings.count(text, concat("", ["\u0001", field, "\u0002"]))
} else := {split(field, "."): object.keys(values) |
	some field, values in object.union_n([{m[1]: {m[2]: true}} |
		some m in regex.find_all_string_submatch_n(_cnf_t_captured, text, -1)
	])
}

# matches(pattern, event) is true when the metric filter pattern matches the
# CloudTrail event (an object of top-level or nested fields, e.g.
# {"eventSource": "kms.amazonaws.com", "eventName": "DisableKey"}).
# A field absent from the event makes `=` false and `!=` true.
matches(pattern, event) if matches_compiled(compile(pattern), event)

# compile(pattern) prepares a pattern for matches_compiled: {"ok": false}
# when it cannot be parsed; its "clauses" (fast path, see above) and
# "single_paths"; or its "body" and, when some of its terms are not exact `=`,
# all its terms ("inexact", each judged one by one) and "keyed" (below).
compile(pattern) := _with_clauses([_clause(part) | some part in split(t, "&&")]) if {
	t := regex.replace(pattern, _cnf_term, _cnf_token)
	regex.match(_cnf_re, t)
} else := _compile_terms(pattern, regex.replace(pattern, _term_re, _term_token))

# _compile_terms(pattern, t) compiles a pattern that is not a conjunction of
# clauses, t being the pattern with its terms rewritten as tokens. (The
# validity of t is tested first: an unparseable pattern such as the CIS root
# account usage one, with NOT EXISTS, fails once.)
_compile_terms(pattern, t) := {"ok": false} if {
	not regex.match(_valid_re, t)
} else := {"ok": true, "body": _body(t), "inexact": []} if {
	regex.match(_exact_re, t)
} else := {"ok": true, "body": _body(t), "inexact": _inexact(pattern), "keyed": regex.match(_quoted_token, t)}

# "keyed" (patterns with terms that are not exact `=`) is true when a token of
# the body is read from the event's keys rather than judged one by one: every
# term is in "inexact", but _body unquotes the quoted values of exact `=` terms
# (_quoted_token), whose tokens then differ. Without such a term (the CIS
# unauthorized API calls pattern, say), matches_compiled need not work out the
# event's keys (_event_keys walks the event).

# "single_paths" is true when every clause reads a single path; such a
# pattern also has "allowed": each path its clauses read, mapped to the values
# all the clauses on that path allow (the intersection, when several read it),
# so that a caller can compare it with whole sets of events (lib/alarms).
# (Usual case, distinct paths: the clauses merged as they are, nothing to
# intersect.)
_with_clauses(clauses) := {"ok": true, "clauses": clauses, "single_paths": true, "allowed": merged} if {
	not _multi_path(clauses)
	merged := object.union_n(clauses)
	count(merged) == count(clauses)
} else := {"ok": true, "clauses": clauses, "single_paths": true, "allowed": _intersect_by_path(clauses)} if {
	not _multi_path(clauses)
} else := {"ok": true, "clauses": clauses, "single_paths": false}

# _multi_path(clauses) is true when some clause reads more than one path.
_multi_path(clauses) if {
	some clause in clauses
	count(clause) != 1
}

# _intersect_by_path(clauses) maps each path of the single-path clauses to the
# intersection of its values.
_intersect_by_path(clauses) := {path: intersection({values | some other in clauses; values := other[path]}) |
	some clause in clauses
	some path, _ in clause
}

# matches_compiled(c, event) is matches() on a pattern prepared by compile().
matches_compiled(c, event) if {
	c.ok
	count(c.clauses) > 0
	every clause in c.clauses {
		some path, values in clause
		values[object.get(event, path, null)]
	}
}

matches_compiled(c, event) if {
	c.ok
	not c.clauses
	truths := object.union(
		_keyed_truths(c, event),
		{x.token: _truth(x, object.get(event, x.path, null)) | some x in c.inexact},
	)
	_reduce(regex.replace(strings.replace_n(truths, c.body), `\x01[^\x02]*\x02`, "false")) == "true"
}

# matches_none(c, columns) is true when no event matches the compiled pattern
# c whose only fields are top-level fields of columns, each with one of the
# string values columns gives it ({field: set of values}): say, no event
# with only an eventSource and an eventName matches a pattern that needs an
# errorCode, or one that needs eventName ConsoleLogin when no event has it.
# A pattern only gets truer as its terms do (it is made of && and ||; `!=` is
# inside a term), so it is judged with each term as true as such an event can
# make it (_term_at_most): when the pattern is still false, every such event
# misses. One reduction instead of one per event. (Decided for the patterns
# that are not conjunctions of clauses; undefined for those.)
matches_none(c, columns) if {
	c.ok
	not c.clauses
	s := strings.replace_n({x.token: _term_at_most(x, columns) | some x in c.inexact}, c.body)
	_reduce(regex.replace(strings.replace_n(_keyed_at_most(c, s, columns), s), `\x01[^\x02]*\x02`, "false")) != "true"
}

# _term_at_most(x, columns) is the truth of term x at most, for an event as
# matches_none says: judged on an absent field when its field is not one of
# columns, else see _at_most.
_term_at_most(x, columns) := _at_most(x, columns[field]) if {
	[field] := x.path
} else := _truth(x, null)

# _at_most(x, values) is the truth of term x at most, for a field with one of
# values: true, unless x is an `=` term whose value has no wildcard (it then
# holds only for a field equal to its value, quoted or not: see
# _value_matches) and neither is one of values.
_at_most(x, values) := "false" if {
	x.op == "="
	not contains(x.value, "*")
	not startswith(x.value, "%")
	not values[x.value]
	not values[_unquote(x.value)]
} else := "true"

# _keyed_at_most(c, s, columns) maps the tokens left in s that are read from
# the event's keys (exact `=` terms, see "keyed": \x01$.field=value\x02) to
# "true" when the column of their field has their value: the other ones are
# false for every such event.
_keyed_at_most(c, s, columns) := {} if {
	c.keyed == false
} else := {m[0]: "true" |
	some m in regex.find_all_string_submatch_n(`\x01\$\.([^=\x02]*)=([^\x02]*)\x02`, s, -1)
	m[2] in object.get(columns, m[1], set())
}

# _keyed_truths(c, event) are the tokens the event makes true by its keys
# (_event_keys), unless no token of c's body is read that way ("keyed").
_keyed_truths(c, event) := {} if {
	c.keyed == false
} else := _event_keys(event)

# _body(t) is the body of a valid pattern whose terms are tokens: braces
# replaced by parentheses, whitespace dropped, values unquoted.
_body(t) := concat("", ["(", substring(s, 1, count(s) - 2), ")"]) if {
	s := regex.replace(t, _tidy_re, _tidy)
}

# _inexact(pattern) are the terms of pattern, each its "token" (as in the
# body), "path" (its field path split on dots: the event's value there, null
# when absent, is what _truth judges), "op" and "value".
_inexact(pattern) := [{
	"token": concat("", ["\u0001", m[1], m[2], m[3], m[4], "\u0002"]),
	"path": split(m[2], "."), "op": m[3], "value": m[4],
} |
	some m in regex.find_all_string_submatch_n(_term_re, pattern, -1)
]

# _truth(x, actual) is "true" when the term x holds for an event whose value
# at its field is actual (see _term), else "false". (A term is judged on that
# value, not on the whole event: events that agree on the field, such as the
# many that lack it, share one judgement.)
_truth(x, actual) := "true" if _term(x.op, x.value, actual)

else := "false"

# A value that is unquoted, not a %regex% and has no delimiter reads the
# same as a term's token; other values make no token true (their exact
# terms stay false: a false FAIL at worst).
_event_keys(event) := {concat("", ["\u0001$.", concat(".", segs), "=", v, "\u0002"]): "true" |
	walk(event, [path, v])
	is_string(v)
	not regex.match(`^["%]|[\x01\x02]`, v)
	segs := [s | some s in path; is_string(s)]
	count(segs) == count(path)
	regex.match(`^[A-Za-z0-9_\[\]-]+(?:\.[A-Za-z0-9_\[\]-]+)*$`, concat(".", segs))
}

# substitute(pattern, event) shows how pattern reads for event: every term
# replaced by "true" or "false", whitespace dropped, e.g.
# "{ ($.eventName = A) || ($.eventName = B) }" -> "{(true)||(false)}".
# In an unparseable pattern, every character but operators shows as "?".
substitute(pattern, event) := regex.replace(strings.replace_n(truths, s), `\x01[^\x02]*\x02`, "false") if {
	t := regex.replace(pattern, _term_re, _term_token)
	regex.match(_valid_re, t)
	s := regex.replace(t, _unquote_re, _unquoted)
	truths := object.union(
		_event_keys(event),
		{x.token: _truth(x, object.get(event, x.path, null)) | some x in _inexact(pattern)},
	)
} else := regex.replace(regex.replace(pattern, `\s+`, ""), `[^(){}&|]`, "?")

# _term(op, value, actual) is true when the term `$.field op value` holds for
# an event whose value at field is actual (null when the event lacks it).
_term("=", value, actual) if _value_matches(value, actual)

_term("!=", value, actual) if {
	_valid_value(value)
	not _value_matches(value, actual)
}

# _valid_value(value) is false for a %regex% value that is not a valid
# regular expression, so that `!=` on it never counts as true.
_valid_value(value) if not startswith(value, "%")

_valid_value(value) if {
	startswith(value, "%")
	regex.is_valid(_regex(value))
}

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

# --- Reduction ----------------------------------------------------------------
# A round replaces every parenthesised group of literals joined by && and ||
# (no parenthesis inside) by its value, the literal captured from the group
# itself: "true" when one of its && chains is all true, "false" when every
# chain has a false. A body (always wrapped in parentheses) that ends as
# exactly "true" was a well-formed expression that evaluates to true.
_lit := `(?:true|false)`

_chain := concat("", [_lit, `(?:&&`, _lit, `)*`])

_false_chain := concat("", [`(?:true&&)*false(?:&&`, _lit, `)*`])

# 1: "true" for a group with an all-true chain; 2: "false" for a group whose
# every chain has a false.
_group_re := concat("", [
	`\((?:`, _chain, `\|\|)*(?:true&&)*(true)(?:&&true)*(?:\|\|`, _chain, `)*\)`,
	`|\((?:true&&)*(false)(?:&&`, _lit, `)*(?:\|\|`, _false_chain, `)*\)`,
])

# Once no parenthesis is left, the body is a literal (or stuck: malformed).
_round(s) := s if {
	not contains(s, "(")
} else := regex.replace(s, _group_re, "${1}${2}")

# _reduce(s) applies up to 36 rounds: enough for 35 levels of parentheses (a
# deeper pattern never matches). Rego has no recursion, so the rounds are a
# fixed nest of calls, 9 of _round4; each returns at once when no parenthesis
# is left (common patterns are literals after 2 rounds).
_reduce(s) := _round4(_round4(_round4(_round4(_round4(_round4(_round4(_round4(_round4(s)))))))))

_round4(s) := s if {
	not contains(s, "(")
} else := _round(_round(_round(_round(s))))
