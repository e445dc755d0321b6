package diff

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/snapshot"
)

// Run is one side of a diff: its findings and the audited account ("" when
// the document does not say).
type Run struct {
	Findings []findings.Finding
	Account  string
}

// Sources reads the two kinds of document a side of a diff can be. The
// results format and the evaluation belong to other packages (report,
// bundles), which the caller wires in.
type Sources struct {
	// IsResults tells whether a JSON object's top-level keys are those of
	// JSON results (report.IsJSONResults).
	IsResults func(top map[string]json.RawMessage) bool
	// Results reads JSON results (report.ReadJSON).
	Results func(data []byte) (Run, error)
	// Eval evaluates a snapshot document, of one account or an organization.
	Eval func(doc snapshot.Document) ([]findings.Finding, error)
}

// Read returns one side of a diff: a JSON results file (written by eval -f
// json; it has "findings" and "summary") is read as it is, a snapshot (it has
// "schema_version") is validated and evaluated.
func (s Sources) Read(path string) (Run, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Run{}, fmt.Errorf("reading %s: %w", path, err)
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) == nil {
		if s.IsResults(top) {
			run, err := s.Results(data)
			if err != nil {
				return Run{}, fmt.Errorf("%s: %w", path, err)
			}
			return run, nil
		}
		if _, ok := top["schema_version"]; !ok {
			return Run{}, fmt.Errorf(`%s: neither a snapshot (no "schema_version") nor JSON results of eval -f json (no "findings" and "summary")`, path)
		}
	}
	// A snapshot (one account or an organization), or a document that does
	// not parse: snapshot.ReadAnyFile says where it breaks.
	doc, err := snapshot.ReadAnyFile(path)
	if err != nil {
		return Run{}, err
	}
	fs, err := s.Eval(doc)
	if err != nil {
		return Run{}, err
	}
	account, _ := doc["account_id"].(string)
	return Run{Findings: fs, Account: account}, nil
}
