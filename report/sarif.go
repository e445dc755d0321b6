package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/trailguard/trailguard/findings"
)

// SARIF writes a SARIF 2.1.0 log for GitHub code scanning and other SARIF
// viewers: one rule per check, one result per check and resource that failed
// or could not be evaluated. Passing checks are not results; waived ones are
// results with an external suppression whose justification is the reason.
type SARIF struct{}

// NewSARIF returns the SARIF writer.
func NewSARIF() *SARIF { return &SARIF{} }

const (
	sarifToolName = "trailguard"
	sarifToolURI  = "https://github.com/trailguard/trailguard"
	// sarifFingerprintKey names trailguard's partial fingerprint: sha256 of
	// check id and resource, so an alert keeps its identity across runs.
	sarifFingerprintKey = "trailguard/v1"
)

// securitySeverity is GitHub's numeric security-severity for each severity.
var securitySeverity = map[findings.Severity]string{
	findings.Critical: "9.5",
	findings.High:     "8.0",
	findings.Medium:   "5.5",
	findings.Low:      "3.0",
	findings.Info:     "1.0",
}

// Write implements Writer.
func (SARIF) Write(w io.Writer, r Report) error {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	run := sarif.NewRunWithInformationURI(sarifToolName, sarifToolURI)
	checks := r.checksByID()
	ruleIndex := map[string]int{}
	for i, c := range sortedChecks(checks) {
		ruleIndex[c.ID] = i
		run.Tool.Driver.AddRule(sarifRule(c))
	}
	if r.Account != "" {
		run.WithAutomationDetails(sarif.NewRunAutomationDetails().WithID("trailguard/" + r.Account + "/"))
	}
	props := sarif.Properties{}
	if r.Account != "" {
		props["account"] = r.Account
	}
	if r.CollectedAt != "" {
		props["collected_at"] = r.CollectedAt
	}
	if len(props) > 0 {
		run.Properties = props
	}
	uri := artifactURI(r.Snapshot)
	for _, g := range groupByCheckResource(r.Findings) {
		if g.Status() == findings.Pass {
			continue
		}
		f := g.First()
		msg := strings.Join(g.Messages(), "; ")
		switch g.Status() {
		case findings.Unknown:
			msg = "UNKNOWN: " + msg
		case findings.Waived:
			msg = "WAIVED: " + msg
		}
		res := sarif.NewRuleResult(g.CheckID).
			WithRuleIndex(ruleIndex[g.CheckID]).
			WithLevel(sarifLevel(f)).
			WithMessage(sarif.NewTextMessage(msg)).
			WithPartialFingerPrints(map[string]any{sarifFingerprintKey: r.groupFingerprint(g)})
		location := sarif.NewLocation()
		if uri != "" {
			location.WithPhysicalLocation(sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri)).
				WithRegion(sarif.NewRegion().WithStartLine(1)))
		}
		location.AddLogicalLocations(sarif.NewLogicalLocation().
			WithName(g.Resource).WithFullyQualifiedName(g.Resource).WithKind("resource"))
		res.AddLocation(location)
		rp := sarif.Properties{"status": string(g.Status()), "severity": string(f.Severity)}
		if r.Organization != nil {
			rp["account"] = g.Account
		}
		if f.Region != "" {
			rp["region"] = f.Region
		}
		res.Properties = rp
		if g.Status() == findings.Waived {
			res.AddSuppression(sarif.NewSuppression("external").WithJustifcation(f.WaiverReason))
		}
		run.AddResult(res)
	}
	log.AddRun(run)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(log); err != nil {
		return err
	}
	_, err = w.Write(sarifNullSuppressionFields.ReplaceAll(buf.Bytes(), []byte("$1")))
	return err
}

// sarifNullSuppressionFields matches the members go-sarif v2 writes as null in
// every suppression (its Suppression struct has no omitempty); SARIF allows
// none of them to be null, so Write drops them.
var sarifNullSuppressionFields = regexp.MustCompile(`("kind": "external",\n)\s*"status": null,\n\s*"location": null,\n\s*"guid": null,\n`)

func sarifRule(c findings.Check) *sarif.ReportingDescriptor {
	rule := sarif.NewRule(c.ID).
		WithName(ruleName(c)).
		WithShortDescription(sarif.NewMultiformatMessageString(c.Title)).
		WithTextHelp(sarifHelpText(c)).
		WithMarkdownHelp(sarifHelpMarkdown(c)).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(findings.Finding{Status: findings.Fail, Severity: c.Severity})))
	if c.Description != "" {
		rule.WithFullDescription(sarif.NewMultiformatMessageString(c.Description))
	}
	tags := []string{"security", "cloudtrail"}
	tags = append(tags, controls(c.Frameworks)...)
	props := sarif.Properties{
		"tags":             tags,
		"precision":        "very-high",
		"problem.severity": problemSeverity(c.Severity),
	}
	if s, ok := securitySeverity[c.Severity]; ok {
		props["security-severity"] = s
	}
	return rule.WithProperties(props)
}

// ruleName turns a title into the PascalCase name SARIF viewers show.
func ruleName(c findings.Check) string {
	var b strings.Builder
	for _, word := range strings.FieldsFunc(c.Title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(word)
		b.WriteString(strings.ToUpper(string(rs[0])) + string(rs[1:]))
	}
	if b.Len() == 0 {
		return c.ID
	}
	return b.String()
}

func sarifHelpText(c findings.Check) string {
	parts := []string{c.Title}
	if c.Description != "" {
		parts = append(parts, c.Description)
	}
	if t := remediationText(c.Remediation); t != "" {
		parts = append(parts, "Remediation:\n"+t)
	}
	return strings.Join(parts, "\n\n")
}

func sarifHelpMarkdown(c findings.Check) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** (%s, severity %s)\n\n", c.Title, c.ID, c.Severity)
	if c.Description != "" {
		b.WriteString(c.Description + "\n\n")
	}
	if c.Remediation.Console != "" || c.Remediation.CLI != "" {
		b.WriteString("### Remediation\n\n")
	}
	if c.Remediation.Console != "" {
		b.WriteString("**Console:** " + c.Remediation.Console + "\n\n")
	}
	if c.Remediation.CLI != "" {
		b.WriteString("**CLI:**\n\n```sh\n" + c.Remediation.CLI + "\n```\n")
	}
	if cs := controls(c.Frameworks); len(cs) > 0 {
		b.WriteString("\n**Frameworks:** " + strings.Join(cs, ", ") + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// sarifLevel: error for critical and high failures, warning for medium and
// low, note for info failures and for anything that could not be evaluated.
func sarifLevel(f findings.Finding) string {
	if f.Status != findings.Fail {
		return "note"
	}
	switch f.Severity {
	case findings.Critical, findings.High:
		return "error"
	case findings.Medium, findings.Low:
		return "warning"
	}
	return "note"
}

func problemSeverity(s findings.Severity) string {
	switch s {
	case findings.Critical, findings.High:
		return "error"
	case findings.Medium, findings.Low:
		return "warning"
	}
	return "recommendation"
}

// artifactURI is the snapshot path as a relative URI reference (SARIF
// viewers resolve it against the repository root). An absolute path keeps
// only its file name. Characters that URIs do not allow are percent-encoded.
func artifactURI(p string) string {
	if p == "" || p == "-" {
		return ""
	}
	p = filepath.ToSlash(filepath.Clean(p))
	if filepath.IsAbs(p) || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "../") {
		p = path.Base(p)
	}
	return (&url.URL{Path: strings.TrimPrefix(p, "./")}).String()
}
