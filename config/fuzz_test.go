package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzParse feeds the config loader arbitrary files, seeded with the config
// files of the tests and docs and the corpus in testdata/fuzz/FuzzParse: it
// must never panic or hang, and every rejection is one line.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("defaults:\n  format: [table, sarif=trailguard.sarif]\n  fail_on: high\n  params:\n    min_log_retention_days: 400\ndisable: [TG-CT-011]\nseverity:\n  TG-KMS-002: high\nwaivers:\n  - check: TG-CT-005\n    resource: \"arn:aws:cloudtrail:*:111122223333:trail/legacy-*\"\n    reason: legacy\n    expires: 2026-09-30\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		done := make(chan struct{})
		var cfg *Config
		var err error
		go func() {
			defer close(done)
			cfg, err = Parse(data)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Parse did not return within 10s on %q", data)
		}
		if err != nil {
			if msg := err.Error(); msg == "" || strings.ContainsAny(msg, "\n\r") {
				t.Errorf("error is not one line: %q", msg)
			}
			return
		}
		// What was accepted is usable: waivers apply without panicking.
		_ = cfg.Apply(nil, "2026-01-01")
		_ = cfg.CheckIDs([]string{"TG-CT-005"})
	})
}
