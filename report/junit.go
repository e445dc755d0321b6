package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/trailguard/trailguard/findings"
)

// JUnit writes JUnit XML for CI test viewers: one test suite per check, one
// test case per finding (a check that reports two problems with a resource
// has two test cases, the second named "resource [2]"); one failure for FAIL,
// whose message attribute says what is wrong and whose body adds the
// remediation; skipped for UNKNOWN and WAIVED (with the waiver's reason).
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
	for _, rec := range records(r.Findings) {
		c := checks[rec.CheckID]
		if suite == nil || suite.Package != rec.CheckID {
			doc.Suites = append(doc.Suites, junitSuite{
				Name: strings.TrimSpace(c.ID + " " + c.Title), Package: c.ID, Time: "0",
				Timestamp: r.CollectedAt, Properties: junitCheckProps(c),
			})
			suite = &doc.Suites[len(doc.Suites)-1]
		}
		tc := junitTestCase{Name: rec.Name(), Classname: rec.CheckID, Time: "0"}
		switch rec.Status {
		case findings.Fail:
			// One failure per test case: GitHub's reporters keep only the
			// first, GitLab shows only the body, so the body repeats what is
			// wrong before saying how to fix it.
			body := rec.Message
			if rem := remediationText(cmpRemediation(rec.Remediation, c.Remediation)); rem != "" {
				body += "\n\nRemediation:\n" + rem
			}
			tc.Failures = []junitFailure{{Message: withWaiverNote(rec.Finding), Type: string(rec.Severity), Body: body}}
			suite.Failures++
		case findings.Unknown:
			msg := "UNKNOWN (could not be evaluated): " + rec.Message
			tc.Skipped = &msg
			suite.Skipped++
		case findings.Waived:
			msg := "WAIVED: " + rec.WaiverReason
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
