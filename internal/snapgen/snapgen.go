// Package snapgen generates large, realistic snapshot documents for
// benchmarks: n copies of the compliant fixture's trail with its own bucket,
// key and log group, and a given number of IAM principals.
package snapgen

import (
	"encoding/json"
	"fmt"
	"strings"

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
