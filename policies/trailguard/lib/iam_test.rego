package trailguard.lib.iam_test

import data.trailguard.lib.iam

allow_all := {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"}

# --- statements ---

test_statements_as_array if {
	iam.statements({"Statement": [allow_all, allow_all]}) == [allow_all, allow_all]
}

test_statements_as_single_object if {
	iam.statements({"Version": "2012-10-17", "Statement": allow_all}) == [allow_all]
}

test_statements_undefined_without_statement if {
	not iam.statements({"Version": "2012-10-17"})
	not iam.statements({"Statement": "oops"})
}

# --- values ---

test_values_of_string_and_array if {
	iam.values("s3:GetObject") == {"s3:GetObject"}
	iam.values(["a", "b", "a"]) == {"a", "b"}
	iam.values([]) == set()
}

test_list_of_string_and_array if {
	iam._list("s3:GetObject") == ["s3:GetObject"]
	iam._list(["a", "b", "a"]) == ["a", "b", "a"]
	iam._list([]) == []
	not iam._list(null)
	not iam._list({"AWS": "*"})
}

test_values_undefined_for_other_types if {
	not iam.values(null)
	not iam.values({"AWS": "*"})
}

# --- action_matches ---

test_action_matches_exact_and_case_insensitive if {
	iam.action_matches("cloudtrail:StopLogging", "cloudtrail:StopLogging")
	iam.action_matches("CloudTrail:stoplogging", "cloudtrail:StopLogging")
	iam.action_matches("KMS:Decrypt", "kms:decrypt")
}

test_action_matches_wildcards if {
	iam.action_matches("*", "kms:Decrypt")
	iam.action_matches("kms:*", "kms:Decrypt")
	iam.action_matches("cloudtrail:Stop*", "cloudtrail:StopLogging")
	iam.action_matches("kms:GenerateDataKey*", "kms:GenerateDataKey")
	iam.action_matches("kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext")
	iam.action_matches("cloudtrail:?eleteTrail", "cloudtrail:DeleteTrail")
	iam.action_matches("*:Delete*", "cloudtrail:DeleteTrail")
}

test_action_does_not_match_other_actions if {
	not iam.action_matches("cloudtrail:Stop*", "cloudtrail:StartLogging")
	not iam.action_matches("kms:*", "cloudtrail:StopLogging")
	not iam.action_matches("kms:Decrypt", "kms:DecryptX")
	not iam.action_matches("cloudtrail:Delete", "cloudtrail:DeleteTrail")
}

# --- allows_action / denies_action ---

test_allows_action_string_or_array if {
	iam.allows_action({"Effect": "Allow", "Action": "cloudtrail:StopLogging"}, "cloudtrail:StopLogging")
	iam.allows_action({"Effect": "Allow", "Action": ["s3:GetObject", "cloudtrail:*"]}, "cloudtrail:StopLogging")
	iam.allows_action(allow_all, "cloudtrail:DeleteTrail")
	iam.allows_action({"Effect": "Allow", "Action": "CLOUDTRAIL:STOPLOGGING"}, "cloudtrail:StopLogging")
}

test_allows_action_not_for_deny_or_other_actions if {
	not iam.allows_action({"Effect": "Deny", "Action": "*"}, "cloudtrail:StopLogging")
	not iam.allows_action({"Effect": "Allow", "Action": ["s3:*", "cloudtrail:Describe*"]}, "cloudtrail:StopLogging")
	not iam.allows_action({"Effect": "Allow"}, "cloudtrail:StopLogging")
}

test_allows_action_with_not_action if {
	# NotAction with Allow grants everything not listed.
	stmt := {"Effect": "Allow", "NotAction": ["iam:*", "cloudtrail:Describe*"], "Resource": "*"}
	iam.allows_action(stmt, "cloudtrail:StopLogging")
	not iam.allows_action(stmt, "cloudtrail:DescribeTrails")
	not iam.allows_action(stmt, "IAM:CreateUser")
	iam.allows_action({"Effect": "Allow", "NotAction": "s3:*"}, "kms:Decrypt")
}

test_denies_action if {
	iam.denies_action({"Effect": "Deny", "Action": "cloudtrail:*"}, "cloudtrail:StopLogging")
	iam.denies_action({"Effect": "Deny", "Action": ["cloudtrail:Stop*", "cloudtrail:Delete*"]}, "cloudtrail:DeleteTrail")
	not iam.denies_action({"Effect": "Allow", "Action": "*"}, "cloudtrail:StopLogging")
	not iam.denies_action({"Effect": "Deny", "Action": "cloudtrail:Describe*"}, "cloudtrail:StopLogging")
}

test_denies_action_with_not_action if {
	# NotAction with Deny denies everything not listed.
	stmt := {"Effect": "Deny", "NotAction": "cloudtrail:Describe*", "Resource": "*"}
	iam.denies_action(stmt, "cloudtrail:StopLogging")
	not iam.denies_action(stmt, "cloudtrail:DescribeTrails")
}

# --- resources and conditions ---

test_on_all_resources if {
	iam.on_all_resources({"Resource": "*"})
	iam.on_all_resources({"Resource": ["arn:aws:s3:::b", "*"]})
	iam.on_all_resources({"NotResource": "arn:aws:s3:::b"})
	not iam.on_all_resources({"Resource": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t"})
	not iam.on_all_resources({})
}

test_conditional if {
	iam.conditional({"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})
	not iam.conditional({"Condition": {}})
	not iam.conditional(allow_all)
}

test_allows_unconditionally if {
	conditioned := {
		"Sid": "MFA",
		"Effect": "Allow",
		"Action": "cloudtrail:*",
		"Resource": "*",
		"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
	}
	one_trail := {
		"Sid": "OneTrail",
		"Effect": "Allow",
		"Action": "cloudtrail:StopLogging",
		"Resource": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t",
	}
	not_resource := {
		"Sid": "NotResource",
		"Effect": "Allow",
		"Action": "cloudtrail:Stop*",
		"NotResource": "arn:aws:s3:::b",
	}
	doc := {"Statement": [allow_all, conditioned, one_trail, not_resource]}
	iam.allows_unconditionally(doc, "cloudtrail:StopLogging") == [allow_all, not_resource]
	iam.allows_unconditionally({"Statement": conditioned}, "cloudtrail:StopLogging") == []
	iam.allows_unconditionally({"Statement": allow_all}, "kms:Decrypt") == [allow_all]
}

# --- principals ---

test_principals if {
	iam.principals({"Principal": "*"}) == {"*"}
	iam.principals({"Principal": {"AWS": "*"}}) == {"*"}
	iam.principals({"Principal": {
		"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:role/r"],
		"Service": "cloudtrail.amazonaws.com",
	}}) == {
		"arn:aws:iam::111122223333:root",
		"arn:aws:iam::444455556666:role/r",
		"cloudtrail.amazonaws.com",
	}
	not iam.principals({"Action": "*"})
}

test_public_principal if {
	iam.public_principal({"Principal": "*"})
	iam.public_principal({"Principal": {"AWS": "*"}})
	iam.public_principal({"Principal": {"AWS": ["arn:aws:iam::111122223333:root", "*"]}})
	not iam.public_principal({"Principal": {"AWS": "arn:aws:iam::111122223333:root"}})
	not iam.public_principal({"Principal": {"Service": "cloudtrail.amazonaws.com"}})
	not iam.public_principal({})
}

test_service_principal if {
	iam.service_principal({"Principal": {"Service": "cloudtrail.amazonaws.com"}}, "cloudtrail.amazonaws.com")
	iam.service_principal(
		{"Principal": {"Service": ["config.amazonaws.com", "cloudtrail.amazonaws.com"]}},
		"cloudtrail.amazonaws.com",
	)
	iam.service_principal({"Principal": {"Service": "CloudTrail.amazonaws.com"}}, "cloudtrail.amazonaws.com")
	not iam.service_principal({"Principal": {"Service": "config.amazonaws.com"}}, "cloudtrail.amazonaws.com")
	not iam.service_principal({"Principal": {"AWS": "cloudtrail.amazonaws.com"}}, "cloudtrail.amazonaws.com")
	not iam.service_principal({"Principal": "*"}, "cloudtrail.amazonaws.com")
	not iam.service_principal({}, "cloudtrail.amazonaws.com")
}

# --- condition keys and values ---

condition_stmt := {"Condition": {
	"StringEquals": {
		"AWS:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t",
		"kms:CallerAccount": ["111122223333", "444455556666"],
	},
	"ForAnyValue:StringLikeIfExists": {
		"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111122223333:trail/*",
	},
	"StringNotEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/other"},
}}

test_condition_keys_are_lower_cased if {
	iam.condition_keys(condition_stmt) == {
		"aws:sourcearn",
		"kms:calleraccount",
		"kms:encryptioncontext:aws:cloudtrail:arn",
	}
	iam.condition_keys(allow_all) == set()
}

test_condition_values_across_operators if {
	iam.condition_values(condition_stmt, "aws:SourceArn") == {
		"arn:aws:cloudtrail:us-east-1:111122223333:trail/t",
		"arn:aws:cloudtrail:us-east-1:111122223333:trail/other",
	}
	iam.condition_values(condition_stmt, "KMS:CALLERACCOUNT") == {"111122223333", "444455556666"}
	iam.condition_values(condition_stmt, "aws:PrincipalOrgID") == set()
	iam.condition_values(allow_all, "aws:SourceArn") == set()
}

test_condition_operator_values if {
	iam.condition_operator_values(
		condition_stmt,
		"StringEquals",
		"aws:sourcearn",
	) == {"arn:aws:cloudtrail:us-east-1:111122223333:trail/t"}
	iam.condition_operator_values(
		condition_stmt,
		"stringnotequals",
		"aws:SourceArn",
	) == {"arn:aws:cloudtrail:us-east-1:111122223333:trail/other"}
	iam.condition_operator_values(condition_stmt, "StringLike", "aws:SourceArn") == set()
}

test_condition_operators_values if {
	iam.condition_operators_values(condition_stmt, {"stringequals", "stringnotequals"}, "AWS:SourceArn") == {
		"arn:aws:cloudtrail:us-east-1:111122223333:trail/t",
		"arn:aws:cloudtrail:us-east-1:111122223333:trail/other",
	}
	iam.condition_operators_values(condition_stmt, {"stringlike", "arnlike"}, "aws:SourceArn") == set()
}

test_condition_operator_values_ignore_qualifiers if {
	# ForAnyValue:StringLikeIfExists is a StringLike condition.
	iam.condition_operator_values(
		condition_stmt,
		"StringLike",
		"kms:EncryptionContext:aws:cloudtrail:arn",
	) == {"arn:aws:cloudtrail:*:111122223333:trail/*"}
	iam.condition_operator_values(
		condition_stmt,
		"ForAnyValue:StringLike",
		"kms:EncryptionContext:aws:cloudtrail:arn",
	) == {"arn:aws:cloudtrail:*:111122223333:trail/*"}
	iam.condition_operator_values(condition_stmt, "StringEquals", "kms:EncryptionContext:aws:cloudtrail:arn") == set()
}

test_base_operator if {
	iam.base_operator("StringEquals") == "stringequals"
	iam.base_operator("StringEqualsIfExists") == "stringequals"
	iam.base_operator("ForAllValues:StringLike") == "stringlike"
	iam.base_operator("forAnyValue:ArnLikeIfExists") == "arnlike"
	iam.base_operator("StringNotEquals") == "stringnotequals"
	iam.base_operator("Null") == "null"
}
