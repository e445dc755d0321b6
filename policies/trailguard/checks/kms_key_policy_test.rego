package trailguard.checks.kms_key_policy_test

import data.trailguard.checks.kms_key_policy.findings
import data.trailguard.fixtures

key := fixtures.key_arn

trail := fixtures.trail_arn

# The statements of the compliant key policy.
root_statement := {
	"Sid": "Enable IAM User Permissions",
	"Effect": "Allow",
	"Principal": {"AWS": "arn:aws:iam::111122223333:root"},
	"Action": "kms:*",
	"Resource": "*",
}

describe_statement := {
	"Sid": "Allow CloudTrail to describe key",
	"Effect": "Allow",
	"Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "kms:DescribeKey",
	"Resource": "*",
}

# cloudtrail_statement(condition) lets CloudTrail encrypt logs under condition.
cloudtrail_statement(condition) := object.union(
	{
		"Sid": "Allow CloudTrail to encrypt logs",
		"Effect": "Allow",
		"Principal": {"Service": "cloudtrail.amazonaws.com"},
		"Action": "kms:GenerateDataKey*",
		"Resource": "*",
	},
	{"Condition": condition},
)

unconditioned_cloudtrail_statement := json.remove(cloudtrail_statement({}), ["Condition"])

scoped := {"StringEquals": {"aws:SourceArn": trail}}

# with_statements(stmts) is the compliant account whose key policy has stmts.
with_statements(stmts) := fixtures.with_value(
	["kms_keys", key, "policy"],
	{"Version": "2012-10-17", "Statement": stmts},
)

# with_extra(stmt) is the compliant account whose key policy also has stmt.
with_extra(stmt) := fixtures.patched([{
	"op": "add",
	"path": ["kms_keys", key, "policy", "Statement", "-"],
	"value": stmt,
}])

statuses(snapshot) := {f.status | some f in fs} if {
	fs := findings with input as snapshot
}

messages(snapshot) := {f.message | some f in fs} if {
	fs := findings with input as snapshot
}

public_decrypt(condition) := {
	"Sid": "PublicDecrypt",
	"Effect": "Allow",
	"Principal": "*",
	"Action": "kms:Decrypt",
	"Resource": "*",
	"Condition": condition,
}

# --- the compliant key policy ---

test_pass_with_cloudtrail_default_key_policy if {
	fs := findings with input as fixtures.compliant
	{[f.resource, f.status, f.region] | some f in fs} == {[key, "PASS", "us-east-1"]}
}

test_pass_when_statement_is_a_single_object if {
	snapshot := fixtures.with_value(["kms_keys", key, "policy"], {"Statement": cloudtrail_statement(scoped)})
	statuses(snapshot) == {"PASS"}
}

# --- (a) CloudTrail may use the key only for this account's trails ---

test_fail_when_cloudtrail_grant_has_no_condition if {
	snapshot := with_statements([root_statement, unconditioned_cloudtrail_statement, describe_statement])
	some msg in messages(snapshot)
	contains(msg, "statement 'Allow CloudTrail to encrypt logs'")
	contains(msg, "without any condition")
	contains(msg, "confused deputy")
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.key_arn,
		"message": concat(" ", [
			"statement 'Allow CloudTrail to encrypt logs' allows kms:GenerateDataKey,",
			"kms:GenerateDataKeyWithoutPlaintext to cloudtrail.amazonaws.com without any condition: any account's",
			"trail can use this key (confused deputy); add an aws:SourceArn or",
			"kms:EncryptionContext:aws:cloudtrail:arn condition naming account 111122223333",
		]),
	} with input as snapshot
}

test_fail_when_cloudtrail_grant_names_another_account if {
	other := {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:444455556666:trail/theirs"}}
	snapshot := with_statements([root_statement, cloudtrail_statement(other)])
	some msg in messages(snapshot)
	contains(msg, "with conditions that do not limit it")
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.key_arn,
		"message": concat(" ", [
			"statement 'Allow CloudTrail to encrypt logs' allows kms:GenerateDataKey,",
			"kms:GenerateDataKeyWithoutPlaintext to cloudtrail.amazonaws.com with conditions that do not limit it to",
			"this account's trails: any account's trail can use this key (confused deputy); add an aws:SourceArn or",
			"kms:EncryptionContext:aws:cloudtrail:arn condition naming account 111122223333",
		]),
	} with input as snapshot
}

