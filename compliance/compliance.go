// Package compliance groups findings by the controls of a framework (CIS AWS
// Foundations Benchmark, Security Hub, or any framework named in a custom
// check's METADATA): one job, findings + catalog → per-control results. It
// reads the framework mappings from the checks and knows nothing of OPA or of
// output formats.
package compliance

import (
	"maps"
	"slices"
	"strings"

	"github.com/trailguard/trailguard/findings"
)

// Status is the verdict on one control.
type Status string

// Control statuses. NotCovered means no check behind the control produced a
// finding (e.g. the account has no resource of that kind). Waived means every
// failure (or unknown) behind the control is waived: it is neither PASS nor FAIL.
// PartlyCovered means every finding behind the control passed, but its checks
// examine only part of what the control asks (Control.Partial): the report
// does not claim the control passes.
const (
	Pass          Status = "PASS"
	Fail          Status = "FAIL"
	Unknown       Status = "UNKNOWN"
	Waived        Status = "WAIVED"
	PartlyCovered Status = "PARTLY COVERED"
	NotCovered    Status = "NOT COVERED"
)

// Control is one control of a framework and the checks that map to it.
// Partial is true when every one of those checks covers it only in part;
// Notes say, per check, what it leaves out.
type Control struct {
	ID      string   `json:"id"`
	Checks  []string `json:"checks"`
	Partial bool     `json:"partial,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// Framework is a framework named in the checks' METADATA and its controls.
type Framework struct {
	Name     string    `json:"name"`
	Controls []Control `json:"controls"`
}

// Catalog lists every framework the checks map to, sorted by name, with its
// controls sorted naturally (3.2 before 3.10) and each control's checks sorted.
func Catalog(checks []findings.Check) []Framework {
	byFW := map[string]map[string][]string{}
	// whole[fw][ctrl]: some check covers the control whole; notes: the partial ones.
	whole := map[string]map[string]bool{}
	notes := map[string]map[string][]string{}
	for _, c := range checks {
		for fw, ctrls := range c.Frameworks {
			if byFW[fw] == nil {
				byFW[fw], whole[fw], notes[fw] = map[string][]string{}, map[string]bool{}, map[string][]string{}
			}
			for _, ctrl := range ctrls {
				if !slices.Contains(byFW[fw][ctrl], c.ID) {
					byFW[fw][ctrl] = append(byFW[fw][ctrl], c.ID)
				}
				if note, partial := c.PartialControls[fw][ctrl]; partial {
					notes[fw][ctrl] = append(notes[fw][ctrl], c.ID+": "+note)
				} else {
					whole[fw][ctrl] = true
				}
			}
		}
	}
	out := make([]Framework, 0, len(byFW))
	for _, name := range slices.Sorted(maps.Keys(byFW)) {
		fw := Framework{Name: name, Controls: []Control{}}
		for _, id := range slices.SortedFunc(maps.Keys(byFW[name]), CompareIDs) {
			ids := byFW[name][id]
			slices.SortFunc(ids, CompareIDs)
			ns := notes[name][id]
			slices.Sort(ns)
			fw.Controls = append(fw.Controls, Control{ID: id, Checks: ids, Partial: !whole[name][id], Notes: ns})
		}
		out = append(out, fw)
	}
	return out
}

// Find returns the framework called name (case-insensitive) from a catalog.
func Find(catalog []Framework, name string) (Framework, bool) {
	for _, fw := range catalog {
		if strings.EqualFold(fw.Name, name) {
			return fw, true
		}
	}
	return Framework{}, false
}

// Names lists the catalog's framework names.
func Names(catalog []Framework) []string {
	out := make([]string, len(catalog))
	for i, fw := range catalog {
		out[i] = fw.Name
	}
	return out
}

// ControlResult is the verdict on one control, with the counts of the findings
// of its checks.
type ControlResult struct {
	ID      string   `json:"id"`
	Status  Status   `json:"status"`
	Checks  []string `json:"checks"`
	Passed  int      `json:"passed"`
	Failed  int      `json:"failed"`
	Unknown int      `json:"unknown"`
	Waived  int      `json:"waived,omitempty"`
	// Partial and Notes are the control's coverage (see Control).
	Partial bool     `json:"partial,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// Summary counts controls by status.
type Summary struct {
	Controls      int `json:"controls"`
	Passed        int `json:"passed"`
	Failed        int `json:"failed"`
	Unknown       int `json:"unknown"`
	Waived        int `json:"waived,omitempty"`
	PartlyCovered int `json:"partly_covered,omitempty"`
	NotCovered    int `json:"not_covered"`
}

// Result is a framework's controls judged on a set of findings.
type Result struct {
	Framework string          `json:"framework"`
	Summary   Summary         `json:"summary"`
	Controls  []ControlResult `json:"controls"`
}

// Evaluate judges every control of fw on fs: FAIL if any finding of its
// checks failed (waived failures do not count), else UNKNOWN if any is
// unknown, else WAIVED if any is waived, else PASS if any passed (PARTLY
// COVERED when the control's checks cover it only in part), else NOT
// COVERED. Waived findings are counted apart.
func Evaluate(fw Framework, fs []findings.Finding) Result {
	byCheck := map[string]*findings.Tally{}
	for _, f := range fs {
		c := byCheck[f.CheckID]
		if c == nil {
			c = &findings.Tally{}
			byCheck[f.CheckID] = c
		}
		c.Add(f.Status)
	}
	res := Result{Framework: fw.Name, Controls: make([]ControlResult, 0, len(fw.Controls))}
	for _, ctrl := range fw.Controls {
		cr := ControlResult{ID: ctrl.ID, Checks: slices.Clone(ctrl.Checks), Partial: ctrl.Partial, Notes: slices.Clone(ctrl.Notes)}
		for _, id := range ctrl.Checks {
			if c := byCheck[id]; c != nil {
				cr.Passed += c.Pass
				cr.Failed += c.Fail
				cr.Unknown += c.Unknown
				cr.Waived += c.Waived
			}
		}
		switch {
		case cr.Failed > 0:
			cr.Status = Fail
			res.Summary.Failed++
		case cr.Unknown > 0:
			cr.Status = Unknown
			res.Summary.Unknown++
		case cr.Waived > 0:
			cr.Status = Waived
			res.Summary.Waived++
		case cr.Passed > 0 && ctrl.Partial:
			cr.Status = PartlyCovered
			res.Summary.PartlyCovered++
		case cr.Passed > 0:
			cr.Status = Pass
			res.Summary.Passed++
		default:
			cr.Status = NotCovered
			res.Summary.NotCovered++
		}
		res.Controls = append(res.Controls, cr)
	}
	res.Summary.Controls = len(res.Controls)
	return res
}

// CompareIDs orders control and check ids naturally: runs of digits compare
// as numbers, so "3.2" < "3.10" and "CloudTrail.2" < "CloudTrail.10".
func CompareIDs(a, b string) int {
	for a != "" && b != "" {
		ca, ra := chunk(a)
		cb, rb := chunk(b)
		if c := compareChunk(ca, cb); c != 0 {
			return c
		}
		a, b = ra, rb
	}
	return len(a) - len(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// chunk splits s into its leading run of digits or of non-digits and the rest.
func chunk(s string) (string, string) {
	d := isDigit(s[0])
	i := 1
	for i < len(s) && isDigit(s[i]) == d {
		i++
	}
	return s[:i], s[i:]
}

func compareChunk(a, b string) int {
	if isDigit(a[0]) && isDigit(b[0]) {
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(ta) != len(tb) {
			return len(ta) - len(tb)
		}
		if c := strings.Compare(ta, tb); c != 0 {
			return c
		}
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}
