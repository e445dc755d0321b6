# METADATA
# title: Only the SecurityAdmin role holds AWSCloudTrail_FullAccess
# description: |
#   At ACME, switching CloudTrail off or changing what it records is a break-glass
#   action of the security team: only the roles listed in
#   data.acme.organization.cloudtrail_admin_roles (SecurityAdmin) may hold
#   AWSCloudTrail_FullAccess. Any user, group or other role that holds it, directly
#   or through a group, fails. A principal whose permissions could not be read is
#   UNKNOWN, never a pass.
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: ACME-IAM-001
#   severity: high
#   resource_type: AwsIamRole
#   remediation:
#     console: IAM console > Users, User groups or Roles > choose the principal > Permissions > select AWSCloudTrail_FullAccess > Remove; grant access by letting the person assume the SecurityAdmin role.
#     cli: aws iam detach-role-policy --role-name <role-name> --policy-arn arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess
#   frameworks:
#     acme-security-standard: ["IAM-4.3"]
package acme.checks.full_access_security_admin_only

import data.trailguard.lib.cloudtrail_admins as admins
import data.trailguard.lib.result
import data.trailguard.lib.snapshot

allowed_roles := {name | some name in data.acme.organization.cloudtrail_admin_roles}

# not_allowed maps every holder that is not an allowed role to its type.
not_allowed := {arn: holder.type |
	some arn, holder in admins.holders
	not _allowed_role(arn, holder)
}

_allowed_role(arn, holder) if {
	holder.type == "role"
	input.iam.roles[arn].name in allowed_roles
}

findings contains result.unknown(input.account_id, "", snapshot.missing("IAM users, groups, roles and policies", input.account_id)) if {
	not input.iam
}

findings contains result.fail(arn, "", msg) if {
	some arn, type in not_allowed
	msg := sprintf("%s %s holds AWSCloudTrail_FullAccess; only the roles %s may", [type, arn, concat(", ", sort(allowed_roles))])
}

findings contains result.unknown(input.account_id, "", snapshot.missing(sprintf("IAM %s", [name]), input.account_id)) if {
	some name in admins.missing_collections
}

findings contains result.unknown(arn, "", concat("; ", admins.reasons(arn))) if {
	some arn, _ in admins.unresolved
}

findings contains result.pass(admins.full_access_policy_arn, "", msg) if {
	input.iam
	count(not_allowed) == 0
	count(admins.unresolved) == 0
	count(admins.missing_collections) == 0
	msg := sprintf("only the roles %s hold AWSCloudTrail_FullAccess", [concat(", ", sort(allowed_roles))])
}
