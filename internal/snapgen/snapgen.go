// Package snapgen generates large, realistic snapshot documents for
// benchmarks: n copies of the compliant fixture's trail with its own bucket,
// key and log group, and a given number of IAM principals.
package snapgen

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/trailguard/trailguard/collector"
	"github.com/trailguard/trailguard/policies"
)

const fixturePath = "trailguard/fixtures/compliant/data.json"

// Compliant returns a fresh copy of the compliant fixture account.
func Compliant() (map[string]any, error) {
	b, err := policies.FS.ReadFile(fixturePath)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// Generate returns a snapshot with trails trails (each with its own bucket,
// KMS key and log group, alternating home regions, half of them
// multi-region) and principals IAM users, groups and roles.
func Generate(trails, principals int) (map[string]any, error) {
	base, err := Compliant()
	if err != nil {
		return nil, err
	}
	tmpl, err := json.Marshal(map[string]any{
		"trail":  first(base["trails"]),
		"bucket": first(base["buckets"]),
		"key":    first(base["kms_keys"]),
		"group":  first(base["log_groups"]),
	})
	if err != nil {
		return nil, err
	}
	regions := []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1"}
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	out["regions"] = regions
	ts, bs, ks, gs := map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}
	for i := range trails {
		region := regions[i%len(regions)]
		s := string(tmpl)
		s = strings.ReplaceAll(s, "management-events", fmt.Sprintf("trail-%05d", i))
		s = strings.ReplaceAll(s, "a1b2c3d4", fmt.Sprintf("%08d", i))
		s = strings.ReplaceAll(s, "0f6e2a1c-5d7b-4e8f-9a3c-2b1d4e6f8a90", fmt.Sprintf("0f6e2a1c-5d7b-4e8f-9a3c-%012d", i))
		s = strings.ReplaceAll(s, "log-group:aws-cloudtrail-logs-111122223333", fmt.Sprintf("log-group:aws-cloudtrail-logs-111122223333-%05d", i))
		s = strings.ReplaceAll(s, "\"aws-cloudtrail-logs-111122223333\"", fmt.Sprintf("\"aws-cloudtrail-logs-111122223333-%05d\"", i))
		s = strings.ReplaceAll(s, "us-east-1", region)
		var parts map[string]map[string]any
		if err := json.Unmarshal([]byte(s), &parts); err != nil {
			return nil, err
		}
		t := parts["trail"]
		t["is_multi_region"] = i%2 == 0
		ts[t["arn"].(string)] = t
		bs[parts["bucket"]["name"].(string)] = parts["bucket"]
		ks[parts["key"]["arn"].(string)] = parts["key"]
		gs[parts["group"]["arn"].(string)] = parts["group"]
	}
	out["trails"], out["buckets"], out["kms_keys"], out["log_groups"] = ts, bs, ks, gs

	iam := base["iam"].(map[string]any)
	users, groups, roles := map[string]any{}, map[string]any{}, map[string]any{}
	const fullAccess = "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"
	nGroups := max(principals/100, 1)
	for g := range nGroups {
		arn := fmt.Sprintf("arn:aws:iam::111122223333:group/team-%04d", g)
		attached := []any{}
		if g == 0 {
			attached = append(attached, fullAccess)
		}
		groups[arn] = map[string]any{"arn": arn, "name": fmt.Sprintf("team-%04d", g), "attached_policies": attached, "inline_policies": map[string]any{}}
	}
	for p := range principals {
		if p%4 == 3 {
			arn := fmt.Sprintf("arn:aws:iam::111122223333:role/service-%05d", p)
			roles[arn] = map[string]any{"arn": arn, "name": fmt.Sprintf("service-%05d", p), "attached_policies": []any{"arn:aws:iam::111122223333:policy/CloudTrailReadOnly"}, "inline_policies": map[string]any{}}
			continue
		}
		arn := fmt.Sprintf("arn:aws:iam::111122223333:user/user-%05d", p)
		users[arn] = map[string]any{
			"arn": arn, "name": fmt.Sprintf("user-%05d", p), "console_access": true, "mfa_enabled": true,
			"groups":            []any{fmt.Sprintf("arn:aws:iam::111122223333:group/team-%04d", p%nGroups)},
			"attached_policies": []any{}, "inline_policies": map[string]any{},
		}
	}
	out["iam"] = map[string]any{"users": users, "groups": groups, "roles": roles, "policies": iam["policies"], "root": iam["root"]}
	return out, nil
}

