# METADATA
# title: Event selector semantics
# description: |
#   What a trail records, judged from its classic event selectors
#   (event_selectors) or its advanced event selectors
#   (advanced_event_selectors). Every rule here is true only when the
#   selectors prove the coverage; callers use selectors_known(trail) to tell
#   "does not record" (FAIL) from "selectors not collected" (UNKNOWN).
#
#   Advanced selectors: a trail records an event when ANY selector matches it;
#   a selector matches when ALL its field selectors match; a field selector
#   matches when all its operators (equals, starts_with, ... not_ends_with)
#   hold. Field names are compared case-insensitively. A field selector on a
#   field this library does not understand (eventName, eventSource,
#   userIdentity.arn, errorCode, ...) narrows what is recorded, so it never
#   counts as "all".
# schemas:
#   - input: schema.snapshot
package trailguard.lib.selectors

import data.trailguard.lib.snapshot

# selectors_known(trail) is true when the trail's classic or advanced event
# selectors were collected.
selectors_known(trail) if is_array(trail.event_selectors)

selectors_known(trail) if is_array(trail.advanced_event_selectors)

# ---------------------------------------------------------------------------
# Management events
# ---------------------------------------------------------------------------

# all_management_events(trail) is true when the trail records read AND write
# management events from every event source.
all_management_events(trail) if {
	some sel in trail.event_selectors
	classic_all_management(sel)
}

all_management_events(trail) if {
	some sel in trail.advanced_event_selectors
	advanced_all_management(sel)
}

# A single classic selector must record both read and write events: a
# ReadOnly selector plus a WriteOnly selector is not "All" (CIS 3.1).
classic_all_management(sel) if {
	sel.read_write_type == "All"
	sel.include_management_events == true
	count(object.get(sel, "exclude_management_event_sources", [])) == 0
}

advanced_all_management(sel) if {
	fields := field_selectors(sel)
	fields.eventcategory
	every fs in fields.eventcategory {
		matches(fs, "Management")
	}

	# readOnly, when present, must let both read and write events through.
	every fs in object.get(fields, "readonly", []) {
		matches(fs, "true")
		matches(fs, "false")
	}

	# Nothing else (an eventSource not_equals exclusion, ...) may narrow it.
	every name, _ in fields {
		name in {"eventcategory", "readonly"}
	}
}

# logs_management_events(trail) is true when the trail records at least some
# management events (read, write or both).
logs_management_events(trail) if {
	some sel in trail.event_selectors
	sel.include_management_events == true
}

logs_management_events(trail) if {
	some sel in trail.advanced_event_selectors
	fields := field_selectors(sel)
	fields.eventcategory
	every fs in fields.eventcategory {
		matches(fs, "Management")
	}
}

# ---------------------------------------------------------------------------
# Write management events (what CloudWatch Logs metric filters and Insights see)
# ---------------------------------------------------------------------------

# records_write_management_events(trail) is true when the trail records at
# least some write (not read-only) management events: what CloudTrail Insights
# on API call rate measures. A trail that records only read-only management
# events (ReadOnly classic selector, readOnly = true advanced selector) does not.
records_write_management_events(trail) if {
	some sel in trail.event_selectors
	_classic_records_writes(sel)
}

records_write_management_events(trail) if {
	some sel in trail.advanced_event_selectors
	_advanced_management_writes(field_selectors(sel))
}

# records_write_event(trail, event) is true when the trail records the write
# management event {"eventSource": ..., "eventName": ...}: a classic selector
# that includes write management events and does not exclude the event's
# source (exclude_management_event_sources, e.g. kms.amazonaws.com), or an
# advanced management events selector whose readOnly, eventSource and
# eventName field selectors all let it through and that has no field this
# library does not understand.
records_write_event(trail, event) if {
	some sel in trail.event_selectors
	_classic_records_writes(sel)
	not event.eventSource in object.get(sel, "exclude_management_event_sources", [])
}

records_write_event(trail, event) if {
	some sel in trail.advanced_event_selectors
	fields := field_selectors(sel)
	_advanced_management_writes(fields)
	every fs in object.get(fields, "eventsource", []) {
		matches(fs, event.eventSource)
	}
	every fs in object.get(fields, "eventname", []) {
		matches(fs, event.eventName)
	}
	every name, _ in fields {
		name in _management_fields
	}
}

# records_all_write_management_events(trail) is true when one selector records
# the write management events of every source (the usual case, decided
# without looking at any event): a classic selector with write events and no
# excluded source, or an advanced management selector with no field but
# eventCategory and a readOnly that lets write events through.
records_all_write_management_events(trail) if {
	some sel in trail.event_selectors
	_classic_records_writes(sel)
	count(object.get(sel, "exclude_management_event_sources", [])) == 0
}