test_fail_when_cloudtrail_grant_is_scoped_to_any_account if {
	every condition in [
		{"StringLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:*:trail/*"}},
		{"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:*:trail/*"}},
		{"StringLike": {"aws:SourceArn": "*"}},
		{"StringLike": {"aws:SourceAccount": "*"}},
		# one value of the list names another account
		{"StringEquals": {"aws:SourceAccount": ["111122223333", "444455556666"]}},
		# a negated operator does not scope the grant
		{"StringNotEquals": {"aws:SourceAccount": "111122223333"}},
		# conditions that have nothing to do with the caller
		{"Bool": {"aws:SecureTransport": "true"}},
	] {
		statuses(with_statements([root_statement, cloudtrail_statement(condition)])) == {"FAIL"}
	}
}

test_pass_when_cloudtrail_grant_is_scoped_by_any_account_condition if {
	every condition in [
		{"StringEquals": {"aws:SourceArn": trail}},
		{"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:111122223333:trail/*"}},
		{"StringEquals": {"aws:SourceAccount": "111122223333"}},
		{"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111122223333:trail/*"}},
		# operators and keys are case-insensitive, IfExists and set qualifiers allowed
		{"stringequalsifexists": {"AWS:SOURCEACCOUNT": "111122223333"}},
		{"ForAnyValue:StringLike": {
			"KMS:EncryptionContext:aws:cloudtrail:arn": ["arn:aws:cloudtrail:*:111122223333:trail/*"],
		}},
		# one scoping condition is enough: conditions are ANDed
		{"StringLike": {"aws:SourceArn": "*", "aws:SourceAccount": "111122223333"}},
	] {
		statuses(with_statements([root_statement, cloudtrail_statement(condition), describe_statement])) == {"PASS"}
	}
}

test_fail_for_every_shape_of_unconditioned_cloudtrail_grant if {
	every stmt in [
		object.union(unconditioned_cloudtrail_statement, {"Action": ["kms:Encrypt", "kms:Decrypt"]}),
		object.union(unconditioned_cloudtrail_statement, {"Action": "kms:*"}),
		object.union(unconditioned_cloudtrail_statement, {"Action": "*"}),
		object.union(unconditioned_cloudtrail_statement, {"Action": "KMS:generatedatakey"}),
		object.union(
			unconditioned_cloudtrail_statement,
			{"Principal": {"Service": ["config.amazonaws.com", "cloudtrail.amazonaws.com"]}},
		),
		json.remove(object.union(unconditioned_cloudtrail_statement, {"NotAction": "kms:ScheduleKeyDeletion"}), ["Action"]),
	] {
		statuses(with_statements([root_statement, stmt])) == {"FAIL"}
	}
}

test_unconditioned_describe_key_for_cloudtrail_is_fine if {
	statuses(with_statements([root_statement, cloudtrail_statement(scoped), describe_statement])) == {"PASS"}
}

test_deny_statement_for_cloudtrail_is_fine if {
	deny := object.union(unconditioned_cloudtrail_statement, {"Effect": "Deny"})
	statuses(with_statements([root_statement, cloudtrail_statement(scoped), deny])) == {"PASS"}
}

test_pass_when_key_in_this_account_serves_organization_trail if {
	# Log archive account 111122223333 holds the key of the management
	# account's (999988887777) organization trail.
	org_trail := "arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail"
	snapshot := fixtures.patched([
		{"op": "add", "path": ["trails", org_trail], "value": {
			"arn": org_trail, "name": "org-trail", "home_region": "us-east-1",
			"owner_account_id": "999988887777", "is_organization_trail": true,
			"kms_key_id": key,
		}},
		{
			"op": "replace",
			"path": ["kms_keys", key, "policy", "Statement", 1],
			"value": cloudtrail_statement({"StringEquals": {"aws:SourceArn": [trail, org_trail]}}),
		},
	])
	fs := findings with input as snapshot
	fixtures.one_finding(fs) == {
		"status": "PASS",
		"resource": fixtures.key_arn,
		"message": concat(" ", [
			"key policy lets CloudTrail use the key only for trails of account 111122223333, 999988887777, and opens",
			"neither decryption nor key administration to Principal *",
		]),
	}
	some f in fs
	contains(f.message, "999988887777")
}

