# METADATA
# title: CloudTrail actions that blind a trail
# description: |
#   The CloudTrail API calls that stop a trail or an event data store, delete
#   it, or narrow what it records. Checks that ask who may call them, or
#   whether an SCP denies them, read these lists.
#
#   The collector keeps the same seven actions, lower-cased, in Go
#   (collector/iam.go trailActions): it decides at collection time whose MFA
#   and console access to read, and knows nothing of Rego. The Go test
#   TestTrailActionsMatchRego keeps the two lists equal.
package trailguard.lib.cloudtrail_actions

# trail_actions stop a trail, delete it or narrow what it records.
trail_actions := [
	"cloudtrail:StopLogging",
	"cloudtrail:DeleteTrail",
	"cloudtrail:UpdateTrail",
	"cloudtrail:PutEventSelectors",
]

# event_data_store_actions do the same to a CloudTrail Lake event data store.
event_data_store_actions := [
	"cloudtrail:DeleteEventDataStore",
	"cloudtrail:StopEventDataStoreIngestion",
	"cloudtrail:UpdateEventDataStore",
]
