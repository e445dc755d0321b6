package diff

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/snapshot"
)

// Run is one side of a diff: its findings and the audited account ("" when
// the document does not say), and the warnings of merging its shard files
// (snapshot.MergeShards), for the command to show.
type Run struct {
	Findings []findings.Finding
	Account  string
	Warnings []string
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
	// Stdin is read for the file "-" (standard input), which can only be
	// a side's one file.
	Stdin io.Reader
}

// Stdin is the file name that stands for standard input.
const Stdin = "-"

// Read returns one side of a diff, read from one file or from the shard
// files of one organization collection. One file is a JSON results file
// (written by eval -f json; it has "findings" and "summary"), read as it is,
// or a snapshot (it has "schema_version"), validated and evaluated; "-" is
// standard input (s.Stdin), read the same way. Several files must all be
// snapshots: they are merged as eval merges them (snapshot.ReadFiles) and
// the merged organization is evaluated. Errors are one line naming the file.
func (s Sources) Read(paths ...string) (Run, error) {
	if len(paths) == 0 {
		return Run{}, errors.New("no file to read")
	}
	if len(paths) > 1 && slices.Contains(paths, Stdin) {
		return Run{}, fmt.Errorf("standard input (-) can only be a side's one file, not one of %d", len(paths))
	}
	var one []byte // the one file's contents
	for _, path := range paths {
		data, isResults, err := s.kind(path)
		if err != nil {
			return Run{}, err
		}
		one = data
		if !isResults {
			continue
		}
		if len(paths) > 1 {
			return Run{}, fmt.Errorf("%s is JSON results of eval -f json, not a snapshot: several files of one side must all be shard snapshots of one organization collection (compare JSON results one file a side)", path)
		}
		run, err := s.Results(data)
		if err != nil {
			return Run{}, fmt.Errorf("%s: %w", sourceName(path), err)
		}
		return run, nil
	}
	// Snapshots (one account or an organization, or the shards of one), or
	// a document that does not parse: the snapshot reader says where it breaks.
	var doc snapshot.Document
	var warnings []string
	var err error
	if len(paths) == 1 {
		// Read once: standard input cannot be read again.
		if doc, err = snapshot.ParseAny(one); err != nil {
			err = fmt.Errorf("%s: %w", sourceName(paths[0]), err)
		}
	} else {
		doc, warnings, err = snapshot.ReadFiles(paths...)
	}
	if err != nil {
		return Run{}, err
	}
	fs, err := s.Eval(doc)
	if err != nil {
		return Run{}, err
	}
	account, _ := doc["account_id"].(string)
	return Run{Findings: fs, Account: account, Warnings: warnings}, nil
}

// sourceName is how errors name the file at path.
func sourceName(path string) string {
	if path == Stdin {
		return "standard input"
	}
	return path
}

// kind reads the file at path and tells whether it is JSON results. A
// document that is neither results nor a snapshot is an error; one that does
// not parse is left to the snapshot reader, which says where it breaks.
func (s Sources) kind(path string) (data []byte, isResults bool, err error) {
	if path == Stdin {
		if s.Stdin == nil {
			return nil, false, errors.New("standard input (-): nothing to read it from")
		}
		data, err = io.ReadAll(s.Stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading %s: %w", sourceName(path), err)
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return data, false, nil
	}
	if s.IsResults(top) {
		return data, true, nil
	}
	if _, ok := top["schema_version"]; !ok {
		return nil, false, fmt.Errorf(`%s: neither a snapshot (no "schema_version") nor JSON results of eval -f json (no "findings" and "summary")`, sourceName(path))
	}
	return data, false, nil
}
