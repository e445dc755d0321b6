# METADATA
# title: CloudWatch alarm chains on CloudTrail events
# description: |
#   Shared logic of the CIS "ensure a log metric filter and alarm exist for ..."
#   checks. An account is alerted to a kind of change when one chain is complete:
#
#     logging, multi-region trail that records the required events (write
#     management events of their source, not excluded by its classic or
#     advanced event selectors: a metric filter only sees what the trail
#     delivers) -> its CloudWatch Logs group -> a metric filter whose pattern
#     matches EVERY required event (by meaning, see lib/metric_filter) -> an
#     alarm with actions enabled on one of the filter's metrics (same region,
#     namespace and metric name) that a single matching event makes fire (its
#     statistic over one period of the filter's metric value crosses its
#     threshold, and one breaching period is enough) -> an SNS topic with at
#     least one confirmed subscription.
#
#   finding(kind) returns the account-level finding for one kind of change
#   (a key of `requirements`): PASS when some chain is complete, UNKNOWN when
#   none is but a link could not be read, FAIL otherwise, naming the missing link.
# schemas:
#   - input: schema.snapshot
package trailguard.lib.alarms

import data.trailguard.lib.metric_filter
import data.trailguard.lib.result
import data.trailguard.lib.selectors
import data.trailguard.lib.snapshot
import data.trailguard.lib.text

# requirements lists, per kind of change, the CloudTrail events (eventSource,
# eventName) a metric filter must catch.
requirements := {
	"cloudtrail_changes": {
		"label": "CloudTrail configuration changes",
		"source": "cloudtrail.amazonaws.com",
		"names": ["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"],
	},
	"kms_key_deletion": {
		"label": "disabling or scheduled deletion of customer managed KMS keys",
		"source": "kms.amazonaws.com",
		"names": ["DisableKey", "ScheduleKeyDeletion"],
	},
	"bucket_policy_changes": {
		"label": "S3 bucket policy changes",
		"source": "s3.amazonaws.com",
		"names": [
			"PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
			"DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication",
		],
	},
}

# events(kind) are the CloudTrail events of requirements[kind].
events(kind) := [{"eventSource": requirements[kind].source, "eventName": name} | some name in requirements[kind].names]

# _columns[kind][path] is the set of values of the required events at path.
# (A literal, kept equal to `requirements` by a test: as a comprehension it
# would be rebuilt at every evaluation.)
_columns := {
	"cloudtrail_changes": {
		["eventSource"]: {"cloudtrail.amazonaws.com"},
		["eventName"]: {"CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"},
	},
	"kms_key_deletion": {
		["eventSource"]: {"kms.amazonaws.com"},
		["eventName"]: {"DisableKey", "ScheduleKeyDeletion"},
	},
	"bucket_policy_changes": {
		["eventSource"]: {"s3.amazonaws.com"},
		["eventName"]: {
			"PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
			"DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication",
		},
	},
}

# _column_paths are the paths of every column of _columns: the required events
# of every kind have an eventSource and an eventName (a test checks it).
_column_paths := {["eventSource"], ["eventName"]}

# _all_columns[field] are the values of the required events of every kind at
# field. (A literal, kept equal to _columns by a test: as a comprehension it
# would be rebuilt at every evaluation.)
_all_columns := {
	"eventSource": {"cloudtrail.amazonaws.com", "kms.amazonaws.com", "s3.amazonaws.com"},
	"eventName": {
		"CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging",
		"DisableKey", "ScheduleKeyDeletion",
		"PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
		"DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication",
	},
}

