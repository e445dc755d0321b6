# METADATA
# title: The trail's S3 bucket is not publicly accessible
# description: |
#   CloudTrail logs record every API call in the account: who did what, from
#   where, with which resources. A log bucket readable by everyone hands that
#   map to an attacker; one writable by everyone lets them plant or overwrite
#   log files. For every bucket a trail delivers to, this check fails for:
#   - an ACL grant to the AllUsers (everyone) or AuthenticatedUsers (any AWS
#     account) group;
#   - an Allow statement of the bucket policy whose principal is everyone
#     (Principal "*" or {"AWS": "*"}, or NotPrincipal) and whose conditions do not
#     pin the caller to specific values of aws:SourceArn, aws:SourceAccount,
#     aws:SourceOwner, aws:SourceVpc(e), aws:SourceIp, aws:VpcSourceIp,
#     aws:PrincipalOrgID/OrgPaths, aws:PrincipalAccount, aws:PrincipalArn,
#     aws:SourceOrgID/OrgPaths, aws:userid, s3:DataAccessPointAccount/Arn with a
#     positive operator (no IfExists, no negated operator, no "*" value).
#     Conditions such as aws:SecureTransport alone do not restrict who calls;
#   - S3's own verdict PolicyStatus.IsPublic when no statement above explains it.
#   A public grant neutralised by the public access block (IgnorePublicAcls,
#   RestrictPublicBuckets at the bucket or the owning account) still fails, with
#   severity medium: one setting change from exposure.
#   UNKNOWN when the ACL, the policy or the policy status could not be read and
#   nothing failed. A bucket absent from the snapshot is UNKNOWN; a bucket that
#   does not exist is left to TG-CT-004.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
#     description: "Amazon S3 bucket policy for CloudTrail"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-6
#     description: "Security Hub control CloudTrail.6: the S3 bucket that stores CloudTrail logs is not publicly
#       accessible"
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: "CIS Amazon Web Services Foundations Benchmark, control v1.4.0 3.3"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
#     description: "CIS AWS Foundations Benchmark controls in Security Hub"
# custom:
#   id: TG-S3-001
#   severity: critical
#   resource_type: AwsS3Bucket
#   remediation:
#     console: S3 console > Buckets > choose the bucket > Permissions > Block public access > Edit > turn on all four
#       settings; then under Bucket policy remove statements granting Principal "*" without a restricting condition,
#       and under Access control list (ACL) remove grants to Everyone and Authenticated users group (or set Object
#       Ownership to Bucket owner enforced).
#     cli: aws s3api put-public-access-block --bucket <bucket-name> --public-access-block-configuration
#       BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true && aws s3api
#       put-bucket-ownership-controls --bucket <bucket-name> --ownership-controls
#       'Rules=[{ObjectOwnership=BucketOwnerEnforced}]' && aws s3api put-bucket-policy --bucket <bucket-name> --policy
#       file://<policy-without-public-statements>.json
#   frameworks:
#     cis-aws-v1.4.0: ["3.3"]
#     securityhub: ["CloudTrail.6"]
package trailguard.checks.bucket_not_public

import data.trailguard.lib.buckets
import data.trailguard.lib.iam
import data.trailguard.lib.result

_public_groups := {
	"acs.amazonaws.com/groups/global/allusers": "AllUsers (everyone)",
	"acs.amazonaws.com/groups/global/authenticatedusers": "AuthenticatedUsers (any AWS account)",
}

# Condition keys that pin who may call (or from where) to specific values.
_restricting_keys := {
	"aws:sourcearn", "aws:sourceaccount", "aws:sourceowner",
	"aws:sourcevpce", "aws:sourcevpc", "aws:sourceip", "aws:vpcsourceip",
	"aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
	"aws:sourceorgid", "aws:sourceorgpaths", "aws:userid",
	"s3:dataaccesspointaccount", "s3:dataaccesspointarn",
}

# _public_grant[name] contains one description per public ACL grant.
_public_grant[name] contains sprintf("ACL grants %s to %s", [object.get(grant, "permission", "access"), group]) if {
	some name, bucket in buckets.evaluated
	some grant in object.get(bucket, ["acl", "grants"], [])
	uri := lower(object.get(grant, "grantee_uri", ""))
	uri != "" # a grant without a URI (to a canonical user, the usual case) names no group
	some suffix, group in _public_groups
	endswith(uri, suffix)
}

_public_principal(stmt) if buckets.public_principal(stmt)

_public_principal(stmt) if stmt.NotPrincipal

