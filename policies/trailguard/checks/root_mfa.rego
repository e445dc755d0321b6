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
#
#   A root user without MFA that has no password and no access keys cannot sign
#   in, as long as nobody can set a password through password recovery: that is
#   what AWS Organizations' centrally managed root access
#   (RootCredentialsManagement, iam:ListOrganizationsFeatures) guarantees for
#   member accounts. Such a root user passes; without central management
#   (not in an organization, the management account itself, or the feature
#   off) password recovery to the root email sets a password, so it fails; when
#   either fact could not be read, the verdict is UNKNOWN with the reason. The
#   password state comes from the IAM credential report (<root_account>
#   password_enabled) or GetAccountSummary (AccountPasswordPresent).
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-virt-mfa-for-root.html
#     description: "Enable a virtual MFA device for your AWS account root user"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-9
#     description: "Security Hub control IAM.9: MFA should be enabled for the root user"
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: "CIS Amazon Web Services Foundations Benchmark, control v3.0.0 1.5; v1.4.0 1.5"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
#     description: "CIS AWS Foundations Benchmark controls in Security Hub"
# custom:
#   id: TG-IAM-005
#   severity: critical
#   resource_type: AwsAccount
#   remediation:
#     console: Sign in as the root user > account menu > Security credentials > Multi-factor authentication (MFA) >
#       Assign MFA device (a hardware key or passkey kept by a named custodian is preferred).
#     cli: "Root MFA cannot be assigned with the AWS CLI: sign in to the console as the root user and use Security
#       credentials > Assign MFA device. Verify with: aws iam get-account-summary --query SummaryMap.AccountMFAEnabled"
#   frameworks:
#     cis-aws-v3.0.0: ["1.5"]
#     cis-aws-v1.4.0: ["1.5"]
#     securityhub: ["IAM.9"]
package trailguard.checks.root_mfa

import data.trailguard.lib.result
import data.trailguard.lib.snapshot

_root := object.get(object.get(input, "iam", {}), "root", {})

# The cases are exclusive, so they are tried in turn, the usual one first (an
# else chain stops at the first that holds).
findings contains _finding

_finding := result.pass(input.account_id, "", "the root user has MFA enabled") if {
	_root.mfa_enabled == true
} else := result.unknown(input.account_id, "", snapshot.missing("root user MFA status", input.account_id)) if {
	not is_boolean(object.get(_root, "mfa_enabled", null))
} else := result.fail(
	input.account_id,
	"",
	"the root user has no MFA: its password alone can stop or delete every trail",
) if {
	_root.password_enabled == true
} else := result.fail(
	input.account_id,
	"",
	concat(" ", [
		"the root user has no MFA and has access keys: they can stop or delete every trail,",
		"and the root user cannot be restricted by IAM",
	]),
) if {
	_root.access_keys_present == true
} else := result.unknown(input.account_id, "", snapshot.missing("root user access keys", input.account_id)) if {
	not is_boolean(object.get(_root, "access_keys_present", null))
} else := result.pass(input.account_id, "", msg) if {
	_root.password_enabled == false
	_centrally_managed
	msg := sprintf(
		concat(" ", [
			"the root user has no MFA, but it has no password and no access keys,",
			"and organization %s manages member accounts' root credentials centrally (RootCredentialsManagement):",
			"nobody can sign in as root or recover its password",
		]),
		[_org_id],
	)
} else := result.fail(input.account_id, "", msg) if {
	_root.password_enabled == false
	reason := _not_managed_reason
	msg := sprintf(
		concat(" ", [
			"the root user has no MFA; it has no password and no access keys now, but %s,",
			"so password recovery through the root user's email sets a password that signs in without MFA",
		]),
		[reason],
	)
} else := result.unknown(input.account_id, "", msg) if {
	_root.password_enabled == false
	msg := sprintf(
		concat(" ", [
			"the root user has no MFA, no password and no access keys;",
			"it cannot sign in if its organization manages root credentials centrally (RootCredentialsManagement),",
			"but %s",
		]),
		[_features_missing],
	)
} else := result.unknown(input.account_id, "", msg) if {
	_centrally_managed
	msg := sprintf(
		concat(" ", [
			"the root user has no MFA and no access keys, and organization %s manages member accounts' root",
			"credentials centrally (RootCredentialsManagement), so it may have no password either; but %s",
		]),
		[_org_id, _password_unread],
	)
} else := result.fail(input.account_id, "", msg) if {
	reason := _not_managed_reason
	msg := sprintf(
		concat(" ", [
			"the root user has no MFA: its password alone can stop or delete every trail (whether it has a password",
			"was not read, but %s, so one can always be set through password recovery)",
		]),
		[reason],
	)
} else := result.unknown(input.account_id, "", msg) if {
	msg := sprintf(
		concat(" ", [
			"the root user has no MFA and no access keys, but %s, and %s:",
			"if the organization manages root credentials centrally (RootCredentialsManagement),",
			"the root user may have no credential to sign in with",
		]),
		[
			_password_unread,
			_features_missing,
		],
	)
}

_org_id := object.get(object.get(input, "organization", {}), "id", "")

_features := input.iam.organization_features.enabled_features

# _centrally_managed is true when the account is a member of an organization
# that has centralized root credentials management on.
_centrally_managed if {
	"RootCredentialsManagement" in _features
	input.organization.is_management_account == false
	_org_id != ""
}

# _not_managed_reason says why central root credentials management is known
# not to protect the account (undefined when that is not known).
_not_managed_reason := "the account is not in an organization" if {
	input.organization.is_management_account == false
	_org_id == ""
} else := "it is the organization's management account, whose root user centralized root access never manages" if {
	input.organization.is_management_account == true
} else := "its organization does not manage root credentials centrally (RootCredentialsManagement is off)" if {
	_features_known
	not "RootCredentialsManagement" in _features
}

_features_missing := sprintf(
	"the organization's root access features (iam:ListOrganizationsFeatures) could not be read (%s)",
	[snapshot.why(input.account_id)],
) if {
	not _features_known
	input.organization
} else := snapshot.missing("the organization membership", input.account_id)

_features_known if is_array(_features)

_password_unread := snapshot.unanswered(
	sprintf("whether the root user of %s has a password (IAM credential report)", [input.account_id]),
	input.account_id,
)
