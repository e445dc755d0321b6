# METADATA
# title: The root user has MFA enabled
# description: |
#   The root user can do anything in the account, including stopping and deleting
#   every trail, and no IAM policy can restrict it (only organization SCPs can). It is
#   also the one identity everybody is tempted to share: its activity is recorded as
#   "Root", not as a person, so a shared root password makes the audit trail unable
#   to say who switched it off. Protect it with MFA whose device is held by a named
#   custodian, never share it, and do daily work, CloudTrail administration included,
#   with individual users or roles (no shared accounts).
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: TG-IAM-005
#   severity: critical
#   resource_type: AwsAccount
#   remediation:
#     console: Sign in as the root user > account menu > Security credentials > Multi-factor authentication (MFA) > Assign MFA device (a hardware key or passkey kept by a named custodian is preferred).
#     cli: "Root MFA cannot be assigned with the AWS CLI: sign in to the console as the root user and use Security credentials > Assign MFA device. Verify with: aws iam get-account-summary --query SummaryMap.AccountMFAEnabled"
#   frameworks:
#     cis-aws-v3.0.0: ["1.5"]
#     cis-aws-v1.4.0: ["1.5"]
#     securityhub: ["IAM.9"]
package trailguard.checks.root_mfa

import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# The cases are exclusive, so they are tried in turn, the usual one first (an
# else chain stops at the first that holds).
findings contains _finding

_finding := result.pass(input.account_id, "", "the root user has MFA enabled") if {
	input.iam.root.mfa_enabled == true
} else := result.fail(input.account_id, "", "the root user has no MFA: its password alone can stop or delete every trail") if {
	input.iam.root.mfa_enabled == false
} else := result.unknown(input.account_id, "", snapshot.missing("root user MFA status", input.account_id)) if {
	not is_boolean(object.get(object.get(object.get(input, "iam", {}), "root", {}), "mfa_enabled", null))
}
