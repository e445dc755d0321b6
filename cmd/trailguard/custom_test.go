package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const acme = "../../bundles/examples/acme"

// customCheck is a valid custom check; %s is replaced by its id.
const customCheck = `# METADATA
# title: Trails are named
# description: Every trail has a name.
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: %s
#   severity: low
package custom.checks.%s

import data.trailguard.lib.result

findings contains result.pass(arn, trail.home_region, "named") if {
	some arn, trail in input.trails
	trail.name != ""
}
`

func check(id, pkg string) string {
	return strings.Replace(strings.Replace(customCheck, "%s", id, 1), "%s", pkg, 1)
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func reportFindings(t *testing.T, stdout string) map[string][]string {
	t.Helper()
	var rep struct {
		Findings []struct {
			CheckID string `json:"check_id"`
			Status  string `json:"status"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, stdout)
	}
	byCheck := map[string][]string{}
	for _, f := range rep.Findings {
		byCheck[f.CheckID] = append(byCheck[f.CheckID], f.Status)
	}
	return byCheck
}

func TestEvalCustomPolicies(t *testing.T) {
	single := writeFile(t, "named.rego", check("CUSTOM-001", "named"))
	override := writeFile(t, "org.yaml", "acme:\n  organization:\n    log_archive_account_id: \"111122223333\"\n")
	tests := []struct {
		name string
		args []string
		want map[string]string // check id -> the status of its single finding (or its first)
	}{
		{"directory", []string{"--policy", acme}, map[string]string{"ACME-CT-001": "FAIL", "ACME-TAG-001": "PASS", "TG-CT-005": "PASS"}},
		{"single file", []string{"--policy", single}, map[string]string{"CUSTOM-001": "PASS", "TG-CT-005": "PASS"}},
		{"data file overrides", []string{"--policy", acme, "--data", override}, map[string]string{"ACME-CT-001": "PASS"}},
		{"two paths", []string{"--policy", acme, "--policy", single}, map[string]string{"ACME-CT-001": "FAIL", "CUSTOM-001": "PASS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"eval", "-f", "json", "--fail-on", "none"}, tt.args...), fixture)
			code, stdout, stderr := runCLI(t, args...)
			if code != exitOK {
				t.Fatalf("exit code = %d, stderr %q", code, stderr)
			}
			got := reportFindings(t, stdout)
			if len(got) < 35 {
				t.Errorf("only %d checks reported: built-in findings dropped?", len(got))
			}
			for id, status := range tt.want {
				if len(got[id]) == 0 || got[id][0] != status {
					t.Errorf("%s: statuses %v, want %s", id, got[id], status)
				}
			}
		})
	}
}

func TestEvalCustomPolicyErrors(t *testing.T) {
	good := check("CUSTOM-001", "named")
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the one-line error
	}{
		{"syntax", map[string]string{"a.rego": "package custom.x\n\nallow if {\n"}, []string{"a.rego:4:", "rego_parse_error"}},
		{"unknown builtin", map[string]string{"a.rego": strings.Replace(good, `trail.name != ""`, `no.such_builtin(trail.name)`, 1)}, []string{"a.rego:16:", "undefined function no.such_builtin"}},
		{"sandbox", map[string]string{"a.rego": strings.Replace(good, `trail.name != ""`, `http.send({"method": "GET", "url": trail.name})`, 1)}, []string{"a.rego:16:", "http.send is not allowed"}},
		{"environment", map[string]string{"a.rego": strings.Replace(good, `trail.name != ""`, `opa.runtime().env.AWS_SECRET_ACCESS_KEY == trail.name`, 1)}, []string{"a.rego:16:", "opa.runtime is not allowed"}},
		{"missing METADATA", map[string]string{"a.rego": "package trailguard.checks.mine\n\nfindings := set()\n"}, []string{"a.rego:3:", "has no package METADATA"}},
		{"duplicate id", map[string]string{"a.rego": good, "b.rego": check("CUSTOM-001", "other")}, []string{"b.rego: check id CUSTOM-001 is also used by", "a.rego"}},
		{"clash with built-in id", map[string]string{"a.rego": check("TG-CT-005", "named")}, []string{"a.rego", "check id TG-CT-005", "log_file_validation.rego"}},
		{"misspelled field", map[string]string{"a.rego": strings.Replace(good, `trail.name`, `trail.nmae`, 1)}, []string{"a.rego:16:", `has no field "nmae"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files)
			code, stdout, stderr := runCLI(t, "eval", "--policy", dir, fixture)
			if code != exitError {
				t.Errorf("exit code = %d, want %d", code, exitError)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr = %q, want it to contain %q", stderr, w)
				}
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("stderr is not one line: %q", stderr)
			}
		})
	}
}