_unrestricted(stmt) if count(buckets.pinned_keys(stmt) & _restricting_keys) == 0

_actions(stmt) := concat(", ", sort(iam.values(stmt.Action))) if stmt.Action

_actions(stmt) := sprintf("every action except %s", [concat(", ", sort(iam.values(stmt.NotAction)))]) if {
	not stmt.Action
	stmt.NotAction
}

_who(stmt) := "Principal *" if buckets.public_principal(stmt)

_who(stmt) := sprintf("everyone except NotPrincipal %s", [concat(", ", sort(_not_principals(stmt)))]) if {
	not buckets.public_principal(stmt)
	stmt.NotPrincipal
}

_not_principals(stmt) := {stmt.NotPrincipal} if is_string(stmt.NotPrincipal)

_not_principals(stmt) := {p |
	some v in stmt.NotPrincipal
	some p in iam.values(v)
} if is_object(stmt.NotPrincipal)

# _public_statement[name] contains one description per public Allow statement.
_public_statement := {name: problems |
	some name, stmts in buckets.policies
	problems := {sprintf(
		"policy statement %s allows %s to %s without a condition restricting the caller",
		[buckets.label(stmt, i), _actions(stmt), _who(stmt)],
	) |
		some i, stmt in stmts
		stmt.Effect == "Allow"
		_public_principal(stmt)
		_unrestricted(stmt)
	}
	count(problems) > 0
}

_policy_status_public[name] := "S3 reports the bucket policy as public (PolicyStatus.IsPublic)" if {
	some name, bucket in buckets.evaluated
	bucket.policy_status.is_public == true
	count(object.get(_public_statement, name, set())) == 0
}

_setting_names := {"ignore_public_acls": "IgnorePublicAcls", "restrict_public_buckets": "RestrictPublicBuckets"}

# A public access block setting is on at the bucket, or at the account that owns it.
_blocked(bucket, setting) if bucket.public_access_block[setting] == true

_blocked(bucket, setting) if {
	bucket.owner_account_id == input.account_id
	input.s3_account_public_access_block[setting] == true
}

_finding(name, bucket, problem, setting) := result.fail_with_severity(
	buckets.arn(name), buckets.region(bucket),
	sprintf("%s (currently neutralised by %s, but one setting change from exposure)", [problem, _setting_names[setting]]),
	"medium",
) if {
	_blocked(bucket, setting)
} else := result.fail(buckets.arn(name), buckets.region(bucket), problem)

findings contains f if some f in buckets.not_collected_findings

# The findings of each evaluated bucket: the cases are exclusive, so they are
# tried in turn, the usual one first (an else chain stops at the first that
# holds, where separate rules would each look at every bucket).
findings contains f if {
	some name, bucket in buckets.evaluated
	some f in _findings(name, bucket)
}

_findings(name, bucket) := {result.pass(
	buckets.arn(name),
	buckets.region(bucket),
	"no ACL grant or bucket policy statement makes the bucket public, and S3 does not report it as public",
)} if {
	not _failed(name)
	count(_missing(name, bucket)) == 0
} else := ({_finding(name, bucket, problem, "ignore_public_acls") |
	some problem in _public_grant[name]
} | {_finding(name, bucket, problem, "restrict_public_buckets") |
	some problem in _public_statement[name]
}) | {_finding(name, bucket, problem, "restrict_public_buckets") | problem := _policy_status_public[name]} if {
	_failed(name)
} else := {result.unknown(
	buckets.arn(name),
	buckets.region(bucket),
	buckets.missing(
		concat(", ", sort(_missing(name, bucket))),
		name,
		{"GetBucketAcl", "GetBucketPolicy", "GetBucketPolicyStatus"},
	),
)}

_failed(name) if _public_grant[name]

_failed(name) if _public_statement[name]

_failed(name) if _policy_status_public[name]

# _missing(name, bucket) is what could not be read about the bucket.
_missing(name, bucket) := (({"the ACL" |
	not is_array(object.get(bucket, ["acl", "grants"], null))
} | {"the grantee of a group ACL grant" |
	some grant in object.get(bucket, ["acl", "grants"], [])
	object.get(grant, "grantee_type", "Group") == "Group"
	not is_string(object.get(grant, "grantee_id", null))
	not is_string(object.get(grant, "grantee_email", null))
	not is_string(object.get(grant, "grantee_uri", null))
}) | {"the bucket policy" | not buckets.policies[name]}) | {"the policy status" |
	object.get(bucket, ["policy", "exists"], true) != false
	not is_boolean(object.get(bucket, ["policy_status", "is_public"], null))
}
