package trailguard.lib.metric_filter_test

import data.trailguard.lib.metric_filter.matches
import data.trailguard.lib.metric_filter.substitute

import data.trailguard.lib.metric_filter

kms(name) := {"eventSource": "kms.amazonaws.com", "eventName": name}

cloudtrail(name) := {"eventSource": "cloudtrail.amazonaws.com", "eventName": name}

s3(name) := {"eventSource": "s3.amazonaws.com", "eventName": name}

trail_events := [cloudtrail(n) | some n in ["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"]]

bucket_events := [s3(n) | some n in [
	"PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
	"DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication",
]]

matches_all(pattern, events) if {
	every e in events {
		matches(pattern, e)
	}
}

# --- The CIS benchmark patterns, exactly as the benchmark prints them ---

test_cis_cloudtrail_changes_pattern_matches_every_trail_change if {
	matches_all(
		"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
		trail_events,
	)
}

test_cis_kms_pattern_matches_disable_and_schedule_deletion if {
	p := "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}"
	matches_all(p, [kms("DisableKey"), kms("ScheduleKeyDeletion")])
	not matches(p, kms("EnableKey"))
	not matches(p, cloudtrail("DisableKey"))
}

test_cis_bucket_policy_pattern_matches_every_bucket_change if {
	matches_all(
		"{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
		bucket_events,
	)
}

# --- Other spellings with the same meaning ---

test_terms_in_any_order if {
	matches_all(
		"{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = UpdateTrail) || ($.eventName = CreateTrail) }",
		trail_events,
	)
	p := "{(($.eventName=ScheduleKeyDeletion)||($.eventName=DisableKey)) && ($.eventSource=kms.amazonaws.com)}"
	matches_all(p, [kms("DisableKey"), kms("ScheduleKeyDeletion")])
}

test_without_parentheses_and_spaces if {
	matches_all("{$.eventName=CreateTrail||$.eventName=UpdateTrail||$.eventName=DeleteTrail||$.eventName=StartLogging||$.eventName=StopLogging}", trail_events)
}

test_with_extra_whitespace_and_newlines if {
	matches_all(
		"  {\n  ( $.eventName  =  CreateTrail )\n  || ( $.eventName = UpdateTrail )\t|| ($.eventName = DeleteTrail)\n  || ($.eventName = StartLogging) || ($.eventName = StopLogging)\n}  ",
		trail_events,
	)
}

test_quoted_values if {
	p := `{ ($.eventSource = "kms.amazonaws.com") && (($.eventName = "DisableKey") || ($.eventName = "ScheduleKeyDeletion")) }`
	matches_all(p, [kms("DisableKey"), kms("ScheduleKeyDeletion")])
}

test_quoted_value_with_escaped_quote if {
	matches(`{ $.eventName = "Say\"Hi\"" }`, {"eventName": `Say"Hi"`})
}

test_and_binds_tighter_than_or_without_parentheses if {
	# eventSource = kms && eventName = DisableKey, or eventName = ScheduleKeyDeletion from anywhere
	p := "{ $.eventSource = kms.amazonaws.com && $.eventName = DisableKey || $.eventName = ScheduleKeyDeletion }"
	matches_all(p, [kms("DisableKey"), kms("ScheduleKeyDeletion"), cloudtrail("ScheduleKeyDeletion")])
	not matches(p, cloudtrail("DisableKey"))
}

test_and_before_or_the_other_way_round if {
	p := "{ $.eventName = DisableKey || $.eventName = ScheduleKeyDeletion && $.eventSource = kms.amazonaws.com }"
	matches(p, cloudtrail("DisableKey"))
	matches(p, kms("ScheduleKeyDeletion"))
	not matches(p, cloudtrail("ScheduleKeyDeletion"))
}

test_nested_parentheses if {
	p := "{ ((($.eventSource = s3.amazonaws.com))) && ((($.eventName = PutBucketAcl) || (($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors))) || ($.eventName = PutBucketLifecycle || $.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }"
	matches_all(p, bucket_events)
	not matches(p, s3("GetObject"))
}

