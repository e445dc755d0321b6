package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/findings"
)

func TestParseValid(t *testing.T) {
	cfg, err := Parse([]byte(`
defaults:
  format: [table, sarif=out.sarif]
  fail_on: high
  fail_on_unknown: true
  framework: cis-aws-v3.0.0
  params: {min_log_retention_days: 400}
disable: [TG-CT-009]
severity:
  TG-S3-001: low
params:
  min_log_retention_days: 365
waivers:
  - check: TG-CT-001
    resource: "arn:aws:cloudtrail:*:111122223333:trail/legacy-*"
    reason: legacy trail, replaced in Q3
    expires: 2026-09-30
  - check: TG-S3-*
    reason: all buckets
    expires: 2027-01-01
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Defaults.FailOn != "high" || !*cfg.Defaults.FailOnUnknown || len(cfg.Defaults.Format) != 2 || cfg.Defaults.Framework != "cis-aws-v3.0.0" {
		t.Errorf("defaults = %+v", cfg.Defaults)
	}
	if cfg.Defaults.Params["min_log_retention_days"] != 400 || cfg.Params["min_log_retention_days"] != 365 {
		t.Errorf("params = %v, %v", cfg.Defaults.Params, cfg.Params)
	}
	if cfg.Severity["TG-S3-001"] != findings.Low || len(cfg.Disable) != 1 {
		t.Errorf("severity = %v, disable = %v", cfg.Severity, cfg.Disable)
	}
	want := []findings.Waiver{
		{Check: "TG-CT-001", Resource: "arn:aws:cloudtrail:*:111122223333:trail/legacy-*", Reason: "legacy trail, replaced in Q3", Expires: "2026-09-30"},
		{Check: "TG-S3-*", Resource: "*", Reason: "all buckets", Expires: "2027-01-01"},
	}
	if len(cfg.Waivers) != 2 || cfg.Waivers[0] != want[0] || cfg.Waivers[1] != want[1] {
		t.Errorf("waivers = %+v", cfg.Waivers)
	}
	if err := cfg.CheckIDs([]string{"TG-CT-001", "TG-CT-009", "TG-S3-001"}); err != nil {
		t.Errorf("CheckIDs: %v", err)
	}
	if empty, err := Parse(nil); err != nil || len(empty.Waivers) != 0 {
		t.Errorf("empty file: %v", err)
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"bad yaml", "waivers: [\n", "config c.yaml:1: did not find expected node content"},
		{"unknown key", "defaults:\n  fail_on: high\n  colour: red\n", `config c.yaml:3: unknown key "colour"`},
		{"unknown top key", "waiver:\n  - check: X\n", `config c.yaml:1: unknown key "waiver"`},
		{"unknown waiver key", "waivers:\n  - check: X\n    reason: r\n    expires: 2026-01-01\n    until: 2027-01-01\n", `config c.yaml:5: unknown key "until" in a waiver`},
		{"bad severity", "severity:\n  TG-CT-001: urgent\n", `config c.yaml:2: severity of TG-CT-001: unknown severity "urgent"`},
		{"bad fail_on", "defaults:\n  fail_on: urgent\n", `config c.yaml: defaults.fail_on: unknown severity "urgent"`},
		{"waiver without reason", "waivers:\n  - check: TG-CT-001\n    expires: 2026-01-01\n", "config c.yaml:2: waiver of TG-CT-001 without reason"},
		{"waiver without check", "waivers:\n  - reason: r\n    expires: 2026-01-01\n", "config c.yaml:2: waiver without check"},
		{"waiver without expiry", "waivers:\n  - check: X\n    reason: r\n", "config c.yaml:2: waiver of X without expires"},
		{"waiver bad date", "waivers:\n  - check: X\n    reason: r\n    expires: 2026-02-30\n", `config c.yaml:2: waiver of X: expires "2026-02-30" is not a date YYYY-MM-DD`},
		{"wrong type", "disable: TG-CT-001\n", "config c.yaml:1: cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "c.yaml")
			os.WriteFile(p, []byte(tt.doc), 0o600)
			_, err := Load(p)
			if err == nil {
				t.Fatal("no error")
			}
			got := strings.Replace(err.Error(), p, "c.yaml", 1)
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("error = %q, want prefix %q", got, tt.want)
			}
			if strings.Contains(got, "\n") {
				t.Errorf("error has several lines: %q", got)
			}
		})
	}
}

func TestCheckIDs(t *testing.T) {
	ids := []string{"TG-CT-001", "TG-S3-001"}
	tests := []struct{ doc, want string }{
		{"disable: [TG-CT-001, TG-XX-1]\n", `config c.yaml:1: disable: unknown check id "TG-XX-1"`},
		{"severity:\n  TG-CT-001: low\n  TG-CT-002: low\n", `config c.yaml:3: severity: unknown check id "TG-CT-002"`},
		{"waivers:\n  - check: TG-S3-001\n    reason: r\n    expires: 2026-01-01\n  - check: TG-KMS-*\n    reason: r\n    expires: 2026-01-01\n", `config c.yaml:5: waiver: unknown check id "TG-KMS-*"`},
	}
	for _, tt := range tests {
		p := filepath.Join(t.TempDir(), "c.yaml")
		os.WriteFile(p, []byte(tt.doc), 0o600)
		cfg, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		err = cfg.CheckIDs(ids)
		if err == nil || strings.Replace(err.Error(), p, "c.yaml", 1) != tt.want+" (see trailguard policies)" {
			t.Errorf("CheckIDs = %v, want %s", err, tt.want)
		}
	}
}

func TestLoadFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("explicit missing file: %v", err)
	}
	p := filepath.Join(dir, "c.yaml")
	os.WriteFile(p, []byte("defaults:\n  policy: [policies]\n  data: [/abs/data.json]\n"), 0o600)
	cfg, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Defaults.Policy[0] != filepath.Join(dir, "policies") || cfg.Defaults.Data[0] != "/abs/data.json" {
		t.Errorf("paths = %v %v", cfg.Defaults.Policy, cfg.Defaults.Data)
	}
}

func TestApply(t *testing.T) {
	cfg := &Config{
		Disable:  []string{"TG-OFF-*"},
		Severity: map[string]findings.Severity{"TG-A": findings.Low},
		Waivers:  []findings.Waiver{{Check: "TG-A", Resource: "arn:x:*", Reason: "ok", Expires: "2026-06-30"}},
	}
	fs := []findings.Finding{
		{CheckID: "TG-A", Resource: "arn:x:1", Status: findings.Fail, Severity: findings.High},
		{CheckID: "TG-A", Resource: "arn:y:1", Status: findings.Fail, Severity: findings.High},
		{CheckID: "TG-OFF-1", Resource: "arn:x:1", Status: findings.Fail},
	}
	got := cfg.Apply(fs, "2026-06-30")
	if len(got) != 2 || got[0].Status != findings.Waived || got[0].Severity != findings.Low || got[1].Status != findings.Fail {
		t.Errorf("Apply = %+v", got)
	}
}

func TestLoadDefaultFile(t *testing.T) {
	t.Chdir(t.TempDir())
	cfg, err := Load("")
	if err != nil || cfg.Path != "" {
		t.Fatalf("no default file: %+v, %v", cfg, err)
	}
	os.WriteFile(DefaultFile, []byte("disable: [TG-CT-009]\n"), 0o600)
	cfg, err = Load("")
	if err != nil || cfg.Path != DefaultFile || !cfg.Disabled("TG-CT-009") {
		t.Fatalf("default file: %+v, %v", cfg, err)
	}
	os.WriteFile(DefaultFile, []byte("disable: TG-CT-009\n"), 0o600)
	if _, err := Load(""); err == nil || !strings.HasPrefix(err.Error(), "config .trailguard.yaml:1: ") {
		t.Errorf("invalid default file: %v", err)
	}
}
