package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/findings"
)

func TestDocCatalog(t *testing.T) {
	_, out, _ := runCLI(t, "policies", "-f", "json")
	var catalog []findings.Check
	if err := json.Unmarshal([]byte(out), &catalog); err != nil {
		t.Fatal(err)
	}
	code, doc, stderr := runCLI(t, "doc")
	if code != 0 {
		t.Fatalf("doc: exit %d: %s", code, stderr)
	}
	for _, c := range catalog {
		for _, want := range []string{"\n## " + c.ID + "\n", "- [" + c.ID + "](#" + strings.ToLower(c.ID) + ")", c.Title} {
			if !strings.Contains(doc, want) {
				t.Errorf("doc lacks %q", want)
			}
		}
		if c.Remediation.CLI != "" && !strings.Contains(doc, "```sh\n"+c.Remediation.CLI+"\n```") {
			t.Errorf("doc lacks the CLI remediation of %s in a code block", c.ID)
		}
	}
	for _, want := range []string{"## Contents", "| Severity | critical |", "| Resource type | `AwsCloudTrailTrail` |", "| cis-aws-v3.0.0 | 3.2 |", "### Remediation", "Console: ",
		"### References\n\n- [Validating CloudTrail log file integrity](https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html)\n"} {
		if !strings.Contains(doc, want) {
			t.Errorf("doc lacks %q", want)
		}
	}
	if _, again, _ := runCLI(t, "doc"); again != doc {
		t.Error("doc is not deterministic")
	}
}

func TestDocCustomPolicy(t *testing.T) {
	out := filepath.Join(t.TempDir(), "catalog.md")
	code, stdout, stderr := runCLI(t, "doc", "--policy", "../../bundles/examples/acme", "-o", out)
	if code != 0 {
		t.Fatalf("doc --policy: exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("doc -o FILE wrote to standard output: %q", stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, want := range []string{"\n## ACME-TAG-001\n", "Trails carry a valid cost-centre tag", "| acme-security-standard | FIN-1.2 |",
		"aws cloudtrail add-tags --resource-id <trail-arn>", "\n## TG-CT-001\n"} {
		if !strings.Contains(doc, want) {
			t.Errorf("doc --policy acme lacks %q", want)
		}
	}
	if code, _, stderr := runCLI(t, "doc", "--policy", filepath.Join(t.TempDir(), "nope")); code != exitError || stderr == "" {
		t.Errorf("doc --policy missing dir: exit %d, stderr %q", code, stderr)
	}
}

func TestDocSchema(t *testing.T) {
	code, doc, stderr := runCLI(t, "doc", "--schema")
	if code != 0 {
		t.Fatalf("doc --schema: exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"| `trails.*.log_file_validation_enabled` | boolean |",
		"| `trails` | map of object | yes | Trails by ARN.",
		"| `log_groups.*.retention_in_days` | integer or null |  | null means the events never expire. |",
		"| `trails.*.event_selectors[].read_write_type` | string |  | One of `All`, `ReadOnly`, `WriteOnly`. |",
		"| `iam.users.*.inline_policies` | map of object |",
		"| `errors[].code` | string | yes |",
		"### `kms_keys`",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("doc --schema lacks %q", want)
		}
	}
	if code, _, _ := runCLI(t, "doc", "--schema", "--policy", "x"); code != exitError {
		t.Errorf("doc --schema --policy: exit %d, want %d", code, exitError)
	}
}

// TestWritingPoliciesSchemaUpToDate keeps the snapshot fields section of
// docs/writing-policies.md equal to `trailguard doc --schema`. Run with
// UPDATE_DOCS=1 to rewrite it.
func TestWritingPoliciesSchemaUpToDate(t *testing.T) {
	const path = "../../docs/writing-policies.md"
	const start, end = "<!-- schema:start -->\n", "<!-- schema:end -->"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	code, want, _ := runCLI(t, "doc", "--schema")
	if code != 0 {
		t.Fatalf("doc --schema: exit %d", code)
	}
	s := string(b)
	i, j := strings.Index(s, start), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatal("docs/writing-policies.md lacks the schema markers")
	}
	if s[i+len(start):j] == want {
		return
	}
	if os.Getenv("UPDATE_DOCS") != "" {
		if err := os.WriteFile(path, []byte(s[:i+len(start)]+want+s[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("docs/writing-policies.md snapshot fields are out of date; run UPDATE_DOCS=1 go test ./cmd/trailguard -run TestWritingPoliciesSchemaUpToDate")
}

// TestWritingPoliciesCoversLibrary checks that docs/writing-policies.md
// describes every public rule and function of the helper library.
func TestWritingPoliciesCoversLibrary(t *testing.T) {
	doc, err := os.ReadFile("../../docs/writing-policies.md")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../../policies/trailguard/lib/*.rego")
	if err != nil || len(files) == 0 {
		t.Fatalf("no library files: %v", err)
	}
	rule := regexp.MustCompile(`(?m)^([a-z][a-z0-9_]*)\b`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.rego") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pkg := strings.TrimSuffix(filepath.Base(f), ".rego")
		for _, m := range rule.FindAllStringSubmatch(string(src), -1) {
			switch name := m[1]; name {
			case "package", "import", "else", "default":
			default:
				if !strings.Contains(string(doc), "`"+pkg+"."+name) && !strings.Contains(string(doc), "`"+name+"`") {
					t.Errorf("docs/writing-policies.md does not describe %s.%s (%s)", pkg, name, f)
				}
			}
		}
	}
}