# _columns_by_paths[paths][kind] is object.filter(_columns[kind], paths), for
# every non-empty set of paths of _column_paths. (A literal, kept equal to that
# by a test: _kinds_covered looks it up for every pattern and kind.)
_columns_by_paths := {
	{["eventSource"]}: {
		"cloudtrail_changes": {["eventSource"]: {"cloudtrail.amazonaws.com"}},
		"kms_key_deletion": {["eventSource"]: {"kms.amazonaws.com"}},
		"bucket_policy_changes": {["eventSource"]: {"s3.amazonaws.com"}},
	},
	{["eventName"]}: {
		"cloudtrail_changes": {["eventName"]: {"CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"}},
		"kms_key_deletion": {["eventName"]: {"DisableKey", "ScheduleKeyDeletion"}},
		"bucket_policy_changes": {["eventName"]: {
			"PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
			"DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication",
		}},
	},
	{["eventSource"], ["eventName"]}: _columns,
}

# Every distinct metric filter pattern of the snapshot is compiled once,
# however many log groups share it (metric_filter.compile is called with each
# pattern: OPA computes a function once per argument within an evaluation).
_patterns contains f.pattern if {
	some lg in input.log_groups
	some f in lg.metric_filters
}

# _covering[pattern] is the set of kinds whose required events pattern all
# matches (absent for patterns that cover none). A clause of one path (see
# metric_filter.compile) holds for every required event when it lists every
# value the events have at that path; a path the events lack holds for none
# of them. So a pattern whose clauses each read one path covers kind when, at
# each of its paths, the values every clause on that path allow include the
# column of kind: one object.subset per kind, no iteration over the clauses
# per kind. Other patterns are matched against each required event in turn.
# (A map looked up by pattern: the chains look up each filter's pattern once.)
_covering := {p: kinds |
	some p in _patterns
	kinds := _kinds_covered(metric_filter.compile(p))
	count(kinds) > 0
}

# (The columns restricted to the pattern's paths are looked up in
# _columns_by_paths: a pattern reading no path, or one the events lack, finds
# nothing there and covers nothing. Other patterns are first asked whether
# any event with the fields and values of the required events could match them
# (metric_filter.matches_none: the CIS unauthorized API calls pattern, which
# needs an errorCode, cannot; nor can the CIS console sign-in without MFA
# pattern, which needs eventName ConsoleLogin); those that could are tried on the events of
# events(kind) one at a time, each built only when the pattern matched the
# ones before it.)
_kinds_covered(c) := {kind |
	some kind, columns in object.get(_columns_by_paths, object.keys(c.allowed), {})
	object.subset(c.allowed, columns)
} if {
	c.single_paths == true
} else := set() if {
	metric_filter.matches_none(c, _all_columns)
} else := {kind |
	c.ok
	some kind, req in requirements
	every name in req.names {
		metric_filter.matches_compiled(c, {"eventSource": req.source, "eventName": name})
	}
}

# _covers contains [pattern, kind] when pattern matches every event of
# requirements[kind] (see _covering).
_covers contains [p, kind] if {
	some p, kinds in _covering
	some kind in kinds
}

# _alarms_by_metric[[region, namespace, metric name]] is the set of ARNs of the
# alarms on that metric (metrics are regional: an alarm in another region
# watches another metric).
_alarms_by_metric_rule[[_region(arn), alarm.namespace, alarm.metric_name]] contains arn if {
	some arn, alarm in input.alarms
}

# (complete rules: evaluated once, then looked up)
_alarms_by_metric := _alarms_by_metric_rule

_region(arn) := r if {
	r := split(arn, ":")[3]
} else := ""

_pass(msg) := {"status": "PASS", "message": msg}

_fail(msg) := {"status": "FAIL", "message": msg}

_unknown(msg) := {"status": "UNKNOWN", "message": msg}

# finding(kind) is the account-level finding for requirements[kind]. The
# common case, some complete chain, is found by _passes (computed once for
# all kinds); the link-by-link verdicts are only worked out otherwise.
finding(kind) := result.pass(input.account_id, "", msg) if {
	msg := _passes[kind]
} else := _finding(requirements[kind], _verdicts(kind))