func first(m any) any {
	for _, v := range m.(map[string]any) {
		return v
	}
	return nil
}

// GenerateIAM returns the compliant account with a large IAM: principals users
// and roles (3 users for 2 roles) and policies customer-managed policies, shaped
// like a real account's. Most policies grant application permissions (S3, DynamoDB,
// SQS, EC2 describe calls), some with conditions; one in 50 grants a blinding
// action (CloudTrail, the log bucket, the key), one in 40 an escalation action
// (iam:PassRole with ec2:RunInstances, iam:CreateAccessKey, iam:AttachUserPolicy on
// a path), one in 25 an explicit Deny. Users are in one or two of principals/50
// groups and have one attached policy; one in three has an inline policy and one
// in ten a permissions boundary. Roles trust the account (with MFA), a compute
// service or another account, and have one or two attached policies. A few
// principals hold AdministratorAccess, PowerUserAccess or ReadOnlyAccess.
func GenerateIAM(principals, policies int) (map[string]any, error) {
	out, err := Compliant()
	if err != nil {
		return nil, err
	}
	const acct = "111122223333"
	doc := func(stmts ...map[string]any) map[string]any {
		list := make([]any, len(stmts))
		for i, s := range stmts {
			list[i] = s
		}
		return map[string]any{"Version": "2012-10-17", "Statement": list}
	}
	allow := func(actions any, resources any) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": actions, "Resource": resources}
	}
	app := func(i int) map[string]any {
		return allow([]any{"s3:GetObject", "s3:PutObject", "s3:ListBucket"}, []any{
			fmt.Sprintf("arn:aws:s3:::app-data-%05d", i), fmt.Sprintf("arn:aws:s3:::app-data-%05d/*", i),
		})
	}
	pols := map[string]any{}
	names := make([]string, policies)
	for i := range policies {
		arn := fmt.Sprintf("arn:aws:iam::%s:policy/app/policy-%05d", acct, i)
		names[i] = arn
		stmts := []map[string]any{
			app(i),
			allow([]any{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"}, fmt.Sprintf("arn:aws:dynamodb:us-east-1:%s:table/table-%05d", acct, i)),
			{"Effect": "Allow", "Action": []any{"sqs:SendMessage", "sqs:ReceiveMessage"}, "Resource": "*",
				"Condition": map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/team": fmt.Sprintf("team-%d", i%40)}}},
			allow([]any{"ec2:Describe*", "cloudwatch:GetMetricData", "logs:Get*", "cloudtrail:LookupEvents"}, "*"),
		}
		switch {
		case i%50 == 7:
			stmts = append(stmts, allow([]any{"cloudtrail:*", "s3:DeleteObject"}, "*"))
		case i%50 == 19:
			stmts = append(stmts, map[string]any{"Effect": "Allow", "Action": "kms:*", "Resource": "*",
				"Condition": map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}})
		case i%40 == 3:
			stmts = append(stmts, allow([]any{"iam:PassRole", "ec2:RunInstances"}, "*"))
		case i%40 == 11:
			stmts = append(stmts, allow("iam:CreateAccessKey", fmt.Sprintf("arn:aws:iam::%s:user/ops/*", acct)))
		case i%40 == 23:
			stmts = append(stmts, allow([]any{"iam:AttachUserPolicy", "iam:PutUserPolicy"}, fmt.Sprintf("arn:aws:iam::%s:user/${aws:username}", acct)))
		case i%25 == 5:
			stmts = append(stmts, map[string]any{"Effect": "Deny", "Action": []any{"cloudtrail:StopLogging", "cloudtrail:DeleteTrail"}, "Resource": "*"})
		}
		pols[arn] = map[string]any{"arn": arn, "name": fmt.Sprintf("policy-%05d", i), "aws_managed": false, "document": doc(stmts...)}
	}
	managed := map[string]any{
		"AdministratorAccess": doc(allow("*", "*")),
		"PowerUserAccess": doc(
			map[string]any{"Effect": "Allow", "NotAction": []any{"iam:*", "organizations:*", "account:*"}, "Resource": "*"},
			allow([]any{"account:GetAccountInformation", "account:GetPrimaryEmail", "account:ListRegions", "iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization"}, "*"),
		),
		"ReadOnlyAccess": nil, // screened out by the collector: listed without its document
	}
	for name, d := range managed {
		arn := "arn:aws:iam::aws:policy/" + name
		p := map[string]any{"arn": arn, "name": name, "aws_managed": true}
		if d != nil {
			p["document"] = d
		}
		pols[arn] = p
	}
	base := out["iam"].(map[string]any)
	for arn, p := range base["policies"].(map[string]any) {
		pols[arn] = p
	}
	pick := func(i int) string {
		switch {
		case i%997 == 1:
			return "arn:aws:iam::aws:policy/AdministratorAccess"
		case i%499 == 2:
			return "arn:aws:iam::aws:policy/PowerUserAccess"
		case i%7 == 3:
			return "arn:aws:iam::aws:policy/ReadOnlyAccess"
		}
		return names[(i*7919)%policies]
	}
	nGroups := max(principals/50, 1)
	groups := map[string]any{}
	for g := range nGroups {
		arn := fmt.Sprintf("arn:aws:iam::%s:group/team-%04d", acct, g)
		groups[arn] = map[string]any{"arn": arn, "name": fmt.Sprintf("team-%04d", g),
			"attached_policies": []any{names[(g*31)%policies], names[(g*31+1)%policies]}, "inline_policies": map[string]any{}}
	}
	users, roles := map[string]any{}, map[string]any{}
	for p := range principals {
		if p%5 >= 3 {
			arn := fmt.Sprintf("arn:aws:iam::%s:role/service-%05d", acct, p)
			var principal map[string]any
			var cond any
			switch p % 3 {
			case 0:
				principal = map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::%s:root", acct)}
				cond = map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}
			case 1:
				principal = map[string]any{"Service": []any{"ec2.amazonaws.com", "lambda.amazonaws.com"}}
			default:
				principal = map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::%012d:root", 444455550000+p%100)}
			}
			trust := map[string]any{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
			if cond != nil {
				trust["Condition"] = cond
			}
			roles[arn] = map[string]any{
				"arn": arn, "name": fmt.Sprintf("service-%05d", p), "service_linked": false,
				"attached_policies": []any{pick(p), names[(p*104729)%policies]}, "inline_policies": map[string]any{},
				"permissions_boundary": "", "trust_policy": doc(trust),
			}
			continue
		}
		arn := fmt.Sprintf("arn:aws:iam::%s:user/user-%05d", acct, p)
		groupList := []any{fmt.Sprintf("arn:aws:iam::%s:group/team-%04d", acct, p%nGroups)}
		if p%4 == 0 {
			groupList = append(groupList, fmt.Sprintf("arn:aws:iam::%s:group/team-%04d", acct, (p/4)%nGroups))
		}
		inline := map[string]any{}
		if p%3 == 0 {
			inline["own-bucket"] = doc(app(p), allow("sts:AssumeRole", fmt.Sprintf("arn:aws:iam::%s:role/service-%05d", acct, p+3)))
		}
		boundary := ""
		if p%10 == 1 {
			boundary = names[p%policies]
		}
		users[arn] = map[string]any{
			"arn": arn, "name": fmt.Sprintf("user-%05d", p), "console_access": true, "mfa_enabled": p%2 == 0,
			"groups": groupList, "attached_policies": []any{pick(p)}, "inline_policies": inline,
			"permissions_boundary": boundary,
		}
	}
	actions := collector.ScreenActions()
	screen := make([]any, len(actions))
	for i, a := range actions {
		screen[i] = a
	}
	out["iam"] = map[string]any{"users": users, "groups": groups, "roles": roles, "policies": pols, "root": base["root"], "aws_managed_screen": screen}
	return out, nil
}
