// Package findings holds what an evaluation produces: the checks that ran and
// one finding per check and resource. The engine fills it; report writers
// read it; it knows nothing of OPA or AWS.
package findings

import (
	"fmt"
	"slices"
	"strings"
)

// Status is the verdict of a check on one resource.
type Status string

// Statuses, from the engine's point of view.
const (
	Pass    Status = "PASS"
	Fail    Status = "FAIL"
	Unknown Status = "UNKNOWN"
	// Waived is a FAIL or UNKNOWN that an unexpired waiver of the config file
	// covers; it never counts toward --fail-on.
	Waived Status = "WAIVED"
)

// Severity ranks how bad a failure is.
type Severity string

// Severities, most severe first.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Severities lists every severity, most severe first.
var Severities = []Severity{Critical, High, Medium, Low, Info}

// Rank orders severities: critical is 4, info is 0, anything else -1.
func (s Severity) Rank() int {
	i := slices.Index(Severities, s)
	if i < 0 {
		return -1
	}
	return len(Severities) - 1 - i
}

// ParseSeverity reads a severity name, case-insensitively.
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(strings.ToLower(strings.TrimSpace(s)))
	if sev.Rank() < 0 {
		return "", fmt.Errorf("unknown severity %q (want one of critical, high, medium, low, info)", s)
	}
	return sev, nil
}

// Remediation tells how to fix a failing check.
type Remediation struct {
	Console string `json:"console,omitempty"`
	CLI     string `json:"cli,omitempty"`
}

// RelatedResource is a page a check implements or explains: AWS documentation,
// a benchmark control (METADATA related_resources).
type RelatedResource struct {
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
}

// Check describes one check, as read from its METADATA.
type Check struct {
	ID           string              `json:"id"`
	Title        string              `json:"title"`
	Description  string              `json:"description"`
	Severity     Severity            `json:"severity"`
	ResourceType string              `json:"resource_type,omitempty"`
	Remediation  Remediation         `json:"remediation"`
	Frameworks   map[string][]string `json:"frameworks,omitempty"`
	// PartialControls maps a framework and one of its controls (listed in
	// Frameworks) to what the control asks that the check does not examine,
	// for the controls the check covers only in part.
	PartialControls map[string]map[string]string `json:"partial_controls,omitempty"`
	// RelatedResources are the documentation and benchmark pages the check
	// implements, for the catalog (trailguard doc, policies --format json); the
	// reports do not show them.
	RelatedResources []RelatedResource `json:"related_resources,omitempty"`
	Package          string            `json:"package"`
	File             string            `json:"file"`
}

// Finding is a check's verdict on one resource.
type Finding struct {
	CheckID     string              `json:"check_id"`
	Title       string              `json:"title"`
	Status      Status              `json:"status"`
	Severity    Severity            `json:"severity"`
	Resource    string              `json:"resource"`
	Region      string              `json:"region"`
	Account     string              `json:"account"`
	Message     string              `json:"message"`
	Remediation Remediation         `json:"remediation"`
	Frameworks  map[string][]string `json:"frameworks,omitempty"`
	// WaiverReason and WaiverExpires are set on a WAIVED finding.
	WaiverReason  string `json:"waiver_reason,omitempty"`
	WaiverExpires string `json:"waiver_expires,omitempty"`
	// WaiverExpired is the expiry date (YYYY-MM-DD) of a waiver that matched
	// this finding but no longer applies.
	WaiverExpired string `json:"waiver_expired,omitempty"`
}

// Sort orders findings by check id, resource, status, message and account
// (findings of an organization share resources across accounts), so that
// every output is deterministic.
func Sort(fs []Finding) {
	slices.SortFunc(fs, func(a, b Finding) int {
		return cmpStrings(
			[]string{a.CheckID, a.Resource, string(a.Status), a.Message, a.Account},
			[]string{b.CheckID, b.Resource, string(b.Status), b.Message, b.Account})
	})
}

func cmpStrings(a, b []string) int {
	for i := range a {
		if c := strings.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}

// Summary counts findings by status, and failures by severity.
type Summary struct {
	Total              int              `json:"total"`
	Passed             int              `json:"passed"`
	Failed             int              `json:"failed"`
	Unknown            int              `json:"unknown"`
	Waived             int              `json:"waived,omitempty"`
	FailedBySeverity   map[Severity]int `json:"failed_by_severity"`
	ChecksEvaluated    int              `json:"checks_evaluated"`
	ResourcesEvaluated int              `json:"resources_evaluated"`
}

// Tally counts findings by status.
type Tally struct{ Pass, Fail, Unknown, Waived int }

// Add counts one finding of status s.
func (t *Tally) Add(s Status) {
	switch s {
	case Pass:
		t.Pass++
	case Fail:
		t.Fail++
	case Unknown:
		t.Unknown++
	case Waived:
		t.Waived++
	}
}

// Total is the number of findings counted.
func (t Tally) Total() int { return t.Pass + t.Fail + t.Unknown + t.Waived }

// Summarize counts fs.
func Summarize(fs []Finding) Summary {
	s := Summary{Total: len(fs), FailedBySeverity: map[Severity]int{}}
	checks, resources := map[string]bool{}, map[string]bool{}
	for _, f := range fs {
		checks[f.CheckID], resources[f.Resource] = true, true
		switch f.Status {
		case Pass:
			s.Passed++
		case Fail:
			s.Failed++
			s.FailedBySeverity[f.Severity]++
		case Unknown:
			s.Unknown++
		case Waived:
			s.Waived++
		}
	}
	s.ChecksEvaluated, s.ResourcesEvaluated = len(checks), len(resources)
	return s
}

// Filter selects findings.
type Filter struct {
	// Checks keeps findings whose check id matches one of these (exact, case-insensitive, or a
	// prefix ending in "*", e.g. "TG-S3-*"). Empty keeps all.
	Checks []string
	// Severities keeps findings of these severities. Empty keeps all.
	Severities []Severity
	// Statuses keeps findings with these statuses. Empty keeps all.
	Statuses []Status
}

// Apply returns the findings of fs that pass the filter.
// Judged is the part of the filter that chooses what is judged (checks and
// severities); statuses only choose what is shown and never the exit code.
func (f Filter) Judged() Filter {
	f.Statuses = nil
	return f
}

func (f Filter) Apply(fs []Finding) []Finding {
	out := make([]Finding, 0, len(fs))
	for _, x := range fs {
		if f.keep(x) {
			out = append(out, x)
		}
	}
	return out
}

func (f Filter) keep(x Finding) bool {
	if len(f.Severities) > 0 && !slices.Contains(f.Severities, x.Severity) {
		return false
	}
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, x.Status) {
		return false
	}
	if len(f.Checks) == 0 {
		return true
	}
	for _, c := range f.Checks {
		if MatchCheckID(c, x.CheckID) {
			return true
		}
	}
	return false
}

// MatchCheckID reports whether pattern selects id: equal ignoring case, or a
// prefix when pattern ends in "*".
func MatchCheckID(pattern, id string) bool {
	p, i := strings.ToUpper(pattern), strings.ToUpper(id)
	if prefix, ok := strings.CutSuffix(p, "*"); ok {
		return strings.HasPrefix(i, prefix)
	}
	return p == i
}

// Failing returns the failures at or above severity min.
func Failing(fs []Finding, min Severity) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Status == Fail && f.Severity.Rank() >= min.Rank() {
			out = append(out, f)
		}
	}
	return out
}