records_all_write_management_events(trail) if {
	some sel in trail.advanced_event_selectors
	fields := field_selectors(sel)
	_advanced_management_writes(fields)
	every name, _ in fields {
		name in {"eventcategory", "readonly"}
	}
}

# The fields of an advanced management events selector that this library
# evaluates; any other field narrows what is recorded in a way it cannot judge.
_management_fields := {"eventcategory", "readonly", "eventsource", "eventname"}

_classic_records_writes(sel) if {
	sel.include_management_events == true
	sel.read_write_type in {"All", "WriteOnly"}
}

_advanced_management_writes(fields) if {
	fields.eventcategory
	every fs in fields.eventcategory {
		matches(fs, "Management")
	}
	every fs in object.get(fields, "readonly", []) {
		matches(fs, "false")
	}
}

# write_events_gap(trail, events) explains, for a trail whose selectors are
# known, why it does not record every one of events (write management events):
# "" when it records them all.
write_events_gap(trail, events) := "" if {
	records_all_write_management_events(trail)
} else := "" if {
	every e in events {
		records_write_event(trail, e)
	}
} else := "it records no management events" if {
	not logs_management_events(trail)
} else := "it records only read-only management events" if {
	not records_write_management_events(trail)
} else := sprintf(
	"its event selectors exclude %s (%s)",
	[concat(", ", _missed_sources(trail, events)), _missed_names(trail, events)],
) if {
	some sel in trail.event_selectors
	some src in object.get(sel, "exclude_management_event_sources", [])
	src in {e.eventSource | some e in events}
} else := sprintf("its event selectors filter out %s", [_missed_names(trail, events)])

_missed(trail, events) := [e | some e in events; not records_write_event(trail, e)]

_missed_sources(trail, events) := sort({e.eventSource | some e in _missed(trail, events)})

_missed_names(trail, events) := concat(", ", [sprintf("%s %s", [e.eventSource, e.eventName]) |
	some e in _missed(trail, events)
])

# ---------------------------------------------------------------------------
# S3 object-level data events
# ---------------------------------------------------------------------------

# s3_data_events(trail, mode) is true when the trail records S3 object-level
# data events of kind mode ("read" or "write") for all current and future
# buckets.
s3_data_events(trail, mode) if mode in _s3_data_event_modes(trail)

# _s3_data_event_modes(trail) is the set of modes ("read", "write") of the S3
# object-level data events the trail records for all current and future buckets.
# (Both modes at once: every selector is read once, its fields grouped once.)
_s3_data_event_modes(trail) := {mode |
	some sel in trail.event_selectors
	some res in sel.data_resources
	res.type == "AWS::S3::Object"
	some value in res.values
	value in all_buckets_values
	some mode in _classic_modes[sel.read_write_type]
} | {mode |
	some sel in trail.advanced_event_selectors
	some mode in _advanced_s3_modes(field_selectors(sel))
}

# classic_read_write_types[mode] are the read_write_type values that record mode.
classic_read_write_types := {
	"read": {"All", "ReadOnly"},
	"write": {"All", "WriteOnly"},
}

# _classic_modes[read_write_type] are the modes a classic selector of that
# read_write_type records (classic_read_write_types the other way round).
_classic_modes := {"All": {"read", "write"}, "ReadOnly": {"read"}, "WriteOnly": {"write"}}

# readonly_value[mode] is the value of the readOnly field for events of kind mode.
readonly_value := {"read": "true", "write": "false"}

# all_buckets_values are the classic data resource values meaning "all
# current and future S3 buckets".
all_buckets_values := {
	sprintf("arn:%s:s3", [snapshot.partition]),
	sprintf("arn:%s:s3:::", [snapshot.partition]),
}

# _advanced_s3_modes(fields) are the modes of the S3 object-level data events of
# all buckets that an advanced selector with fields (see field_selectors) records.
# (Cheapest test first: a selector without resources.type, such as a management
# events selector, is dropped at once.)
_advanced_s3_modes(fields) := {mode |
	fields["resources.type"]
	fields.eventcategory
	every fs in fields.eventcategory {
		matches(fs, "Data")
	}
	every fs in fields["resources.type"] {
		matches(fs, "AWS::S3::Object")
	}
	every fs in object.get(fields, "resources.arn", []) {
		arn_all_buckets(fs)
	}

	# No eventName, eventSource, userIdentity.arn, ... restriction.
	every name, _ in fields {
		name in {"eventcategory", "resources.type", "readonly", "resources.arn"}
	}
	some mode in _readonly_modes(fields)
}