func TestTestCommand(t *testing.T) {
	failing := writeTree(t, map[string]string{
		"named.rego":      check("CUSTOM-001", "named"),
		"named_test.rego": "package custom.checks.named_test\n\nimport data.custom.checks.named.findings\nimport data.trailguard.fixtures\n\ntest_wrong if {\n\t{f.status | some f in findings} == {\"FAIL\"} with input as fixtures.compliant\n}\n",
	})
	broken := writeTree(t, map[string]string{"x_test.rego": "package x_test\n\ntest_a if {\n"})
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"built-in only", nil, exitOK, []string{"PASS: "}},
		{"acme: its tests only", []string{acme}, exitOK, []string{"PASS: 12/12"}},
		{"acme with the built-in tests", []string{"--builtin", acme}, exitOK, []string{"PASS: "}},
		{"verbose and run", []string{"-v", "--run", "cost_centre", acme}, exitOK, []string{"test_fail_with_unknown_cost_centre: PASS", "PASS: 4/4"}},
		{"json", []string{"--format", "json", "--run", "trail_bucket_in_log_archive_test", acme}, exitOK, []string{`"name": "test_unknown_when_bucket_owner_missing"`}},
		{"coverage: one line over PATH's files", []string{"--coverage", acme}, exitOK, []string{"PASS: 12/12\ncoverage: 98.41% (62 of 63 lines in 3 files)\n"}},
		{"coverage with -v: each test and each file", []string{"-v", "--coverage", acme}, exitOK, []string{"test_fail_with_unknown_cost_centre: PASS", "100.00%  " + acme + "/checks/trail_cost_centre_tag.rego (19 of 19 lines)", "coverage: 98.41%"}},
		{"coverage json", []string{"--coverage", "-f", "json", acme}, exitOK, []string{`"coverage": 98.41`}},
		{"threshold over PATH's files, met", []string{"--threshold", "98", acme}, exitOK, []string{"threshold 98.00%"}},
		{"threshold over PATH's files, not met", []string{"--threshold", "99", acme}, exitFindings, []string{"coverage threshold not met: got 98.41 instead of 99.00"}},
		{"failing test", []string{failing}, exitFindings, []string{"test_wrong: FAIL", "FAIL: 1/"}},
		{"load error", []string{broken}, exitError, []string{"x_test.rego:4:"}},
		{"missing path", []string{filepath.Join(t.TempDir(), "nope")}, exitError, []string{"no such file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"test"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit code = %d, want %d; stderr %q", code, tt.code, stderr)
			}
			for _, w := range tt.contains {
				if !strings.Contains(stdout+stderr, w) {
					t.Errorf("output does not contain %q:\n%s%s", w, stdout, stderr)
				}
			}
			if len(stdout) > 20000 && !slices.Contains(tt.args, "json") {
				t.Errorf("%d bytes of output", len(stdout))
			}
		})
	}
	// PATH's tests only: the built-in ones run only with --builtin.
	_, only, _ := runCLI(t, "test", "-v", acme)
	_, with, _ := runCLI(t, "test", "-v", "--builtin", acme)
	if strings.Contains(only, "policies/trailguard/") || !strings.Contains(with, "policies/trailguard/") {
		t.Errorf("built-in tests: without --builtin %v, with %v", strings.Contains(only, "policies/trailguard/"), strings.Contains(with, "policies/trailguard/"))
	}
}