test_fail_when_organization_trail_key_names_an_unrelated_account if {
	org_trail := "arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail"
	snapshot := fixtures.patched([
		{"op": "add", "path": ["trails", org_trail], "value": {
			"arn": org_trail, "name": "org-trail", "home_region": "us-east-1",
			"owner_account_id": "999988887777", "kms_key_id": key,
		}},
		{
			"op": "replace",
			"path": ["kms_keys", key, "policy", "Statement", 1],
			"value": cloudtrail_statement({"StringEquals": {"aws:SourceAccount": "444455556666"}}),
		},
	])
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.key_arn,
		"message": concat(" ", [
			"statement 'Allow CloudTrail to encrypt logs' allows kms:GenerateDataKey,",
			"kms:GenerateDataKeyWithoutPlaintext to cloudtrail.amazonaws.com with conditions that do not limit it to",
			"this account's trails: any account's trail can use this key (confused deputy); add an aws:SourceArn or",
			"kms:EncryptionContext:aws:cloudtrail:arn condition naming account 111122223333, 999988887777",
		]),
	} with input as snapshot
}

# --- (b) no decryption or key administration for Principal * ---

test_root_account_kms_star_is_fine if {
	statuses(with_statements([root_statement, cloudtrail_statement(scoped)])) == {"PASS"}
}

test_fail_when_anyone_can_decrypt if {
	snapshot := with_extra(json.remove(public_decrypt({}), ["Condition"]))
	some msg in messages(snapshot)
	contains(msg, "statement 'PublicDecrypt' allows kms:Decrypt to Principal * without any condition")
	fixtures.one_finding(findings) == {
		"status": "FAIL",
		"resource": fixtures.key_arn,
		"message": concat(" ", [
			"statement 'PublicDecrypt' allows kms:Decrypt to Principal * without any condition: principals outside",
			"account 111122223333 can decrypt the logs",
		]),
	} with input as snapshot
}

test_fail_when_anyone_can_decrypt_in_every_shape if {
	every stmt in [
		object.union(public_decrypt({}), {"Principal": {"AWS": "*"}}),
		object.union(public_decrypt({}), {"Principal": {"AWS": ["*"]}}),
		object.union(public_decrypt({}), {"Action": "KMS:decrypt"}),
		object.union(public_decrypt({}), {"Action": ["kms:De*"]}),
		object.union(public_decrypt({}), {"Action": "kms:ReEncryptFrom"}),
		object.union(public_decrypt({}), {"Action": "kms:CreateGrant"}),
		json.remove(
			object.union(public_decrypt({}), {"NotPrincipal": {"AWS": "arn:aws:iam::444455556666:root"}}),
			["Principal"],
		),
	] {
		statuses(with_extra(stmt)) == {"FAIL"}
	}
}

