package logverify

import (
	"sort"
	"time"
)

// Status is the verdict on one object.
type Status string

const (
	Valid      Status = "valid"      // proven intact by a signed digest
	Invalid    Status = "invalid"    // altered: hash mismatch, bad format, signature fails, key unknown, moved
	Missing    Status = "missing"    // deleted: a digest or the chain says it should be there
	Unlisted   Status = "unlisted"   // a log file in the trail's folders that no digest lists (slipped in)
	Unverified Status = "unverified" // could not be verified (access denied, throttled to the end, ...)
	Notice     Status = "notice"     // not a problem: a gap in the chain, files not yet digested
)

// Problem reports whether the status is a proven integrity problem.
func (s Status) Problem() bool { return s == Invalid || s == Missing || s == Unlisted }

// Type is what an entry is about.
type Type string

const (
	TypeDigest Type = "digest"
	TypeLog    Type = "log"
	TypeGap    Type = "gap"    // a time span with no digests
	TypeRegion Type = "region" // a region (or account) as a whole
)

// Entry is the verdict on one object (or a notice about a time span).
type Entry struct {
	Type    Type   `json:"type"`
	Bucket  string `json:"bucket,omitempty"`
	Key     string `json:"key,omitempty"`
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	Status  Status `json:"status"`
	Reason  string `json:"reason,omitempty"`
	// From and To are set for gaps.
	From *time.Time `json:"from,omitempty"`
	To   *time.Time `json:"to,omitempty"`
}

// Result is what a verification found.
type Result struct {
	Trail     string    `json:"trail"`
	Bucket    string    `json:"bucket"`
	Prefix    string    `json:"prefix,omitempty"`
	Accounts  []string  `json:"accounts"`
	Regions   []string  `json:"regions"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Requests  int64     `json:"requests"`
	CacheHits int       `json:"cache_hits,omitempty"`
	Entries   []Entry   `json:"entries"`
}

// Counts are the verdicts on one type of object.
type Counts struct {
	Valid, Invalid, Missing, Unlisted, Unverified, Notice int
}

// Summary counts the entries per type.
type Summary struct {
	Digests, Logs, Other Counts
}

func (c *Counts) add(s Status) {
	switch s {
	case Valid:
		c.Valid++
	case Invalid:
		c.Invalid++
	case Missing:
		c.Missing++
	case Unlisted:
		c.Unlisted++
	case Unverified:
		c.Unverified++
	case Notice:
		c.Notice++
	}
}

// Summarize counts the entries.
func (r *Result) Summarize() Summary {
	var s Summary
	for _, e := range r.Entries {
		switch e.Type {
		case TypeDigest:
			s.Digests.add(e.Status)
		case TypeLog:
			s.Logs.add(e.Status)
		default:
			s.Other.add(e.Status)
		}
	}
	return s
}

// Problems returns the entries that are not valid, problems first.
func (r *Result) Problems() []Entry {
	var out []Entry
	for _, e := range r.Entries {
		if e.Status != Valid {
			out = append(out, e)
		}
	}
	rank := func(s Status) int {
		switch {
		case s.Problem():
			return 0
		case s == Unverified:
			return 1
		}
		return 2
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].Status) < rank(out[j].Status) })
	return out
}

// HasProblem reports whether an integrity problem was found.
func (r *Result) HasProblem() bool {
	for _, e := range r.Entries {
		if e.Status.Problem() {
			return true
		}
	}
	return false
}

// Incomplete reports whether something could not be verified.
func (r *Result) Incomplete() bool {
	for _, e := range r.Entries {
		if e.Status == Unverified {
			return true
		}
	}
	return false
}

func (r *Result) sort() {
	order := map[Type]int{TypeRegion: 0, TypeGap: 1, TypeDigest: 2, TypeLog: 3}
	sort.SliceStable(r.Entries, func(i, j int) bool {
		a, b := r.Entries[i], r.Entries[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if order[a.Type] != order[b.Type] {
			return order[a.Type] < order[b.Type]
		}
		return a.Key < b.Key
	})
}
