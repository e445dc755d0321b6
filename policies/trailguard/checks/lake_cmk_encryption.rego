# METADATA
# title: CloudTrail Lake event data stores are encrypted with a customer managed KMS key
# description: |
#   By default a CloudTrail Lake event data store is encrypted with a key AWS
#   owns, so the account cannot see, restrict or revoke who decrypts its
#   events. With a customer managed key, the key policy decides who can query
#   the events and every use of the key is logged. The check fails an event
#   data store without a KMS key (an AWS owned key) or with an AWS managed key.
#   Once a store uses a customer managed key it cannot go back to an AWS owned
#   key, so first make sure the key policy lets CloudTrail use the key.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-lake.html
#     description: "Working with AWS CloudTrail Lake"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-10
#     description: "Security Hub control CloudTrail.10: CloudTrail Lake event data stores should be encrypted with
#       customer managed AWS KMS keys"
# custom:
#   id: TG-CT-012
#   severity: medium
#   resource_type: Other
#   remediation:
#     console: CloudTrail console > Lake > Event data stores > choose the store > General details > Edit > Encryption >
#       Use my own AWS KMS key > choose a customer managed key whose policy lets CloudTrail use it > Save changes.
#     cli: aws cloudtrail update-event-data-store --event-data-store <event-data-store-arn> --kms-key-id
#       <customer-managed-key-arn>
#   frameworks:
#     securityhub: ["CloudTrail.10"]
package trailguard.checks.lake_cmk_encryption

import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# One finding per event data store: the cases are exclusive, so they are tried
# in turn, the usual one first (an else chain stops at the first that holds,
# where separate rules would each look at every store).
findings contains _finding(arn, store) if some arn, store in input.event_data_stores

_finding(arn, store) := result.pass(
	arn,
	_region(arn, store),
	sprintf("event data store is encrypted with customer managed KMS key %s", [store.kms_key_id]),
) if {
	snapshot.has_value(store, "kms_key_id")
	not input.kms_keys[store.kms_key_id].manager == "AWS"
} else := result.fail(
	arn,
	_region(arn, store),
	sprintf(
		concat(" ", [
			"event data store is encrypted with AWS managed KMS key %s,",
			"whose key policy the account cannot restrict: use a customer managed key",
		]),
		[store.kms_key_id],
	),
) if {
	snapshot.has_value(store, "kms_key_id")
	input.kms_keys[store.kms_key_id].manager == "AWS"
} else := result.fail(
	arn,
	_region(arn, store),
	"event data store is encrypted with an AWS owned key: the account cannot control or audit who decrypts its events",
) if {
	not snapshot.has_value(store, "kms_key_id")
	not _details_unread(arn)
} else := result.unknown(arn, _region(arn, store), snapshot.missing("encryption settings", arn)) if {
	not snapshot.has_value(store, "kms_key_id")
	_details_unread(arn)
}

# _details_unread(arn) is true when GetEventDataStore failed for the store,
# so an absent kms_key_id means "not read" rather than "AWS owned key".
_details_unread(arn) if {
	some err in snapshot.errors_by_resource[arn]
	lower(err.operation) == "geteventdatastore"
}

_region(arn, store) := store.region if {
	snapshot.has_value(store, "region")
} else := snapshot.region_of_arn(arn)
