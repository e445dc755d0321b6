package report

import (
	"regexp"
	"slices"
	"strconv"

	"github.com/trailguard/trailguard/findings"
)

// record is one finding with the identity that the formats with one record
// per finding (SARIF results, JUnit test cases, ASFF and OCSF findings, CSV
// rows) give it. Every format writes one record per finding, so all of them
// report the same number of FAILs as the table and JSON.
type record struct {
	findings.Finding
	// Key is stable across runs and never shared by two records of a run:
	// the first finding of a check on a resource (worst status, then by
	// message) has fingerprint(check, resource), so a FAIL and the PASS that
	// later replaces it are the same Security Hub finding or code scanning
	// alert; a further problem of the same check with the same resource adds
	// its message with the numbers taken out (timestamps, ages and counts
	// change from run to run, the problem does not).
	Key string
	// Label names the resource, and in an organization report its account.
	Label string
	// Index counts the records of one check and resource from 1; Of is how
	// many there are.
	Index, Of int
}

// Name is the resource, with "[2]", "[3]"… when a check reports several
// problems with it (JUnit test case names must be unique in a suite).
func (r record) Name() string {
	if r.Index > 1 {
		return r.Label + " [" + strconv.Itoa(r.Index) + "]"
	}
	return r.Label
}

// numbers are what messageShape takes out of a message.
var numbers = regexp.MustCompile(`[0-9]+(\.[0-9]+)?`)

// messageShape is a message without its numbers.
func messageShape(m string) string { return numbers.ReplaceAllString(m, "#") }

// records gives each finding of fs its identity, ordered by check, resource,
// then worst status first and message.
func records(fs []findings.Finding) []record {
	// In an organization report the same resource (a shared bucket, say) is
	// judged in several accounts: each account's verdict is its own record.
	multiAccount := slices.ContainsFunc(fs, func(f findings.Finding) bool { return f.Account != fs[0].Account })
	var out []record
	for _, g := range groupByCheckResource(fs) {
		seen := map[string]bool{}
		base := []string{g.CheckID, g.Resource}
		if multiAccount {
			base = append(base, "account:"+g.Account)
		}
		for i, f := range g.Findings {
			key := fingerprint(base...)
			if i > 0 {
				shape := messageShape(f.Message)
				for n := 2; seen[shape]; n++ {
					shape = messageShape(f.Message) + "\x00" + strconv.Itoa(n)
				}
				seen[shape] = true
				key = fingerprint(append(slices.Clone(base), shape)...)
			} else {
				seen[messageShape(f.Message)] = true
			}
			rec := record{Finding: f, Key: key, Index: i + 1, Of: len(g.Findings), Label: f.Resource}
			if multiAccount {
				rec.Label = f.Account + ": " + f.Resource
			}
			out = append(out, rec)
		}
	}
	return out
}
