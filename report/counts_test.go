package report

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"regexp"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/findings"
)

// TestEveryFormatCountsTheSameFailures renders each shipped example and
// counts the FAILs every format reports: all must agree with the JSON
// report's summary (a check that reports two problems with one resource used
// to be one SARIF result and one JUnit test case with two failures).
func TestEveryFormatCountsTheSameFailures(t *testing.T) {
	reports := map[string]Report{"sample": sample(), "waived": waivedSample()}
	for _, snap := range goldenSnapshots {
		reports[snap] = evaluate(t, snap)
	}
	for name, r := range reports {
		t.Run(name, func(t *testing.T) {
			var doc struct{ Summary findings.Summary }
			if err := json.Unmarshal(render(t, "json", r), &doc); err != nil {
				t.Fatal(err)
			}
			want := doc.Summary.Failed
			counts := map[string]int{}

			var sarif sarifDoc
			if err := json.Unmarshal(render(t, "sarif", r), &sarif); err != nil {
				t.Fatal(err)
			}
			for _, res := range sarif.Runs[0].Results {
				if !strings.HasPrefix(res.Message.Text, "UNKNOWN") && !strings.HasPrefix(res.Message.Text, "WAIVED") {
					counts["sarif"]++
				}
			}
			var junit junitSuites
			if err := xml.Unmarshal(render(t, "junit", r), &junit); err != nil {
				t.Fatal(err)
			}
			counts["junit"] = junit.Failures
			var asff []ASFFFinding
			if err := json.Unmarshal(render(t, "asff", r), &asff); err != nil {
				t.Fatal(err)
			}
			for _, f := range asff {
				if f.ProductFields["trailguard/Status"] == "FAIL" {
					counts["asff"]++
				}
			}
			var ocsf []OCSFEvent
			if err := json.Unmarshal(render(t, "ocsf", r), &ocsf); err != nil {
				t.Fatal(err)
			}
			for _, e := range ocsf {
				if e.Unmapped["trailguard_status"] == "FAIL" {
					counts["ocsf"]++
				}
			}
			rows, err := csv.NewReader(strings.NewReader(string(render(t, "csv", r)))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows[1:] {
				if row[3] == "FAIL" {
					counts["csv"]++
				}
			}
			w, _ := New("markdown", Options{MarkdownLimit: -1})
			var md strings.Builder
			if err := w.Write(&md, r); err != nil {
				t.Fatal(err)
			}
			if _, failing, ok := strings.Cut(md.String(), "### Failing checks"); ok {
				failing, _, _ = strings.Cut(failing, "#### How to fix")
				counts["markdown"] = len(regexp.MustCompile(`(?m)^\| (critical|high|medium|low|info) \| TG-`).FindAllString(failing, -1))
			}
			counts["html"] = strings.Count(string(render(t, "html", r)), `<tbody class="finding" data-status="FAIL"`)
			for format, n := range counts {
				if n != want {
					t.Errorf("%s reports %d FAILs, JSON %d", format, n, want)
				}
			}
		})
	}
}
