package trailguard.lib.metric_filter_test

import data.trailguard.lib.metric_filter.matches
import data.trailguard.lib.metric_filter.substitute

import data.trailguard.lib.metric_filter

kms(name) := {"eventSource": "kms.amazonaws.com", "eventName": name}

cloudtrail(name) := {"eventSource": "cloudtrail.amazonaws.com", "eventName": name}

s3(name) := {"eventSource": "s3.amazonaws.com", "eventName": name}

trail_events := [cloudtrail(n) |
	some n in ["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"]
]

bucket_events := [s3(n) | some n in [
	"PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
	"DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication",
]]

matches_all(pattern, events) if {
	every e in events {
		matches(pattern, e)
	}
}

# pattern_cases maps what a case shows to a pattern, events it must match and
# events it must not match.
pattern_cases := {
	# The CIS benchmark patterns, exactly as the benchmark prints them.
	"CIS CloudTrail changes pattern matches every trail change": {
		"pattern": concat("", [
			"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ",
			"($.eventName = StartLogging) || ($.eventName = StopLogging) }",
		]),
		"matches": trail_events,
		"misses": [cloudtrail("LookupEvents")],
	},
	"CIS KMS pattern matches DisableKey and ScheduleKeyDeletion": {
		"pattern": "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}",
		"matches": [kms("DisableKey"), kms("ScheduleKeyDeletion")],
		"misses": [kms("EnableKey"), cloudtrail("DisableKey")],
	},
	"CIS bucket policy pattern matches every bucket change": {
		"pattern": concat("", [
			"{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ",
			"($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ",
			"($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ",
			"($.eventName = DeleteBucketLifecycle) || ",
			"($.eventName = DeleteBucketReplication)) }",
		]),
		"matches": bucket_events,
		"misses": [s3("GetObject")],
	},
	# Other spellings with the same meaning.
	"terms in any order": {
		"pattern": "{(($.eventName=ScheduleKeyDeletion)||($.eventName=DisableKey)) && ($.eventSource=kms.amazonaws.com)}",
		"matches": [kms("DisableKey"), kms("ScheduleKeyDeletion")],
		"misses": [kms("EnableKey")],
	},
	"without parentheses and spaces": {
		"pattern": concat("", [
			"{$.eventName=CreateTrail||$.eventName=UpdateTrail||$.eventName=DeleteTrail||",
			"$.eventName=StartLogging||$.eventName=StopLogging}",
		]),
		"matches": trail_events,
		"misses": [cloudtrail("LookupEvents")],
	},
	"with extra whitespace and newlines": {
		"pattern": concat("", [
			"  {\n  ( $.eventName  =  CreateTrail )\n  || ( $.eventName = UpdateTrail )\t|| ($.eventName = DeleteTrail)\n",
			"  || ($.eventName = StartLogging) || ($.eventName = StopLogging)\n}  ",
		]),
		"matches": trail_events,
		"misses": [cloudtrail("LookupEvents")],
	},
	"quoted values": {
		"pattern": concat("", [
			`{ ($.eventSource = "kms.amazonaws.com") && `,
			`(($.eventName = "DisableKey") || ($.eventName = "ScheduleKeyDeletion")) }`,
		]),
		"matches": [kms("DisableKey"), kms("ScheduleKeyDeletion")],
		"misses": [kms("EnableKey")],
	},
	"quoted value with escaped quote": {
		"pattern": `{ $.eventName = "Say\"Hi\"" }`,
		"matches": [{"eventName": `Say"Hi"`}],
		"misses": [{"eventName": "SayHi"}],
	},
	"&& binds tighter than || (eventSource = kms && DisableKey, or ScheduleKeyDeletion from anywhere)": {
		"pattern": "{ $.eventSource = kms.amazonaws.com && $.eventName = DisableKey || $.eventName = ScheduleKeyDeletion }",
		"matches": [kms("DisableKey"), kms("ScheduleKeyDeletion"), cloudtrail("ScheduleKeyDeletion")],
		"misses": [cloudtrail("DisableKey")],
	},
	"&& binds tighter than ||, the other way round": {
		"pattern": "{ $.eventName = DisableKey || $.eventName = ScheduleKeyDeletion && $.eventSource = kms.amazonaws.com }",
		"matches": [cloudtrail("DisableKey"), kms("ScheduleKeyDeletion")],
		"misses": [cloudtrail("ScheduleKeyDeletion")],
	},
	"nested parentheses": {
		"pattern": concat("", [
			"{ ((($.eventSource = s3.amazonaws.com))) && ",
			"((($.eventName = PutBucketAcl) || (($.eventName = PutBucketPolicy) || ",
			"($.eventName = PutBucketCors))) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ",
			"($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ",
			"($.eventName = DeleteBucketLifecycle) || ",
			"($.eventName = DeleteBucketReplication)) }",
		]),
		"matches": bucket_events,
		"misses": [s3("GetObject")],
	},
	"deep nesting": {
		"pattern": "{ (((((((((($.eventName = DeleteTrail)))))))))) || ((((((((($.eventName = X))))))))) }",
		"matches": [cloudtrail("DeleteTrail")],
		"misses": [cloudtrail("CreateTrail")],
	},
	"long && chain": {
		"pattern": "{ $.a = 1 && $.b = 2 && $.c = 3 && $.d = 4 && $.e = 5 && $.f = 6 }",
		"matches": [{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6"}],
		"misses": [{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "7"}],
	},
	# Wildcards and regular expressions.
	"bare wildcard value": {
		"pattern": "{ ($.eventSource = s3.amazonaws.com) && ($.eventName = Put*) }",
		"matches": [s3("PutBucketPolicy")],
		"misses": [s3("DeleteBucketPolicy")],
	},
	"quoted wildcard values": {
		"pattern": `{ ($.eventSource = "s3.*") && (($.eventName = "*Bucket*")) }`,
		"matches": [s3("DeleteBucketReplication")],
		"misses": [s3("GetObject")],
	},
	"leading wildcards": {
		"pattern": `{ $.eventSource = cloudtrail.amazonaws.com && ($.eventName = *Trail || $.eventName = *Logging) }`,
		"matches": trail_events,
		"misses": [cloudtrail("LookupEvents")],
	},
	"? is a literal, not a wildcard": {
		"pattern": "{ $.eventName = Put? }",
		"matches": [s3("Put?")],
		"misses": [s3("PutX")],
	},
	"[A-Z] is a literal, not a class": {
		"pattern": "{ $.eventName = \"Put[A-Z]*\" }",
		"matches": [s3("Put[A-Z]Acl")],
		"misses": [s3("PutBucketAcl")],
	},
	"regular expression value": {
		"pattern": "{ $.eventSource = kms.amazonaws.com && $.eventName = %^DisableKey$|^ScheduleKeyDeletion$% }",
		"matches": [kms("DisableKey"), kms("ScheduleKeyDeletion")],
		"misses": [kms("DisableKeyRotation")],
	},
	"regular expressions match part of the value": {
		"pattern": "{ $.eventName = %Trail% }",
		"matches": [cloudtrail("DeleteTrail")],
		"misses": [cloudtrail("StopLogging")],
	},
	"an anchored regular expression": {
		"pattern": "{ $.eventName = %^Trail% }",
		"matches": [cloudtrail("TrailX")],
		"misses": [cloudtrail("DeleteTrail")],
	},
	"an invalid regular expression never matches, with = or !=": {
		"pattern": "{ $.eventName = %[% || $.eventName != %[% }",
		"matches": [],
		"misses": [cloudtrail("DeleteTrail")],
	},
	# != and absent fields.
	"!=": {
		"pattern": concat("", [
			"{ $.eventSource = kms.amazonaws.com && $.eventName != EnableKey && ",
			"($.eventName = DisableKey || $.eventName = ScheduleKeyDeletion) }",
		]),
		"matches": [kms("DisableKey"), kms("ScheduleKeyDeletion")],
		"misses": [kms("EnableKey")],
	},
	"!= is false for the value": {
		"pattern": "{ $.eventName != DisableKey }",
		"matches": [kms("EnableKey")],
		"misses": [kms("DisableKey")],
	},
	"an absent field makes = false": {
		"pattern": "{ $.errorCode = AccessDenied }",
		"matches": [{"errorCode": "AccessDenied"}],
		"misses": [kms("DisableKey")],
	},
	"an absent field makes != true": {
		"pattern": "{ $.eventName = DisableKey && $.errorCode != AccessDenied }",
		"matches": [kms("DisableKey")],
		"misses": [object.union(kms("DisableKey"), {"errorCode": "AccessDenied"})],
	},
	"nested field": {
		"pattern": "{ $.userIdentity.type = Root && $.eventName = DeleteTrail }",
		"matches": [{"eventName": "DeleteTrail", "userIdentity": {"type": "Root"}}],
		"misses": [cloudtrail("DeleteTrail")],
	},
	"values are case sensitive": {
		"pattern": "{ $.eventName = deletetrail }",
		"matches": [{"eventName": "deletetrail"}],
		"misses": [cloudtrail("DeleteTrail")],
	},
	"an empty quoted value": {
		"pattern": `{ $.eventName = "" }`,
		"matches": [{"eventName": ""}],
		"misses": [{}],
	},
	"fast path: a conjunction with a nested field": {
		"pattern": "{ ($.userIdentity.type = Root) && (($.eventName = CreateTrail) || ($.eventName = DeleteTrail)) }",
		"matches": [{"eventName": "DeleteTrail", "userIdentity": {"type": "Root"}}],
		"misses": [cloudtrail("DeleteTrail")],
	},
	"fast path: a disjunction on two fields": {
		"pattern": "{ ($.eventSource = kms.amazonaws.com) || ($.eventName = DeleteTrail) }",
		"matches": [cloudtrail("DeleteTrail"), kms("EnableKey")],
		"misses": [s3("GetObject")],
	},
	# Patterns that do not catch every required event.
	"a pattern missing one event misses it": {
		"pattern": concat("", [
			"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = StartLogging) || ",
			"($.eventName = StopLogging) }",
		]),
		"matches": [cloudtrail("CreateTrail")],
		"misses": [cloudtrail("DeleteTrail")],
	},
	"a pattern restricted to the root user misses other callers": {
		"pattern": concat("", [
			"{ ($.userIdentity.type = Root) && (($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ",
			"($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging)) }",
		]),
		"matches": [{"eventName": "DeleteTrail", "userIdentity": {"type": "Root"}}],
		"misses": [cloudtrail("DeleteTrail")],
	},
	"a pattern restricted to a region misses other regions": {
		"pattern": concat("", [
			"{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) ",
			"&& ($.awsRegion = eu-west-1)}",
		]),
		"matches": [object.union(kms("DisableKey"), {"awsRegion": "eu-west-1"})],
		"misses": [kms("DisableKey")],
	},
	"the wrong event source misses": {
		"pattern": "{($.eventSource = kms.amazonaws.com) && ($.eventName = DeleteTrail)}",
		"matches": [{"eventSource": "kms.amazonaws.com", "eventName": "DeleteTrail"}],
		"misses": [cloudtrail("DeleteTrail")],
	},
}

test_pattern[note] if {
	some note, case in pattern_cases
	c := metric_filter.compile(case.pattern) # matches(pattern, e), compiled once for all of e
	every e in case.matches {
		metric_filter.matches_compiled(c, e)
	}
	every e in case.misses {
		not metric_filter.matches_compiled(c, e)
	}
}

# unparseable maps what a case shows to a pattern that must never match
# (cloudtrail("DeleteTrail"), the event every one of them names).
unparseable := {
	"empty": "",
	"empty braces": "{}",
	"a text pattern": "DeleteTrail",
	"a quoted text pattern": `"DeleteTrail"`,
	"a space-delimited pattern": "[w1, w2, eventName = DeleteTrail]",
	"no closing brace": "{ $.eventName = DeleteTrail",
	"unclosed parenthesis": "{ ($.eventName = DeleteTrail }",
	"unopened parenthesis": "{ $.eventName = DeleteTrail) }",
	"|| without a right operand": "{ $.eventName = DeleteTrail || }",
	"|| without a left operand": "{ || $.eventName = DeleteTrail }",
	"two terms without an operator": "{ $.eventName = DeleteTrail $.eventName = DeleteTrail }",
	"two groups without an operator": "{ ($.eventName = DeleteTrail)($.eventName = DeleteTrail) }",
	"&&&&": "{ $.eventName = DeleteTrail &&&& $.eventName = DeleteTrail }",
	"==": "{ $.eventName == DeleteTrail }",
	"two patterns": "{ $.eventName = DeleteTrail } { $.eventName = DeleteTrail }",
	"an unclosed quote": `{ $.eventName = "DeleteTrail }`,
	"parentheses the wrong way round": "{ $.eventName = DeleteTrail ) && ( $.eventName = DeleteTrail }",
	"two patterns joined by &&": "{ $.eventName = DeleteTrail } && { $.eventName = DeleteTrail }",
	"two patterns joined by ||": "{ $.eventName = DeleteTrail } || { $.eventName = DeleteTrail }",
	"NOT EXISTS": "{ $.eventName = DeleteTrail && $.errorCode NOT EXISTS }",
	"a numeric comparison": "{ $.eventName = DeleteTrail || $.count > 5 }",
	"IS NULL": "{ $.eventName = DeleteTrail && $.errorCode IS NULL }",
	"a control character": "{ $.eventName = DeleteTrail || \u0001 }",
}

test_unparseable_pattern_never_matches[note] if {
	some note, pattern in unparseable
	not matches(pattern, cloudtrail("DeleteTrail"))
}

test_non_string_field_values_do_not_match if {
	not matches("{ $.eventName = 1 }", {"eventName": 1})
	not matches("{ $.userIdentity = Root }", {"userIdentity": {"type": "Root"}})
}

test_substitute_shows_the_reduced_form if {
	substitute("{ ($.eventName = A) || ($.eventName = B) }", {"eventName": "A"}) == "{(true)||(false)}"
	substitute("{ $.x > 1 }", {}) == "{?????}"
}

# --- The fast path (clauses of exact terms) agrees with the general reduction ---

general(pattern) := {
	"ok": true,
	"body": metric_filter._body(regex.replace(pattern, metric_filter._term_re, metric_filter._term_token)),
	"inexact": metric_filter._inexact(pattern),
}

verdict(c, e) if metric_filter.matches_compiled(c, e)

else := false

cnf_patterns := [
	pattern_cases["CIS CloudTrail changes pattern matches every trail change"].pattern,
	"{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}",
	pattern_cases["quoted values"].pattern,
	"{ $.eventSource = kms.amazonaws.com && $.eventName = DisableKey }",
	"{ ($.userIdentity.type = Root) && (($.eventName = CreateTrail) || ($.eventName = DeleteTrail)) }",
	"{ ($.eventSource = kms.amazonaws.com) || ($.eventName = DeleteTrail) }",
	"{ ((($.eventName = DeleteTrail))) }",
	`{ $.eventName = "" }`,
]

cnf_events := array.concat(array.concat(trail_events, bucket_events), [
	kms("DisableKey"), kms("EnableKey"), kms("ScheduleKeyDeletion"), cloudtrail("DisableKey"),
	{"eventName": "DeleteTrail", "userIdentity": {"type": "Root"}}, {"eventName": ""}, {},
])

test_common_patterns_take_the_fast_path if {
	every p in cnf_patterns {
		count(metric_filter.compile(p).clauses) > 0
	}
	not metric_filter.compile("{ $.eventName = Put* }").clauses
	not metric_filter.compile("{ $.eventName != X }").clauses
	not metric_filter.compile("{ ($.a = 1 || $.b = 2) && ($.c = 3) || $.d = 4 }").clauses
}

test_fast_path_agrees_with_general_reduction if {
	every p in cnf_patterns {
		every e in cnf_events {
			verdict(metric_filter.compile(p), e) == verdict(general(p), e)
		}
	}
}

test_very_deep_nesting_in_the_general_reduction if {
	open := concat("", ["(" | some _ in numbers.range(1, 33)])
	close := concat("", [")" | some _ in numbers.range(1, 33)])
	p := concat("", ["{ ", open, "$.eventName = Delete* && $.eventSource = cloudtrail.amazonaws.com", close, " }"])
	matches(p, cloudtrail("DeleteTrail"))
	not matches(p, s3("DeleteTrail"))
}

# --- Patterns with inexact terms skip the event's keys only when none is read ---

# (The CIS unauthorized API calls pattern: every term is judged one by one.)
cis_unauthorized := concat("", [
	`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && `,
	`($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`,
])

inexact_patterns := array.concat(
	[case.pattern | some case in pattern_cases; metric_filter.compile(case.pattern).inexact != []],
	[
		cis_unauthorized,
		`{ $.eventName = "DisableKey" && $.eventSource != "s3.amazonaws.com" }`,
		`{ $.eventName = "DisableKey" || $.eventName = Disable* }`,
		`{ ($.eventName = DisableKey) && ($.eventSource = "kms.*") }`,
	],
)

inexact_events := array.concat(cnf_events, [
	{"errorCode": "AccessDenied", "eventName": "DisableKey", "sourceIPAddress": "1.2.3.4"},
	{"errorCode": "Client.UnauthorizedOperation", "eventName": "HeadBucket"},
	{"errorCode": "AccessDeniedException", "sourceIPAddress": "delivery.logs.amazonaws.com"},
])

test_inexact_patterns_agree_with_reading_every_key if {
	# Both kinds are among them.
	some p in inexact_patterns
	metric_filter.compile(p).keyed == false
	some q in inexact_patterns
	metric_filter.compile(q).keyed == true

	every pattern in inexact_patterns {
		every e in inexact_events {
			verdict(metric_filter.compile(pattern), e) == verdict(general(pattern), e)
		}
	}
	matches(cis_unauthorized, {"errorCode": "AccessDenied", "eventName": "DisableKey", "sourceIPAddress": "1.2.3.4"})
	not matches(cis_unauthorized, {"errorCode": "AccessDenied", "eventName": "HeadBucket"})
}

# --- matches_none never rules out an event that matches ---

cis_console_without_mfa := `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`

none_patterns := array.concat(inexact_patterns, [
	cis_console_without_mfa,
	"{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != Yes) }",
	"{ $.eventName = Put* }",
	"{ $.eventName != X && $.errorCode != AccessDenied }",
	"{ ($.eventName = Put* && $.errorCode != AccessDenied) || $.errorCode = *Denied }",
	"{ $.errorCode = *Denied && ($.eventSource = s3.* || $.eventName = Delete*) }",
	"{ $.eventName.x != A && $.eventSource = %^kms% }",
	"{ $.requestParameters.name = Put* || $.eventName = %Trail$% }",
	`{ $.eventName = "DeleteTrail" && $.errorCode != AccessDenied }`,
	`{ $.eventName = "DeleteTrail" || $.eventName = "X" && $.eventSource = "s3.*" }`,
	`{ $.eventName = DeleteTrail && $.eventSource != "s3.amazonaws.com" }`,
	`{ ((($.eventName = DeleteTrail)))) || $.eventSource = X }`,
	`{ ((((((((((($.eventName = DeleteTrail))))))))))) || $.eventName = "DisableKey" }`,
])

# The events with no field but an eventSource and an eventName, and the
# values they have there.
source_and_name_events := [e |
	some e in array.concat(cnf_events, [
		kms("DisableKey"), cloudtrail("PutBucketAcl"), s3("HeadBucket"),
		{"eventSource": "s3.amazonaws.com"}, {"eventName": "DeleteTrail"}, {"eventName": "ConsoleLogin"},
	])
	object.keys(e) - {"eventSource", "eventName"} == set()
]

columns_of(events) := {field: {e[field] | some e in events; e[field]} | some field in {"eventSource", "eventName"}}

test_matches_none_rules_out_only_events_that_miss if {
	columns := columns_of(source_and_name_events)
	every pattern in none_patterns {
		c := metric_filter.compile(pattern)
		every e in source_and_name_events {
			[none_says(c, columns), verdict(c, e)] != [true, true]
		}
	}

	# It rules out patterns that need another field or value, and not the others.
	trail_columns := columns_of(trail_events)
	metric_filter.matches_none(metric_filter.compile(cis_unauthorized), trail_columns)
	metric_filter.matches_none(metric_filter.compile(cis_console_without_mfa), trail_columns)
	metric_filter.matches_none(
		metric_filter.compile("{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != Yes) }"),
		trail_columns,
	)
	metric_filter.matches_none(
		metric_filter.compile("{ $.errorCode = *Denied && ($.eventSource = s3.* || $.eventName = Delete*) }"),
		trail_columns,
	)
	not metric_filter.matches_none(metric_filter.compile("{ $.eventName = *Trail || $.x = 1 }"), trail_columns)
	not metric_filter.matches_none(
		metric_filter.compile("{ $.eventName != X && $.errorCode != AccessDenied }"),
		trail_columns,
	)
	not metric_filter.matches_none(
		metric_filter.compile(`{ $.eventName = "DeleteTrail" && $.errorCode != AccessDenied }`),
		trail_columns,
	)
	not metric_filter.matches_none(
		metric_filter.compile(`{ ((((((((((($.eventName = DeleteTrail))))))))))) || $.eventName = "DisableKey" }`),
		trail_columns,
	)

	# (A field of columns holds a string: nothing is found below it.)
	metric_filter.matches_none(
		metric_filter.compile("{ $.requestParameters.name = Put* }"),
		{"requestParameters": {"PutX"}},
	)
	not metric_filter.matches_none(
		metric_filter.compile("{ $.requestParameters = Put* }"),
		{"requestParameters": {"PutX"}},
	)

	# Conjunctions of clauses are not decided.
	not metric_filter.matches_none(metric_filter.compile("{ $.eventName = ConsoleLogin }"), trail_columns)
}

none_says(c, columns) if metric_filter.matches_none(c, columns)

else := false
