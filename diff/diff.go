// Package diff compares two evaluations of the same account — yesterday's and
// today's — by check and resource, and says what got worse, what got better and
// what is no longer reported. It knows only findings.
package diff

import (
	"cmp"
	"slices"
	"strings"

	"github.com/trailguard/trailguard/findings"
)

// Kind classifies a change between two runs.
type Kind string

// Kinds of change.
const (
	// Worse: PASS→FAIL, PASS→UNKNOWN, UNKNOWN→FAIL, a new FAIL, or a FAIL whose severity rose.
	Worse Kind = "worse"
	// Better: FAIL→PASS, FAIL→UNKNOWN, UNKNOWN→PASS, or a FAIL whose severity fell.
	Better Kind = "better"
	// Gone: a FAIL in the old run that the new run does not report at all.
	Gone Kind = "no longer reported"
)

// State is a check's verdict on one resource in one run; the zero State means
// the run did not report that check and resource.
type State struct {
	Status   findings.Status   `json:"status"`
	Severity findings.Severity `json:"severity,omitempty"`
	Message  string            `json:"message,omitempty"`
}

// Reported tells whether the run reported the check on the resource.
func (s State) Reported() bool { return s.Status != "" }

// Change is one check and resource whose verdict changed.
type Change struct {
	Kind     Kind   `json:"kind"`
	CheckID  string `json:"check_id"`
	Title    string `json:"title,omitempty"`
	Resource string `json:"resource"`
	// Account is the resource's account when the runs cover several accounts
	// (an organization), empty otherwise.
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	Old     State  `json:"old"`
	New     State  `json:"new"`
}

// Counts sums the comparison.
type Counts struct {
	Worse     int `json:"worse"`
	Better    int `json:"better"`
	Gone      int `json:"no_longer_reported"`
	Unchanged int `json:"unchanged"`
	Added     int `json:"added"`   // new check × resource that does not fail (a new, passing trail)
	Removed   int `json:"removed"` // check × resource that did not fail and is no longer reported
}

// Result is the comparison of two runs. Each list is sorted by check id,
// resource and account.
type Result struct {
	Worse  []Change `json:"worse"`
	Better []Change `json:"better"`
	Gone   []Change `json:"no_longer_reported"`
	Counts Counts   `json:"counts"`
	// Accounts, when the runs cover several accounts (an organization), counts
	// the changes of each account that has any, the accounts that got worse first.
	Accounts []AccountChanges `json:"accounts,omitempty"`
}

// AccountChanges counts one account's changes.
type AccountChanges struct {
	Account string `json:"account"`
	Worse   int    `json:"worse"`
	Better  int    `json:"better"`
	Gone    int    `json:"no_longer_reported"`
}

// WorseAccounts lists the accounts in which something got worse.
func (r Result) WorseAccounts() []string {
	var out []string
	for _, a := range r.Accounts {
		if a.Worse > 0 {
			out = append(out, a.Account)
		}
	}
	return out
}

// GotWorse tells whether anything got worse.
func (r Result) GotWorse() bool { return len(r.Worse) > 0 }

type key struct{ check, resource, account string }

type entry struct {
	state         State
	title, region string
}

// statusRank orders statuses from best to worst. A waiver accepts a failure
// without fixing it, so WAIVED compares as FAIL: waiving a failure is not
// "better", and a new waived failure is "worse".
var statusRank = map[findings.Status]int{findings.Pass: 0, findings.Unknown: 1, findings.Fail: 2, findings.Waived: 2}

// failing tells whether s is a failure, waived or not.
func failing(s findings.Status) bool { return s == findings.Fail || s == findings.Waived }

