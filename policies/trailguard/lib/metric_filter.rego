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
#   Technique (stock Rego, no recursion, a fixed number of builtin calls per
#   pattern and per event, no call per term in the common case):
#   1. compile: one regular expression cuts the pattern into terms
#      `$.field op value`, `&&`, `||`, parentheses, braces, whitespace and
#      anything else. A pattern with anything else, or without exactly one
#      pair of braces around everything, is unparseable. Otherwise its body
#      (between the braces, whitespace dropped, wrapped in parentheses) keeps
#      the operators and parentheses, and every term as a token
#      \x01$.field op value\x02 (a quoted value without wildcard or escape is
#      unquoted, so that `"DisableKey"` and `DisableKey` read the same).
#   2. substitute: an event makes true exactly the tokens \x01$.path=value\x02
#      of its own string fields, so one strings.replace_n per event, over the
#      bodies of all patterns at once, puts "true" in place of the exact terms
#      that hold. Terms that are not exact (`*` wildcards, %regex%, `!=`,
#      escaped quotes) are evaluated one by one for the patterns that have
#      them. Every token left becomes "false".
#   3. reduce: the substituted bodies of all (pattern, event) pairs, one per
#      line, are reduced together by a fixed chain of regular-expression
#      rewrites (literal && pairs, parenthesised groups of literals joined by
#      ||); a body without any "true" left is false at once (after
#      substitution the expression is monotone). A pair matches when its body
#      reduces to exactly "true".
#
#   Anything that cannot be parsed (text patterns, space-delimited patterns,
#   numeric comparisons, IS NULL, EXISTS, unbalanced parentheses, an empty
#   pattern) never matches: a check built on this can report a false FAIL on
#   exotic spellings, never a false PASS.
package trailguard.lib.metric_filter

import rego.v1

# One term: 1: "$.", 2: field path (eventName, userIdentity.type), 3: operator,
# 4: value ("quoted", %regex% or bare).
_term_re := `(\$\.)([A-Za-z0-9_.\[\]-]+)\s*(!=|=)\s*("(?:[^"\\]|\\.)*"|%[^%]*%|[^\s()&|{}"=<>!%]+)`

# A term rewritten as a token: \x01$.field op value\x02.
_term_token := "\u0001${1}${2}${3}${4}\u0002"

# Parseable patterns, once terms are tokens: one pair of braces around
# whitespace, parentheses, && and || and terms only. The first form only
# allows exact `=` terms (bare or quoted value without wildcard, escape or
# %regex%); the second any term.
_exact_re := `^\s*\{(?:\s|[()]|&&|\|\||\x01\$\.[A-Za-z0-9_.\[\]-]+=(?:"[^"\\*\x01\x02]*"|[^"%*\x01\x02]+)\x02)*\}\s*$`

_valid_re := `^\s*\{(?:\s|[()]|&&|\|\||\x01\$\.[^\x01\x02]*\x02)*\}\s*$`

# Drops whitespace between tokens, unquotes quoted values without wildcard
# or escape (so that `"DisableKey"` and `DisableKey` read the same), and drops
# the parentheses around a single term.
_tidy_re := `\(\s*(\x01\$\.[A-Za-z0-9_.\[\]-]+=)"([^"\\*\x02]*)"(\x02)\s*\)|(\x01\$\.[A-Za-z0-9_.\[\]-]+=)"([^"\\*\x02]*)"(\x02)|\(\s*(\x01[^\x02]*\x02)\s*\)|(\x01[^\x02]*\x02)|\s+`

_tidy := "${1}${2}${3}${4}${5}${6}${7}${8}"

# Fast path: most patterns are a conjunction of clauses, each one exact term
# `$.field = value` or a parenthesised disjunction of exact terms (every
# pattern of the CIS benchmark is). Such a pattern is compiled into its
# clauses, each an object {path: set of values}, and matches an event when
# every clause has a path at which the event has one of the values: a few
# lookups, no text to rewrite.
_cnf_term := `\$\.([A-Za-z0-9_.\[\]-]+)\s*=\s*(?:"([^"\\*&|\x01-\x03]*)"|([^\s()&|{}"=<>!%*\x01-\x03]+))`