test_fail_when_decrypt_condition_does_not_limit_to_account if {
	every condition in [
		{"StringEquals": {"kms:CallerAccount": "444455556666"}},
		{"StringEquals": {"kms:CallerAccount": ["111122223333", "444455556666"]}},
		{"StringNotEquals": {"kms:CallerAccount": "111122223333"}},
		{"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
		{"StringEquals": {"aws:PrincipalOrgID": "o-someoneelse"}},
	] {
		snapshot := json.patch(
			with_extra(public_decrypt(condition)),
			[{"op": "add", "path": ["organization"], "value": {"id": "o-a1b2c3d4e5"}}],
		)
		statuses(snapshot) == {"FAIL"}
		some msg in messages(snapshot)
		contains(msg, "with conditions that do not limit it to this account or organization")
	}
}

test_pass_when_decrypt_is_limited_to_account_or_organization if {
	every condition in [
		{"StringEquals": {"kms:CallerAccount": "111122223333"}},
		{"StringEquals": {"aws:PrincipalAccount": "111122223333"}},
		{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}},
		{"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
		{"StringEqualsIgnoreCase": {"KMS:CALLERACCOUNT": "111122223333"}},
	] {
		snapshot := json.patch(
			with_extra(public_decrypt(condition)),
			[{"op": "add", "path": ["organization"], "value": {"id": "o-a1b2c3d4e5"}}],
		)
		statuses(snapshot) == {"PASS"}
	}
}

test_unknown_when_decrypt_limited_to_organization_not_collected if {
	snapshot := with_extra(public_decrypt({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}))
	fs := findings with input as snapshot
	fixtures.one_finding(fs) == {
		"status": "UNKNOWN",
		"resource": fixtures.key_arn,
		"message": concat(" ", [
			"statement 'PublicDecrypt' allows kms:Decrypt to Principal * in organization o-a1b2c3d4e5, but whether",
			"that is the audited account's organization is unknown: organization id of 111122223333 could not be read",
			"(not collected)",
		]),
	}
	some f in fs
	contains(f.message, "organization o-a1b2c3d4e5")
	contains(f.message, "organization id of 111122223333 could not be read")
}

test_fail_when_anyone_gets_key_administration_even_with_condition if {
	every stmt in [
		{"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"},
		{
			"Sid": "Open",
			"Effect": "Allow",
			"Principal": {"AWS": "*"},
			"Action": "*",
			"Resource": "*",
			"Condition": {"StringEquals": {"kms:CallerAccount": "111122223333"}},
		},
		{"Sid": "Open", "Effect": "Allow", "Principal": "*", "NotAction": "kms:Decrypt", "Resource": "*"},
		{"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": ["kms:PutKeyPolicy"], "Resource": "*"},
	] {
		snapshot := with_extra(stmt)
		fs := findings with input as snapshot
		{f.status | some f in fs} == {"FAIL"}
		count(fs) == 1
		some f in fs
		contains(f.message, "statement 'Open' allows key administration (")
	}
}

test_public_deny_statement_is_fine if {
	deny := {
		"Sid": "DenyOutsideOrg",
		"Effect": "Deny",
		"Principal": "*",
		"Action": "kms:*",
		"Resource": "*",
		"Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
	}
	statuses(with_extra(deny)) == {"PASS"}
}

test_one_failure_per_problem if {
	snapshot := with_statements([
		root_statement,
		unconditioned_cloudtrail_statement,
		{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"},
		{"Sid": "Admin", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"},
	])
	fs := findings with input as snapshot
	count(fs) == 3
	some f in fs
	contains(f.message, "statement #3 allows kms:Decrypt") # no Sid: numbered from 1
	fixtures.reduced_findings(findings) == {
		{
			"status": "FAIL",
			"resource": fixtures.key_arn,
			"message": concat(" ", [
				"statement #3 allows kms:Decrypt to Principal * without any condition: principals outside account",
				"111122223333 can decrypt the logs",
			]),
		},
		{
			"status": "FAIL",
			"resource": fixtures.key_arn,
			"message": concat(" ", [
				"statement 'Admin' allows key administration (kms:PutKeyPolicy, kms:ScheduleKeyDeletion, kms:DisableKey)",
				"to Principal *: whoever it lets in can change the key policy, or disable or delete the key and so make",
				"the logs unreadable",
			]),
		},
		{
			"status": "FAIL",
			"resource": fixtures.key_arn,
			"message": concat(" ", [
				"statement 'Allow CloudTrail to encrypt logs' allows kms:GenerateDataKey,",
				"kms:GenerateDataKeyWithoutPlaintext to cloudtrail.amazonaws.com without any condition: any account's",
				"trail can use this key (confused deputy); add an aws:SourceArn or",
				"kms:EncryptionContext:aws:cloudtrail:arn condition naming account 111122223333",
			]),
		},
	} with input as snapshot
}

# --- missing data ---

test_unknown_when_key_policy_not_collected if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["kms_keys", key, "policy"]},
		{
			"op": "add",
			"path": ["errors", "-"],
			"value": {"service": "kms", "operation": "GetKeyPolicy", "code": "AccessDeniedException", "resource": key},
		},
	])
	fs := findings with input as snapshot
	fixtures.one_finding(fs) == {
		"status": "UNKNOWN",
		"resource": fixtures.key_arn,
		"message": sprintf(
			"key policy of %s could not be read (kms GetKeyPolicy: AccessDeniedException)",
			[fixtures.key_arn],
		),
	}
	some f in fs
	contains(f.message, "key policy of")
	contains(f.message, "kms GetKeyPolicy: AccessDeniedException")
}

