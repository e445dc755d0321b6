package report

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/trailguard/trailguard/bundles"
	"github.com/trailguard/trailguard/config"
	"github.com/trailguard/trailguard/snapshot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenExt is the file extension of each format's golden file.
var goldenExt = map[string]string{
	"table": "txt", "json": "json", "sarif": "sarif", "junit": "xml",
	"asff": "json", "ocsf": "json", "markdown": "md", "html": "html", "csv": "csv",
}

var (
	engineOnce sync.Once
	engine     *bundles.Engine
	engineErr  error
	reportsMu  sync.Mutex
	reports    = map[string]Report{}
)

// evaluate evaluates a shipped snapshot (testdata/<name>.json) through the real engine, once.
func evaluate(t *testing.T, name string) Report {
	t.Helper()
	engineOnce.Do(func() {
		// Judged with their configuration (their break-glass roles), as the README shows.
		cfg, err := config.Load("../testdata/trailguard.yaml")
		if err != nil {
			engineErr = err
			return
		}
		engine, engineErr = bundles.New(context.Background(), bundles.Options{Params: cfg.Params})
	})
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	reportsMu.Lock()
	defer reportsMu.Unlock()
	if r, ok := reports[name]; ok {
		return r
	}
	rel := "testdata/" + name + ".json"
	doc, err := snapshot.ReadAnyFile("../" + rel)
	if err != nil {
		t.Fatal(err)
	}
	account, _ := doc["account_id"].(string)
	collected, _ := doc["collected_at"].(string)
	r := Report{Account: account, Snapshot: rel, CollectedAt: collected, Checks: engine.Checks()}
	if snapshot.IsOrganization(doc) {
		// As the CLI does (cmd/trailguard orgReport).
		accounts := snapshot.AccountInputs(doc)
		r.Findings, err = engine.EvalAccounts(context.Background(), accounts, 0)
		org := &Organization{}
		org.ID, org.ManagementAccountID = snapshot.OrgIdentity(doc)
		for _, a := range accounts {
			oa := OrgAccount{ID: a.ID, Name: a.Name, OUPath: a.OUPath, Status: a.Status, Scanned: a.Scanned}
			if !a.Scanned {
				oa.Reason = a.NotScannedReason()
			}
			org.Accounts = append(org.Accounts, oa)
		}
		r.Organization = org
	} else {
		r.Findings, err = engine.Eval(context.Background(), doc)
	}
	if err != nil {
		t.Fatal(err)
	}
	reports[name] = r
	return r
}

// example is the shipped noncompliant snapshot, evaluated.
func example(t *testing.T) Report { return evaluate(t, "noncompliant") }

func render(t *testing.T, format string, r Report) []byte {
	t.Helper()
	w, err := New(format, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := w.Write(&buf, r); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return buf.Bytes()
}

// goldenSnapshots are the shipped example snapshots rendered in every format.
// The noncompliant one's golden files sit directly in testdata/golden, the
// others' in testdata/golden/<snapshot>/.
var goldenSnapshots = []string{"noncompliant", "compliant", "org-member", "access-denied", "org"}

// TestGolden renders every shipped example snapshot in every format and
// compares with testdata/golden. Run `go test ./report -update` after an intended change.
func TestGolden(t *testing.T) {
	for _, snap := range goldenSnapshots {
		r := evaluate(t, snap)
		dir := filepath.Join("testdata", "golden")
		if snap != "noncompliant" {
			dir = filepath.Join(dir, snap)
		}
		for _, format := range Formats() {
			t.Run(snap+"/"+format, func(t *testing.T) {
				ext, ok := goldenExt[format]
				if !ok {
					t.Fatalf("no golden file extension for format %q", format)
				}
				got := render(t, format, r)
				if again := render(t, format, r); !bytes.Equal(got, again) {
					t.Fatal("two renderings differ: the output is not deterministic")
				}
				path := filepath.Join(dir, format+"."+ext)
				if *update {
					if err := os.MkdirAll(dir, 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./report -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from %s; run go test ./report -update and review the diff", format, path)
				}
			})
		}
	}
}
