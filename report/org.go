package report

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/trailguard/trailguard/findings"
)

// Organization is what an organization report shows beside the findings:
// the organization and every account in scope, scanned or not.
type Organization struct {
	ID                  string       `json:"id"`
	ManagementAccountID string       `json:"management_account_id"`
	Accounts            []OrgAccount `json:"accounts"`
}

// OrgAccount is one account of an organization report.
type OrgAccount struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	OUPath  string `json:"ou_path,omitempty"` // e.g. "Root/Workloads"
	Status  string `json:"status,omitempty"`  // ACTIVE, SUSPENDED, ...
	Scanned bool   `json:"scanned"`
	// Reason is why the account was not scanned (the AWS error).
	Reason string `json:"reason,omitempty"`
}

// OrgSummary is the accounts × checks view of an organization report.
type OrgSummary struct {
	ID                  string           `json:"id"`
	ManagementAccountID string           `json:"management_account_id"`
	Accounts            []OrgAccountRow  `json:"accounts"`
	Checks              []string         `json:"checks"` // check ids, the columns of each account's statuses
	MostFailed          []OrgCheckCount  `json:"most_failed"`
	NotScanned          []OrgAccount     `json:"not_scanned"`
	Totals              OrgAccountTotals `json:"totals"`
}

// OrgAccountRow is one account: its findings counted, and the worst status
// of each check on it ("" when the check reported nothing there).
type OrgAccountRow struct {
	OrgAccount
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Unknown int `json:"unknown"`
	Waived  int `json:"waived,omitempty"`
	// WorstSeverity is the highest severity among the account's failures.
	WorstSeverity findings.Severity `json:"worst_severity,omitempty"`
	// Statuses has one entry per OrgSummary.Checks.
	Statuses []findings.Status `json:"statuses"`
}

// OrgCheckCount is a check and the accounts in which it fails.
type OrgCheckCount struct {
	CheckID  string            `json:"check_id"`
	Title    string            `json:"title"`
	Severity findings.Severity `json:"severity"`
	Accounts []string          `json:"accounts"`
}

// OrgAccountTotals counts accounts.
type OrgAccountTotals struct {
	Accounts   int `json:"accounts"`
	Scanned    int `json:"scanned"`
	NotScanned int `json:"not_scanned"`
	Failing    int `json:"failing"` // scanned accounts with at least one failure
}

// orgStatusRank orders statuses from worst to best, for a cell of the matrix.
var orgStatusRank = map[findings.Status]int{findings.Fail: 0, findings.Unknown: 1, findings.Waived: 2, findings.Pass: 3}

// OrgSummary summarizes r's findings by account and check; nil when r is
// not an organization report.
func (r Report) OrgSummary() *OrgSummary {
	if r.Organization == nil {
		return nil
	}
	o := r.Organization
	s := &OrgSummary{ID: o.ID, ManagementAccountID: o.ManagementAccountID, MostFailed: []OrgCheckCount{}, NotScanned: []OrgAccount{}}
	checks := r.checksByID()
	s.Checks = slices.Sorted(maps.Keys(checks))
	col := make(map[string]int, len(s.Checks))
	for i, id := range s.Checks {
		col[id] = i
	}
	row := make(map[string]int, len(o.Accounts))
	for _, a := range o.Accounts {
		row[a.ID] = len(s.Accounts)
		s.Accounts = append(s.Accounts, OrgAccountRow{OrgAccount: a, Statuses: make([]findings.Status, len(s.Checks))})
		s.Totals.Accounts++
		if a.Scanned {
			s.Totals.Scanned++
		} else {
			s.Totals.NotScanned++
			s.NotScanned = append(s.NotScanned, a)
		}
	}
	failing := map[string]map[string]bool{} // check -> accounts failing it
	for _, f := range r.Findings {
		i, ok := row[f.Account]
		if !ok { // a finding about an account not listed: show it anyway
			i = len(s.Accounts)
			row[f.Account] = i
			s.Accounts = append(s.Accounts, OrgAccountRow{OrgAccount: OrgAccount{ID: f.Account, Scanned: true}, Statuses: make([]findings.Status, len(s.Checks))})
		}
		a := &s.Accounts[i]
		switch f.Status {
		case findings.Pass:
			a.Passed++
		case findings.Fail:
			a.Failed++
			if f.Severity.Rank() > a.WorstSeverity.Rank() {
				a.WorstSeverity = f.Severity
			}
			if failing[f.CheckID] == nil {
				failing[f.CheckID] = map[string]bool{}
			}
			failing[f.CheckID][f.Account] = true
		case findings.Unknown:
			a.Unknown++
		case findings.Waived:
			a.Waived++
		}
		c := col[f.CheckID]
		if cur := a.Statuses[c]; cur == "" || orgStatusRank[f.Status] < orgStatusRank[cur] {
			a.Statuses[c] = f.Status
		}
	}
	for _, a := range s.Accounts {
		if a.Failed > 0 {
			s.Totals.Failing++
		}
	}
	for id, accts := range failing {
		c := checks[id]
		s.MostFailed = append(s.MostFailed, OrgCheckCount{CheckID: id, Title: c.Title, Severity: c.Severity, Accounts: slices.Sorted(maps.Keys(accts))})
	}
	slices.SortFunc(s.MostFailed, func(a, b OrgCheckCount) int {
		return cmp.Or(len(b.Accounts)-len(a.Accounts), b.Severity.Rank()-a.Severity.Rank(), strings.Compare(a.CheckID, b.CheckID))
	})
	return s
}

// label names an account with its name when it has one.
func (a OrgAccount) label() string {
	if a.Name == "" {
		return a.ID
	}
	return a.ID + " (" + a.Name + ")"
}

// resourceLabel is how a finding's resource is shown: in an organization
// report, prefixed with its account ("222233334444: arn:..."), since the same
// resource (a shared bucket) is judged in many accounts.
func (r Report) resourceLabel(f findings.Finding) string {
	if r.Organization == nil || f.Account == "" || f.Resource == f.Account {
		return f.Resource
	}
	return f.Account + ": " + f.Resource
}

// accountLabel names what the report is about: the account, or the organization.
func (r Report) accountLabel() string {
	switch {
	case r.Organization != nil:
		return "organization " + r.Organization.ID
	case r.Account != "":
		return "account " + r.Account
	}
	return "account unknown account"
}

// groupFingerprint is the stable identity of a check's verdict on a resource;
// in an organization report, on a resource in one account.
func (r Report) groupFingerprint(g group) string {
	if r.Organization != nil {
		return fingerprint(g.CheckID, g.Resource, g.Account)
	}
	return fingerprint(g.CheckID, g.Resource)
}
