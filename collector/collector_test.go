package collector

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/trailguard/trailguard/internal/awsfake"
	"github.com/trailguard/trailguard/snapshot"
)

var update = flag.Bool("update", false, "rewrite the golden snapshots in testdata/aws/*/snapshot.golden.json")

// collectedAt is the fixed collection time of the test snapshots.
var collectedAt = time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)

// testConfig is an SDK configuration with static credentials, the fake server
// as endpoint and the standard retryer with a 1 ms backoff, so that throttling
// tests are fast. (LoadConfig uses adaptive mode, whose client-side rate
// limiter waits seconds after a throttle: right for AWS, slow for tests.)
func testConfig(t testing.TB, srv *awsfake.Server) aws.Config {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(s *retry.StandardOptions) {
				s.MaxAttempts = 5
				s.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
			})
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTPClient = srv.HTTPClient()
	cfg.BaseEndpoint = aws.String(srv.URL())
	return cfg
}

// scenario starts the fake server with testdata/aws/<name>.
func scenario(t testing.TB, name string) *awsfake.Server {
	t.Helper()
	srv := awsfake.New(t)
	if err := srv.LoadDir(filepath.Join("testdata", "aws", name)); err != nil {
		t.Fatal(err)
	}
	return srv
}

// collectScenario collects a scenario, checks that the document matches the
// schema and that every recorded answer was asked for, and returns it.
func collectScenario(t *testing.T, name string, opts Options) (*snapshot.Snapshot, *awsfake.Server) {
	t.Helper()
	srv := scenario(t, name)
	opts.PathStyle = true
	opts.Now = func() time.Time { return collectedAt }
	if opts.Collector == "" {
		opts.Collector = "trailguard test"
	}
	snap, err := Collect(context.Background(), testConfig(t, srv), opts)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	data, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := snapshot.Parse(data); err != nil {
		t.Fatalf("the snapshot does not match the schema: %v", err)
	}
	for _, r := range srv.Unused() {
		t.Errorf("route never used (a call the collector should have made): %s %s %s %v", r.Service, r.Region, r.Operation, r.Match)
	}
	return snap, srv
}

// golden compares the snapshot with testdata/aws/<name>/snapshot.golden.json.
func golden(t *testing.T, name string, snap *snapshot.Snapshot) {
	t.Helper()
	got, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "aws", name, "snapshot.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./collector -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("snapshot differs from %s (run go test ./collector -update and review the diff):\n%s", path, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	wl, gl := bytes.Split([]byte(want), []byte("\n")), bytes.Split([]byte(got), []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return "line " + itoa(i+1) + ":\n  want: " + string(w) + "\n  got:  " + string(g)
		}
	}
	return ""
}

func itoa(i int) string { return string(json.Number(jsonInt(i))) }

func jsonInt(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestMultiRegion(t *testing.T) {
	snap, srv := collectScenario(t, "multiregion", Options{})
	golden(t, "multiregion", snap)
	t.Logf("calls: %v", srv.Counts())
}

func TestMember(t *testing.T) {
	snap, _ := collectScenario(t, "member", Options{})
	golden(t, "member", snap)
}

func TestBroken(t *testing.T) {
	snap, _ := collectScenario(t, "broken", Options{})
	golden(t, "broken", snap)
}