# An exact term rewritten as \x01field\x02value\x03 (value unquoted).
_cnf_token := "\u0001${1}\u0002${2}${3}\u0003"

_cnf_t := `\x01[^\x02]*\x02[^\x03]*\x03`

_cnf_pterm := concat("", [`(?:`, _cnf_t, `|\(\s*`, _cnf_t, `\s*\)|\(\s*\(\s*`, _cnf_t, `\s*\)\s*\))`])

_cnf_or := concat("", [_cnf_pterm, `(?:\s*\|\|\s*`, _cnf_pterm, `)*`])

_cnf_clause := concat("", [`(?:\(\s*`, _cnf_or, `\s*\)|`, _cnf_pterm, `)`])

# The whole pattern: one disjunction, or a conjunction of clauses.
_cnf_re_composed := concat("", [`^\s*\{\s*(?:`, _cnf_or, `|`, _cnf_clause, `(?:\s*&&\s*`, _cnf_clause, `)*)\s*\}\s*$`])

# _cnf_re is _cnf_re_composed written out. (A literal, kept equal to the
# composition by a test: composed, it would be rebuilt at every evaluation.)
_cnf_re := `^\s*\{\s*(?:(?:\x01[^\x02]*\x02[^\x03]*\x03|\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)|\(\s*\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)\s*\))(?:\s*\|\|\s*(?:\x01[^\x02]*\x02[^\x03]*\x03|\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)|\(\s*\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)\s*\)))*|(?:\(\s*(?:\x01[^\x02]*\x02[^\x03]*\x03|\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)|\(\s*\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)\s*\))(?:\s*\|\|\s*(?:\x01[^\x02]*\x02[^\x03]*\x03|\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)|\(\s*\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)\s*\)))*\s*\)|(?:\x01[^\x02]*\x02[^\x03]*\x03|\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)|\(\s*\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)\s*\)))(?:\s*&&\s*(?:\(\s*(?:\x01[^\x02]*\x02[^\x03]*\x03|\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)|\(\s*\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)\s*\))(?:\s*\|\|\s*(?:\x01[^\x02]*\x02[^\x03]*\x03|\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)|\(\s*\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)\s*\)))*\s*\)|(?:\x01[^\x02]*\x02[^\x03]*\x03|\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)|\(\s*\(\s*\x01[^\x02]*\x02[^\x03]*\x03\s*\)\s*\))))*)\s*\}\s*$`

# _clause(text) is the clause of the exact terms in text: {path: set of values}.
# (Usual case, every term of the clause on one field: no grouping needed.)
_clause(text) := {split(field, "."): {ms[i][2] | some i}} if {
	ms := regex.find_all_string_submatch_n(`\x01([^\x02]*)\x02([^\x03]*)\x03`, text, -1)
	field := ms[0][1]
	strings.count(text, "\u0001") == strings.count(text, concat("", ["\u0001", field, "\u0002"]))
} else := {split(field, "."): object.keys(values) |
	some field, values in object.union_n([{m[1]: {m[2]: true}} | some m in regex.find_all_string_submatch_n(`\x01([^\x02]*)\x02([^\x03]*)\x03`, text, -1)])
}

# matches(pattern, event) is true when the metric filter pattern matches the
# CloudTrail event (an object of top-level or nested fields, e.g.
# {"eventSource": "kms.amazonaws.com", "eventName": "DisableKey"}).
# A field absent from the event makes `=` false and `!=` true.
matches(pattern, event) if matches_compiled(compile(pattern), event)

