package snapshot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds the snapshot loader arbitrary documents, seeded with the
// example snapshots (testdata/ at the repository root) and the corpus in
// testdata/fuzz/FuzzParse: it must never panic, and every rejection is one
// line.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/*.json")
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data)
		if err != nil {
			if doc != nil {
				t.Errorf("a document and an error: %v", err)
			}
			if msg := err.Error(); msg == "" || strings.ContainsAny(msg, "\n\r") {
				t.Errorf("error is not one line: %q", msg)
			}
			return
		}
		if doc == nil {
			t.Error("no document and no error")
		}
		if _, ok := doc["schema_version"]; !ok {
			t.Error("accepted a document without schema_version")
		}
	})
}
