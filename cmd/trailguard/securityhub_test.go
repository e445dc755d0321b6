package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const noncompliantSnapshot = "../../testdata/noncompliant.json"

func TestEvalSecurityHub(t *testing.T) {
	srv := fakeAWS(t, "multiregion")
	hub := srv.SecurityHub("580247316092")
	csvOut := filepath.Join(t.TempDir(), "r.csv")
	code, _, stderr := runCLI(t, "eval", noncompliantSnapshot, "--securityhub", "--endpoint-url", srv.URL(),
		"--fail-on", "none", "--check", "TG-S3-*", "-f", "json="+filepath.Join(t.TempDir(), "r.json"), "-f", "csv="+csvOut)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b, err := os.ReadFile(csvOut); err != nil || !strings.HasPrefix(string(b), "account,check_id,title,status,") || strings.Contains(string(b), ",TG-CT-") {
		t.Errorf("csv report: %v\n%.300s", err, b)
	}
	stored := hub.Findings()
	// Every finding of the evaluation, whatever --check shows.
	if len(stored) < 70 || !strings.Contains(stderr, "Security Hub (us-east-1): ") {
		t.Fatalf("%d findings stored; stderr %q", len(stored), stderr)
	}
	if c := hub.Calls()["BatchImportFindings"]; c < 1 {
		t.Errorf("calls %v", hub.Calls())
	}
	for _, f := range stored {
		if !strings.HasPrefix(f["ProductArn"].(string), "arn:aws:securityhub:us-east-1:580247316092:product/") {
			t.Fatalf("ProductArn %v", f["ProductArn"])
		}
	}

	// A refused finding is named, and the run fails after writing the reports.
	hub.FailImport(stored[0]["Id"].(string), "InvalidInput", -1)
	out := filepath.Join(t.TempDir(), "r.sarif")
	code, _, stderr = runCLI(t, "eval", noncompliantSnapshot, "--securityhub", "--endpoint-url", srv.URL(),
		"--fail-on", "none", "-f", "sarif="+out)
	if code != exitError || !strings.Contains(stderr, stored[0]["Id"].(string)) || !strings.Contains(stderr, "1 findings were not sent") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("the report was not written: %v", err)
	}
}

func TestEvalSecurityHubPartition(t *testing.T) {
	srv := fakeAWS(t, "multiregion")
	hub := srv.SecurityHub("580247316092")
	raw, err := os.ReadFile(noncompliantSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc["partition"] = "aws-us-gov"
	gov := filepath.Join(t.TempDir(), "gov.json")
	b, _ := json.Marshal(doc)
	if err := os.WriteFile(gov, b, 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "eval", gov, "--securityhub", "--endpoint-url", srv.URL(), "--fail-on", "none", "-f", "json="+filepath.Join(t.TempDir(), "r.json"))
	if code != exitError || !strings.Contains(stderr, "partition aws-us-gov") {
		t.Fatalf("GovCloud snapshot sent to us-east-1: exit %d: %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "eval", gov, "--securityhub", "--region", "us-gov-west-1", "--endpoint-url", srv.URL(), "--fail-on", "none", "-f", "json="+filepath.Join(t.TempDir(), "r.json"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range hub.Findings() {
		if !strings.HasPrefix(f["ProductArn"].(string), "arn:aws-us-gov:securityhub:us-gov-west-1:") {
			t.Fatalf("ProductArn %v", f["ProductArn"])
		}
	}
}