# _readonly_modes(fields) are the modes whose events the readOnly field selectors
# of fields let through: both without any.
_readonly_modes(fields) := {"read", "write"} if {
	not fields.readonly
} else := {mode |
	some mode, value in readonly_value
	every fs in fields.readonly {
		matches(fs, value)
	}
}

# arn_all_buckets(fs) is true for a resources.ARN field selector that lets
# every object of every bucket through: only starts_with, with a prefix of
# "arn:<partition>:s3:::" (so it names no bucket), and no exclusion.
arn_all_buckets(fs) if {
	every op, values in fs {
		arn_op_allowed(op, values)
	}
	some prefix in fs.starts_with
	startswith(sprintf("arn:%s:s3:::", [snapshot.partition]), prefix)
}

arn_op_allowed(op, _) if op in {"field", "starts_with"}

arn_op_allowed(_, values) if count(values) == 0

# ---------------------------------------------------------------------------
# Advanced field selector evaluation
# ---------------------------------------------------------------------------

# field_selectors(sel) groups sel's field selectors by lower-cased field name.
# (Usual case, every field named once: the one-element groups merged as they
# are, no grouping pass; otherwise each field name is lower-cased once, then the
# selectors are grouped by name.)
field_selectors(sel) := merged if {
	fss := object.get(sel, "field_selectors", [])
	merged := object.union_n([{lower(object.get(fs, "field", "")): [fs]} | some fs in fss])
	count(merged) == count(fss)
} else := {name: fss |
	named := [[lower(object.get(fs, "field", "")), fs] | some fs in object.get(sel, "field_selectors", [])]
	some [name, _] in named
	fss := [fs | some [n, fs] in named; n == name]
}

# matches(fs, value) is true when field selector fs lets an event whose field
# has value through. readOnly values are compared case-insensitively.
# The usual shape (only Field and Equals) takes a short path.
matches(fs, value) if {
	object.keys(fs) == {"field", "equals"}
	_equals_holds(fs.equals, value)
} else if {
	object.keys(fs) != {"field", "equals"}
	op_holds(fs, "equals", value)
	op_holds(fs, "not_equals", value)
	op_holds(fs, "starts_with", value)
	op_holds(fs, "not_starts_with", value)
	op_holds(fs, "ends_with", value)
	op_holds(fs, "not_ends_with", value)
}

# An absent or empty operator places no condition.
op_holds(fs, op, _) if count(object.get(fs, op, [])) == 0

op_holds(fs, "equals", value) if {
	some v in fs.equals
	same(v, value)
}

op_holds(fs, "not_equals", value) if {
	count(fs.not_equals) > 0
	every v in fs.not_equals {
		not same(v, value)
	}
}

op_holds(fs, "starts_with", value) if {
	some v in fs.starts_with
	startswith(value, v)
}

op_holds(fs, "not_starts_with", value) if {
	count(fs.not_starts_with) > 0
	every v in fs.not_starts_with {
		not startswith(value, v)
	}
}

op_holds(fs, "ends_with", value) if {
	some v in fs.ends_with
	endswith(value, v)
}

op_holds(fs, "not_ends_with", value) if {
	count(fs.not_ends_with) > 0
	every v in fs.not_ends_with {
		not endswith(value, v)
	}
}

# _equals_holds(vals, value) is op_holds(fs, "equals", value) for vals = fs.equals.
# (An else chain: once one way holds, the others are not tried.)
_equals_holds(vals, value) if count(vals) == 0

else if value in vals

else if {
	lower(value) in {"true", "false"}
	some v in vals
	lower(v) == lower(value)
}

same(a, b) if a == b

# readOnly takes "true"/"false"; accept any letter case.
same(a, b) if {
	lower(b) in {"true", "false"}
	lower(a) == lower(b)
}

# ---------------------------------------------------------------------------
# Trail list completeness
# ---------------------------------------------------------------------------

# trail_list_incomplete is true when some trails may be missing from
# input.trails: the collection was interrupted, listing trails failed, or the
# account's enabled regions could not be listed (so some regions may not have
# been read).
# Account-level checks then report UNKNOWN instead of "no trail does X".
trail_list_incomplete if input.complete == false

trail_list_incomplete if {
	some err in object.get(input, "errors", [])
	err.operation in _trail_listing_operations
}

_trail_listing_operations := {"DescribeTrails", "ListTrails", "ListRegions"}

# trail_list_incomplete_reason explains trail_list_incomplete for a message.
trail_list_incomplete_reason := "the collection was interrupted" if {
	input.complete == false
} else := concat("; ", sort([sprintf("%s %s: %s", [e.service, e.operation, e.code]) |
	some e in object.get(input, "errors", [])
	e.operation in _trail_listing_operations
]))
