// Package report writes evaluation results in the formats users read them in.
// One file per format, all behind Writer; New is the factory. Writers see
// only findings, never OPA or AWS.
package report

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/trailguard/trailguard/findings"
)

// Report is everything a writer may show.
type Report struct {
	Account     string
	Snapshot    string // path of the evaluated snapshot
	CollectedAt string
	Checks      []findings.Check
	Findings    []findings.Finding
}

// Summary counts r's findings.
func (r Report) Summary() findings.Summary { return findings.Summarize(r.Findings) }

// Writer renders a report.
type Writer interface {
	Write(w io.Writer, r Report) error
}

// Options tune writers.
type Options struct {
	// Color enables ANSI colours (table only). The CLI sets it only on a
	// terminal and when NO_COLOR is unset.
	Color bool
}

var factories = map[string]func(Options) Writer{
	"table": func(o Options) Writer { return NewTable(o.Color) },
	"json":  func(Options) Writer { return NewJSON() },
}

// Formats lists the format names New accepts.
func Formats() []string {
	names := make([]string, 0, len(factories))
	for n := range factories {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New returns the writer for format.
func New(format string, o Options) (Writer, error) {
	f, ok := factories[strings.ToLower(format)]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats(), ", "))
	}
	return f(o), nil
}

// byImportance orders failures first (most severe first), then unknowns, then passes.
func byImportance(fs []findings.Finding) []findings.Finding {
	out := slices.Clone(fs)
	rank := map[findings.Status]int{findings.Fail: 0, findings.Unknown: 1, findings.Pass: 2}
	slices.SortStableFunc(out, func(a, b findings.Finding) int {
		if d := rank[a.Status] - rank[b.Status]; d != 0 {
			return d
		}
		return b.Severity.Rank() - a.Severity.Rank()
	})
	return out
}
