package trailguard.checks.org_log_archive_bucket_test

import data.trailguard.checks.org_log_archive_bucket.findings
import data.trailguard.fixtures

bucket := fixtures.bucket_name

org_trail := fixtures.org_trail_arn

# org_write(condition) lets CloudTrail write the organization's logs under condition.
org_write(condition) := {
	"Sid": "AWSCloudTrailOrganizationWrite",
	"Effect": "Allow",
	"Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "s3:PutObject",
	"Resource": sprintf("arn:aws:s3:::%s/AWSLogs/o-a1b2c3d4e5/*", [bucket]),
	"Condition": condition,
}

# with_statements(stmts) is the member of fixtures.org_member whose trail bucket has the policy stmts.
with_statements(stmts) := json.patch(
	fixtures.org_member_without_own_trail,
	[{
		"op": "replace",
		"path": ["buckets", bucket, "policy"],
		"value": {"exists": true, "document": {"Version": "2012-10-17", "Statement": stmts}},
	}],
)

only(snapshot) := f if {
	fs := findings with input as snapshot
	count(fs) == 1
	some f in fs
}

test_pass_when_scoped_to_the_organization_trail_or_organization if {
	every condition in [
		{"StringEquals": {"aws:SourceArn": org_trail, "s3:x-amz-acl": "bucket-owner-full-control"}},
		{"StringEquals": {"AWS:SourceOrgID": "o-a1b2c3d4e5"}},
		{"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:999988887777:trail/*"}},
		{"StringEquals": {"aws:SourceAccount": "999988887777"}},
	] {
		f := only(with_statements([org_write(condition)]))
		f.status == "PASS"
		f.resource == sprintf("arn:aws:s3:::%s", [bucket])
		contains(f.message, "lets CloudTrail write only for organization o-a1b2c3d4e5")
	}
}

test_fail_when_a_grant_is_not_pinned if {
	f := only(with_statements([
		org_write({"StringEquals": {"aws:SourceArn": org_trail}}),
		json.remove(object.union(org_write({}), {"Sid": "Anyone"}), ["Condition"]),
	]))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"bucket aws-cloudtrail-logs-111122223333-a1b2c3d4 lets CloudTrail write beyond organization o-a1b2c3d4e5:",
		"statement 'Anyone' does not say on whose behalf (no aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or",
		"encryption-context condition pinned to specific values): any account's trail may use it",
	])
}

test_fail_when_a_grant_admits_another_organization if {
	f := only(with_statements([org_write({"StringEquals": {"aws:SourceOrgID": ["o-a1b2c3d4e5", "o-zz9y8x7w6v"]}})]))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"bucket aws-cloudtrail-logs-111122223333-a1b2c3d4 lets CloudTrail write beyond organization o-a1b2c3d4e5:",
		"statement 'AWSCloudTrailOrganizationWrite' admits organization o-zz9y8x7w6v, not this organization",
		"o-a1b2c3d4e5",
	])
}

test_fail_when_a_wildcard_account_is_admitted if {
	f := only(with_statements([org_write({"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:*:trail/*"}})]))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"bucket aws-cloudtrail-logs-111122223333-a1b2c3d4 lets CloudTrail write beyond organization o-a1b2c3d4e5:",
		"statement 'AWSCloudTrailOrganizationWrite' does not say on whose behalf (no aws:SourceArn,",
		"aws:SourceAccount, aws:SourceOrgID or encryption-context condition pinned to specific values): any",
		"account's trail may use it",
	])
}

test_fail_when_the_organization_trail_cannot_write if {
	# Only the management account's own prefix: member accounts' logs are refused.
	stmt := object.union(
		org_write({"StringEquals": {"aws:SourceArn": org_trail}}),
		{"Resource": sprintf("arn:aws:s3:::%s/AWSLogs/999988887777/*", [bucket])},
	)
	f := only(with_statements([stmt]))
	f.status == "FAIL"
	f.resource == fixtures.bucket_arn
	f.message == concat(" ", [
		"bucket aws-cloudtrail-logs-111122223333-a1b2c3d4 has no statement letting CloudTrail write the logs of",
		"organization trail arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail (s3:PutObject on",
		"arn:aws:s3:::aws-cloudtrail-logs-111122223333-a1b2c3d4/AWSLogs/o-a1b2c3d4e5/* for this trail or",
		"organization): the organization's logs cannot be delivered",
	])
}

