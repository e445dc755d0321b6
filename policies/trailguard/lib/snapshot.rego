# METADATA
# title: Snapshot lookups
# description: |
#   Joins between the snapshot's maps (trail -> bucket -> key -> log group ->
#   alarm -> topic) and the collection errors that explain missing data.
# schemas:
#   - input: schema.snapshot
package trailguard.lib.snapshot

# account_id is the audited account.
account_id := input.account_id

# partition is the audited account's partition (aws, aws-cn, aws-us-gov).
partition := object.get(input, "partition", "aws")

# trails maps trail ARN to trail.
trails := object.get(input, "trails", {})

# logging(trail) is true when the trail's status was read and it is logging.
logging(trail) if trail.status.is_logging == true

# status_known(trail) is true when GetTrailStatus was read for the trail.
status_known(trail) if trail.status

# logging_trails is the set of ARNs of trails that are logging.
logging_trails contains arn if {
	some arn, trail in trails
	logging(trail)
}

# foreign(trail) is true when the trail belongs to another account (an
# organization trail seen from a member account).
# (A trail without owner_account_id belongs to the audited account: the ref is
# undefined then, and so is the comparison.)
foreign(trail) if trail.owner_account_id != input.account_id

# bucket(trail) returns the trail's bucket, when collected.
bucket(trail) := input.buckets[trail.s3_bucket_name]

# kms_key(trail) returns the trail's KMS key, when collected.
kms_key(trail) := input.kms_keys[trail.kms_key_id]

# kms_key_region(key) is the region of the KMS key whose ARN is key: the collected
# key's region, else the region in its ARN, else "".
kms_key_region(key) := input.kms_keys[key].region if {
	has_value(input.kms_keys[key], "region")
} else := region_of_arn(key) if {
	region_of_arn(key)
} else := ""

# log_group_key(arn) normalises a log group ARN to the key of input.log_groups.
log_group_key(arn) := trim_suffix(arn, ":*")

# log_group(trail) returns the trail's CloudWatch Logs group, when collected.
log_group(trail) := input.log_groups[log_group_key(trail.cloudwatch_logs_log_group_arn)]

# has_value(obj, key) is true when obj has key with a non-empty, non-null value.
# (Two comparisons rather than `not v in {null, ""}`: a negation costs more. An
# absent key, or an obj that is not an object, leaves v undefined: no call.)
has_value(obj, key) if {
	v := obj[key]
	v != null
	v != ""
}

# errors_by_resource maps a resource (ARN or name) to the collection errors about it.
# Grouped in linear time from the errors sorted by resource (a partial object rule
# `errors_by_resource[resource] contains err` is evaluated again, scanning every error,
# for each resource looked up, and is quadratic to build in OPA).
errors_by_resource := {resource: {pair[1] | some pair in array.slice(_sorted_errors, start, _error_ends[resource])} |
	some resource, start in _error_starts
}

_sorted_errors := sort([[object.get(err, "resource", ""), err] | some err in object.get(input, "errors", [])])

_error_starts := {pair[0]: i |
	some i, pair in _sorted_errors
	_error_run_starts(i)
}

_error_ends := {pair[0]: end |
	some i, pair in _sorted_errors
	_error_run_ends(i)
	end := i + 1
}

_error_run_starts(0)

_error_run_starts(i) if _sorted_errors[i - 1][0] != _sorted_errors[i][0]

_error_run_ends(i) if i == count(_sorted_errors) - 1

_error_run_ends(i) if _sorted_errors[i + 1][0] != _sorted_errors[i][0]

# why(resource) explains why data about resource is missing: the collection
# errors recorded for it, or a generic reason.
why(resource) := concat("; ", sort([sprintf("%s %s: %s", [e.service, e.operation, e.code]) |
	some e in errors_by_resource[resource]
])) if {
	errors_by_resource[resource]
} else := "not collected"

# missing(what, resource) is a message for an UNKNOWN finding.
missing(what, resource) := sprintf("%s of %s could not be read (%s)", [what, resource, why(resource)])

# unanswered(question, resource) is a message for an UNKNOWN finding about a
# yes-or-no question on resource, e.g. unanswered("whether the S3 bucket b exists", "b").
unanswered(question, resource) := sprintf("%s could not be read (%s)", [question, why(resource)])

# region_of_arn(arn) returns the region part of an ARN ("" for global resources).
region_of_arn(arn) := split(arn, ":")[3]

# account_of_arn(arn) returns the account part of an ARN.
account_of_arn(arn) := split(arn, ":")[4]