// merge reduces the findings of each check and resource to one state: the
// worst status, the highest severity among the findings with that status, and
// their distinct messages.
func merge(fs []findings.Finding, byAccount bool) map[key]entry {
	groups := map[key][]findings.Finding{}
	for _, f := range fs {
		k := key{f.CheckID, f.Resource, ""}
		if byAccount {
			k.account = f.Account
		}
		groups[k] = append(groups[k], f)
	}
	out := make(map[key]entry, len(groups))
	for k, g := range groups {
		slices.SortStableFunc(g, func(a, b findings.Finding) int {
			return cmp.Or(statusRank[b.Status]-statusRank[a.Status],
				b.Severity.Rank()-a.Severity.Rank(), strings.Compare(a.Message, b.Message))
		})
		var msgs []string
		for _, f := range g {
			if f.Status == g[0].Status && !slices.Contains(msgs, f.Message) {
				msgs = append(msgs, f.Message)
			}
		}
		out[k] = entry{
			state: State{Status: g[0].Status, Severity: g[0].Severity, Message: strings.Join(msgs, "; ")},
			title: g[0].Title, region: g[0].Region,
		}
	}
	return out
}

// Classify says how a verdict moved from old to new; ok is false when the
// move is neither worse, better nor gone (unchanged, added or removed).
func Classify(old, new State) (Kind, bool) {
	switch {
	case !old.Reported() && !new.Reported():
		return "", false
	case !old.Reported():
		return Worse, failing(new.Status)
	case !new.Reported():
		return Gone, failing(old.Status)
	}
	if o, n := statusRank[old.Status], statusRank[new.Status]; o != n {
		if n > o {
			return Worse, true
		}
		return Better, true
	}
	if failing(old.Status) {
		switch o, n := old.Severity.Rank(), new.Severity.Rank(); {
		case n > o:
			return Worse, true
		case n < o:
			return Better, true
		}
	}
	return "", false
}

// Compare compares two runs' findings by check id and resource, and by
// account when the runs cover several accounts (organizations).
func Compare(oldFs, newFs []findings.Finding) Result {
	byAccount := len(accounts(oldFs, newFs)) > 1
	oldM, newM := merge(oldFs, byAccount), merge(newFs, byAccount)
	keys := make([]key, 0, len(oldM)+len(newM))
	for k := range oldM {
		keys = append(keys, k)
	}
	for k := range newM {
		if _, ok := oldM[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(strings.Compare(a.check, b.check), strings.Compare(a.resource, b.resource), strings.Compare(a.account, b.account))
	})
	res := Result{Worse: []Change{}, Better: []Change{}, Gone: []Change{}}
	for _, k := range keys {
		o, n := oldM[k], newM[k]
		kind, changed := Classify(o.state, n.state)
		if !changed {
			switch {
			case !o.state.Reported():
				res.Counts.Added++
			case !n.state.Reported():
				res.Counts.Removed++
			default:
				res.Counts.Unchanged++
			}
			continue
		}
		c := Change{Kind: kind, CheckID: k.check, Resource: k.resource, Account: k.account,
			Title: cmp.Or(n.title, o.title), Region: cmp.Or(n.region, o.region), Old: o.state, New: n.state}
		switch kind {
		case Worse:
			res.Worse = append(res.Worse, c)
		case Better:
			res.Better = append(res.Better, c)
		case Gone:
			res.Gone = append(res.Gone, c)
		}
	}
	res.Counts.Worse, res.Counts.Better, res.Counts.Gone = len(res.Worse), len(res.Better), len(res.Gone)
	if byAccount {
		res.Accounts = countByAccount(res)
	}
	return res
}

// accounts is the set of accounts the findings belong to.
func accounts(runs ...[]findings.Finding) map[string]bool {
	out := map[string]bool{}
	for _, fs := range runs {
		for _, f := range fs {
			out[f.Account] = true
		}
	}
	return out
}

func countByAccount(r Result) []AccountChanges {
	m := map[string]*AccountChanges{}
	get := func(a string) *AccountChanges {
		if m[a] == nil {
			m[a] = &AccountChanges{Account: a}
		}
		return m[a]
	}
	for _, c := range r.Worse {
		get(c.Account).Worse++
	}
	for _, c := range r.Better {
		get(c.Account).Better++
	}
	for _, c := range r.Gone {
		get(c.Account).Gone++
	}
	out := make([]AccountChanges, 0, len(m))
	for _, a := range m {
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b AccountChanges) int {
		return cmp.Or(b.Worse-a.Worse, strings.Compare(a.Account, b.Account))
	})
	return out
}
