package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const noncompliant = "../../testdata/noncompliant.json"

// Every mistake on the command line is one line on stderr, nothing on
// stdout, exit 2, and says what to do.
func TestUsageMistakes(t *testing.T) {
	cfgParam := writeFile(t, "p.yaml", "params:\n  min_log_retention_days: 400\n  min_log_retention_dayz: 3\n")
	cfgNaN := writeFile(t, "n.yaml", "defaults:\n  params:\n    max_full_access_holders: three\n")
	for _, tt := range []struct {
		name string
		args []string
		want []string
	}{
		{"unknown command", []string{"evl", noncompliant}, []string{`unknown command "evl" (did you mean eval?)`, "trailguard --help"}},
		{"unknown subcommand", []string{"bundle", "biuld", "x"}, []string{`unknown command "biuld" (did you mean build?)`, "trailguard bundle --help"}},
		{"unknown flag", []string{"eval", "--fromat", "json", noncompliant}, []string{"unknown flag --fromat (did you mean --format?)", "trailguard eval --help"}},
		{"unknown global flag", []string{"--bogus"}, []string{"unknown flag --bogus", "trailguard --help"}},
		{"bad flag value", []string{"eval", "--timeout", "soon", noncompliant}, []string{`invalid value "soon" for flag -timeout`, "trailguard eval --help"}},
		{"check matches nothing", []string{"eval", "--check", "TG-CT-05", noncompliant}, []string{`--check: "TG-CT-05" matches no check (did you mean TG-CT-005?)`}},
		{"check prefix matches nothing", []string{"eval", "-c", "TG-S4-*", noncompliant}, []string{`"TG-S4-*" matches no check`}},
		{"unknown param", []string{"eval", "-p", "min_log_retention_dayz=3", noncompliant}, []string{`--param: unknown threshold "min_log_retention_dayz" (did you mean min_log_retention_days?)`}},
		{"non-numeric param", []string{"eval", "-p", "min_log_retention_days=a year", noncompliant}, []string{`--param: min_log_retention_days must be a number (default 365), not "a year"`}},
		{"unknown param in diff", []string{"diff", "-p", "max_full_acess_holders=2", noncompliant, noncompliant}, []string{`did you mean max_full_access_holders?`}},
		{"unknown param in config", []string{"eval", "--config", cfgParam, noncompliant}, []string{cfgParam + `:3: params: unknown threshold "min_log_retention_dayz" (did you mean min_log_retention_days?)`}},
		{"non-numeric param in config", []string{"eval", "--config", cfgNaN, noncompliant}, []string{cfgNaN + `:3: defaults.params: max_full_access_holders must be a number (default 3), not "three"`}},
		{"unknown report extension", []string{"eval", "-o", filepath.Join(t.TempDir(), "r.pdf"), noncompliant}, []string{`cannot tell the format of`, `".pdf"`, ".sarif"}},
		{"help on an unknown command", []string{"help", "evl"}, []string{`unknown command "evl" (did you mean eval?)`, "trailguard --help"}},
		{"verify-logs without a trail", []string{"verify-logs"}, []string{"verify-logs needs --trail ARN"}},
		{"completion of an unknown shell", []string{"completion", "tcsh"}, []string{`unknown shell "tcsh"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != exitError {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, exitError, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %.200q, want nothing", stdout)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("stderr is not one line: %q", stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr = %q, want it to contain %q", stderr, w)
				}
			}
		})
	}
}

// --status chooses what is shown, never the exit code; --check and
// --severity choose what is judged.
func TestStatusDoesNotChangeExitCode(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"--status", "PASS"}, exitFindings},
		{[]string{"--status", "UNKNOWN", "--fail-on-unknown"}, exitFindings},
		{[]string{"--status", "FAIL"}, exitFindings},
		{[]string{"--check", "TG-CT-005"}, exitFindings},
		{[]string{"--severity", "info"}, exitOK}, // no info-level failure in this account
		{[]string{"--status", "PASS", "--fail-on", "none"}, exitOK},
	} {
		code, stdout, stderr := runCLI(t, append(append([]string{"eval", "-f", "json"}, tt.args...), noncompliant)...)
		if code != tt.code {
			t.Errorf("eval %v: exit %d, want %d (stderr %q)", tt.args, code, tt.code, stderr)
		}
		if tt.args[0] == "--status" && strings.Contains(stdout, `"status": "`+map[bool]string{true: "FAIL", false: "PASS"}[tt.args[1] == "PASS"]+`"`) {
			t.Errorf("eval %v shows findings of another status", tt.args)
		}
	}
}

// -o FILE without --format takes the format from the extension; every file
// written is named on stderr.
func TestOutputFormatFromExtension(t *testing.T) {
	dir := t.TempDir()
	for ext, start := range map[string]string{
		".sarif": `"version": "2.1.0"`, ".json": `"findings"`, ".xml": "<testsuites", ".md": "#", ".html": "<!DOCTYPE html>", ".txt": "TG-",
	} {
		out := filepath.Join(dir, "report"+ext)
		code, stdout, stderr := runCLI(t, "eval", "-o", out, noncompliant)
		if code != exitFindings || stdout != "" {
			t.Errorf("%s: exit %d, stdout %.100q", ext, code, stdout)
		}
		b, err := os.ReadFile(out)
		if err != nil || !strings.Contains(string(b), start) {
			t.Errorf("%s: %v, file starts %.80q, want %q in it", ext, err, b, start)
		}
		if !strings.Contains(stderr, "wrote the ") || !strings.Contains(stderr, " report to "+out) {
			t.Errorf("%s: stderr %q does not name the file", ext, stderr)
		}
	}
	// Several files: each is named.
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.sarif")
	_, _, stderr := runCLI(t, "eval", "-f", "json="+a, "-f", "sarif="+b, "-f", "table", noncompliant)
	if !strings.Contains(stderr, "wrote the json report to "+a) || !strings.Contains(stderr, "wrote the sarif report to "+b) {
		t.Errorf("stderr %q does not name both files", stderr)
	}
}

// eval - reads the snapshot from standard input (collect | eval -).
func TestEvalStdin(t *testing.T) {
	bin := buildBinary(t, false)
	f, err := os.Open(noncompliant)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(bin, "eval", "-f", "json", "-")
	cmd.Stdin = f
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitFindings {
		t.Fatalf("eval -: %v", err)
	}
	if !strings.Contains(string(out), `"account": "580247316092"`) {
		t.Errorf("eval - did not evaluate standard input: %.200s", out)
	}
	// An organization snapshot too (collect --org | eval -).
	org, err := os.Open("../../testdata/org.json")
	if err != nil {
		t.Fatal(err)
	}
	defer org.Close()
	cmd = exec.Command(bin, "eval", "-f", "json", "--fail-on", "none", "-")
	cmd.Stdin = org
	if out, err = cmd.Output(); err != nil || !strings.Contains(string(out), `"account": "222233334444"`) {
		t.Errorf("eval - of an organization snapshot: %v %.200s", err, out)
	}
	cmd = exec.Command(bin, "eval", "-")
	cmd.Stdin = strings.NewReader(`{"schema_version": "1", "trails": `)
	msg, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitError || !strings.Contains(string(msg), "standard input: ") {
		t.Errorf("truncated standard input: %v %q", err, msg)
	}
}

// runBinary runs the built trailguard in dir ("": the test's own) with
// input on its standard input, as a shell pipe would.
func runBinary(t *testing.T, dir string, input []byte, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(buildBinary(t, false), args...)
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(input)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

var builtBinaries = map[bool]string{}

// buildBinary builds trailguard once per test process (with VCS stamping when vcs is true).
func buildBinary(t *testing.T, vcs bool) string {
	t.Helper()
	if p := builtBinaries[vcs]; p != "" {
		return p
	}
	dir, err := os.MkdirTemp("", "trailguard-bin")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "trailguard")
	cmd := exec.Command("go", "build", "-buildvcs="+map[bool]string{true: "true", false: "false"}[vcs], "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	builtBinaries[vcs] = bin
	return bin
}

// --version prints the version and the commit the binary was built from. Go
// stamps the commit when it builds from a git checkout (not from a git
// worktree, whose .git is a file), so the test builds a copy of the sources
// committed in a fresh repository.
func TestVersionNamesCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo := t.TempDir()
	if err := os.CopyFS(repo, os.DirFS("../..")); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(repo, ".git"))
	git := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "version test")
	head := git("rev-parse", "HEAD")
	bin := filepath.Join(t.TempDir(), "trailguard")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, "./cmd/trailguard")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "commit "+head[:12]) || !strings.Contains(string(out), "go1.") {
		t.Errorf("--version = %q, want commit %s and the Go version", out, head[:12])
	}
}

func TestCompletion(t *testing.T) {
	for shell, want := range map[string]string{
		"bash": "complete -o bashdefault -o default -F _trailguard_complete trailguard",
		"zsh":  "compdef _trailguard trailguard",
		"fish": "complete -r -c trailguard -n '__fish_trailguard_no_subcommand' -a 'eval'",
	} {
		code, stdout, stderr := runCLI(t, "completion", shell)
		if code != exitOK || !strings.Contains(stdout, want) {
			t.Errorf("completion %s: exit %d, stderr %q, stdout lacks %q:\n%.300s", shell, code, stderr, want, stdout)
		}
	}
	// The scripts ask the binary for the words to offer (urfave/cli reads
	// os.Args for that, so through the real binary).
	out, err := exec.Command(buildBinary(t, false), "--generate-bash-completion").Output()
	if err != nil {
		t.Fatal(err)
	}
	stdout := string(out)
	for _, cmd := range []string{"eval", "collect", "scan", "diff", "completion"} {
		if !strings.Contains(stdout, cmd+"\n") {
			t.Errorf("completion words lack %s: %q", cmd, stdout)
		}
	}
}

// "trailguard help eval" shows the command's help, as urfave/cli offers it.
func TestHelpCommand(t *testing.T) {
	code, stdout, stderr := runCLI(t, "help", "eval")
	if code != 0 || !strings.Contains(stdout, "trailguard eval - evaluate a snapshot") {
		t.Errorf("help eval: exit %d, stdout %.300q, stderr %q", code, stdout, stderr)
	}
}
