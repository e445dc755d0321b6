package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/trailguard/trailguard/findings"
)

// Markdown writes a summary for pull request comments and CI job summaries
// (e.g. $GITHUB_STEP_SUMMARY): counts by severity, the failing checks with
// their remediation, what could not be evaluated, and the passing checks
// folded away.
type Markdown struct{}

// NewMarkdown returns the Markdown writer.
func NewMarkdown() *Markdown { return &Markdown{} }

// Write implements Writer.
func (Markdown) Write(w io.Writer, r Report) error {
	var b strings.Builder
	fs := slices.Clone(r.Findings)
	findings.Sort(fs)
	fs = byImportance(fs)
	s := r.Summary()
	checks := r.checksByID()

	fmt.Fprintf(&b, "## trailguard: %s\n\n", mdText(r.accountLabel()))
	var about []string
	if r.Snapshot != "" {
		about = append(about, "snapshot `"+mdCode(r.Snapshot)+"`")
	}
	if r.CollectedAt != "" {
		about = append(about, "collected "+mdText(r.CollectedAt))
	}
	waived := ""
	if s.Waived > 0 {
		waived = fmt.Sprintf(", %d waived", s.Waived)
	}
	about = append(about, fmt.Sprintf("%d checks on %d resources: **%d failed**, %d unknown%s, %d passed",
		s.ChecksEvaluated, s.ResourcesEvaluated, s.Failed, s.Unknown, waived, s.Passed))
	b.WriteString(upperFirst(strings.Join(about, ", ")) + ".\n\n")

	// Counts by severity and status.
	b.WriteString("| Status |")
	for _, sev := range findings.Severities {
		b.WriteString(" " + upperFirst(string(sev)) + " |")
	}
	b.WriteString(" Total |\n|---|" + strings.Repeat("---:|", len(findings.Severities)+1) + "\n")
	statuses := []findings.Status{findings.Fail, findings.Unknown, findings.Pass}
	if s.Waived > 0 {
		statuses = []findings.Status{findings.Fail, findings.Unknown, findings.Waived, findings.Pass}
	}
	for _, st := range statuses {
		counts := map[findings.Severity]int{}
		total := 0
		for _, f := range fs {
			if f.Status == st {
				counts[f.Severity]++
				total++
			}
		}
		fmt.Fprintf(&b, "| %s |", st)
		for _, sev := range findings.Severities {
			fmt.Fprintf(&b, " %d |", counts[sev])
		}
		fmt.Fprintf(&b, " %d |\n", total)
	}

	if org := r.OrgSummary(); org != nil {
		writeOrgMarkdown(&b, org)
	}

	failing := filterStatus(fs, findings.Fail)
	if len(failing) > 0 {
		fmt.Fprintf(&b, "\n### Failing checks (%d)\n\n| Severity | Check | Resource | Message |\n|---|---|---|---|\n", len(failing))
		for _, f := range failing {
			fmt.Fprintf(&b, "| %s | %s %s | `%s` | %s |\n", f.Severity, f.CheckID, mdCell(f.Title), mdCode(r.resourceLabel(f)), mdCell(withWaiverNote(f)))
		}
		b.WriteString("\n#### How to fix\n")
		var seen []string
		for _, f := range failing {
			if slices.Contains(seen, f.CheckID) {
				continue
			}
			seen = append(seen, f.CheckID)
			n := 0
			for _, x := range failing {
				if x.CheckID == f.CheckID {
					n++
				}
			}
			rem := f.Remediation
			if rem.Console == "" && rem.CLI == "" {
				rem = checks[f.CheckID].Remediation
			}
			fmt.Fprintf(&b, "\n<details><summary><b>%s</b> %s (%s, %s)</summary>\n\n", f.CheckID, mdText(f.Title), f.Severity, plural(n, "resource"))
			if rem.Console != "" {
				b.WriteString("**Console:** " + mdText(rem.Console) + "\n\n")
			}
			if rem.CLI != "" {
				b.WriteString("**CLI:**\n\n```sh\n" + rem.CLI + "\n```\n\n")
			}
			b.WriteString("</details>\n")
		}
	}

	if unknown := filterStatus(fs, findings.Unknown); len(unknown) > 0 {
		fmt.Fprintf(&b, "\n### Could not be evaluated (%d)\n\n", len(unknown))
		for _, f := range unknown {
			fmt.Fprintf(&b, "- **%s** (%s) `%s`: %s\n", f.CheckID, f.Severity, mdCode(f.Resource), mdText(withWaiverNote(f)))
		}
	}

	if waived := filterStatus(fs, findings.Waived); len(waived) > 0 {
		fmt.Fprintf(&b, "\n### Waived (%d)\n\n| Severity | Check | Resource | Reason | Expires |\n|---|---|---|---|---|\n", len(waived))
		for _, f := range waived {
			fmt.Fprintf(&b, "| %s | %s %s | `%s` | %s | %s |\n", f.Severity, f.CheckID, mdCell(f.Title), mdCode(f.Resource), mdCell(f.WaiverReason), mdCell(f.WaiverExpires))
		}
	}

	if passing := filterStatus(fs, findings.Pass); len(passing) > 0 {
		ids := map[string]bool{}
		for _, f := range passing {
			ids[f.CheckID] = true
		}
		fmt.Fprintf(&b, "\n<details><summary>%s passed (%s)</summary>\n\n| Check | Resource |\n|---|---|\n",
			plural(len(passing), "finding"), plural(len(ids), "check"))
		for _, f := range passing {
			fmt.Fprintf(&b, "| %s %s | `%s` |\n", f.CheckID, mdCell(f.Title), mdCode(f.Resource))
		}
		b.WriteString("\n</details>\n")
	}
	if len(fs) == 0 {
		b.WriteString("\nNo findings.\n")
	}
	if r.Compliance != nil {
		writeComplianceMarkdown(&b, r.Compliance)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func filterStatus(fs []findings.Finding, s findings.Status) []findings.Finding {
	var out []findings.Finding
	for _, f := range fs {
		if f.Status == s {
			out = append(out, f)
		}
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// mdText neutralises HTML in text that comes from the snapshot.
var mdHTML = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func mdText(s string) string { return mdHTML.Replace(s) }

// mdCell makes s safe inside a table cell: no HTML, no pipes, one line.
func mdCell(s string) string {
	s = strings.ReplaceAll(mdText(s), "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

// mdCode makes s safe inside a `code span` in a table cell.
func mdCode(s string) string {
	s = strings.NewReplacer("`", "'", "|", `\|`).Replace(s)
	return strings.Join(strings.Fields(s), " ")
}