func TestNewCheckScaffoldPassesItsTests(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "policies")
	code, stdout, stderr := runCLI(t, "new", "check", "--dir", dir, "--package-prefix", "acme.checks", "trail_owner_tag")
	if code != exitOK {
		t.Fatalf("new check: exit %d, %s", code, stderr)
	}
	if !strings.Contains(stdout, "trail_owner_tag_test.rego") {
		t.Errorf("stdout = %q", stdout)
	}
	code, stdout, stderr = runCLI(t, "test", "-v", dir)
	if code != exitOK || !strings.Contains(stdout, "test_fail_when_owner_tag_missing: PASS") {
		t.Errorf("test: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "eval", "-f", "json", "--policy", dir, "-c", "ACME-TRAIL-OWNER-TAG", fixture)
	if code != exitOK || reportFindings(t, stdout)["ACME-TRAIL-OWNER-TAG"][0] != "PASS" {
		t.Errorf("eval: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "new", "check", "--dir", dir, "trail_owner_tag"); code != exitError || !strings.Contains(stderr, "already exists") {
		t.Errorf("second scaffold: exit %d, %q", code, stderr)
	}
}

func rsaKeys(t *testing.T) (private, public string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	private = writeFile(t, "private.pem", string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})))
	public = writeFile(t, "public.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})))
	return private, public
}

// tamper rewrites the bundle with one line appended to the first .rego file.
func tamper(t *testing.T, in string) string {
	t.Helper()
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tr := tar.NewReader(gz)
	done := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		if !done && strings.HasSuffix(h.Name, ".rego") && !strings.HasSuffix(h.Name, "_test.rego") {
			b = append(b, []byte("\n# tampered\n")...)
			done = true
		}
		h.Size = int64(len(b))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write(b)
	}
	tw.Close()
	zw.Close()
	return writeFile(t, "tampered.tar.gz", buf.String())
}

func TestBundleBuildAndVerify(t *testing.T) {
	private, public := rsaKeys(t)
	_, otherPublic := rsaKeys(t)
	dir := t.TempDir()
	signed := filepath.Join(dir, "signed.tar.gz")
	unsigned := filepath.Join(dir, "unsigned.tar.gz")
	if code, _, stderr := runCLI(t, "bundle", "build", "-o", signed, "--revision", "v1.2.3", "--signing-key", private, acme); code != exitOK {
		t.Fatalf("build signed: exit %d, %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "bundle", "build", "-o", unsigned, acme); code != exitOK {
		t.Fatalf("build unsigned: exit %d, %s", code, stderr)
	}
	tampered := tamper(t, signed)

	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"signed, verified", []string{"--policy", signed, "--verification-key", public}, exitOK, ""},
		{"unsigned without key", []string{"--policy", unsigned}, exitOK, ""},
		{"unsigned with key", []string{"--policy", unsigned, "--verification-key", public}, exitError, "refused: bundle missing .signatures.json"},
		{"tampered", []string{"--policy", tampered, "--verification-key", public}, exitError, "refused: "},
		{"wrong key", []string{"--policy", signed, "--verification-key", otherPublic}, exitError, "refused: "},
		{"directory with key", []string{"--policy", acme, "--verification-key", public}, exitError, "not a bundle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append(append([]string{"eval", "-f", "json", "--fail-on", "none"}, tt.args...), fixture)...)
			if code != tt.code {
				t.Fatalf("exit code = %d, want %d; stderr %q", code, tt.code, stderr)
			}
			if tt.code == exitOK {
				if got := reportFindings(t, stdout); got["ACME-CT-001"] == nil || got["TG-CT-005"] == nil {
					t.Errorf("custom or built-in checks missing: %v", got)
				}
				return
			}
			if !strings.Contains(stderr, tt.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("stderr = %q, want one line containing %q", stderr, tt.want)
			}
		})
	}

	// The built bundle's tests run with the built-in ones.
	if code, stdout, stderr := runCLI(t, "test", signed); code != exitOK || !strings.Contains(stdout, "PASS: ") {
		t.Errorf("test bundle: exit %d\n%s%s", code, stdout, stderr)
	}
}
