# METADATA
# title: The trail's S3 bucket retains log files for the minimum period
# description: |
#   Investigations reach back months: logs must exist, unaltered, for at least
#   params min_bucket_retention_days (default 365) days. This check requires a
#   deliberate retention on the bucket, one of:
#   - S3 Object Lock enabled with a default retention (days, or years counted as
#     365 days) of at least the minimum: nobody, not even an attacker holding
#     s3:DeleteObject, can delete a log file version before then (in GOVERNANCE
#     mode only principals with s3:BypassGovernanceRetention can);
#   - an enabled lifecycle rule covering all the trails' log files that expires
#     them no sooner than the minimum: a defined retention period. It does not
#     stop deletion; pair it with MFA delete (TG-S3-003).
#   It fails for every enabled lifecycle rule that expires log files (rule
#   prefix overlapping <s3_key_prefix>/AWSLogs/) before the minimum, even with
#   Object Lock (an expired log is hidden behind a delete marker). With neither
#   Object Lock nor an expiring rule it fails: logs are kept forever, but
#   nothing defines or enforces their retention and anyone with s3:DeleteObject
#   can delete them.
#   UNKNOWN when the lifecycle configuration was not read (an unseen rule could
#   expire logs early), or when no lifecycle rule decides and the Object Lock
#   configuration was not read.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
#     description: "Locking objects with Object Lock"
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html
#     description: "Managing the lifecycle of objects"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html
#     description: "Security best practices in AWS CloudTrail"
# custom:
#   id: TG-S3-008
#   severity: low
#   resource_type: AwsS3Bucket
#   remediation:
#     console: S3 console > Buckets > choose the bucket > Properties > Object Lock > Edit > Default retention Enable,
#       mode Compliance (or Governance), retention period 365 days or more > Save changes (Object Lock must be enabled
#       on the bucket). Under Management > Lifecycle rules, make sure no enabled rule expires AWSLogs/ objects before
#       that period.
#     cli: 'aws s3api put-object-lock-configuration --bucket <bucket-name> --object-lock-configuration
#       ''{"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}}}'''
package trailguard.checks.bucket_retention

import data.trailguard.lib.buckets
import data.trailguard.lib.params
import data.trailguard.lib.result

_min_days := params.value("min_bucket_retention_days")

# _log_paths[name] are the key prefixes under which trails deliver to the bucket.
# (Complete rules, here and below: each is looked up several times per bucket.)
_log_paths := {name: paths |
	some name, _ in buckets.evaluated
	paths := {_log_path(object.get(trail, "s3_key_prefix", "")) | some trail in buckets.trails_by_bucket[name]}
}

# (An else chain: a function with several bodies has every body evaluated.)
_log_path(prefix) := "AWSLogs/" if prefix == ""

else := sprintf("%s/AWSLogs/", [trim_suffix(prefix, "/")])

_rules(bucket) := bucket.lifecycle.rules

# The lifecycle configuration was read, with the status of every rule.
_lifecycle_known(bucket) if {
	is_array(bucket.lifecycle.rules)
	every rule in bucket.lifecycle.rules {
		is_string(rule.status)
	}
}

_rule_label(rule, i) := sprintf("'%s'", [rule.id]) if {
	is_string(rule.id)
	rule.id != ""
} else := sprintf("#%d", [i + 1])

_expiring(rule) if {
	lower(object.get(rule, "status", "")) == "enabled"
	object.get(rule, "expiration_days", 0) > 0
}

# The rule applies to some of the log files (a rule whose prefix was not read applies to all).
_affects_logs(rule, name) if {
	p := object.get(rule, "prefix", "")
	some path in _log_paths[name]
	_overlap(p, path)
}

_overlap(p, path) if startswith(path, p)

_overlap(p, path) if startswith(p, path)

# The rule applies to all of the log files (a rule whose prefix was not read does not count).
_covers_logs(rule, name) if {
	p := rule.prefix
	every path in _log_paths[name] {
		startswith(path, p)
	}
}

