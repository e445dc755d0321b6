package logverify

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/trailguard/trailguard/internal/sarifdoc"
)

// A Writer renders a Result in one format.
type Writer func(w io.Writer, r *Result) error

var writers = map[string]Writer{
	"table": WriteTable,
	"json":  WriteJSON,
	"sarif": WriteSARIF,
	"junit": WriteJUnit,
	"html":  WriteHTML,
}

// Formats are the output formats, sorted.
func Formats() []string {
	out := make([]string, 0, len(writers))
	for f := range writers {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// NewWriter returns the writer of a format.
func NewWriter(format string) (Writer, error) {
	w, ok := writers[format]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (formats: %s)", format, strings.Join(Formats(), ", "))
	}
	return w, nil
}

// Verdict is the result in a word: ALL VALID, PROBLEMS FOUND, INCOMPLETE
// (something could not be verified) or NOTHING PROVEN (no digest in the range).
func (r *Result) Verdict() string {
	s := r.Summarize()
	switch {
	case r.HasProblem():
		return "PROBLEMS FOUND"
	case r.Incomplete():
		return "INCOMPLETE"
	case s.Digests.Valid == 0:
		return "NOTHING PROVEN"
	}
	return "ALL VALID"
}

func (c Counts) String() string {
	parts := []string{fmt.Sprintf("%d valid", c.Valid)}
	for _, p := range []struct {
		n    int
		what string
	}{{c.Invalid, "invalid"}, {c.Missing, "missing"}, {c.Unlisted, "slipped in (no digest lists them)"},
		{c.Unverified, "could not be verified"}, {c.Notice, "notices"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	return strings.Join(parts, ", ")
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func location(bucket, prefix string) string {
	if prefix = strings.Trim(prefix, "/"); prefix != "" {
		return "s3://" + bucket + "/" + prefix + "/"
	}
	return "s3://" + bucket + "/"
}

func objectName(e Entry) string {
	switch {
	case e.Type == TypeGap && e.From != nil && e.To != nil:
		return rfc(*e.From) + " to " + rfc(*e.To)
	case e.Type == TypeGap && e.From != nil:
		return "since " + rfc(*e.From)
	case e.Key != "":
		return "s3://" + e.Bucket + "/" + e.Key
	case e.Bucket != "":
		return "s3://" + e.Bucket
	}
	return e.Account + " " + e.Region
}

// WriteTable writes the summary first, then one line per object that is not valid.
func WriteTable(w io.Writer, r *Result) error {
	s := r.Summarize()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Trail\t%s\n", r.Trail)
	fmt.Fprintf(tw, "Location\t%s\n", location(r.Bucket, r.Prefix))
	fmt.Fprintf(tw, "Range\t%s to %s\n", rfc(r.Start), rfc(r.End))
	fmt.Fprintf(tw, "Accounts\t%s\n", strings.Join(r.Accounts, ", "))
	fmt.Fprintf(tw, "Regions\t%s\n", strings.Join(r.Regions, ", "))
	fmt.Fprintf(tw, "Digests\t%s\n", s.Digests)
	fmt.Fprintf(tw, "Log files\t%s\n", s.Logs)
	if o := s.Other; o != (Counts{}) {
		fmt.Fprintf(tw, "Chain and regions\t%s\n", o)
	}
	fmt.Fprintf(tw, "Requests\t%d (%d digests from the cache)\n", r.Requests, r.CacheHits)
	fmt.Fprintf(tw, "Result\t%s\n", r.Verdict())
	if err := tw.Flush(); err != nil {
		return err
	}
	probs := r.Problems()
	if len(probs) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tTYPE\tACCOUNT\tREGION\tOBJECT\tREASON")
	for _, e := range probs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", strings.ToUpper(string(e.Status)), e.Type, e.Account, e.Region, objectName(e), e.Reason)
	}
	return tw.Flush()
}

// WriteJSON writes the result with one entry per object (type, bucket, key,
// status, reason) and the summary.
func WriteJSON(w io.Writer, r *Result) error {
	s := r.Summarize()
	doc := struct {
		*Result
		Verdict string `json:"verdict"`
		Summary struct {
			Digests Counts `json:"digests"`
			Logs    Counts `json:"log_files"`
			Other   Counts `json:"chain_and_regions"`
		} `json:"summary"`
	}{Result: r, Verdict: r.Verdict()}
	doc.Summary.Digests, doc.Summary.Logs, doc.Summary.Other = s.Digests, s.Logs, s.Other
	if doc.Entries == nil {
		doc.Entries = []Entry{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// MarshalJSON writes counts with lower-case names.
func (c Counts) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]int{"valid": c.Valid, "invalid": c.Invalid, "missing": c.Missing,
		"unlisted": c.Unlisted, "unverified": c.Unverified, "notice": c.Notice})
}

// sarifRules are the SARIF rules: one per kind of problem.
var sarifRules = []struct {
	status      Status
	id, title   string
	level, help string
}{
	{Invalid, "TG-LOGS-INVALID", "CloudTrail file altered", "error", "The file no longer matches what CloudTrail signed: treat the logs of this period as tampered with and investigate who wrote to the bucket."},
	{Missing, "TG-LOGS-MISSING", "CloudTrail file deleted", "error", "A file the digest chain says was delivered is gone: investigate deletions in the bucket (S3 server access logs, CloudTrail data events)."},
	{Unlisted, "TG-LOGS-UNLISTED", "CloudTrail log file no digest lists", "error", "A log file in the trail's folder that CloudTrail never digested: it may have been slipped in; do not trust its events."},
	{Unverified, "TG-LOGS-UNVERIFIED", "CloudTrail file could not be verified", "warning", "The file could not be read or proven: grant read access to the bucket and public keys, or check the period by hand."},
}

// WriteSARIF writes one SARIF result per object that is altered, deleted,
// slipped in or could not be verified.
func WriteSARIF(w io.Writer, r *Result) error {
	log, run, err := sarifdoc.New("")
	if err != nil {
		return err
	}
	index := map[Status]int{}
	for i, rule := range sarifRules {
		index[rule.status] = i
		run.AddRule(rule.id).WithName(rule.title).WithShortDescription(sarif.NewMultiformatMessageString(rule.title)).
			WithHelp(sarif.NewMultiformatMessageString(rule.help)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(rule.level))
	}
	run.Properties = sarif.Properties{"trail": r.Trail, "start": rfc(r.Start), "end": rfc(r.End), "verdict": r.Verdict()}
	for _, e := range r.Problems() {
		i, ok := index[e.Status]
		if !ok {
			continue // notices
		}
		rule := sarifRules[i]
		res := sarif.NewRuleResult(rule.id).WithRuleIndex(i).WithLevel(rule.level).
			WithMessage(sarif.NewTextMessage(fmt.Sprintf("%s %s: %s", e.Type, e.Status, e.Reason)))
		name := objectName(e)
		loc := sarif.NewLocation()
		if e.Key != "" {
			loc.WithPhysicalLocation(sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(name)))
		}
		loc.AddLogicalLocations(sarif.NewLogicalLocation().WithName(name).WithFullyQualifiedName(name).WithKind(string(e.Type)))
		res.AddLocation(loc)
		res.Properties = sarif.Properties{"account": e.Account, "region": e.Region, "status": string(e.Status)}
		run.AddResult(res)
	}
	return sarifdoc.Write(w, log, run)
}

// WriteJUnit writes one test suite per account and region and one test case
// per object: altered, deleted and slipped-in objects fail, objects that
// could not be verified are errors, notices are skipped.
func WriteJUnit(w io.Writer, r *Result) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Failure   *failure `xml:"failure,omitempty"`
		Error     *failure `xml:"error,omitempty"`
		Skipped   *failure `xml:"skipped,omitempty"`
	}
	type suite struct {
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Errors   int        `xml:"errors,attr"`
		Skipped  int        `xml:"skipped,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	type suites struct {
		XMLName  xml.Name `xml:"testsuites"`
		Name     string   `xml:"name,attr"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Errors   int      `xml:"errors,attr"`
		Suites   []*suite `xml:"testsuite"`
	}
	out := suites{Name: "trailguard verify-logs " + r.Trail}
	byName := map[string]*suite{}
	for _, e := range r.Entries {
		name := strings.TrimSpace(e.Account + " " + e.Region)
		s, ok := byName[name]
		if !ok {
			s = &suite{Name: name}
			byName[name] = s
			out.Suites = append(out.Suites, s)
		}
		tc := testcase{Name: objectName(e), Classname: string(e.Type)}
		msg := &failure{Message: string(e.Status) + ": " + e.Reason, Type: string(e.Status), Text: e.Reason}
		switch {
		case e.Status.Problem():
			tc.Failure = msg
			s.Failures++
		case e.Status == Unverified:
			tc.Error = msg
			s.Errors++
		case e.Status == Notice:
			tc.Skipped = msg
			s.Skipped++
		}
		s.Tests++
		s.Cases = append(s.Cases, tc)
	}
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

var htmlReport = template.Must(template.New("report").Funcs(template.FuncMap{
	"rfc": rfc, "object": objectName, "upper": strings.ToUpper,
	"str": func(s Status) string { return string(s) },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>CloudTrail log integrity: {{.R.Trail}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}.invalid,.missing,.unlisted{color:#b00020;font-weight:bold}.unverified{color:#a05a00;font-weight:bold}.notice{color:#555}
.verdict{font-size:1.3em;font-weight:bold}
</style></head><body>
<h1>CloudTrail log file integrity</h1>
<table>
<tr><th>Trail</th><td>{{.R.Trail}}</td></tr>
<tr><th>Location</th><td>{{.Location}}</td></tr>
<tr><th>Range</th><td>{{rfc .R.Start}} to {{rfc .R.End}}</td></tr>
<tr><th>Accounts</th><td>{{range $i, $a := .R.Accounts}}{{if $i}}, {{end}}{{$a}}{{end}}</td></tr>
<tr><th>Regions</th><td>{{range $i, $a := .R.Regions}}{{if $i}}, {{end}}{{$a}}{{end}}</td></tr>
<tr><th>Digests</th><td>{{.S.Digests}}</td></tr>
<tr><th>Log files</th><td>{{.S.Logs}}</td></tr>
<tr><th>Result</th><td class="verdict">{{.R.Verdict}}</td></tr>
</table>
{{if .P}}<h2>Objects that are not valid</h2>
<table><tr><th>Status</th><th>Type</th><th>Account</th><th>Region</th><th>Object</th><th>Reason</th></tr>
{{range .P}}<tr><td class="{{str .Status}}">{{upper (str .Status)}}</td><td>{{.Type}}</td><td>{{.Account}}</td><td>{{.Region}}</td><td><code>{{object .}}</code></td><td>{{.Reason}}</td></tr>
{{end}}</table>{{end}}
<p>Generated by trailguard verify-logs: every digest's signature, its link to the previous digest, and the SHA-256 of every log file it lists were checked; log files no digest lists are reported as slipped in.</p>
</body></html>
`))

// WriteHTML writes an incident report: the summary and every object that is not valid.
func WriteHTML(w io.Writer, r *Result) error {
	return htmlReport.Execute(w, map[string]any{"R": r, "S": r.Summarize(), "P": r.Problems(), "Location": location(r.Bucket, r.Prefix)})
}