test_unknown_when_the_policy_was_not_read if {
	snapshot := json.patch(
		fixtures.org_member_without_own_trail,
		[{"op": "remove", "path": ["buckets", bucket, "policy"]}],
	)
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": fixtures.bucket_arn,
		"message": sprintf(
			"the bucket policy of bucket %s could not be read (not collected)",
			[fixtures.bucket_name],
		),
	} with input as snapshot
}

test_unknown_when_the_bucket_was_not_read if {
	snapshot := json.patch(fixtures.org_member_without_own_trail, [{"op": "remove", "path": ["buckets", bucket]}])
	f := only(snapshot)
	f.status == "UNKNOWN"
	f.resource == fixtures.bucket_arn
	f.message == sprintf(
		"bucket %s of the organization trail could not be read (not collected)",
		[fixtures.bucket_name],
	)
}

test_nothing_reported_outside_an_organization_scan if {
	count(findings) == 0 with input as fixtures.compliant
}

# listed(snapshot) is snapshot as an organization scan gives it: every account
# of the organization listed (the member, the management account, a log archive).
listed(snapshot) := json.patch(
	snapshot,
	[{"op": "add", "path": ["organization", "account_ids"], "value": ["111122223333", "333344445555", "999988887777"]}],
)

test_fail_when_a_grant_names_an_account_outside_the_organization if {
	every condition in [
		{"StringEquals": {"aws:SourceAccount": ["999988887777", "444455556666"]}},
		{
			"ArnLike": {
				"aws:SourceArn": [
					"arn:aws:cloudtrail:*:999988887777:trail/*",
					"arn:aws:cloudtrail:us-east-1:444455556666:trail/stolen",
				],
			},
		},
		{"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5", "aws:SourceAccount": "444455556666"}},
	] {
		f := only(listed(with_statements([org_write(condition)])))
		f.status == "FAIL"
		contains(f.message, "names account 444455556666, which is not an account of organization o-a1b2c3d4e5")
	}
}

test_fail_when_a_grant_names_an_outside_principal if {
	stmt := object.union(
		org_write({"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}}),
		{"Principal": {"Service": "cloudtrail.amazonaws.com", "AWS": ["444455556666", "arn:aws:iam::333344445555:root"]}},
	)
	f := only(listed(with_statements([stmt])))
	f.status == "FAIL"
	contains(f.message, "names account 444455556666,")
}

test_pass_when_the_named_accounts_are_in_the_organization if {
	stmt := org_write({"StringEquals": {"aws:SourceAccount": ["999988887777", "333344445555"]}})
	f := only(listed(with_statements([stmt])))
	f.status == "PASS"
}

test_unknown_when_the_organization_accounts_were_not_listed if {
	f := only(with_statements([org_write({"StringEquals": {"aws:SourceAccount": ["999988887777", "444455556666"]}})]))
	f.status == "UNKNOWN"
	contains(
		f.message,
		sprintf(
			"bucket %s lets CloudTrail write for account 444455556666, but the organization's accounts were not listed",
			[bucket],
		),
	)
}

# known(snapshot) is snapshot as evaluation gives it from an organization
# snapshot without the organization's account list (older, or its OU tree not
# read in full), collected with --accounts: the accounts it holds are known
# members (the member, a log archive), others may be members left out.
known(snapshot) := json.patch(
	snapshot,
	[{"op": "add", "path": ["organization", "known_account_ids"], "value": ["111122223333", "333344445555"]}],
)

test_unknown_not_fail_when_a_named_account_is_not_among_the_known_ones if {
	f := only(known(with_statements([org_write({"StringEquals": {"aws:SourceAccount": ["999988887777", "333344445555", "444455556666"]}})])))
	f.status == "UNKNOWN"
	f.message == concat(" ", [
		"bucket aws-cloudtrail-logs-111122223333-a1b2c3d4 lets CloudTrail write for account 444455556666, but the",
		"organization's accounts were not listed: whether they belong to organization o-a1b2c3d4e5 is not known",
	])
}

test_pass_when_the_named_accounts_are_known_members if {
	f := only(known(with_statements([org_write({"StringEquals": {"aws:SourceAccount": ["999988887777", "333344445555"]}})])))
	f.status == "PASS"
}