test_unknown_when_key_policy_has_no_statement if {
	snapshot := fixtures.with_value(["kms_keys", key, "policy"], {"Version": "2012-10-17"})
	fs := findings with input as snapshot
	fixtures.one_finding(fs) == {
		"status": "UNKNOWN",
		"resource": fixtures.key_arn,
		"message": sprintf(
			"key policy of %s has no Statement",
			[fixtures.key_arn],
		),
	}
	some f in fs
	contains(f.message, "no Statement")
}

test_unknown_when_key_not_collected if {
	fs := findings with input as fixtures.without(["kms_keys", key])
	{[f.status, f.region] | some f in fs} == {["UNKNOWN", "us-east-1"]}
	fixtures.one_finding(findings) == {
		"status": "UNKNOWN",
		"resource": fixtures.key_arn,
		"message": sprintf(
			"key policy of %s could not be read (not collected)",
			[fixtures.key_arn],
		),
	} with input as fixtures.without(["kms_keys", key])
}

test_unknown_when_key_in_another_account if {
	foreign_key := "arn:aws:kms:eu-west-1:999988887777:key/11111111-2222-3333-4444-555555555555"
	fs := findings with input as fixtures.with_value(["trails", trail, "kms_key_id"], foreign_key)
	{[f.resource, f.status, f.region] | some f in fs} == {[foreign_key, "UNKNOWN", "eu-west-1"]}
	some f in fs
	contains(f.message, "lives in account 999988887777")
}

test_key_used_only_by_event_data_store_not_checked if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["trails", trail, "kms_key_id"], "value": ""},
		{"op": "replace", "path": ["kms_keys", key, "policy", "Statement", 1], "value": unconditioned_cloudtrail_statement},
	])
	count(findings) == 0 with input as snapshot
}

test_region_from_arn_when_key_region_missing if {
	fs := findings with input as fixtures.without(["kms_keys", key, "region"])
	{f.region | some f in fs} == {"us-east-1"}
}

# A key policy without any statement for CloudTrail does not "let CloudTrail use
# the key only for trails of this account": CloudTrail cannot use it at all.
test_fail_when_no_statement_lets_cloudtrail_encrypt if {
	policy := fixtures.compliant.kms_keys[key].policy
	snapshot := fixtures.with_value(["kms_keys", key, "policy", "Statement"], [s |
		some s in policy.Statement
		s.Sid != "Allow CloudTrail to encrypt logs"
	])
	fs := findings with input as snapshot
	{[f.resource, f.status] | some f in fs} == {[key, "FAIL"]}
	some f in fs
	f.message == sprintf(
		concat(" ", [
			"no statement of the key policy allows kms:GenerateDataKey to cloudtrail.amazonaws.com: CloudTrail cannot encrypt",
			"log files with this key, so delivery of the trails that use it (%s) fails",
		]),
		[trail],
	)
}

test_pass_message_names_the_accounts if {
	fs := findings with input as fixtures.compliant
	some f in fs
	f.status == "PASS"
	f.message == concat(" ", [
		"key policy lets CloudTrail use the key only for trails of account 111122223333, and opens neither decryption nor",
		"key administration to Principal *",
	])
}

test_pass_when_decrypt_is_limited_to_the_keys_own_account if {
	# A member (111122223333) of an organization scan sees the log-archive
	# account's (333344445555) key: decryption limited to the key's own account
	# is the log archive's business, not a grant to strangers.
	archive_key := "arn:aws:kms:us-east-1:333344445555:key/1d7f3b9e-5c2a-4e8d-a6f0-3b9c7e1d5a24"
	base := with_extra(public_decrypt({"StringEquals": {"kms:CallerAccount": "333344445555"}}))
	snapshot := json.patch(base, [
		{
			"op": "add",
			"path": ["kms_keys", archive_key],
			"value": object.union(base.kms_keys[key], {"arn": archive_key, "account_id": "333344445555"}),
		},
		{"op": "remove", "path": ["kms_keys", key]},
		{"op": "replace", "path": ["trails", trail, "kms_key_id"], "value": archive_key},
	])
	statuses(snapshot) == {"PASS"}

	# ... and still not to a third account.
	other := json.patch(
		snapshot,
		[{
			"op": "replace",
			"path": ["kms_keys", archive_key, "policy", "Statement", 3, "Condition", "StringEquals", "kms:CallerAccount"],
			"value": "444455556666",
		}],
	)
	statuses(other) == {"FAIL"}
}
