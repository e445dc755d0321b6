# METADATA
# title: Few principals hold AWSCloudTrail_FullAccess
# description: |
#   Every holder of AWSCloudTrail_FullAccess can stop logging, delete trails and
#   change what they record, so each one is a way to blind the audit trail. Keep the
#   holders to a handful of named administrators. Counts only the principals that
#   can act: users that hold the policy (or its deprecated predecessor
#   AWSCloudTrailFullAccess), attached directly or through a group, and roles that
#   have it attached. Groups themselves are not counted: a group is how users get
#   the policy, not a principal, so a group adds one per member (a group without
#   members adds nothing) and a user holding it several ways counts once. Fails
#   above params max_full_access_holders (default 3). A count that could be higher
#   because some principals could not be read is UNKNOWN, not PASS.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCloudTrail_FullAccess.html
#     description: "AWS managed policy reference: AWSCloudTrail_FullAccess"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/security-iam-awsmanpol.html
#     description: "AWS managed policies for AWS CloudTrail"
# custom:
#   id: TG-IAM-002
#   severity: medium
#   resource_type: AwsAccount
#   remediation:
#     console: IAM console > Policies > AWSCloudTrail_FullAccess > Entities attached > select the users, groups and
#       roles that do not need to administer CloudTrail > Detach. Remove users who do not need it from the groups that
#       hold it (User groups > choose the group > Users > Remove).
#     cli: aws iam list-entities-for-policy --policy-arn arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess && aws iam
#       detach-role-policy --role-name <role-name> --policy-arn arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess && aws
#       iam remove-user-from-group --group-name <group-name> --user-name <user-name>
package trailguard.checks.full_access_holder_count

import data.trailguard.lib.cloudtrail_admins as admins
import data.trailguard.lib.params
import data.trailguard.lib.result
import data.trailguard.lib.snapshot
import data.trailguard.lib.text

_max := params.value("max_full_access_holders")

# Principals are the identities that can act: users (holding it directly or
# through a group) and roles. A group is how users get it, not a principal.
_holders := {arn |
	some arn, holder in admins.holders
	holder.type in {"user", "role"}
}

_count := count(_holders)

# _gap_count is the number of things that could not be read and might hide holders:
# whole principal maps, and principals whose holding is undecided.
_gap_count := count(admins.missing_collections) + count(admins.unresolved)

# _gap_text explains the first three gaps (messages are built for those only).
_gap_text := text.and_more(_first_gaps, _gap_count)

_first_gaps := array.slice(array.concat(_collection_gaps, _principal_gaps), 0, 3)

_collection_gaps := [snapshot.missing(sprintf("IAM %s", [name]), input.account_id) |
	some name in sort(admins.missing_collections)
]

_principal_gaps := [sprintf("%s: %s", [admins.short_name(arn), concat("; ", admins.reasons(arn))]) |
	some arn in array.slice(sort(object.keys(admins.unresolved)), 0, 3)
]

findings contains result.unknown(
	input.account_id,
	"",
	snapshot.missing("IAM users, groups, roles and policies", input.account_id),
) if {
	not input.iam
}

# The finding once IAM was read: the cases are exclusive, so they are tried in
# turn, the usual one first (an else chain stops at the first that holds).
findings contains _finding

_finding := result.pass(input.account_id, "", msg) if {
	input.iam
	_count <= _max
	_gap_count == 0
	msg := sprintf("%s AWSCloudTrail_FullAccess (at most %d allowed)%s", [_hold, _max, _named])
} else := result.fail(input.account_id, "", msg) if {
	input.iam
	_count > _max
	msg := sprintf("%s AWSCloudTrail_FullAccess, more than the %d allowed: %s%s", [
		_hold, _max, admins.list_names(_holders, 10), _gap_note,
	])
} else := result.unknown(input.account_id, "", msg) if {
	input.iam
	_count <= _max
	_gap_count > 0
	msg := sprintf("%s AWSCloudTrail_FullAccess (at most %d allowed)%s, but not every principal could be read: %s", [
		_known_to_hold, _max, _named, _gap_text,
	])
}

_gap_note := sprintf(" (possibly more: %s)", [_gap_text]) if {
	_gap_count > 0
} else := ""

# _hold and _known_to_hold agree the verb with the count: "1 principal holds", "3 principals hold".
_hold := "1 principal holds" if {
	_count == 1
} else := sprintf("%d principals hold", [_count])

_known_to_hold := "1 principal is known to hold" if {
	_count == 1
} else := sprintf("%d principals are known to hold", [_count])

_named := sprintf(": %s", [admins.list_names(_holders, 10)]) if {
	_count > 0
} else := ""
