package main

import (
	"strings"
	"testing"

	"github.com/trailguard/trailguard/findings"
)

// noValidationSnapshot fails exactly one check: TG-CT-005 (medium) on every trail.
func noValidationSnapshot(t *testing.T) string {
	return fixtureWith(t, func(d map[string]any) {
		for _, tr := range d["trails"].(map[string]any) {
			tr.(map[string]any)["log_file_validation_enabled"] = false
		}
	})
}

func waiverConfig(t *testing.T, expires string) string {
	return writeFile(t, "trailguard.yaml", `waivers:
  - check: TG-CT-005
    resource: "arn:aws:cloudtrail:*:trail/*"
    reason: digest validation replaced by S3 Object Lock
    expires: `+expires+"\n")
}

func setToday(t *testing.T, day string) {
	t.Helper()
	old := today
	today = func() string { return day }
	t.Cleanup(func() { today = old })
}

func TestEvalWaiverApplies(t *testing.T) {
	snap := noValidationSnapshot(t)
	cfg := waiverConfig(t, "2999-12-31")
	t.Setenv("COLUMNS", "250") // wide enough that the waiver's reason is not wrapped
	code, stdout, stderr := runCLI(t, "eval", "--config", cfg, "--no-color", snap)
	if code != exitOK {
		t.Fatalf("exit %d, want 0 (the only failure is waived); stderr %q", code, stderr)
	}
	for _, want := range []string{"WAIVED", "TG-CT-005", "digest validation replaced by S3", "0 failed", "waived"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	code, fs := evalJSON(t, "--config", cfg, "--status", "waived", snap)
	if code != exitOK || len(fs) == 0 {
		t.Fatalf("exit %d, %d waived findings", code, len(fs))
	}
	for _, f := range fs {
		if f.Status != findings.Waived || f.WaiverReason != "digest validation replaced by S3 Object Lock" || f.WaiverExpires != "2999-12-31" {
			t.Errorf("finding %+v", f)
		}
	}
	// A waiver never counts toward --fail-on, not even --fail-on-unknown.
	if code, _, _ := runCLI(t, "eval", "--config", cfg, "--fail-on", "info", "--fail-on-unknown", "-f", "json", snap); code != exitOK {
		t.Errorf("exit %d with --fail-on info", code)
	}
}

func TestEvalWaiverExpiry(t *testing.T) {
	snap := noValidationSnapshot(t)
	cfg := waiverConfig(t, "2026-03-31")
	tests := []struct {
		day      string
		wantCode int
	}{
		{"2026-03-31", exitOK}, // the last day it applies
		{"2026-04-01", exitFindings},
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			setToday(t, tt.day)
			code, fs := evalJSON(t, "--config", cfg, "--check", "TG-CT-005", snap)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d", code, tt.wantCode)
			}
			for _, f := range fs {
				if tt.wantCode == exitFindings && (f.Status != findings.Fail || f.WaiverExpired != "2026-03-31") {
					t.Errorf("expired waiver: %+v", f)
				}
			}
		})
	}
	setToday(t, "2026-04-01")
	code, stdout, _ := runCLI(t, "eval", "--config", cfg, "-f", "markdown", snap)
	if code != exitFindings || !strings.Contains(stdout, "(waiver expired on 2026-03-31)") {
		t.Errorf("exit %d, markdown:\n%s", code, stdout)
	}
}

func TestEvalConfigSettings(t *testing.T) {
	snap := noValidationSnapshot(t)
	tests := []struct {
		name, config string
		args         []string
		wantCode     int
		check        func(t *testing.T, fs []findings.Finding)
	}{
		{"defaults.fail_on", "defaults:\n  fail_on: high\n", nil, exitOK, nil},
		{"the flag wins over the config", "defaults:\n  fail_on: high\n", []string{"--fail-on", "medium"}, exitFindings, nil},
		{"defaults.fail_on_unknown", "defaults:\n  fail_on: none\n  fail_on_unknown: true\n", nil, exitOK, nil},
		{"disable", "disable: [TG-CT-005]\n", nil, exitOK, func(t *testing.T, fs []findings.Finding) {
			for _, f := range fs {
				if f.CheckID == "TG-CT-005" {
					t.Errorf("disabled check reported: %+v", f)
				}
			}
		}},
		{"severity override", "severity:\n  TG-CT-005: critical\n", []string{"--check", "TG-CT-005"}, exitFindings, func(t *testing.T, fs []findings.Finding) {
			if len(fs) == 0 || fs[0].Severity != findings.Critical {
				t.Errorf("severity not overridden: %+v", fs)
			}
		}},
		{"severity override below --fail-on", "severity:\n  TG-CT-005: low\n", []string{"--fail-on", "medium"}, exitOK, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := writeFile(t, "c.yaml", tt.config)
			code, fs := evalJSON(t, append([]string{"--config", cfg}, append(tt.args, snap)...)...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d", code, tt.wantCode)
			}
			if tt.check != nil {
				tt.check(t, fs)
			}
		})
	}
}