# _passes[kind] is the message of the PASS finding built from the (sorted) PASS
# messages of _verdicts(kind), one per trail with a complete chain; kinds
# without any are absent. Same links, same messages as _trail_verdict and
# _finding, computed for all kinds at once.
_passes := {kind: sprintf("an alarm notifies subscribers of %s: %s", [req.label, _summary(msgs)]) |
	some kind, req in requirements
	msgs := sort([msg |
		some [arn, key] in _chain_starts
		_records(input.trails[arn], kind)
		msg := sprintf("trail %s: %s", [arn, _chains[[key, kind]]])
	])
	count(msgs) > 0
}

# _records(trail, kind) is true when the trail records the events of kind
# (selectors.write_events_gap is ""). (Usual case first, a trail that records
# every write management event, decided without building the events.)
_records(trail, kind) if {
	selectors.records_all_write_management_events(trail)
} else if {
	selectors.write_events_gap(trail, events(kind)) == ""
}

# _chain_starts are the [trail ARN, log group key] of the logging,
# multi-region trails whose log group and metric filters were read.
_chain_starts contains [arn, key] if {
	some arn, trail in input.trails
	lga := trail.cloudwatch_logs_log_group_arn
	not lga in {null, ""}
	trail.status.is_logging == true
	trail.is_multi_region == true
	key := snapshot.log_group_key(lga)
	lg := input.log_groups[key]
	not lg.exists == false
	is_array(lg.metric_filters)
}

# _chains[[key, kind]] is the first complete chain from log group key
# (the message of _topic_verdict's PASS), for each kind that has one.
# (_filter_metrics(filters) inlined: metrics.)
# (Every chain of a log group and kind starts with the same "log group ... ->
# filter ... -> ", so the first chain ends with the least of their ends, which
# are computed once per metric in _chain_ends.)
_chains := {[key, kind]: sprintf("log group %s -> filter %s -> %s", [key, link[0], min(link[1])]) |
	some key in {k | some [_, k] in _chain_starts}
	region := _region(key)
	some kind, filters in _covering_filters(input.log_groups[key].metric_filters)
	link := _link(region, filters)
	count(link[1]) > 0
}

# _link(region, filters) is [metrics, ends]: the metrics of filters as messages
# name them, and the ends (see _chain_ends) of the chains through them.
# (Usual case first, one filter with one metric: no iteration.)
_link(region, filters) := [sprintf("'%s' (%s/%s)", [f.name, t.metric_namespace, t.metric_name]), ends] if {
	[f] := filters
	[t] := f.metric_transformations
	ends := {end | some [end, arn] in _chain_ends[[region, t.metric_namespace, t.metric_name]]; _fires(arn, t)}
} else := [metrics, ends] if {
	ends := {end |
		some f in filters
		some t in object.get(f, "metric_transformations", [])
		some [end, arn] in _chain_ends[[region, t.metric_namespace, t.metric_name]]
		_fires(arn, t)
	}
	metrics := concat(", ", sort([sprintf("'%s' (%s/%s)", [f.name, t.metric_namespace, t.metric_name]) |
		some f in filters
		some t in object.get(f, "metric_transformations", [])
	]))
}

# _covering_filters(filters) maps each kind to the filters (of one log group)
# whose pattern covers it, in their order. (Usual case, each kind covered by one
# filter: one pass over the filters, the one-filter groups merged; otherwise
# grouped kind by kind.)
_covering_filters(filters) := merged if {
	groups := [{kind: [f]} | some f in filters; some kind in _covering[f.pattern]]
	merged := object.union_n(groups)
	count(merged) == count(groups)
} else := {kind: [f | some f in filters; _covering[f.pattern][kind]] |
	some kind in {k | some f in filters; some k in _covering[f.pattern]}
}

