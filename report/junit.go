package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/trailguard/trailguard/findings"
)

// JUnit writes JUnit XML for CI test viewers: one test suite per check, one
// test case per check and resource; a failure for FAIL, skipped for UNKNOWN
// and WAIVED (with the waiver's reason).
// It follows the Jenkins JUnit schema (report/testdata/schemas/jenkins-junit.xsd).
type JUnit struct{}

// NewJUnit returns the JUnit writer.
func NewJUnit() *JUnit { return &JUnit{} }

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Package    string          `xml:"package,attr,omitempty"`
	Properties *junitProps     `xml:"properties"`
	Cases      []junitTestCase `xml:"testcase"`
}

type junitProps struct {
	Props []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	Time      string         `xml:"time,attr"`
	Skipped   *string        `xml:"skipped"`
	Failures  []junitFailure `xml:"failure"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// Write implements Writer.
func (JUnit) Write(w io.Writer, r Report) error {
	checks := r.checksByID()
	doc := junitSuites{Name: "trailguard", Time: "0"}
	if r.Account != "" {
		doc.Name += " " + r.Account
	}
	var suite *junitSuite
	for _, g := range groupByCheckResource(r.Findings) {
		if suite == nil || suite.Package != g.CheckID {
			c := checks[g.CheckID]
			doc.Suites = append(doc.Suites, junitSuite{
				Name: strings.TrimSpace(c.ID + " " + c.Title), Package: c.ID, Time: "0",
				Timestamp: r.CollectedAt, Properties: junitCheckProps(c),
			})
			suite = &doc.Suites[len(doc.Suites)-1]
		}
		tc := junitTestCase{Name: r.resourceLabel(g.First()), Classname: g.CheckID, Time: "0"}
		switch g.Status() {
		case findings.Fail:
			for _, f := range g.Findings {
				if f.Status == findings.Fail {
					tc.Failures = append(tc.Failures, junitFailure{
						Message: f.Message, Type: string(f.Severity), Body: remediationText(f.Remediation),
					})
				}
			}
			suite.Failures++
		case findings.Unknown:
			msg := "UNKNOWN: " + strings.Join(g.Messages(), "; ")
			tc.Skipped = &msg
			suite.Skipped++
		case findings.Waived:
			msg := "WAIVED: " + g.First().WaiverReason
			tc.Skipped = &msg
			suite.Skipped++
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, tc)
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitCheckProps(c findings.Check) *junitProps {
	p := &junitProps{Props: []junitProp{{Name: "severity", Value: string(c.Severity)}}}
	if c.ResourceType != "" {
		p.Props = append(p.Props, junitProp{Name: "resource_type", Value: c.ResourceType})
	}
	if cs := controls(c.Frameworks); len(cs) > 0 {
		p.Props = append(p.Props, junitProp{Name: "frameworks", Value: strings.Join(cs, ", ")})
	}
	return p
}
