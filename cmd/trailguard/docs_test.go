package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/internal/awsfake"
)

// docLine is one command line of the documentation.
type docLine struct {
	file, line string
	synopsis   bool // a usage line with placeholders (README's Usage block)
}

var (
	fence = regexp.MustCompile("(?s)```(sh|yaml)\n(.*?)```")
	// A trailguard command: the line starts with one (possibly after
	// VAR=value), or one follows &&.
	isTrailguardCommand = regexp.MustCompile(`^([A-Z_]+=\S+ )?(trailguard|go run ./cmd/trailguard) |&& trailguard `)
	// A placeholder word of a usage line: [flags], SNAPSHOT.json, DIR, [PATH...], FILE].
	placeholder = regexp.MustCompile(`^(\[.*|[A-Z][A-Z0-9_]*(\.json|\.\.\.)?\]?)$`)
)

// docCommands extracts every trailguard command line from the sh blocks of
// the file, and from the run: steps of its CI yaml blocks.
func docCommands(t *testing.T, file string) []docLine {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []docLine
	for _, m := range fence.FindAllStringSubmatch(string(b), -1) {
		lines := strings.Split(m[2], "\n")
		for i := 0; i < len(lines); i++ {
			l := strings.TrimSpace(lines[i])
			// A shell line continued with a backslash is one command.
			for strings.HasSuffix(l, "\\") && i+1 < len(lines) {
				i++
				l = strings.TrimSpace(strings.TrimSuffix(l, "\\")) + " " + strings.TrimSpace(lines[i])
			}
			if m[1] == "yaml" {
				l = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(l, "run:"), "- "))
				l = strings.TrimSpace(strings.TrimPrefix(l, "run:"))
			}
			if i := strings.Index(l, "  #"); i >= 0 {
				l = strings.TrimSpace(l[:i])
			}
			if l == "" || !isTrailguardCommand.MatchString(l) {
				continue
			}
			l = strings.ReplaceAll(l, "go run ./cmd/trailguard", "trailguard")
			syn := false
			for _, w := range strings.Fields(l)[1:] {
				syn = syn || (m[1] == "sh" && placeholder.MatchString(w))
			}
			out = append(out, docLine{file: file, line: l, synopsis: syn})
		}
	}
	return out
}

// TestDocumentedCommandsRun runs every command line of README.md and docs/
// with the real binary in a directory holding what they name (snapshots,
// the acme policies, signing keys), against the fake AWS server for collect
// and scan. A command must not fail as a mistake would (exit 2): it exits 0,
// or 1 for failing checks or a worse diff. Usage lines with placeholders
// (trailguard eval SNAPSHOT.json [flags]) must name a real command.
// needsAWS lists the documented commands that need more of AWS than this
// test's one-account fake server answers, each with what it needs and where
// its behaviour is tested end to end instead: here only their command path
// is checked (--help). Every other documented command runs for real. An
// entry that matches no documented line is an error, so that the list
// follows the docs.
var needsAWS = []struct {
	pattern *regexp.Regexp
	reason  string
}{
	{regexp.MustCompile(`trailguard (collect|scan) --org`),
		"an AWS Organization (its accounts, a role assumed in each): TestCollectOrg*, TestScanOrg and the orgscan tests"},
	{regexp.MustCompile(`trailguard \S+ .*--securityhub`),
		"Security Hub (BatchImportFindings, GetFindings, archiving): the sechub tests and the --securityhub CLI tests"},
	{regexp.MustCompile(`trailguard verify-logs`),
		"a trail's signed digest and log files in S3 and CloudTrail's public keys: the logverify tests and TestVerifyLogs*"},
}

// needingAWS is the entry of needsAWS that line matches, or -1.
func needingAWS(line string) int {
	for i, n := range needsAWS {
		if n.pattern.MatchString(line) {
			return i
		}
	}
	return -1
}

func TestDocumentedCommandsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every documented command")
	}
	bin := buildBinary(t, false)
	docs, _ := filepath.Glob("../../docs/*.md")
	files := append([]string{"../../README.md"}, docs...)
	total := 0
	used := make([]bool, len(needsAWS))
	for _, file := range files {
		cmds := docCommands(t, file)
		total += len(cmds)
		t.Run(filepath.Base(file), func(t *testing.T) {
			dir := docSandbox(t)
			srv := fakeAWS(t, "multiregion")
			srv.Add(awsfake.Route{
				Service: "sts", Operation: "AssumeRole",
				Match: map[string]string{"RoleArn": "arn:aws:iam::111122223333:role/trailguard", "ExternalId": "X"},
				Body: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
					`<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/trailguard/s</Arn><AssumedRoleId>AROA3XFRBF535PLBIFPI4:s</AssumedRoleId></AssumedRoleUser>` +
					`<Credentials><AccessKeyId>ASIAJEXAMPLEXEG2JICEA</AccessKeyId><SecretAccessKey>9drTJvcXLB89EXAMPLELB8923FB892xMFI</SecretAccessKey>` +
					`<SessionToken>token</SessionToken><Expiration>2099-07-15T23:28:33.359Z</Expiration></Credentials>` +
					`</AssumeRoleResult></AssumeRoleResponse>`,
			})
			os.WriteFile(os.Getenv("AWS_CONFIG_FILE"), []byte("[profile audit]\nregion = us-east-1\n"), 0o600)
			os.WriteFile(os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), []byte("[audit]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = secret\n"), 0o600)
			env := append(os.Environ(),
				"PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"),
				"AWS_ENDPOINT_URL="+srv.URL(),
				"GITHUB_STEP_SUMMARY="+filepath.Join(dir, "summary.md"),
				"COLUMNS=100")
			for _, c := range cmds {
				line := strings.ReplaceAll(c.line, "http://localhost:4566", srv.URL())
				aws := needingAWS(line)
				if aws >= 0 {
					used[aws] = true
					t.Logf("%s: `%s` needs %s; only its command path runs here", c.file, line, needsAWS[aws].reason)
				}
				if c.synopsis || aws >= 0 {
					// The command path: the words before the first placeholder or flag.
					var path []string
					for _, w := range strings.Fields(line)[1:] {
						if strings.HasPrefix(w, "-") || placeholder.MatchString(w) {
							break
						}
						path = append(path, w)
					}
					line = "trailguard " + strings.Join(path, " ") + " --help"
				}
				// git is not needed to build a bundle: a fixed revision stands in.
				cmd := exec.Command("sh", "-c", "git() { echo 0123456789abcdef0123456789abcdef01234567; }\n"+line)
				cmd.Dir, cmd.Env = dir, env
				out, err := cmd.CombinedOutput()
				code := 0
				if ee, ok := err.(*exec.ExitError); ok {
					code = ee.ExitCode()
				} else if err != nil {
					t.Fatal(err)
				}
				// Only a judgement exits 1: failing checks (eval, scan) or a worse diff.
				judges := regexp.MustCompile(`^(\S+=\S+ )?trailguard (eval|scan|diff)( |$)`).MatchString(line)
				if code > 1 || (code == 1 && !judges) {
					t.Errorf("%s: `%s` exited %d:\n%.1000s", c.file, line, code, out)
				}
			}
		})
	}
	if total < 25 {
		t.Errorf("found only %d command lines in the docs: is the extraction broken?", total)
	}
	for i, u := range used {
		if !u {
			t.Errorf("needsAWS entry %s matches no documented command: remove it", needsAWS[i].pattern)
		}
	}
}

// docSandbox is a working directory with what the documented commands name.
func docSandbox(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.CopyFS(filepath.Join(dir, "testdata"), os.DirFS("../../testdata")))
	must(os.CopyFS(filepath.Join(dir, "bundles/examples/acme"), os.DirFS("../../bundles/examples/acme")))
	must(os.CopyFS(filepath.Join(dir, "acme"), os.DirFS("../../bundles/examples/acme")))
	snap, err := os.ReadFile("../../testdata/noncompliant.json")
	must(err)
	for _, name := range []string{"snapshot.json", "snapshot-yesterday.json", "snapshot-today.json", "old.json", "new.json"} {
		must(os.WriteFile(filepath.Join(dir, name), snap, 0o644))
	}
	org, err := os.ReadFile("../../testdata/org.json")
	must(err)
	for _, name := range []string{"org.json", "org-yesterday.json", "org-today.json"} {
		must(os.WriteFile(filepath.Join(dir, name), org, 0o644))
	}
	// org-1.json … org-3.json: the README's shards (collect --org --shard K/3),
	// and yesterday's in yesterday/ for its diff of two sharded collections.
	var whole map[string]any
	must(json.Unmarshal(org, &whole))
	writeShards(t, whole, 3, dir, "org")
	must(os.Mkdir(filepath.Join(dir, "yesterday"), 0o755))
	writeShards(t, whole, 3, filepath.Join(dir, "yesterday"), "org")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	must(err)
	must(os.WriteFile(filepath.Join(dir, "org.yaml"), []byte("acme:\n  organization:\n    log_archive_account_id: \"111122223333\"\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "private.pem"), pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	must(os.WriteFile(filepath.Join(dir, "public.pem"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644))
	return dir
}

func TestDocCommandsExtraction(t *testing.T) {
	cmds := docCommands(t, "../../README.md")
	var lines []string
	for _, c := range cmds {
		lines = append(lines, c.line)
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{"trailguard eval testdata/noncompliant.json", "trailguard diff yesterday.json snapshot-today.json", "trailguard scan --profile audit -f sarif=out.sarif --save-snapshot snap.json"} {
		if !strings.Contains(all, want) {
			t.Errorf("README command %q not extracted:\n%s", want, all)
		}
	}
}
