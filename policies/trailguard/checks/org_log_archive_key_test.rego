package trailguard.checks.org_log_archive_key_test

import data.trailguard.checks.org_log_archive_key.findings
import data.trailguard.fixtures

key := fixtures.key_arn

org_trail := fixtures.org_trail_arn

# encrypt(condition) lets CloudTrail generate data keys under condition.
encrypt(condition) := {
	"Sid": "Allow CloudTrail to encrypt logs",
	"Effect": "Allow",
	"Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "kms:GenerateDataKey*",
	"Resource": "*",
	"Condition": condition,
}

with_statements(stmts) := json.patch(
	fixtures.org_member_without_own_trail,
	[{"op": "replace", "path": ["kms_keys", key, "policy"], "value": {"Version": "2012-10-17", "Statement": stmts}}],
)

only(snapshot) := f if {
	fs := findings with input as snapshot
	count(fs) == 1
	some f in fs
}

test_pass_when_scoped_to_the_organization_trail if {
	every condition in [
		{"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:999988887777:trail/*"}},
		{"StringEquals": {"AWS:SourceArn": org_trail}},
		{"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}},
	] {
		f := only(with_statements([encrypt(condition)]))
		f.status == "PASS"
		f.resource == key
		f.region == "us-east-1"
	}
}

test_fail_when_any_account_may_encrypt if {
	every stmt in [
		json.remove(encrypt({}), ["Condition"]),
		encrypt({"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:*:trail/*"}}),
		encrypt({"StringEquals": {"aws:SourceOrgID": "o-zz9y8x7w6v"}}),
	] {
		f := only(with_statements([encrypt({"StringEquals": {"aws:SourceArn": org_trail}}), stmt]))
		f.status == "FAIL"
		contains(f.message, "lets CloudTrail encrypt beyond organization o-a1b2c3d4e5")
	}
}

test_fail_when_the_organization_trail_cannot_encrypt if {
	f := only(with_statements([encrypt({"StringEquals": {"aws:SourceAccount": "123456789012"}})]))
	f.status == "FAIL"
	f.resource == fixtures.key_arn
	f.message == concat(" ", [
		"key arn:aws:kms:us-east-1:111122223333:key/0f6e2a1c-5d7b-4e8f-9a3c-2b1d4e6f8a90 has no statement letting",
		"CloudTrail generate data keys for organization trail",
		"arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail: the organization's logs cannot be encrypted",
		"and delivered",
	])
}

test_unknown_when_the_key_or_its_policy_was_not_read if {
	without_policy := json.patch(
		fixtures.org_member_without_own_trail,
		[{"op": "remove", "path": ["kms_keys", key, "policy"]}],
	)
	fs := findings with input as without_policy
	fixtures.one_finding(fs) == {
		"status": "UNKNOWN",
		"resource": fixtures.key_arn,
		"message": sprintf(
			"the key policy (GetKeyPolicy) of %s could not be read (not collected)",
			[fixtures.key_arn],
		),
	}
	without_key := json.patch(fixtures.org_member_without_own_trail, [{"op": "remove", "path": ["kms_keys", key]}])
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": fixtures.key_arn,
		"message": sprintf("the KMS key of %s could not be read (not collected)", [fixtures.key_arn]),
	} with input as without_key
}

test_nothing_when_the_organization_trail_uses_no_key if {
	count(findings) == 0 with input as json.patch(
		fixtures.org_member_without_own_trail,
		[{"op": "remove", "path": ["trails", org_trail, "kms_key_id"]}],
	)
	count(findings) == 0 with input as fixtures.compliant
}

# listed(snapshot) is snapshot as an organization scan gives it: every account
# of the organization listed (the member, the management account, a log archive).
listed(snapshot) := json.patch(
	snapshot,
	[{"op": "add", "path": ["organization", "account_ids"], "value": ["111122223333", "333344445555", "999988887777"]}],
)

test_fail_when_a_grant_names_an_account_outside_the_organization if {
	every stmt in [
		encrypt({
			"StringLike": {
				"kms:EncryptionContext:aws:cloudtrail:arn": [
					"arn:aws:cloudtrail:*:999988887777:trail/*",
					"arn:aws:cloudtrail:*:444455556666:trail/*",
				],
			},
		}),
		encrypt({
			"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5", "aws:SourceAccount": ["999988887777", "444455556666"]},
		}),
		object.union(
			encrypt({"StringEquals": {"aws:SourceArn": org_trail}}),
			{"Principal": {"Service": "cloudtrail.amazonaws.com", "AWS": "arn:aws:iam::444455556666:root"}},
		),
	] {
		f := only(listed(with_statements([stmt])))
		f.status == "FAIL"
		contains(f.message, "names account 444455556666, which is not an account of organization o-a1b2c3d4e5")
	}
}

test_pass_when_the_named_accounts_are_in_the_organization if {
	every stmt in [
		encrypt({
			"StringLike": {
				"kms:EncryptionContext:aws:cloudtrail:arn": [
					"arn:aws:cloudtrail:*:999988887777:trail/*",
					"arn:aws:cloudtrail:*:333344445555:trail/*",
				],
			},
		}),
		# A negated operator names who may not: it names no outsider.
		encrypt({"StringEquals": {"aws:SourceArn": org_trail}, "StringNotEquals": {"aws:SourceAccount": "444455556666"}}),
	] {
		only(listed(with_statements([stmt]))).status == "PASS"
	}
}

test_unknown_when_the_organization_accounts_were_not_listed if {
	f := only(with_statements([
		encrypt({
			"StringLike": {
				"kms:EncryptionContext:aws:cloudtrail:arn": [
					"arn:aws:cloudtrail:*:999988887777:trail/*",
					"arn:aws:cloudtrail:*:444455556666:trail/*",
				],
			},
		}),
	]))
	f.status == "UNKNOWN"
	contains(f.message, "for account 444455556666, but the organization's accounts were not listed")
}

# known(snapshot) is snapshot as evaluation gives it from an organization
# snapshot without the organization's account list: the accounts it holds
# (the member, a log archive) are known members, others may be members too.
known(snapshot) := json.patch(
	snapshot,
	[{"op": "add", "path": ["organization", "known_account_ids"], "value": ["111122223333", "333344445555"]}],
)

for_accounts(accounts) := encrypt({"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5", "aws:SourceAccount": accounts}})

test_known_members_pass_and_other_accounts_are_unknown_without_the_account_list if {
	only(known(with_statements([for_accounts(["999988887777", "333344445555"])]))).status == "PASS"
	f := only(known(with_statements([for_accounts(["333344445555", "444455556666"])])))
	f.status == "UNKNOWN"
	contains(f.message, "for account 444455556666, but the organization's accounts were not listed")
}
