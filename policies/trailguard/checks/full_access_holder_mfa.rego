# METADATA
# title: Users who hold AWSCloudTrail_FullAccess use MFA
# description: |
#   A user who holds AWSCloudTrail_FullAccess (attached directly or through a group)
#   can stop logging and delete trails, so a stolen password or access key for that
#   user is enough to blind the audit trail. Every such user must have an MFA device.
#   MFA also keeps the account personal: the second factor is a device one person
#   carries, so credentials of a CloudTrail administrator cannot quietly be shared by
#   a team (no shared accounts), and CloudTrail keeps naming the one person behind
#   each change to a trail. A user without MFA fails whether it signs in to the
#   console or only uses access keys: without a device, no policy can require MFA
#   for its calls. One finding per holding user; a single PASS on the policy when no
#   user holds it.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html
#     description: "AWS Multi-factor authentication in IAM"
#   - ref: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCloudTrail_FullAccess.html
#     description: "AWS managed policy reference: AWSCloudTrail_FullAccess"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-5
#     description: "Security Hub control IAM.5: MFA should be enabled for all IAM users that have a console password"
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: "CIS Amazon Web Services Foundations Benchmark, control v3.0.0 1.10; v1.4.0 1.10"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
#     description: "CIS AWS Foundations Benchmark controls in Security Hub"
# custom:
#   id: TG-IAM-003
#   severity: high
#   resource_type: AwsIamUser
#   remediation:
#     console: IAM console > Users > choose the user > Security credentials > Multi-factor authentication (MFA) >
#       Assign MFA device, and follow the steps with the person who owns the user (or remove the user's access to
#       AWSCloudTrail_FullAccess).
#     cli: aws iam create-virtual-mfa-device --virtual-mfa-device-name <user-name> --outfile <qr-code.png>
#       --bootstrap-method QRCodePNG && aws iam enable-mfa-device --user-name <user-name> --serial-number
#       arn:aws:iam::<account-id>:mfa/<user-name> --authentication-code1 <code-1> --authentication-code2 <code-2>
#   frameworks:
#     cis-aws-v3.0.0:
#       - id: "1.10"
#         partial: CIS 1.10 asks MFA of every IAM user with a console password; this check looks only at the users who
#           hold AWSCloudTrail_FullAccess
#     cis-aws-v1.4.0:
#       - id: "1.10"
#         partial: CIS 1.10 asks MFA of every IAM user with a console password; this check looks only at the users who
#           hold AWSCloudTrail_FullAccess
#     securityhub:
#       - id: IAM.5
#         partial: IAM.5 asks MFA of every IAM user with a console password; this check looks only at the users who
#           hold AWSCloudTrail_FullAccess
package trailguard.checks.full_access_holder_mfa

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

# One finding per user holding the policy, and per user whose holding could not
# be decided: the cases are exclusive, so they are tried in turn, the usual one
# first (an else chain stops at the first that holds).
findings contains _holder_finding(arn, input.iam.users[arn]) if some arn in admins.user_holders

_holder_finding(arn, user) := result.pass(
	arn,
	"",
	sprintf("user %s holds AWSCloudTrail_FullAccess (%s) and has an MFA device", [user.name, admins.how(arn)]),
) if {
	user.mfa_enabled == true
} else := result.fail(
	arn,
	"",
	sprintf("user %s holds AWSCloudTrail_FullAccess (%s) and %s", [user.name, admins.how(arn), _no_mfa(user)]),
) if {
	user.mfa_enabled == false
} else := result.unknown(arn, "", msg) if {
	not is_boolean(object.get(user, "mfa_enabled", null))
	msg := sprintf(
		"user %s holds AWSCloudTrail_FullAccess (%s), but %s",
		[user.name, admins.how(arn), snapshot.missing("MFA status", arn)],
	)
}

# A user whose holding could not be decided complies when it has MFA (whether it holds
# the policy or not); without MFA, or with its MFA status unknown, it is UNKNOWN.
findings contains _unresolved_finding(arn, input.iam.users[arn]) if some arn in admins.unresolved_users

_unresolved_finding(arn, user) := result.pass(arn, "", msg) if {
	user.mfa_enabled == true
	msg := sprintf(
		"user %s has an MFA device (whether it holds AWSCloudTrail_FullAccess is unknown: %s)",
		[user.name, concat("; ", admins.reasons(arn))],
	)
} else := result.unknown(arn, "", msg) if {
	not user.mfa_enabled == true
	msg := sprintf("whether user %s holds AWSCloudTrail_FullAccess is unknown (%s), and %s", [
		user.name,
		concat("; ", admins.reasons(arn)),
		_mfa_state(user),
	])
}

# The policy itself passes only when every user is known not to hold it.
findings contains result.pass(admins.full_access_policy_arn, "", "no IAM user holds AWSCloudTrail_FullAccess") if {
	input.iam.users
	count(admins.user_holders) == 0
	count(admins.unresolved_users) == 0
}

_no_mfa(user) := "signs in to the console with a password alone: no MFA device is assigned" if {
	user.console_access == true
}

_no_mfa(user) := "uses access keys only, with no MFA device: no MFA can be enforced on its calls" if {
	user.console_access == false
}

_no_mfa(user) := "has no MFA device" if {
	not is_boolean(object.get(user, "console_access", null))
}

_mfa_state(user) := "it has no MFA device" if {
	user.mfa_enabled == false
} else := "its MFA status was not collected"