# _chain_ends[[region, namespace, metric name]] are the [end, alarm ARN] of the
# chains through the alarms on that metric (those with actions enabled,
# notifying a topic with confirmed subscriptions), end reading "alarm ... -> SNS
# topic ... (n confirmed subscription(s))". Whether the alarm fires on one event
# depends on the filter's metric value too: _link checks it (_fires). (One pass
# over the alarms, grouped by metric as they go: every alarm is on one metric.)
_chain_ends_rule[[_region(arn), alarm.namespace, alarm.metric_name]] contains end if {
	some arn, alarm in input.alarms
	alarm.actions_enabled == true
	some topic in object.get(alarm, "alarm_actions", [])
	split(topic, ":")[2] == "sns"
	n := _confirmed_count[topic]
	end := [sprintf("alarm %s -> SNS topic %s (%d confirmed subscription(s))", [arn, topic, n]), arn]
}

# (complete rules: evaluated once, then looked up)
_chain_ends := _chain_ends_rule

# _confirmed_count[topic] is the number of confirmed subscriptions of topic, when some.
_confirmed_count := {topic: n |
	some topic, t in input.sns_topics
	n := count(_confirmed(topic))
	n > 0
}

_verdicts(kind) := {v |
	some arn, trail in input.trails
	snapshot.has_value(trail, "cloudwatch_logs_log_group_arn")
	v := _trail_verdict(arn, trail, kind)
}

_messages(verdicts, status) := sort([v.message | some v in verdicts; v.status == status])

_finding(req, verdicts) := result.pass(input.account_id, "", sprintf(
	"an alarm notifies subscribers of %s: %s",
	[req.label, _summary(passes)],
)) if {
	passes := _messages(verdicts, "PASS")
	count(passes) > 0
} else := result.unknown(input.account_id, "", sprintf(
	"no complete alarm chain for %s was found, and part of the data needed was not collected: %s",
	[req.label, _summary(unknowns)],
)) if {
	unknowns := _messages(verdicts, "UNKNOWN")
	count(unknowns) > 0
} else := result.fail(input.account_id, "", sprintf(
	"no alarm notifies anyone of %s: %s",
	[req.label, _summary(_messages(verdicts, "FAIL"))],
)) if {
	count(verdicts) > 0
} else := result.fail(input.account_id, "", sprintf(
	"no alarm notifies anyone of %s: no trail sends its events to CloudWatch Logs",
	[req.label],
))

# _summary joins at most 5 messages, so that 10,000 trails do not make a 10,000-line finding.
# (Usual case first, one message: it is its own summary.)
_summary(msgs) := msgs[0] if {
	count(msgs) == 1
} else := text.first(msgs, 5)

# --- Link 1: the trail ---

_trail_verdict(arn, trail, kind) := _unknown(snapshot.missing("the logging status", arn)) if {
	not is_boolean(object.get(trail, ["status", "is_logging"], null))
} else := _fail(sprintf("trail %s is not logging", [arn])) if {
	trail.status.is_logging == false
} else := _unknown(snapshot.missing("the multi-region setting", arn)) if {
	not is_boolean(object.get(trail, "is_multi_region", null))
} else := _fail(sprintf("trail %s is single-region: events of other regions never reach its log group", [arn])) if {
	trail.is_multi_region == false
} else := _unknown(snapshot.missing("the event selectors", arn)) if {
	not selectors.selectors_known(trail)
} else := _fail(sprintf(
	"trail %s does not record the events of %s: %s, so no metric filter on its log group can match them",
	[arn, requirements[kind].label, gap],
)) if {
	gap := selectors.write_events_gap(trail, events(kind))
	gap != ""
} else := _prefixed(
	sprintf("trail %s", [arn]),
	_log_group_verdict(snapshot.log_group_key(trail.cloudwatch_logs_log_group_arn), kind),
)

_prefixed(prefix, verdict) := {"status": verdict.status, "message": sprintf("%s: %s", [prefix, verdict.message])}

# --- Link 2: the log group and its metric filters ---

