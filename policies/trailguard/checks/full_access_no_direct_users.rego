# METADATA
# title: AWSCloudTrail_FullAccess is not attached directly to IAM users
# description: |
#   AWSCloudTrail_FullAccess lets its holder stop logging, delete trails and change
#   what they record. Grant it through a group or a role, never by attaching it to a
#   user: access that comes from membership is visible in one place, is reviewed with
#   the group or role, and is taken away by removing the member, not by hunting for
#   per-user attachments that survive reorganisations. One finding per user with the
#   policy (or its deprecated predecessor AWSCloudTrailFullAccess) attached directly;
#   a single PASS on the policy when no user has it.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCloudTrail_FullAccess.html
#     description: "AWS managed policy reference: AWSCloudTrail_FullAccess"
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
#     description: "Security best practices in IAM"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-2
#     description: "Security Hub control IAM.2: IAM users should not have IAM policies attached"
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: "CIS Amazon Web Services Foundations Benchmark, control v3.0.0 1.15; v1.4.0 1.15"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
#     description: "CIS AWS Foundations Benchmark controls in Security Hub"
# custom:
#   id: TG-IAM-001
#   severity: medium
#   resource_type: AwsIamUser
#   remediation:
#     console: IAM console > User groups > choose (or create) the CloudTrail administrators group > Permissions > Add
#       permissions > Attach policies > AWSCloudTrail_FullAccess; Users tab > Add users. Then IAM console > Users >
#       choose the user > Permissions > select AWSCloudTrail_FullAccess > Remove.
#     cli: aws iam add-user-to-group --group-name <group-name> --user-name <user-name> && aws iam detach-user-policy
#       --user-name <user-name> --policy-arn arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess
#   frameworks:
#     cis-aws-v3.0.0:
#       - id: "1.15"
#         partial: CIS 1.15 is about every policy attached directly to a user; this check looks only at
#           AWSCloudTrail_FullAccess
#     cis-aws-v1.4.0:
#       - id: "1.15"
#         partial: CIS 1.15 is about every policy attached directly to a user; this check looks only at
#           AWSCloudTrail_FullAccess
#     securityhub:
#       - id: IAM.2
#         partial: IAM.2 is about every IAM policy attached to a user; this check looks only at
#           AWSCloudTrail_FullAccess
package trailguard.checks.full_access_no_direct_users

import data.trailguard.lib.cloudtrail_admins as admins
import data.trailguard.lib.result
import data.trailguard.lib.snapshot

findings contains result.unknown(
	input.account_id,
	"",
	snapshot.missing("IAM users, groups, roles and policies", input.account_id),
) if {
	not input.iam
}

findings contains result.unknown(input.account_id, "", snapshot.missing("IAM users", input.account_id)) if {
	input.iam
	not input.iam.users
}

findings contains result.fail(arn, "", msg) if {
	some arn in admins.direct_user_holders
	user := input.iam.users[arn]
	msg := sprintf(
		"user %s has %s attached directly: attach it to a group or role and grant it through membership instead",
		[user.name, admins.full_access_names(user)],
	)
}

findings contains result.unknown(arn, "", snapshot.missing("attached policies", arn)) if {
	some arn in _unreadable
}

findings contains result.pass(
	admins.full_access_policy_arn,
	"",
	"no IAM user has AWSCloudTrail_FullAccess attached directly",
) if {
	input.iam.users
	count(admins.direct_user_holders) == 0
	count(_unreadable) == 0
}

_unreadable contains arn if {
	some arn, user in input.iam.users
	not user.attached_policies
}
