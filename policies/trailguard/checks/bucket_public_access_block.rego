# METADATA
# title: S3 Block Public Access is fully on for the trail's bucket
# description: |
#   Block Public Access is the guard rail that keeps a mistaken ACL or bucket
#   policy from exposing the CloudTrail logs. All four settings must be on:
#   BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets.
#   Each setting counts when it is on at the bucket or at the account that owns
#   the bucket (S3 applies the most restrictive of the two). The account-level
#   configuration in the snapshot is the audited account's, so it only counts
#   for a bucket whose owner_account_id is the audited account.
#   FAIL lists every setting that is off at both levels; UNKNOWN when no setting
#   is known to be off but some setting is not on at a level that was read and
#   the other level is missing (or belongs to another account).
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
#     description: "Blocking public access to your Amazon S3 storage"
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html
#     description: "Security best practices in AWS CloudTrail"
# custom:
#   id: TG-S3-002
#   severity: high
#   resource_type: AwsS3Bucket
#   remediation:
#     console: S3 console > Buckets > choose the bucket > Permissions > Block public access (bucket settings) > Edit >
#       check Block all public access > Save changes (or S3 console > Block Public Access settings for this account >
#       Edit > Block all public access).
#     cli: aws s3api put-public-access-block --bucket <bucket-name> --public-access-block-configuration
#       BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
package trailguard.checks.bucket_public_access_block

import data.trailguard.lib.buckets
import data.trailguard.lib.result
import data.trailguard.lib.snapshot

_settings := {
	"block_public_acls": "BlockPublicAcls",
	"ignore_public_acls": "IgnorePublicAcls",
	"block_public_policy": "BlockPublicPolicy",
	"restrict_public_buckets": "RestrictPublicBuckets",
}

_own_account(bucket) if bucket.owner_account_id == input.account_id

# _account_level(bucket) is the public access block of the account owning the
# bucket, when it is the audited account and was read.
_account_level(bucket) := input.s3_account_public_access_block if _own_account(bucket)

_on(bucket, setting) if bucket.public_access_block[setting] == true

_on(bucket, setting) if _account_level(bucket)[setting] == true

# _bucket_all_on(bucket) is true when the bucket itself has all four settings on
# (the usual case: nothing else to look at).
_bucket_all_on(bucket) if {
	pab := bucket.public_access_block
	pab.block_public_acls == true
	pab.ignore_public_acls == true
	pab.block_public_policy == true
	pab.restrict_public_buckets == true
}

# _partly_off are the evaluated buckets without all four settings on at the bucket.
_partly_off := {name: bucket |
	some name, bucket in buckets.evaluated
	not _bucket_all_on(bucket)
}

# A setting is off when both levels were read and neither has it on.
# (Complete rules: looked up several times per bucket.)
_off := {name: off |
	some name, bucket in _partly_off
	off := {setting |
		some setting, _ in _settings
		is_boolean(bucket.public_access_block[setting])
		is_boolean(_account_level(bucket)[setting])
		not _on(bucket, setting)
	}
	count(off) > 0
}

_undecided := {name: undecided |
	some name, bucket in _partly_off
	undecided := {setting |
		some setting, _ in _settings
		not _on(bucket, setting)
		not _off[name][setting]
	}
	count(undecided) > 0
}

_names(settings) := concat(", ", sort([_settings[s] | some s in settings]))

findings contains f if some f in buckets.not_collected_findings

# One finding per evaluated bucket: the cases are exclusive, so they are tried in
# turn, the usual one first (an else chain stops at the first that holds, where
# separate rules would each look at every bucket).
findings contains _finding(name, bucket) if some name, bucket in buckets.evaluated

_finding(name, bucket) := result.pass(
	buckets.arn(name),
	buckets.region(bucket),
	"all four Block Public Access settings are on (at the bucket or its account)",
) if {
	not _off[name]
	not _undecided[name]
} else := result.fail(
	buckets.arn(name),
	buckets.region(bucket),
	sprintf("Block Public Access %s off at both the bucket and the account", [_names(_off[name])]),
) if {
	_off[name]
} else := result.unknown(
	buckets.arn(name),
	buckets.region(bucket),
	sprintf("%s not on at the bucket, and %s", [_names(_undecided[name]), _unknown_reason(name, bucket)]),
)

_unknown_reason(name, bucket) := buckets.missing(
	"the bucket-level Block Public Access configuration",
	name,
	{"GetPublicAccessBlock"},
) if {
	not bucket.public_access_block
} else := sprintf(
	"the account-level Block Public Access configuration could not be read (%s)",
	[snapshot.why(input.account_id)],
) if {
	_own_account(bucket)
	not input.s3_account_public_access_block
} else := sprintf(
	"the bucket is owned by account %s, whose account-level Block Public Access configuration is not in the snapshot",
	[bucket.owner_account_id],
) if {
	bucket.owner_account_id
} else := concat(" ", [
	"the bucket's owner account is unknown, so the audited account's Block Public Access configuration may not",
	"apply to it",
])