_log_group_verdict(key, kind) := _unknown(snapshot.missing("the metric filters", key)) if {
	not input.log_groups[key]
} else := _fail(sprintf("log group %s does not exist", [key])) if {
	input.log_groups[key].exists == false
} else := _unknown(snapshot.missing("the metric filters", key)) if {
	not is_array(object.get(input.log_groups[key], "metric_filters", null))
} else := _filters_verdict(key, kind, _filters(input.log_groups[key], kind))

# (each link's data is computed once and handed on to the next link)
_filters_verdict(key, kind, filters) := _fail(sprintf(
	"no metric filter on log group %s matches all of %s%s",
	[key, concat(", ", requirements[kind].names), _partial(input.log_groups[key], kind)],
)) if {
	count(filters) == 0
} else := _alarm_verdict(key, filters)

# _filters(lg, kind) are the metric filters of lg that match every required event.
_filters(lg, kind) := [f |
	some f in lg.metric_filters
	[f.pattern, kind] in _covers
]

_names(events) := concat(", ", [e.eventName | some e in events])

# _partial explains which events the filters that catch some of them miss.
_partial(lg, kind) := "" if {
	count(_misses(lg, kind)) == 0
} else := sprintf(" (%s)", [concat("; ", _misses(lg, kind))])

_misses(lg, kind) := sort([sprintf("filter '%s' misses %s", [f.name, _names(missed)]) |
	some f in lg.metric_filters
	missed := [e | some e in events(kind); not metric_filter.matches_compiled(metric_filter.compile(f.pattern), e)]
	count(missed) < count(requirements[kind].names)
])

# --- Link 3: the alarms on the filters' metrics ---

_alarm_verdict(key, filters) := _unknown(snapshot.missing("the CloudWatch alarms", key)) if {
	not input.alarms
} else := _watching_verdict(key, _filter_metrics(filters), _watching(key, filters))

_watching_verdict(key, metrics, watching) := _fail(sprintf(
	"no CloudWatch alarm watches the metric of filter %s on log group %s",
	[metrics, key],
)) if {
	count(watching) == 0
} else := _usable_verdict(key, metrics, watching, _usable(watching))

_usable_verdict(key, metrics, watching, usable) := _unknown(sprintf(
	"no alarm on the metric of filter %s is known to notify an SNS topic on a single matching event: %s",
	[metrics, concat("; ", undecided)],
)) if {
	count(usable) == 0
	undecided := _undecided(watching)
	count(undecided) > 0
} else := _fail(sprintf(
	"no alarm on the metric of filter %s notifies an SNS topic on a single matching event: %s",
	[metrics, concat("; ", _unusable(watching))],
)) if {
	count(usable) == 0
} else := _topic_verdict(key, metrics, usable)

_filter_metrics(filters) := concat(", ", sort([sprintf("'%s' (%s/%s)", [f.name, t.metric_namespace, t.metric_name]) |
	some f in filters
	some t in object.get(f, "metric_transformations", [])
]))

# _watching(key, filters) are the [alarm ARN, metric transformation] of the
# alarms on the filters' metrics.
_watching(key, filters) := {[arn, t] |
	some f in filters
	some t in object.get(f, "metric_transformations", [])
	some arn in _alarms_by_metric[[_region(key), t.metric_namespace, t.metric_name]]
}

# _notifies(arn) is true when the alarm has its actions enabled and notifies an SNS topic.
_notifies(arn) if {
	input.alarms[arn].actions_enabled == true
	count(_sns_actions(arn)) > 0
}

_usable(watching) := {arn |
	some [arn, t] in watching
	_notifies(arn)
	_fires(arn, t)
}

# _undecided(watching) explains the alarms that notify SNS but of which it is
# unknown whether one event makes them fire.
_undecided(watching) := sort({msg |
	some [arn, t] in watching
	_notifies(arn)
	v := fire(input.alarms[arn], t)
	v.status == "UNKNOWN"
	msg := v.message
})

_unusable(watching) := sort({msg |
	some [arn, t] in watching
	msg := _why_unusable(arn, t)
})