test_long_and_chain if {
	matches("{ $.a = 1 && $.b = 2 && $.c = 3 && $.d = 4 && $.e = 5 && $.f = 6 }", {"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6"})
	not matches("{ $.a = 1 && $.b = 2 && $.c = 3 && $.d = 4 && $.e = 5 && $.f = 6 }", {"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "7"})
}

# --- Wildcards and regular expressions ---

test_wildcard_values if {
	matches("{ ($.eventSource = s3.amazonaws.com) && ($.eventName = Put*) }", s3("PutBucketPolicy"))
	matches(`{ ($.eventSource = "s3.*") && (($.eventName = "*Bucket*")) }`, s3("DeleteBucketReplication"))
	matches_all(`{ $.eventSource = cloudtrail.amazonaws.com && ($.eventName = *Trail || $.eventName = *Logging) }`, trail_events)
	not matches("{ $.eventName = Put* }", s3("DeleteBucketPolicy"))
}

test_wildcard_is_the_only_special_character if {
	not matches("{ $.eventName = Put? }", s3("PutX"))
	matches("{ $.eventName = Put? }", s3("Put?"))
	not matches("{ $.eventName = \"Put[A-Z]*\" }", s3("PutBucketAcl"))
}

test_regex_values if {
	matches_all("{ $.eventSource = kms.amazonaws.com && $.eventName = %^DisableKey$|^ScheduleKeyDeletion$% }", [kms("DisableKey"), kms("ScheduleKeyDeletion")])
	matches("{ $.eventName = %Trail% }", cloudtrail("DeleteTrail"))
	not matches("{ $.eventName = %^Trail% }", cloudtrail("DeleteTrail"))
}

test_invalid_regex_never_matches if {
	not matches("{ $.eventName = %[% }", cloudtrail("DeleteTrail"))
	not matches("{ $.eventName != %[% }", cloudtrail("DeleteTrail"))
}

# --- != and absent fields ---

test_not_equal if {
	p := "{ $.eventSource = kms.amazonaws.com && $.eventName != EnableKey && ($.eventName = DisableKey || $.eventName = ScheduleKeyDeletion) }"
	matches_all(p, [kms("DisableKey"), kms("ScheduleKeyDeletion")])
	not matches("{ $.eventName != DisableKey }", kms("DisableKey"))
}

test_absent_field_equal_is_false_not_equal_is_true if {
	not matches("{ $.errorCode = AccessDenied }", kms("DisableKey"))
	matches("{ $.eventName = DisableKey && $.errorCode != AccessDenied }", kms("DisableKey"))
}

test_nested_field if {
	p := "{ $.userIdentity.type = Root && $.eventName = DeleteTrail }"
	matches(p, {"eventName": "DeleteTrail", "userIdentity": {"type": "Root"}})
	not matches(p, cloudtrail("DeleteTrail"))
}

test_values_are_case_sensitive if {
	not matches("{ $.eventName = deletetrail }", cloudtrail("DeleteTrail"))
}

# --- Patterns that do not catch every required event ---

test_pattern_missing_one_event_misses_it if {
	p := "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"
	not matches(p, cloudtrail("DeleteTrail"))
	not matches_all(p, trail_events)
}

test_pattern_restricted_by_extra_condition_misses_plain_event if {
	p := "{ ($.userIdentity.type = Root) && (($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging)) }"
	not matches(p, cloudtrail("DeleteTrail"))
	p2 := "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) && ($.awsRegion = eu-west-1)}"
	not matches(p2, kms("DisableKey"))
}

test_wrong_event_source_misses if {
	not matches("{($.eventSource = kms.amazonaws.com) && ($.eventName = DeleteTrail)}", cloudtrail("DeleteTrail"))
}

# --- Anything unparseable never matches ---

test_unparseable_patterns_never_match if {
	e := cloudtrail("DeleteTrail")
	not matches("", e)
	not matches("{}", e)
	not matches("DeleteTrail", e)
	not matches(`"DeleteTrail"`, e)
	not matches("[w1, w2, eventName = DeleteTrail]", e)
	not matches("{ $.eventName = DeleteTrail", e)
	not matches("{ ($.eventName = DeleteTrail }", e)
	not matches("{ $.eventName = DeleteTrail) }", e)
	not matches("{ $.eventName = DeleteTrail || }", e)
	not matches("{ || $.eventName = DeleteTrail }", e)
	not matches("{ $.eventName = DeleteTrail $.eventName = DeleteTrail }", e)
	not matches("{ ($.eventName = DeleteTrail)($.eventName = DeleteTrail) }", e)
	not matches("{ $.eventName = DeleteTrail &&&& $.eventName = DeleteTrail }", e)
	not matches("{ $.eventName == DeleteTrail }", e)
	not matches("{ $.eventName = DeleteTrail } { $.eventName = DeleteTrail }", e)
	not matches(`{ $.eventName = "DeleteTrail }`, e)
	not matches("{ $.eventName = DeleteTrail ) && ( $.eventName = DeleteTrail }", e)
	not matches("{ $.eventName = DeleteTrail } && { $.eventName = DeleteTrail }", e)
	not matches("{ $.eventName = DeleteTrail } || { $.eventName = DeleteTrail }", e)
}

test_unsupported_operators_never_match if {
	e := cloudtrail("DeleteTrail")
	not matches("{ $.eventName = DeleteTrail && $.errorCode NOT EXISTS }", e)
	not matches("{ $.eventName = DeleteTrail || $.count > 5 }", e)
	not matches("{ $.eventName = DeleteTrail && $.errorCode IS NULL }", e)
}

test_non_string_field_values_do_not_match if {
	not matches("{ $.eventName = 1 }", {"eventName": 1})
	not matches("{ $.userIdentity = Root }", {"userIdentity": {"type": "Root"}})
}

test_substitute_shows_the_reduced_form if {
	substitute("{ ($.eventName = A) || ($.eventName = B) }", {"eventName": "A"}) == "{(true)||(false)}"
	substitute("{ $.x > 1 }", {}) == "{?????}"
}

test_deep_nesting if {
	p := "{ (((((((((($.eventName = DeleteTrail)))))))))) || ((((((((($.eventName = X))))))))) }"
	matches(p, cloudtrail("DeleteTrail"))
	not matches(p, cloudtrail("CreateTrail"))
}

# --- The fast path (clauses of exact terms) agrees with the general reduction ---

general(pattern) := {"ok": true, "body": metric_filter._body(regex.replace(pattern, metric_filter._term_re, metric_filter._term_token)), "inexact": metric_filter._inexact(pattern)}

verdict(c, e) if metric_filter.matches_compiled(c, e)

else := false

cnf_patterns := [
	"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
	"{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}",
	`{ ($.eventSource = "kms.amazonaws.com") && (($.eventName = "DisableKey") || ($.eventName = "ScheduleKeyDeletion")) }`,
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

test_some_fast_path_matches_are_true if {
	matches("{ ($.userIdentity.type = Root) && (($.eventName = CreateTrail) || ($.eventName = DeleteTrail)) }", {"eventName": "DeleteTrail", "userIdentity": {"type": "Root"}})
	matches("{ ($.eventSource = kms.amazonaws.com) || ($.eventName = DeleteTrail) }", cloudtrail("DeleteTrail"))
	matches(`{ $.eventName = "" }`, {"eventName": ""})
	not matches(`{ $.eventName = "" }`, {})
}

test_control_characters_are_never_parsed if {
	not matches("{ $.eventName = DeleteTrail || \u0001 }", cloudtrail("DeleteTrail"))
}

test_very_deep_nesting_in_the_general_reduction if {
	open := concat("", ["(" | some _ in numbers.range(1, 33)])
	close := concat("", [")" | some _ in numbers.range(1, 33)])
	p := concat("", ["{ ", open, "$.eventName = Delete* && $.eventSource = cloudtrail.amazonaws.com", close, " }"])
	matches(p, cloudtrail("DeleteTrail"))
	not matches(p, s3("DeleteTrail"))
}

# _cnf_re is a literal for speed: it must stay equal to the composition of its parts.
test_cnf_re_matches_its_composition if {
	metric_filter._cnf_re == metric_filter._cnf_re_composed
}
