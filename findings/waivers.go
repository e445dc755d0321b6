package findings

import (
	"regexp"
	"strings"
)

// Waiver accepts the failures of one check on the resources its pattern
// matches, for a reason, until a date.
type Waiver struct {
	// Check is a check id, or a prefix ending in "*" (see MatchCheckID).
	Check string
	// Resource is a glob: "*" matches any run of characters, "/" and ":"
	// included; everything else matches itself. Empty or "*" matches every resource.
	Resource string
	Reason   string
	// Expires is the last day (YYYY-MM-DD, UTC) on which the waiver applies.
	Expires string
}

// Matches reports whether w covers check id and resource, whatever its expiry.
func (w Waiver) Matches(checkID, resource string) bool {
	return w.matches(globRegexp(w.Resource), checkID, resource)
}

func (w Waiver) matches(re *regexp.Regexp, checkID, resource string) bool {
	return MatchCheckID(w.Check, checkID) && re.MatchString(resource)
}

// Expired reports whether w no longer applies on day today (YYYY-MM-DD): a
// waiver applies through its expiry date and expires the day after.
func (w Waiver) Expired(today string) bool { return w.Expires != "" && today > w.Expires }

func globRegexp(glob string) *regexp.Regexp {
	if glob == "" {
		glob = "*"
	}
	parts := strings.Split(glob, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
}

// ApplyWaivers returns fs with each FAIL or UNKNOWN finding that an unexpired
// waiver covers turned WAIVED (with the waiver's reason and expiry). A finding
// covered only by expired waivers keeps its status and records the latest
// expiry in WaiverExpired. today is the evaluation date, YYYY-MM-DD.
func ApplyWaivers(fs []Finding, ws []Waiver, today string) []Finding {
	if len(ws) == 0 {
		return fs
	}
	res := make([]*regexp.Regexp, len(ws))
	for i, w := range ws {
		res[i] = globRegexp(w.Resource)
	}
	out := make([]Finding, len(fs))
	for i, f := range fs {
		out[i] = f
		if f.Status != Fail && f.Status != Unknown {
			continue
		}
		expired := ""
		for j, w := range ws {
			if !w.matches(res[j], f.CheckID, f.Resource) {
				continue
			}
			if w.Expired(today) {
				expired = max(expired, w.Expires)
				continue
			}
			out[i].Status, out[i].WaiverReason, out[i].WaiverExpires = Waived, w.Reason, w.Expires
			expired = ""
			break
		}
		out[i].WaiverExpired = expired
	}
	return out
}