func TestEvalConfigFormatDefault(t *testing.T) {
	cfg := writeFile(t, "c.yaml", "defaults:\n  format: [markdown]\n")
	code, stdout, stderr := runCLI(t, "eval", "--config", cfg, fixture)
	if code != exitOK || !strings.HasPrefix(stdout, "## trailguard") {
		t.Errorf("exit %d, stderr %q, stdout %.60q", code, stderr, stdout)
	}
}

func TestEvalInvalidConfig(t *testing.T) {
	tests := []struct{ name, config, want string }{
		{"bad YAML", "waivers: [\n", "c.yaml:1: did not find expected node content"},
		{"unknown key", "defaults:\n  fail_on: high\n  failon: low\n", `c.yaml:3: unknown key "failon"`},
		{"bad severity", "severity:\n  TG-CT-005: huge\n", `c.yaml:2: severity of TG-CT-005: unknown severity "huge"`},
		{"waiver without reason", "waivers:\n  - check: TG-CT-005\n    expires: 2030-01-01\n", "c.yaml:2: waiver of TG-CT-005 without reason"},
		{"waiver with a bad date", "waivers:\n  - check: TG-CT-005\n    reason: r\n    expires: 01/02/2030\n", `c.yaml:2: waiver of TG-CT-005: expires "01/02/2030" is not a date YYYY-MM-DD`},
		{"unknown check id", "disable: [TG-CT-005]\nwaivers:\n  - check: TG-NOPE-1\n    reason: r\n    expires: 2030-01-01\n", `c.yaml:3: waiver: unknown check id "TG-NOPE-1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := writeFile(t, "c.yaml", tt.config)
			for _, cmd := range [][]string{{"eval", "--config", cfg, fixture}, {"diff", "--config", cfg, fixture, fixture}} {
				code, _, stderr := runCLI(t, cmd...)
				if code != exitError {
					t.Errorf("%s: exit %d, want 2", cmd[0], code)
				}
				if !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, "config "+cfg) || strings.Count(stderr, "\n") != 1 {
					t.Errorf("%s: stderr %q, want one line naming %s and %q", cmd[0], stderr, cfg, tt.want)
				}
			}
		})
	}
	code, _, stderr := runCLI(t, "eval", "--config", "/nonexistent/trailguard.yaml", fixture)
	if code != exitError || !strings.Contains(stderr, "config /nonexistent/trailguard.yaml") {
		t.Errorf("missing --config file: exit %d, %q", code, stderr)
	}
}

func TestDiffWaivedComparesAsFail(t *testing.T) {
	snap := noValidationSnapshot(t)
	cfg := waiverConfig(t, "2999-12-31")
	// Waiving a failure is not fixing it: compliant → waived failure is still worse.
	code, stdout, _ := runCLI(t, "diff", "--config", cfg, "--no-color", fixture, snap)
	if code != exitFindings || !strings.Contains(stdout, "WAIVED (medium)") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}

// shippedConfig is the configuration the shipped example accounts are judged with
// (their break-glass roles), as the README shows.
const shippedConfig = "../../testdata/trailguard.yaml"

// TestEvalBlindingAllowedSetFromConfig: the allowed set of TG-IAM-007 comes from
// the config file's params, as the README shows; no role is allowed for its name.
func TestEvalBlindingAllowedSetFromConfig(t *testing.T) {
	const role = "arn:aws:iam::739275412806:role/security-break-glass"
	status := func(args ...string) findings.Status {
		t.Helper()
		_, fs := evalJSON(t, append(args, "--check", "TG-IAM-007", "../../testdata/compliant.json")...)
		for _, f := range fs {
			if f.CheckID == "TG-IAM-007" && f.Resource == role {
				return f.Status
			}
		}
		t.Fatalf("no TG-IAM-007 finding for %s in %+v", role, fs)
		return ""
	}
	if got := status("--config", shippedConfig); got != findings.Pass {
		t.Errorf("break-glass role in the shipped allowed set: %s, want PASS", got)
	}
	listed := writeFile(t, "trailguard.yaml", "params:\n  blinding_allowed_principals:\n    - \""+role+"\"\n")
	if got := status("--config", listed); got != findings.Pass {
		t.Errorf("break-glass role in the allowed set: %s, want PASS", got)
	}
	empty := writeFile(t, "trailguard.yaml", "params:\n  blinding_allowed_principals: []\n")
	if got := status("--config", empty); got != findings.Fail {
		t.Errorf("empty allowed set: %s, want FAIL", got)
	}
	// Without a configuration nothing is allowed for its name: "security-break-glass"
	// is a principal that can blind the trail like any other.
	if got := status(); got != findings.Fail {
		t.Errorf("no configuration: %s, want FAIL (a role is not trusted for its name)", got)
	}
}
