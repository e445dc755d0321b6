# METADATA
# title: KMS keys that encrypt audit logs are enabled
# description: |
#   A trail or CloudTrail Lake event data store encrypted with SSE-KMS depends
#   on its key every time it writes and every time anyone reads the logs. A
#   disabled key stops log delivery and makes existing logs unreadable until it
#   is re-enabled; a key pending deletion will, on its deletion date, make every
#   log file ever encrypted with it unreadable for good, which is an easy way to
#   destroy the audit trail. The check reads the state of every key used by a
#   trail or an event data store.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
#     description: "Key states of AWS KMS keys"
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
#     description: "Deleting AWS KMS keys"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html
#     description: "Encrypting CloudTrail log files with AWS KMS keys (SSE-KMS)"
# custom:
#   id: TG-KMS-001
#   severity: critical
#   resource_type: AwsKmsKey
#   remediation:
#     console: KMS console > Customer managed keys > choose the key > Key actions > Cancel key deletion (if pending
#       deletion) > Key actions > Enable. Then check in the CloudTrail console that the trail delivers logs again.
#     cli: aws kms cancel-key-deletion --key-id <key-arn> && aws kms enable-key --key-id <key-arn>
package trailguard.checks.kms_key_state

import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# users[key] is the set of trails and event data stores encrypted with key.
users[key] contains arn if {
	some arn, trail in input.trails
	key := trail.kms_key_id
	key != ""
}

users[key] contains arn if {
	some arn, store in input.event_data_stores
	key := store.kms_key_id
	key != ""
}

# One finding per key: the cases are exclusive, so they are tried in turn, the
# usual one first (an else chain stops at the first that holds, where separate
# rules would each look at every key).
findings contains _finding(key) if some key, _ in users

_finding(key) := result.pass(key, _region(key), sprintf("key is enabled (used by %s)", [_users_text(key)])) if {
	input.kms_keys[key].state == "Enabled"
} else := result.fail(key, _region(key), msg) if {
	k := input.kms_keys[key]
	k.state == "PendingDeletion"
	msg := sprintf(
		concat(" ", [
			"key is scheduled for deletion%s: once it is deleted, every log file encrypted with it becomes",
			"unreadable for good, and log delivery already fails (used by %s)",
		]),
		[_deletion_date(k), _users_text(key)],
	)
} else := result.fail(key, _region(key), msg) if {
	input.kms_keys[key].state == "Disabled"
	msg := sprintf(
		"key is disabled: log delivery fails and existing logs cannot be decrypted until it is re-enabled (used by %s)",
		[_users_text(key)],
	)
} else := result.fail_with_severity(key, _region(key), msg, "high") if {
	state := input.kms_keys[key].state
	not state in {"Enabled", "PendingDeletion", "Disabled"}
	msg := sprintf(
		"key is in state %s, not Enabled: it cannot be used to encrypt or decrypt logs (used by %s)",
		[state, _users_text(key)],
	)
} else := result.unknown(key, _region(key), msg) if {
	not input.kms_keys[key].state
	msg := sprintf("%s (used by %s)", [_why_unreadable(key), _users_text(key)])
}

_deletion_date(k) := sprintf(" on %s", [k.deletion_date]) if {
	snapshot.has_value(k, "deletion_date")
} else := " (deletion date not collected)"

# _region(key) is the key's region (lib/snapshot).
_region(key) := snapshot.kms_key_region(key)

# _users_text(key) names the first few users of key.
_users_text(key) := concat(", ", names) if {
	names := sort(users[key])
	count(names) <= 3
} else := sprintf("%s and %d more", [concat(", ", array.slice(sort(users[key]), 0, 3)), count(users[key]) - 3])

# _why_unreadable(key) says why the key's state is not in the snapshot.
_why_unreadable(key) := snapshot.missing("key state", key) if {
	input.kms_keys[key]
} else := sprintf(
	"state of key %s could not be read: the key lives in account %s, not the audited account %s (%s)",
	[key, owner, input.account_id, snapshot.why(key)],
) if {
	owner := snapshot.account_of_arn(key)
	owner != input.account_id
} else := snapshot.missing("key state", key)
