# METADATA
# title: The organization trail's KMS key lets CloudTrail encrypt for this organization only
# description: |
#   The organization trail encrypts every account's logs with one KMS key,
#   usually in the log-archive account. Its key policy must let CloudTrail
#   generate data keys for the organization trail and for no one else's
#   trails: each statement granting cloudtrail.amazonaws.com
#   kms:GenerateDataKey* must be pinned by aws:SourceArn or the
#   kms:EncryptionContext:aws:cloudtrail:arn context (trails of the management
#   account), aws:SourceAccount or aws:SourceOrgID (this organization), and
#   name no account outside the organization (an AWS principal, an
#   aws:SourceAccount value, or the account of an aws:SourceArn or
#   encryption-context ARN), judged against every account the organization
#   scan listed.
#   FAIL names each broader grant (and the stranger account), or says that no
#   grant lets the organization trail encrypt. UNKNOWN when the key or its
#   policy could not be read, or when a grant names an account and the
#   organization's accounts were not listed.
#   Reported only in an organization scan, for organization trails that use a
#   KMS key.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
#     description: "Configure AWS KMS key policies for CloudTrail"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html
#     description: "Creating a trail for an organization"
# custom:
#   id: TG-ORG-005
#   severity: high
#   resource_type: AwsKmsKey
#   remediation:
#     console: 'KMS console (log-archive account) > Customer managed keys > the key > Key policy > Edit > in the
#       statement allowing cloudtrail.amazonaws.com kms:GenerateDataKey*, set "Condition": {"StringLike":
#       {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:<management-account-id>:trail/*"},
#       "StringEquals": {"aws:SourceArn": "<organization-trail-arn>"}}.'
#     cli: 'aws kms get-key-policy --key-id <key-arn> --policy-name default --query Policy --output text >
#       key-policy.json; pin the CloudTrail statement as above; aws kms put-key-policy --key-id <key-arn> --policy-name
#       default --policy file://key-policy.json'
package trailguard.checks.org_log_archive_key

import data.trailguard.lib.iam
import data.trailguard.lib.organization
import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# _org_keys maps each organization trail key to the organization trails using it.
_org_keys := {key: arns |
	some trail in organization.organization_trails
	key := trail.kms_key_id
	snapshot.has_value(trail, "kms_key_id")
	arns := {arn | some arn, t in organization.organization_trails; t.kms_key_id == key}
}

findings contains _finding(key, arns) if {
	organization.scan
	some key, arns in _org_keys
}

_region(key) := snapshot.region_of_arn(key)

_finding(key, arns) := result.unknown(key, _region(key), snapshot.missing("the KMS key", key)) if {
	not input.kms_keys[key]
} else := result.unknown(key, _region(key), snapshot.missing("the key policy (GetKeyPolicy)", key)) if {
	not input.kms_keys[key].policy
} else := _judged(key, arns, iam.statements(input.kms_keys[key].policy))

_judged(key, arns, stmts) := result.fail(key, _region(key), msg) if {
	problems := [sprintf("statement %s %s", [label, p]) |
		some [label, stmt] in organization.cloudtrail_grants(stmts, "kms:GenerateDataKey")
		p := organization.cloudtrail_grant_problem(stmt)
	]
	count(problems) > 0
	msg := sprintf(
		"key %s lets CloudTrail encrypt beyond organization %s: %s",
		[key, organization.id, concat("; ", problems)],
	)
} else := result.fail(key, _region(key), msg) if {
	missing := {arn |
		some arn in arns
		not _admitted(stmts, arn)
	}
	count(missing) > 0
	msg := sprintf(
		concat(" ", [
			"key %s has no statement letting CloudTrail generate data keys for organization trail %s:",
			"the organization's logs cannot be encrypted and delivered",
		]),
		[key, concat(", ", sort(missing))],
	)
} else := result.unknown(key, _region(key), msg) if {
	unlisted := organization.unlisted_accounts(stmts, "kms:GenerateDataKey")
	count(unlisted) > 0
	msg := sprintf(
		concat(" ", [
			"key %s lets CloudTrail encrypt for account %s, but the organization's accounts were not listed:",
			"whether they belong to organization %s is not known",
		]),
		[key, concat(", ", sort(unlisted)), organization.id],
	)
} else := result.pass(key, _region(key), msg) if {
	msg := sprintf(
		"key %s lets CloudTrail encrypt only for organization %s (organization trail %s)",
		[key, organization.id, concat(", ", sort(arns))],
	)
}

_admitted(stmts, arn) if {
	some [_, stmt] in organization.cloudtrail_grants(stmts, "kms:GenerateDataKey")
	organization.admits_organization_trail(stmt, arn)
}
