package report

import (
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/internal/sarifdoc"
)

// SARIF writes a SARIF 2.1.0 log for GitHub code scanning and other SARIF
// viewers: one rule per check, one result per finding that failed, could not
// be evaluated or is waived. Passing checks are not results; waived ones are
// results with an external suppression whose justification is the reason.
//
// An alert must stay the same alert from one scan to the next and never merge
// with another: every result carries partialFingerprints derived from check
// and resource (record.Key), including primaryLocationLineHash, the one GitHub
// matches alerts by, so GitHub never hashes the snapshot's (changing) lines.
// UNKNOWN results belong to a companion rule "<check>/unknown" with no
// security-severity, so that GitHub does not raise a "could not be read" as a
// security alert of the check's full severity.
type SARIF struct{ version string }

// NewSARIF returns the SARIF writer; version is trailguard's, shown as the
// driver's version.
func NewSARIF(version string) *SARIF { return &SARIF{version: version} }

const (
	// sarifFingerprintKey names trailguard's partial fingerprint: sha256 of
	// check id and resource, so an alert keeps its identity across runs.
	sarifFingerprintKey = "trailguard/v1"
	// sarifGitHubFingerprintKey is the fingerprint GitHub code scanning
	// matches alerts by; when a result has one GitHub does not compute it
	// from the file's contents.
	sarifGitHubFingerprintKey = "primaryLocationLineHash"
	// sarifUnknownRuleSuffix names the rule of a check's UNKNOWN results.
	sarifUnknownRuleSuffix = "/unknown"
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
func (s SARIF) Write(w io.Writer, r Report) error {
	log, run, err := sarifdoc.New(s.version)
	if err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	checks := r.checksByID()
	recs := records(r.Findings)
	unknownRules := map[string]bool{}
	for _, rec := range recs {
		if rec.Status == findings.Unknown {
			unknownRules[rec.CheckID] = true
		}
	}
	ruleIndex := map[string]int{}
	for _, c := range sortedChecks(checks) {
		ruleIndex[c.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.AddRule(sarifRule(c))
		if unknownRules[c.ID] {
			ruleIndex[c.ID+sarifUnknownRuleSuffix] = len(run.Tool.Driver.Rules)
			run.Tool.Driver.AddRule(sarifUnknownRule(c))
		}
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
	for _, rec := range recs {
		if rec.Status == findings.Pass {
			continue
		}
		msg := rec.Message
		ruleID := rec.CheckID
		switch rec.Status {
		case findings.Unknown:
			msg = "UNKNOWN (could not be evaluated): " + msg
			ruleID += sarifUnknownRuleSuffix
		case findings.Waived:
			msg = "WAIVED: " + msg
		}
		res := sarif.NewRuleResult(ruleID).
			WithRuleIndex(ruleIndex[ruleID]).
			WithLevel(sarifLevel(rec.Finding)).
			WithMessage(sarif.NewTextMessage(msg)).
			WithPartialFingerPrints(map[string]any{
				sarifFingerprintKey:       rec.Key,
				sarifGitHubFingerprintKey: rec.Key[:32] + ":1",
			})
		location := sarif.NewLocation()
		if uri != "" {
			// The snapshot is where the evidence is; line 1 because the
			// resource's line moves with every collection (the fingerprints,
			// not the line, keep the alert's identity).
			location.WithPhysicalLocation(sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri)).
				WithRegion(sarif.NewRegion().WithStartLine(1)))
		}
		location.AddLogicalLocations(sarif.NewLogicalLocation().
			WithName(rec.Resource).WithFullyQualifiedName(rec.Resource).WithKind("resource"))
		res.AddLocation(location)
		rp := sarif.Properties{"status": string(rec.Status), "severity": string(rec.Severity)}
		if rec.Region != "" {
			rp["region"] = rec.Region
		}
		if rec.Account != "" {
			rp["account"] = rec.Account
		}
		res.Properties = rp
		if rec.Status == findings.Waived {
			res.AddSuppression(sarif.NewSuppression("external").WithJustifcation(rec.WaiverReason))
		}
		run.AddResult(res)
	}
	return sarifdoc.Write(w, log, run)
}

// sarifUnknownRule is the rule of a check's UNKNOWN results: the check could
// not be evaluated, which is worth a note but is no security alert.
func sarifUnknownRule(c findings.Check) *sarif.ReportingDescriptor {
	title := c.Title + " (could not be evaluated)"
	return sarif.NewRule(c.ID + sarifUnknownRuleSuffix).
		WithName(ruleName(c) + "CouldNotBeEvaluated").
		WithShortDescription(sarif.NewMultiformatMessageString(title)).
		WithFullDescription(sarif.NewMultiformatMessageString("trailguard could not read what check " + c.ID + " needs (the result says why), so it cannot say whether the resource passes. Grant the missing read permission or collect again.")).
		WithTextHelp(sarifHelpText(c)).
		WithMarkdownHelp(sarifHelpMarkdown(c)).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel("note")).
		WithProperties(sarif.Properties{
			"tags":             []string{"cloudtrail", "unknown"},
			"precision":        "low",
			"problem.severity": "recommendation",
		})
}

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
	// "" or "-": no file; "a.json, b.json": several shard files merged
	// (eval SHARD.json...), which no single artifact stands for.
	if p == "" || p == "-" || strings.Contains(p, ", ") {
		return ""
	}
	p = filepath.ToSlash(filepath.Clean(p))
	if filepath.IsAbs(p) || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "../") {
		p = path.Base(p)
	}
	return (&url.URL{Path: strings.TrimPrefix(p, "./")}).String()
}
