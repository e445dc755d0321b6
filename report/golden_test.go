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
	"github.com/trailguard/trailguard/snapshot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenExt is the file extension of each format's golden file.
var goldenExt = map[string]string{
	"table": "txt", "json": "json", "sarif": "sarif", "junit": "xml",
	"asff": "json", "ocsf": "json", "markdown": "md", "html": "html",
}

var (
	exampleOnce   sync.Once
	exampleReport Report
	exampleErr    error
)

// example evaluates the shipped noncompliant snapshot through the real engine.
func example(t *testing.T) Report {
	t.Helper()
	exampleOnce.Do(func() {
		ctx := context.Background()
		var engine *bundles.Engine
		engine, exampleErr = bundles.New(ctx, bundles.Options{})
		if exampleErr != nil {
			return
		}
		doc, err := snapshot.ReadFile("../testdata/noncompliant.json")
		if err != nil {
			exampleErr = err
			return
		}
		fs, err := engine.Eval(ctx, doc)
		if err != nil {
			exampleErr = err
			return
		}
		account, _ := doc["account_id"].(string)
		collected, _ := doc["collected_at"].(string)
		exampleReport = Report{Account: account, Snapshot: "testdata/noncompliant.json", CollectedAt: collected,
			Checks: engine.Checks(), Findings: fs}
	})
	if exampleErr != nil {
		t.Fatal(exampleErr)
	}
	return exampleReport
}

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

// TestGolden renders testdata/noncompliant.json in every format and compares
// with testdata/golden. Run `go test ./report -update` after an intended change.
func TestGolden(t *testing.T) {
	r := example(t)
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			ext, ok := goldenExt[format]
			if !ok {
				t.Fatalf("no golden file extension for format %q", format)
			}
			got := render(t, format, r)
			if again := render(t, format, r); !bytes.Equal(got, again) {
				t.Fatal("two renderings differ: the output is not deterministic")
			}
			path := filepath.Join("testdata", "golden", format+"."+ext)
			if *update {
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