_early := {name: msgs |
	some name, bucket in buckets.evaluated
	msgs := {sprintf(
		"lifecycle rule %s deletes log files after %d days, before the minimum retention of %d days",
		[_rule_label(rule, i), rule.expiration_days, _min_days],
	) |
		some i, rule in _rules(bucket)
		_expiring(rule)
		_affects_logs(rule, name)
		rule.expiration_days < _min_days
	}
	count(msgs) > 0
}

_retaining := {name: msgs |
	some name, bucket in buckets.evaluated
	msgs := {sprintf(
		"lifecycle rule %s keeps log files %d days before expiring them",
		[_rule_label(rule, i), rule.expiration_days],
	) |
		some i, rule in _rules(bucket)
		_expiring(rule)
		_covers_logs(rule, name)
		rule.expiration_days >= _min_days
	}
	count(msgs) > 0
}

_lock_days(bucket) := object.get(bucket.object_lock, "days", 0) + (365 * object.get(bucket.object_lock, "years", 0))

_lock_ok(bucket) if {
	bucket.object_lock.enabled == true
	_lock_days(bucket) >= _min_days
}

_lock_message(bucket) := sprintf(
	"Object Lock (%s) retains log files for %d days by default",
	[object.get(bucket.object_lock, "mode", "default mode"), _lock_days(bucket)],
)

findings contains f if some f in buckets.not_collected_findings

# The findings of each evaluated bucket: the cases are exclusive, so they are
# tried in turn, the usual one first (an else chain stops at the first that
# holds, where separate rules would each look at every bucket).
findings contains f if {
	some name, bucket in buckets.evaluated
	some f in _findings(name, bucket)
}

_findings(name, bucket) := {result.pass(buckets.arn(name), buckets.region(bucket), _pass_message(name, bucket))} if {
	_lifecycle_known(bucket)
	not _early[name]
	_retained(name, bucket)
} else := {result.fail(buckets.arn(name), buckets.region(bucket), msg) | some msg in _early[name]} if {
	_early[name]
} else := {result.unknown(
	buckets.arn(name),
	buckets.region(bucket),
	sprintf(
		"%s: an unseen lifecycle rule could expire log files early",
		[buckets.missing("the lifecycle configuration", name, {"GetBucketLifecycleConfiguration", "GetBucketLifecycle"})],
	),
)} if {
	not _lifecycle_known(bucket)
} else := {result.fail(
	buckets.arn(name),
	buckets.region(bucket),
	sprintf(
		concat(" ", [
			"%s, and no lifecycle rule defines a retention of at least %d days:",
			"nothing defines how long logs are kept, and anyone with s3:DeleteObject can delete them",
		]),
		[_lock_state(bucket), _min_days],
	),
)} if {
	_lock_known(bucket)
	not _retained(name, bucket)
} else := {result.unknown(
	buckets.arn(name),
	buckets.region(bucket),
	sprintf(
		"no lifecycle rule retains log files for %d days, and %s",
		[_min_days, buckets.missing("the Object Lock configuration", name, {"GetObjectLockConfiguration"})],
	),
)} if {
	not _lock_known(bucket)
	not _retaining[name]
}

_retained(_, bucket) if _lock_ok(bucket)

_retained(name, _) if _retaining[name]

_pass_message(name, bucket) := concat(
	"; ",
	array.concat([_lock_message(bucket)], sort(object.get(_retaining, name, set()))),
) if {
	_lock_ok(bucket)
} else := sprintf(
	"%s (no Object Lock: pair it with MFA delete so the logs cannot be deleted sooner)",
	[concat("; ", sort(_retaining[name]))],
)

_lock_known(bucket) if is_boolean(bucket.object_lock.enabled)

_lock_state(bucket) := "Object Lock is not enabled" if {
	bucket.object_lock.enabled == false
} else := "Object Lock is enabled without a default retention" if {
	_lock_days(bucket) <= 0
} else := sprintf("Object Lock retains log files only %d days by default", [_lock_days(bucket)])
