# METADATA
# title: Automatic rotation is enabled for KMS keys that encrypt trail logs
# description: |
#   Automatic rotation gives a customer managed key new cryptographic material
#   every year (or on the period set) while keeping the old material to
#   decrypt older logs, which limits how much data one exposed key version
#   protects. The check reads the rotation status of every customer managed
#   symmetric key that encrypts a trail's log files (CloudTrail only accepts
#   symmetric keys). AWS managed keys rotate on their own and are not checked.
#   Keys with imported key material or in a custom key store cannot rotate
#   automatically: rotate them by hand and accept this finding.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
#     description: "Rotate AWS KMS keys"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-4
#     description: "Security Hub control KMS.4: AWS KMS key rotation should be enabled"
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: "CIS Amazon Web Services Foundations Benchmark, control v3.0.0 3.6; v1.4.0 3.8"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
#     description: "CIS AWS Foundations Benchmark controls in Security Hub"
# custom:
#   id: TG-KMS-002
#   severity: medium
#   resource_type: AwsKmsKey
#   remediation:
#     console: KMS console > Customer managed keys > choose the key > Key rotation > Automatically rotate this KMS key
#       every year (or choose a rotation period) > Save.
#     cli: aws kms enable-key-rotation --key-id <key-arn> --rotation-period-in-days 365
#   frameworks:
#     cis-aws-v3.0.0:
#       - id: "3.6"
#         partial: CIS 3.6 asks rotation of every customer managed symmetric key; this check looks only at the keys
#           that encrypt trail logs
#     cis-aws-v1.4.0:
#       - id: "3.8"
#         partial: CIS 3.8 asks rotation of every customer managed symmetric key; this check looks only at the keys
#           that encrypt trail logs
#     securityhub:
#       - id: KMS.4
#         partial: KMS.4 asks rotation of every customer managed symmetric key; this check looks only at the keys that
#           encrypt trail logs
package trailguard.checks.kms_key_rotation

import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# trail_keys is the set of keys that encrypt a trail's log files.
trail_keys contains key if {
	some trail in input.trails
	key := trail.kms_key_id
	key != ""
}

# applicable(key) is true when key is (or may be) a customer managed
# symmetric key: AWS managed keys and asymmetric or HMAC keys are skipped.
applicable(key) if {
	k := input.kms_keys[key]
	object.get(k, "manager", "CUSTOMER") == "CUSTOMER"
	object.get(k, "spec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
}

# One finding per key: the cases are exclusive, so they are tried in turn, the
# usual one first (an else chain stops at the first that holds, where separate
# rules would each look at every key).
findings contains _finding(key) if some key in trail_keys

_finding(key) := result.pass(key, _region(key), "automatic key rotation is enabled") if {
	applicable(key)
	input.kms_keys[key].rotation_enabled == true
} else := result.fail(
	key,
	_region(key),
	"automatic key rotation is disabled: the same key material protects the trail's logs indefinitely",
) if {
	applicable(key)
	input.kms_keys[key].rotation_enabled == false
} else := result.unknown(key, _region(key), snapshot.missing("key rotation status", key)) if {
	applicable(key)
	not is_boolean(object.get(input.kms_keys[key], "rotation_enabled", null))
} else := result.unknown(key, _region(key), msg) if {
	not input.kms_keys[key]
	msg := _why_unreadable(key)
}

# _region(key) is the key's region (lib/snapshot).
_region(key) := snapshot.kms_key_region(key)

# _why_unreadable(key) says why the key is not in the snapshot.
_why_unreadable(key) := sprintf(
	"rotation status of key %s could not be read: the key lives in account %s, not the audited account %s (%s)",
	[key, owner, input.account_id, snapshot.why(key)],
) if {
	owner := snapshot.account_of_arn(key)
	owner != input.account_id
} else := snapshot.missing("key rotation status", key)
