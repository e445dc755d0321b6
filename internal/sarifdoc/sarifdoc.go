// Package sarifdoc holds what trailguard's two SARIF writers share (the
// findings report and the verify-logs report): the tool that runs, and how
// the document is encoded.
package sarifdoc

import (
	"bytes"
	"encoding/json"
	"io"
	"regexp"

	"github.com/owenrumney/go-sarif/v2/sarif"
)

// The tool every run names.
const (
	ToolName = "trailguard"
	ToolURI  = "https://github.com/trailguard/trailguard"
)

// New returns a SARIF 2.1.0 log and the run of trailguard to add rules and
// results to (version, when given, is the driver's); Write adds the run to
// the log.
func New(version string) (*sarif.Report, *sarif.Run, error) {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return nil, nil, err
	}
	run := sarif.NewRunWithInformationURI(ToolName, ToolURI)
	if version != "" {
		run.Tool.Driver.WithVersion(version)
	}
	return log, run, nil
}

// Write adds run to log and writes it to w, indented, HTML characters
// unescaped, without the null members go-sarif writes in suppressions.
func Write(w io.Writer, log *sarif.Report, run *sarif.Run) error {
	log.AddRun(run)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(log); err != nil {
		return err
	}
	_, err := w.Write(nullSuppressionFields.ReplaceAll(buf.Bytes(), []byte("$1")))
	return err
}

// nullSuppressionFields matches the members go-sarif v2 writes as null in
// every suppression (its Suppression struct has no omitempty); SARIF allows
// none of them to be null, so Write drops them.
var nullSuppressionFields = regexp.MustCompile(`("kind": "external",\n)\s*"status": null,\n\s*"location": null,\n\s*"guid": null,\n`)
