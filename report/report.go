// Package report writes evaluation results in the formats users read them in.
// One file per format, all behind Writer; New is the factory. Writers see
// only findings, never OPA or AWS.
package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/trailguard/trailguard/compliance"
	"github.com/trailguard/trailguard/findings"
)

// Report is everything a writer may show.
type Report struct {
	Account     string
	Snapshot    string // path of the evaluated snapshot
	CollectedAt string
	// Partition is the snapshot's AWS partition (aws, aws-cn, aws-us-gov);
	// empty means aws. ASFF and OCSF name it in ARNs and resources.
	Partition string
	Checks    []findings.Check
	Findings  []findings.Finding
	// Compliance, when set (eval --framework), is the findings grouped by the
	// controls of one framework; table, json and markdown show it.
	Compliance *compliance.Result
	// Organization, when set, makes this the report of an organization:
	// findings of many accounts, summarized by account and check (OrgSummary).
	Organization *Organization
}

// partition is r's partition, aws when the snapshot did not say.
func (r Report) partition() string {
	if r.Partition == "" {
		return "aws"
	}
	return r.Partition
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
	// Region is the AWS region whose Security Hub receives ASFF findings
	// (asff only; it goes into ProductArn). Empty means us-east-1.
	Region string
	// Version is trailguard's version (the SARIF driver's version).
	Version string
	// MarkdownLimit is the most characters the Markdown report may have
	// (markdown only); 0 means GitHub's comment limit, MarkdownCommentLimit.
	MarkdownLimit int
	// Width is the number of columns the table fits (table only; 0 means DefaultWidth).
	Width int
}

var factories = map[string]func(Options) Writer{
	"table":    func(o Options) Writer { t := NewTable(o.Color); t.Width = o.Width; return t },
	"json":     func(Options) Writer { return NewJSON() },
	"sarif":    func(o Options) Writer { return NewSARIF(o.Version) },
	"junit":    func(Options) Writer { return NewJUnit() },
	"asff":     func(o Options) Writer { return NewASFF(o.Region) },
	"ocsf":     func(Options) Writer { return NewOCSF() },
	"markdown": func(o Options) Writer { return NewMarkdownLimit(o.MarkdownLimit) },
	"csv":      func(Options) Writer { return NewCSV() },
	"html":     func(Options) Writer { return NewHTML() },
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

// byImportance orders failures first (most severe first), then unknowns, then waived, then passes.
func byImportance(fs []findings.Finding) []findings.Finding {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b findings.Finding) int {
		if d := statusRank[a.Status] - statusRank[b.Status]; d != 0 {
			return d
		}
		return b.Severity.Rank() - a.Severity.Rank()
	})
	return out
}

// statusRank orders statuses from worst to best.
var statusRank = map[findings.Status]int{findings.Fail: 0, findings.Unknown: 1, findings.Waived: 2, findings.Pass: 3}

// group is every finding of one check on one resource. A check may report
// several problems with one resource; formats that need one record per check
// and resource (a stable id, a test case) merge them.
type group struct {
	CheckID, Resource string
	Account           string             // the findings' account (an organization report has many)
	Findings          []findings.Finding // sorted worst status first, then by message
}

// Status is the worst status in the group.
func (g group) Status() findings.Status { return g.Findings[0].Status }

// First is the first finding with the group's status.
func (g group) First() findings.Finding { return g.Findings[0] }

// Messages are the distinct messages of the findings with the group's status.
func (g group) Messages() []string {
	var out []string
	for _, f := range g.Findings {
		if f.Status == g.Status() && !slices.Contains(out, f.Message) {
			out = append(out, f.Message)
		}
	}
	return out
}

// groupByCheckResource groups fs by check id, resource and account (one
// account in a single-account report), sorted by the three.
func groupByCheckResource(fs []findings.Finding) []group {
	idx := map[[3]string]int{}
	var out []group
	for _, f := range fs {
		k := [3]string{f.CheckID, f.Resource, f.Account}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, group{CheckID: f.CheckID, Resource: f.Resource, Account: f.Account})
		}
		out[i].Findings = append(out[i].Findings, f)
	}
	for i := range out {
		slices.SortStableFunc(out[i].Findings, func(a, b findings.Finding) int {
			if d := statusRank[a.Status] - statusRank[b.Status]; d != 0 {
				return d
			}
			return strings.Compare(a.Message, b.Message)
		})
	}
	slices.SortFunc(out, func(a, b group) int {
		return cmp.Or(strings.Compare(a.CheckID, b.CheckID), strings.Compare(a.Resource, b.Resource), strings.Compare(a.Account, b.Account))
	})
	return out
}

// checksByID indexes r's checks; checks that only appear in findings get a
// minimal entry built from the finding.
func (r Report) checksByID() map[string]findings.Check {
	m := make(map[string]findings.Check, len(r.Checks))
	for _, c := range r.Checks {
		m[c.ID] = c
	}
	for _, f := range r.Findings {
		if _, ok := m[f.CheckID]; !ok {
			m[f.CheckID] = findings.Check{ID: f.CheckID, Title: f.Title, Severity: f.Severity,
				Remediation: f.Remediation, Frameworks: f.Frameworks}
		}
	}
	return m
}

// sortedChecks returns checksByID's values ordered by id.
func sortedChecks(m map[string]findings.Check) []findings.Check {
	out := make([]findings.Check, 0, len(m))
	for _, id := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[id])
	}
	return out
}

// controls lists a check's framework mappings as "framework/control", sorted.
func controls(frameworks map[string][]string) []string {
	var out []string
	for _, fw := range slices.Sorted(maps.Keys(frameworks)) {
		for _, c := range frameworks[fw] {
			out = append(out, fw+"/"+c)
		}
	}
	return out
}

// fingerprint is a stable identity for a check's verdict on a resource.
func fingerprint(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])
}

// waiverNote is what a finding's message gains from a waiver: the reason and
// expiry of the waiver that covers it, or the expiry of one that no longer does.
func waiverNote(f findings.Finding) string {
	switch {
	case f.Status == findings.Waived:
		return fmt.Sprintf("waived until %s: %s", f.WaiverExpires, f.WaiverReason)
	case f.WaiverExpired != "":
		return "waiver expired on " + f.WaiverExpired
	}
	return ""
}

// withWaiverNote appends waiverNote to the finding's message.
func withWaiverNote(f findings.Finding) string {
	if n := waiverNote(f); n != "" {
		return f.Message + " (" + n + ")"
	}
	return f.Message
}

// remediationText renders a remediation as plain text.
func remediationText(r findings.Remediation) string {
	var parts []string
	if r.Console != "" {
		parts = append(parts, "Console: "+r.Console)
	}
	if r.CLI != "" {
		parts = append(parts, "CLI: "+r.CLI)
	}
	return strings.Join(parts, "\n")
}
