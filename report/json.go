package report

import (
	"encoding/json"
	"io"

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
		Version:     JSONVersion,
		Account:     r.Account,
		Snapshot:    r.Snapshot,
		CollectedAt: r.CollectedAt,
		Summary:     r.Summary(),
		Findings:    fs,
	})
}
