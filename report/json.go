package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/trailguard/trailguard/compliance"
	"github.com/trailguard/trailguard/findings"
)

// JSONVersion is the version of the JSON results format.
const JSONVersion = "1"

// JSON writes results as one stable JSON document.
type JSON struct{}

// NewJSON returns the JSON writer.
func NewJSON() *JSON { return &JSON{} }

type jsonDoc struct {
	Version     string             `json:"version"`
	Account     string             `json:"account"`
	Snapshot    string             `json:"snapshot,omitempty"`
	CollectedAt string             `json:"collected_at,omitempty"`
	Summary     findings.Summary   `json:"summary"`
	Findings    []findings.Finding `json:"findings"`
	Compliance  *compliance.Result `json:"compliance,omitempty"`
	// Organization is the accounts × checks summary of an organization report.
	Organization *OrgSummary `json:"organization,omitempty"`
}

// Write implements Writer.
func (JSON) Write(w io.Writer, r Report) error {
	fs := r.Findings
	if fs == nil {
		fs = []findings.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(jsonDoc{
		Version:      JSONVersion,
		Account:      r.Account,
		Snapshot:     r.Snapshot,
		CollectedAt:  r.CollectedAt,
		Summary:      r.Summary(),
		Findings:     fs,
		Compliance:   r.Compliance,
		Organization: r.OrgSummary(),
	})
}

// ReadJSON reads a results document written by the JSON writer back into a
// report (checks and compliance are not read back). It refuses a document
// without "findings" and "summary" or of another version.
func ReadJSON(data []byte) (Report, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return Report{}, fmt.Errorf("invalid JSON: %w", err)
	}
	if !IsJSONResults(probe) {
		return Report{}, errors.New(`not a trailguard JSON results document (no "findings" and "summary")`)
	}
	var doc jsonDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return Report{}, fmt.Errorf("reading JSON results: %w", err)
	}
	if doc.Version != JSONVersion {
		return Report{}, fmt.Errorf("JSON results version %q is not supported (want %q)", doc.Version, JSONVersion)
	}
	return Report{Account: doc.Account, Snapshot: doc.Snapshot, CollectedAt: doc.CollectedAt, Findings: doc.Findings}, nil
}

// IsJSONResults tells whether a decoded top-level object looks like a JSON
// results document: it has both "findings" and "summary".
func IsJSONResults[V any](top map[string]V) bool {
	_, f := top["findings"]
	_, s := top["summary"]
	return f && s
}
