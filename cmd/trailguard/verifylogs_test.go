package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/trailguard/trailguard/internal/awsfake"
	ct "github.com/trailguard/trailguard/internal/cthistory"
)

var vlStart = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// verifyLogsFake is a fake AWS holding six hours of a trail's history.
func verifyLogsFake(t *testing.T) (*awsfake.Server, ct.Trail, []ct.Digest) {
	t.Helper()
	srv := awsfake.New(t)
	a, _, _ := ct.TestKeys(t)
	g := ct.New(t, srv, ct.NewKey(a, vlStart.Add(-time.Hour), vlStart.Add(100*time.Hour)))
	ts := ct.Trail{Name: "main", Home: "us-east-1", Account: "111122223333", Bucket: "trail-bucket"}
	srv.CreateBucket(ts.Bucket, "us-east-1")
	digests, _ := g.History(ts, ts.Account, "us-east-1", vlStart, 6, 2, nil)
	ct.AddTrail(srv, ts, false, false, vlStart.Add(6*time.Hour))
	isolateAWSEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	awsConfigHook = func(cfg *aws.Config) {
		cfg.Retryer = func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
			})
		}
	}
	t.Cleanup(func() { awsConfigHook = nil })
	return srv, ts, digests
}

func TestVerifyLogsCLI(t *testing.T) {
	srv, ts, digests := verifyLogsFake(t)
	args := []string{"verify-logs", "--endpoint-url", srv.URL(), "--trail", ts.ARN(),
		"--start-time", "2026-03-01T00:00:00Z", "--end-time", "2026-03-01T06:00:00Z"}
	cache := filepath.Join(t.TempDir(), "digests.json")

	code, stdout, stderr := runCLI(t, append(args, "-f", "json", "--cache", cache)...)
	if code != exitOK {
		t.Fatalf("clean history: exit %d, stderr %q", code, stderr)
	}
	var rep struct {
		Verdict string
		Entries []struct{ Type, Bucket, Key, Status, Reason string }
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("json report: %v\n%s", err, stdout)
	}
	kinds := map[string]int{}
	for _, e := range rep.Entries {
		kinds[e.Type+" "+e.Status]++
	}
	if rep.Verdict != "ALL VALID" || kinds["digest valid"] != 6 || kinds["log valid"] != 12 || len(rep.Entries) != 18 {
		t.Fatalf("verdict %s, entries %v", rep.Verdict, kinds)
	}
	if _, err := os.Stat(cache); err != nil {
		t.Errorf("the cache was not written: %v", err)
	}

	// A log file altered: exit 1, the table names it, SARIF and JUnit files are written.
	k := digests[2].Logs[0]
	srv.PutObject(ts.Bucket, k, ct.Gzip([]byte(`{"Records":[]}`)), nil)
	dir := t.TempDir()
	code, stdout, stderr = runCLI(t, append(args, "--cache", cache, "-f", "table", "-f", "sarif="+filepath.Join(dir, "out.sarif"),
		"-f", "junit="+filepath.Join(dir, "out.xml"), "-f", "html="+filepath.Join(dir, "out.html"))...)
	if code != exitFindings {
		t.Fatalf("altered log: exit %d, want 1; stderr %q", code, stderr)
	}
	for _, want := range []string{"PROBLEMS FOUND", "INVALID  log", k, "hash mismatch", "(6 digests from the cache)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	for name, want := range map[string]string{"out.sarif": "TG-LOGS-INVALID", "out.xml": "<failure", "out.html": "hash mismatch"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !strings.Contains(string(b), want) || !strings.Contains(string(b), k) {
			t.Errorf("%s: %v; want %q and the key", name, err, want)
		}
	}
}

func TestVerifyLogsCLIErrors(t *testing.T) {
	srv, ts, _ := verifyLogsFake(t)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"not a trail ARN", []string{"--trail", "main"}, "is not a trail ARN"},
		{"bad time", []string{"--trail", ts.ARN(), "--start-time", "yesterday"}, "--start-time"},
		{"unknown format", []string{"--trail", ts.ARN(), "-f", "pdf"}, "unknown format"},
		{"nothing in the range", []string{"--trail", ts.ARN(), "--start-time", "2026-02-01", "--end-time", "2026-02-02"}, "could not be verified"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"verify-logs", "--endpoint-url", srv.URL(), "-q"}, c.args...)...)
			if code != exitError || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line with %q", code, stderr, c.want)
			}
		})
	}
}