# compile(pattern) prepares a pattern for matches_compiled: {"ok": false}
# when it cannot be parsed; its "clauses" (fast path, see above) and
# "single_paths"; or its "body" and its terms that are not exact `=` ("inexact").
compile(pattern) := _with_clauses([_clause(part) | some part in split(t, "&&")]) if {
	t := regex.replace(pattern, _cnf_term, _cnf_token)
	regex.match(_cnf_re, t)
} else := {"ok": true, "body": _body(t), "inexact": []} if {
	t := regex.replace(pattern, _term_re, _term_token)
	regex.match(_exact_re, t)
} else := {"ok": true, "body": _body(t), "inexact": _inexact(pattern)} if {
	t := regex.replace(pattern, _term_re, _term_token)
	regex.match(_valid_re, t)
} else := {"ok": false}

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
	truths := object.union(_event_keys(event), {x.token: _truth(x, event) | some x in c.inexact})
	_reduce(regex.replace(strings.replace_n(truths, c.body), `\x01[^\x02]*\x02`, "false")) == "true"
}

# _body(t) is the body of a valid pattern whose terms are tokens: braces
# replaced by parentheses, whitespace dropped, values unquoted.
_body(t) := concat("", ["(", substring(s, 1, count(s) - 2), ")"]) if {
	s := regex.replace(t, _tidy_re, _tidy)
}

_inexact(pattern) := [{"token": concat("", ["\u0001", m[1], m[2], m[3], m[4], "\u0002"]), "field": m[2], "op": m[3], "value": m[4]} |
	some m in regex.find_all_string_submatch_n(_term_re, pattern, -1)
]

_truth(t, event) := "true" if _term(t.field, t.op, t.value, event)

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
	s := regex.replace(t, `(\x01\$\.[A-Za-z0-9_.\[\]-]+=)"([^"\\*\x02]*)"(\x02)|(\x01[^\x02]*\x02)|\s+`, "${1}${2}${3}${4}")
	truths := object.union(_event_keys(event), {x.token: _truth(x, event) | some x in _inexact(pattern)})
} else := regex.replace(regex.replace(pattern, `\s+`, ""), `[^(){}&|]`, "?")

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

# Reduction: a parenthesised group of literals joined by && and || (no
# parenthesis inside) is replaced by its value, the literal captured from
# the group itself: "true" when one of its && chains is all true, "false"
# when every chain has a false. So a body (always wrapped in parentheses)
# that ends as exactly "true" was a well-formed expression that evaluates to
# true; each round removes one level of parentheses. The rule never reads a
# newline, so the lines are reduced independently.
_lit := `(?:true|false)`

_chain := concat("", [_lit, `(?:&&`, _lit, `)*`])

_false_chain := concat("", [`(?:true&&)*false(?:&&`, _lit, `)*`])

_group_re := concat("", [
	`\((?:`, _chain, `\|\|)*(?:true&&)*(true)(?:&&true)*(?:\|\|`, _chain, `)*\)`,
	`|\((?:true&&)*(false)(?:&&`, _lit, `)*(?:\|\|`, _false_chain, `)*\)`,
])

# Once no parenthesis is left, every line is a literal (or stuck: malformed).
_round(s) := s if {
	not contains(s, "(")
} else := regex.replace(s, _group_re, "${1}${2}")

_round4(s) := _round(_round(_round(_round(s))))

# _reduce applies up to 36 rounds, 4 at a time, and stops as soon as 4
# rounds change nothing: enough for 35 levels of parentheses. Common
# patterns are literals after 2 rounds.
_reduce(s) := _reduce1(s, _round4(s))

_done(before, after) if before == after

_done(_, after) if not contains(after, "(")

_reduce1(before, s) := s if _done(before, s)

else := _reduce2(s, _round4(s))

_reduce2(before, s) := s if _done(before, s)

else := _reduce3(s, _round4(s))

_reduce3(before, s) := s if _done(before, s)

else := _reduce4(s, _round4(s))

_reduce4(before, s) := s if _done(before, s)

else := _reduce5(s, _round4(s))

_reduce5(before, s) := s if _done(before, s)

else := _reduce6(s, _round4(s))

_reduce6(before, s) := s if _done(before, s)

else := _reduce7(s, _round4(s))

_reduce7(before, s) := s if _done(before, s)

else := _reduce8(s, _round4(s))

_reduce8(before, s) := s if _done(before, s)

else := _round4(s)