_why_unusable(arn, t) := sprintf("alarm %s has its actions disabled", [arn]) if {
	not input.alarms[arn].actions_enabled == true
} else := sprintf("alarm %s notifies no SNS topic", [arn]) if {
	count(_sns_actions(arn)) == 0
} else := fire(input.alarms[arn], t).message

# --- Can one matching event make the alarm fire? ---

# _fires(arn, t) is true when one event matched by a filter publishing metric
# transformation t makes the alarm fire: when fire(input.alarms[arn], t) is
# PASS. (The conditions of that PASS tested directly, so that the chains build
# no message and try none of the FAIL and UNKNOWN branches before it: the
# fields known, one breaching period enough, and the one-event value crossing
# the threshold, which only a "greater than" comparison can do. That value and
# that comparison exist only for a known statistic and comparison, so only
# the numbers of _fire_fields_known are left to test. A test checks that both
# agree.)
_fires(arn, t) if {
	alarm := input.alarms[arn]
	is_number(alarm.threshold)
	is_number(alarm.evaluation_periods)
	_datapoints_needed(alarm) <= 1
	_crosses(alarm.comparison_operator, _one_event_value(alarm.statistic, t), alarm.threshold)
}

# fire(alarm, t) says whether a single matching event, for which the metric
# filter publishes t's metric_value, makes the alarm go to ALARM: PASS when
# the statistic of that one value over a period crosses the threshold and one
# breaching period is enough (datapoints_to_alarm, which defaults to
# evaluation_periods, is 1); FAIL when it cannot (a threshold above the value,
# a "less than" comparison, several breaching periods needed); UNKNOWN when
# the alarm or the value cannot be judged (fields not collected, metric math,
# percentile or anomaly detection alarms, a value read from the event).
fire(alarm, t) := _unknown(sprintf(
	concat("", [
		"alarm %s: its statistic, comparison, threshold or evaluation periods were not collected ",
		"(or it is a metric math alarm)",
	]),
	[alarm.arn],
)) if {
	not _fire_fields_known(alarm)
} else := _fail(sprintf(
	"alarm %s fires when the metric is %s %v: a matching event raises the metric, it never lowers it",
	[alarm.arn, _comparison_words[alarm.comparison_operator], alarm.threshold],
)) if {
	alarm.comparison_operator in {"LessThanThreshold", "LessThanOrEqualToThreshold"}
} else := _unknown(sprintf(
	"alarm %s uses comparison %s, which trailguard does not judge",
	[alarm.arn, alarm.comparison_operator],
)) if {
	not alarm.comparison_operator in {"GreaterThanThreshold", "GreaterThanOrEqualToThreshold"}
} else := _fail(sprintf(
	"alarm %s needs %d breaching periods to fire: a single matching event breaches one",
	[alarm.arn, n],
)) if {
	n := _datapoints_needed(alarm)
	n > 1
} else := _unknown(sprintf(
	"alarm %s: the value one event gives its statistic %s is unknown (metric filter value %s%s)",
	[alarm.arn, alarm.statistic, _quoted(object.get(t, "metric_value", "")), _default_note(t)],
)) if {
	not _value_known(alarm.statistic, t)
} else := _pass(sprintf(
	"alarm %s fires when %s of one event (%v) is %s %v",
	[alarm.arn, alarm.statistic, v, _comparison_words[alarm.comparison_operator], alarm.threshold],
)) if {
	v := _one_event_value(alarm.statistic, t)
	_crosses(alarm.comparison_operator, v, alarm.threshold)
} else := _fail(sprintf(
	"alarm %s fires only when %s is %s %v, but one matching event makes it %v",
	[
		alarm.arn, alarm.statistic, _comparison_words[alarm.comparison_operator], alarm.threshold,
		_one_event_value(alarm.statistic, t),
	],
))

