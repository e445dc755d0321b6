# METADATA
# title: The organization trail's bucket lets CloudTrail write for this organization only
# description: |
#   The organization trail writes every account's logs into one bucket,
#   usually in a log-archive account. Its policy must let CloudTrail write the
#   organization's logs (under AWSLogs/<organization id>/) on behalf of this
#   organization only: each statement granting cloudtrail.amazonaws.com
#   s3:PutObject must be pinned by aws:SourceArn (the organization trail),
#   aws:SourceAccount or aws:SourceOrgID (this organization). A grant pinned
#   to nobody lets any AWS account's trail write forged logs into the archive;
#   one pinned to another organization hands it the archive, and so does one
#   naming an account outside the organization (an AWS principal, an
#   aws:SourceAccount value, or the account of an aws:SourceArn) -- judged
#   against every account the organization scan listed.
#   FAIL names each broader grant (and the stranger account), or says that
#   no grant lets the organization trail write. UNKNOWN when the bucket or its
#   policy could not be read, or when a grant names an account and the
#   organization's accounts were not listed. Reported only in an organization scan, once per organization
#   trail's bucket in each account.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
#     description: "Amazon S3 bucket policy for CloudTrail"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html
#     description: "Creating a trail for an organization"
# custom:
#   id: TG-ORG-004
#   severity: high
#   resource_type: AwsS3Bucket
#   remediation:
#     console: 'S3 console (log-archive account) > the bucket > Permissions > Bucket policy > Edit > make the
#       CloudTrail s3:PutObject statement cover arn:aws:s3:::<bucket>/AWSLogs/<org-id>/* with "Condition":
#       {"StringEquals": {"aws:SourceArn": "<organization-trail-arn>", "s3:x-amz-acl": "bucket-owner-full-control"}}
#       and remove any CloudTrail grant without such a condition.'
#     cli: 'aws s3api get-bucket-policy --bucket <bucket> --query Policy --output text > policy.json; pin each
#       CloudTrail s3:PutObject statement with "StringEquals": {"aws:SourceArn": "<organization-trail-arn>"} (or
#       "aws:SourceOrgID": "<org-id>"); aws s3api put-bucket-policy --bucket <bucket> --policy file://policy.json'
package trailguard.checks.org_log_archive_bucket

import data.trailguard.lib.buckets
import data.trailguard.lib.organization
import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# _org_buckets maps each organization trail bucket to the organization trails writing to it.
_org_buckets := {name: arns |
	some trail in organization.organization_trails
	name := trail.s3_bucket_name
	arns := {arn | some arn, t in organization.organization_trails; t.s3_bucket_name == name}
}

findings contains _finding(name, arns) if {
	organization.scan
	some name, arns in _org_buckets
}

# _object_arn(name, trail_arn) is an object the organization trail writes for a member account.
_object_arn(name, trail_arn) := sprintf("%s/%sAWSLogs/%s/%s/CloudTrail/us-east-1/log.json.gz", [
	buckets.arn(name), _prefix(organization.organization_trails[trail_arn]), organization.id, input.account_id,
])

_prefix(trail) := concat("", [trail.s3_key_prefix, "/"]) if snapshot.has_value(trail, "s3_key_prefix")

else := ""

_finding(name, arns) := result.unknown(buckets.arn(name), "", msg) if {
	not input.buckets[name]
	msg := sprintf("bucket %s of the organization trail could not be read (%s)", [name, buckets.why(name)])
} else := result.unknown(buckets.arn(name), buckets.region(input.buckets[name]), msg) if {
	not buckets.policy_known(input.buckets[name])
	msg := buckets.missing("the bucket policy", name, {"GetBucketPolicy"})
} else := _judged(name, arns, buckets.policy_statements(input.buckets[name]))

_judged(name, arns, stmts) := result.fail(buckets.arn(name), buckets.region(input.buckets[name]), msg) if {
	problems := [sprintf("statement %s %s", [label, p]) |
		some [label, stmt] in organization.cloudtrail_grants(stmts, "s3:PutObject")
		p := organization.cloudtrail_grant_problem(stmt)
	]
	count(problems) > 0
	msg := sprintf(
		"bucket %s lets CloudTrail write beyond organization %s: %s",
		[name, organization.id, concat("; ", problems)],
	)
} else := result.fail(buckets.arn(name), buckets.region(input.buckets[name]), msg) if {
	missing := {arn |
		some arn in arns
		not _admitted(stmts, name, arn)
	}
	count(missing) > 0
	msg := sprintf(
		concat(" ", [
			"bucket %s has no statement letting CloudTrail write the logs of organization trail %s (s3:PutObject on",
			"%s/AWSLogs/%s/* for this trail or organization): the organization's logs cannot be delivered",
		]),
		[name, concat(", ", sort(missing)), buckets.arn(name), organization.id],
	)
} else := result.unknown(buckets.arn(name), buckets.region(input.buckets[name]), msg) if {
	unlisted := organization.unlisted_accounts(stmts, "s3:PutObject")
	count(unlisted) > 0
	msg := sprintf(
		concat(" ", [
			"bucket %s lets CloudTrail write for account %s, but the organization's accounts were not listed:",
			"whether they belong to organization %s is not known",
		]),
		[name, concat(", ", sort(unlisted)), organization.id],
	)
} else := result.pass(buckets.arn(name), buckets.region(input.buckets[name]), msg) if {
	msg := sprintf(
		"bucket %s lets CloudTrail write only for organization %s (organization trail %s)",
		[name, organization.id, concat(", ", sort(arns))],
	)
}

_admitted(stmts, name, arn) if {
	some [_, stmt] in organization.cloudtrail_grants(stmts, "s3:PutObject")
	organization.admits_organization_trail(stmt, arn)
	organization.covers_resource(stmt, _object_arn(name, arn))
}
