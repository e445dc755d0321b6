package logverify

import (
	"strings"
	"time"
)

// Where CloudTrail puts its files (AWS documentation, "Finding your CloudTrail
// log files" and "CloudTrail digest file structure"):
//
//	[prefix/]AWSLogs/[o-orgid/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz
//	[prefix/]AWSLogs/[o-orgid/]ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOMEREGION_YYYYMMDDTHHMMSSZ.json.gz
//
// The organization id is there for organization trails only. Log file names
// do not name the trail: two trails of one account writing to one bucket and
// prefix put their log files side by side, and only their digests (which do
// name the trail) tell them apart.

const digestTimeLayout = "20060102T150405Z"

// stream is the files of one account in one region: one digest chain per trail.
type stream struct {
	Account, Region string
	bucket          string // bucket holding the files
	base            string // "[prefix/]AWSLogs/[org/]ACCOUNT/"
}

func accountBase(prefix, org, account string) string {
	b := "AWSLogs/"
	if org != "" {
		b += org + "/"
	}
	b += account + "/"
	if prefix = strings.Trim(prefix, "/"); prefix != "" {
		b = prefix + "/" + b
	}
	return b
}

func (s stream) digestFolder() string { return s.base + "CloudTrail-Digest/" + s.Region + "/" }
func (s stream) logFolder() string    { return s.base + "CloudTrail/" + s.Region + "/" }

// dayFolders returns the YYYY/MM/DD/ folders covering from..to.
func dayFolders(from, to time.Time) []string {
	var out []string
	d := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	for !d.After(to) {
		out = append(out, d.Format("2006/01/02/"))
		d = d.AddDate(0, 0, 1)
	}
	return out
}

// digestName is what a digest key's file name says.
type digestName struct {
	Trail    string // trail name, "" if the name could not be read
	Home     string
	End      time.Time
	Backfill bool
}

// parseDigestName reads ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOME_TIME[_backfill].json.gz.
// Trail names may contain underscores, so the name is read from both ends;
// home is the home region of the trail verified, tried first.
func parseDigestName(key, account, region, home string) (digestName, bool) {
	name := key[strings.LastIndexByte(key, '/')+1:]
	var n digestName
	rest, ok := strings.CutSuffix(name, ".json.gz")
	if !ok {
		return n, false
	}
	if r, ok := strings.CutSuffix(rest, "_backfill"); ok {
		rest, n.Backfill = r, true
	}
	if len(rest) < len(digestTimeLayout)+1 {
		return n, false
	}
	t, err := time.Parse(digestTimeLayout, rest[len(rest)-len(digestTimeLayout):])
	if err != nil {
		return n, false
	}
	n.End = t
	rest = rest[:len(rest)-len(digestTimeLayout)-1]
	rest, ok = strings.CutPrefix(rest, account+"_CloudTrail-Digest_"+region+"_")
	if !ok {
		return n, false
	}
	// rest is TRAIL_HOME.
	if t, ok := strings.CutSuffix(rest, "_"+home); ok && t != "" {
		n.Trail, n.Home = t, home
		return n, true
	}
	if i := strings.LastIndexByte(rest, '_'); i > 0 {
		n.Trail, n.Home = rest[:i], rest[i+1:]
	}
	return n, true
}

// logNameTime reads the delivery time in a log file name
// (ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz).
func logNameTime(key string) (time.Time, bool) {
	name := key[strings.LastIndexByte(key, '/')+1:]
	parts := strings.Split(name, "_")
	if len(parts) < 5 || parts[1] != "CloudTrail" {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102T1504Z", parts[3])
	return t, err == nil
}