_fire_fields_known(alarm) if {
	snapshot.has_value(alarm, "statistic")
	snapshot.has_value(alarm, "comparison_operator")
	is_number(alarm.threshold)
	is_number(alarm.evaluation_periods)
}

_comparison_words := {
	"GreaterThanThreshold": ">",
	"GreaterThanOrEqualToThreshold": ">=",
	"LessThanThreshold": "<",
	"LessThanOrEqualToThreshold": "<=",
}

# _datapoints_needed(alarm) is the number of breaching periods the alarm needs
# (DatapointsToAlarm defaults to EvaluationPeriods).
_datapoints_needed(alarm) := alarm.datapoints_to_alarm if {
	is_number(alarm.datapoints_to_alarm)
} else := alarm.evaluation_periods

# _one_event_value(statistic, t) is the statistic over a period in which the
# filter matched one event: SampleCount counts it; Sum and Maximum are its
# value (a default value, published for the events that do not match, only
# adds zeros or more in practice); Average and Minimum are its value only when
# the filter publishes no default value (else the defaults dilute it).
_one_event_value("SampleCount", _) := 1

_one_event_value(stat, t) := to_number(t.metric_value) if {
	stat in {"Sum", "Maximum"}
	regex.match(`^\s*-?[0-9]+(\.[0-9]+)?\s*$`, object.get(t, "metric_value", ""))
}

_one_event_value(stat, t) := to_number(t.metric_value) if {
	stat in {"Average", "Minimum"}
	regex.match(`^\s*-?[0-9]+(\.[0-9]+)?\s*$`, object.get(t, "metric_value", ""))
	not is_number(object.get(t, "default_value", null))
}

_value_known(statistic, t) if is_number(_one_event_value(statistic, t))

_crosses("GreaterThanThreshold", v, threshold) if v > threshold

_crosses("GreaterThanOrEqualToThreshold", v, threshold) if v >= threshold

_quoted(s) := sprintf("'%s'", [s])

_default_note(t) := sprintf(", default value %v", [t.default_value]) if {
	is_number(t.default_value)
} else := ""

_sns_actions(arn) := {action |
	some action in object.get(input.alarms[arn], "alarm_actions", [])
	split(action, ":")[2] == "sns"
}

# --- Link 4: the SNS topics and their subscribers ---

_topic_verdict(key, metrics, alarm_arns) := _pass(msg) if {
	chains := sort([sprintf(
		"log group %s -> filter %s -> alarm %s -> SNS topic %s (%d confirmed subscription(s))",
		[key, metrics, arn, topic, n],
	) |
		some arn in alarm_arns
		some topic in _sns_actions(arn)
		n := count(_confirmed(topic))
		n > 0
	])
	count(chains) > 0
	msg := chains[0]
} else := _unknown(concat("; ", sort([snapshot.missing("the subscriptions", topic) |
	some arn in alarm_arns
	some topic in _sns_actions(arn)
	not is_array(object.get(object.get(input, ["sns_topics", topic], {}), "subscriptions", null))
]))) if {
	some arn in alarm_arns
	some topic in _sns_actions(arn)
	not is_array(object.get(object.get(input, ["sns_topics", topic], {}), "subscriptions", null))
} else := _fail(sprintf(
	"no SNS topic notified by the alarms on filter %s has a confirmed subscriber (%s)",
	[metrics, concat(", ", sort([topic |
		some arn in alarm_arns
		some topic in _sns_actions(arn)
	]))],
))

# _confirmed(topic) are the confirmed subscriptions of topic (an unconfirmed
# one has the ARN "PendingConfirmation" and notifies nobody).
_confirmed(topic) := [s |
	some s in input.sns_topics[topic].subscriptions
	_is_confirmed(s)
]

_is_confirmed(s) if s.confirmed == true

_is_confirmed(s) if {
	not is_boolean(object.get(s, "confirmed", null))
	startswith(object.get(s, "arn", ""), "arn:")
}
