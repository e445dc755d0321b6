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
//
// GitHub refuses a comment longer than 65,536 characters, which an account
// with 150 failures already exceeds. The report therefore keeps within a
// limit: the summary always, then as many findings as fit (failures first,
// most severe first), then a line saying how many more there are and that
// the full report has them. The limit is counted in bytes, never fewer than
// characters.
type Markdown struct{ limit int }

// MarkdownCommentLimit is the longest comment GitHub accepts, in characters.
const MarkdownCommentLimit = 65536

// markdownMinLimit is the smallest limit: the summary and the line about
// what was left out must fit.
const markdownMinLimit = 2048

// NewMarkdown returns the Markdown writer, limited to GitHub's comment size.
func NewMarkdown() *Markdown { return NewMarkdownLimit(0) }

// NewMarkdownLimit returns the Markdown writer limited to limit bytes; 0 means
// MarkdownCommentLimit, a negative limit means no limit.
func NewMarkdownLimit(limit int) *Markdown {
	if limit == 0 {
		limit = MarkdownCommentLimit
	}
	return &Markdown{limit: limit}
}

// ValidateMarkdownLimit says whether limit can hold a report's summary.
func ValidateMarkdownLimit(limit int) error {
	if limit > 0 && limit < markdownMinLimit {
		return fmt.Errorf("%d is too small for the summary; use at least %d (or 0 for GitHub's %d, -1 for no limit)", limit, markdownMinLimit, MarkdownCommentLimit)
	}
	return nil
}

// mdSection is a part of the report that may be cut: a head, items (each a
// finding when findings is set), and a tail that closes the head.
type mdSection struct {
	head     string
	items    []string
	tail     string
	status   findings.Status // the status of the findings the items are; "" when they are not findings
	required bool            // the summary: never cut
}

// Write implements Writer.
func (m Markdown) Write(w io.Writer, r Report) error {
	sections := markdownSections(r)
	var b strings.Builder
	if m.limit < 0 {
		for _, sec := range sections {
			b.WriteString(sec.head + strings.Join(sec.items, "") + sec.tail)
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	full := 0
	for _, sec := range sections {
		full += len(sec.head) + len(sec.tail)
		for _, it := range sec.items {
			full += len(it)
		}
	}
	budget := m.limit
	if full > m.limit {
		budget -= mdOmittedReserve
	}
	omitted := map[findings.Status]int{}
	partsLeftOut := false
	for _, sec := range sections {
		if sec.required {
			b.WriteString(sec.head + strings.Join(sec.items, "") + sec.tail)
			continue
		}
		if len(sec.items) == 0 || b.Len()+len(sec.head)+len(sec.items[0])+len(sec.tail) > budget {
			if sec.status != "" {
				omitted[sec.status] += len(sec.items)
			}
			partsLeftOut = true
			continue
		}
		b.WriteString(sec.head)
		for i, it := range sec.items {
			if b.Len()+len(it)+len(sec.tail) > budget {
				if sec.status != "" {
					omitted[sec.status] += len(sec.items) - i
				}
				partsLeftOut = true
				break
			}
			b.WriteString(it)
		}
		b.WriteString(sec.tail)
	}
	if partsLeftOut {
		b.WriteString(mdOmitted(omitted, m.limit))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdOmittedReserve is room kept for the line that mdOmitted writes.
const mdOmittedReserve = 400

// mdOmitted is the line that ends a report that had to be cut.
func mdOmitted(omitted map[findings.Status]int, limit int) string {
	total := 0
	var parts []string
	for _, st := range []findings.Status{findings.Fail, findings.Unknown, findings.Waived, findings.Pass} {
		if n := omitted[st]; n > 0 {
			total += n
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(string(st))))
		}
	}
	what := "Some sections are not shown"
	if total > 0 {
		what = fmt.Sprintf("**%d more, see the full report** (%s not shown)", total, strings.Join(parts, ", "))
	}
	return fmt.Sprintf("\n---\n\n%s: this summary is limited to %d characters (GitHub's comment limit is %d; set another with --markdown-limit). Write the full report with `-f markdown=FILE --markdown-limit -1`, or `-f html=FILE`.\n", what, limit, MarkdownCommentLimit)
}

// markdownSections builds the report, in the order it is cut from the end:
// the summary (never cut), the failing findings and how to fix them, those
// that could not be evaluated, the waived, the passed, and the compliance.
func markdownSections(r Report) []mdSection {
	fs := slices.Clone(r.Findings)
	findings.Sort(fs)
	fs = byImportance(fs)
	out := []mdSection{{head: mdSummary(r, fs), required: true}}
	if failing := filterStatus(fs, findings.Fail); len(failing) > 0 {
		out = append(out, mdFailing(r, failing), mdHowToFix(failing, r.checksByID()))
	}
	if unknown := filterStatus(fs, findings.Unknown); len(unknown) > 0 {
		sec := mdSection{status: findings.Unknown, head: fmt.Sprintf("\n### Could not be evaluated (%d)\n\n", len(unknown))}
		for _, f := range unknown {
			sec.items = append(sec.items, fmt.Sprintf("- **%s** (%s) `%s`: %s\n", f.CheckID, f.Severity, mdCode(r.resourceLabel(f)), mdText(withWaiverNote(f))))
		}
		out = append(out, sec)
	}
	if waived := filterStatus(fs, findings.Waived); len(waived) > 0 {
		sec := mdSection{status: findings.Waived,
			head: fmt.Sprintf("\n### Waived (%d)\n\n| Severity | Check | Resource | Reason | Expires |\n|---|---|---|---|---|\n", len(waived))}
		for _, f := range waived {
			sec.items = append(sec.items, fmt.Sprintf("| %s | %s %s | `%s` | %s | %s |\n", f.Severity, f.CheckID, mdCell(f.Title), mdCode(r.resourceLabel(f)), mdCell(f.WaiverReason), mdCell(f.WaiverExpires)))
		}
		out = append(out, sec)
	}
	if passing := filterStatus(fs, findings.Pass); len(passing) > 0 {
		out = append(out, mdPassed(r, passing))
	}
	if r.Compliance != nil {
		var cb strings.Builder
		writeComplianceMarkdown(&cb, r.Compliance)
		out = append(out, mdSection{items: []string{cb.String()}})
	}
	return out
}

// mdSummary is the head of the report: the account (and organization), what
// was evaluated, and the counts of fs by status and severity.
func mdSummary(r Report, fs []findings.Finding) string {
	var b strings.Builder
	s := r.Summary()
	fmt.Fprintf(&b, "## trailguard: %s\n\n", mdText(r.accountLabel()))
	if org := r.OrgSummary(); org != nil {
		writeOrgMarkdown(&b, org)
	}
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
	statuses := []findings.Status{findings.Fail, findings.Unknown, findings.Pass}
	if s.Waived > 0 {
		statuses = []findings.Status{findings.Fail, findings.Unknown, findings.Waived, findings.Pass}
	}
	writeMdCounts(&b, fs, statuses)
	if len(fs) == 0 {
		b.WriteString("\nNo findings.\n")
	}
	return b.String()
}

// writeMdCounts writes the table of fs counted by status (a row each of
// statuses) and severity.
func writeMdCounts(b *strings.Builder, fs []findings.Finding, statuses []findings.Status) {
	b.WriteString("| Status |")
	for _, sev := range findings.Severities {
		b.WriteString(" " + upperFirst(string(sev)) + " |")
	}
	b.WriteString(" Total |\n|---|" + strings.Repeat("---:|", len(findings.Severities)+1) + "\n")
	for _, st := range statuses {
		counts := map[findings.Severity]int{}
		total := 0
		for _, f := range fs {
			if f.Status == st {
				counts[f.Severity]++
				total++
			}
		}
		fmt.Fprintf(b, "| %s |", st)
		for _, sev := range findings.Severities {
			fmt.Fprintf(b, " %d |", counts[sev])
		}
		fmt.Fprintf(b, " %d |\n", total)
	}
}

// mdFailing is the table of failing findings.
func mdFailing(r Report, failing []findings.Finding) mdSection {
	sec := mdSection{status: findings.Fail,
		head: fmt.Sprintf("\n### Failing checks (%d)\n\n| Severity | Check | Resource | Message |\n|---|---|---|---|\n", len(failing))}
	for _, f := range failing {
		sec.items = append(sec.items, fmt.Sprintf("| %s | %s %s | `%s` | %s |\n", f.Severity, f.CheckID, mdCell(f.Title), mdCode(r.resourceLabel(f)), mdCell(withWaiverNote(f))))
	}
	return sec
}

// mdHowToFix is the remediation of each failing check, once per check, in
// the order the checks first fail.
func mdHowToFix(failing []findings.Finding, checks map[string]findings.Check) mdSection {
	fix := mdSection{head: "\n#### How to fix\n"}
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
		var it strings.Builder
		fmt.Fprintf(&it, "\n<details><summary><b>%s</b> %s (%s, %s)</summary>\n\n", mdHTML.Replace(f.CheckID), mdHTML.Replace(f.Title), f.Severity, plural(n, "resource"))
		if rem.Console != "" {
			it.WriteString("**Console:** " + mdText(rem.Console) + "\n\n")
		}
		if rem.CLI != "" {
			fence := mdFence(rem.CLI)
			it.WriteString("**CLI:**\n\n" + fence + "sh\n" + rem.CLI + "\n" + fence + "\n\n")
		}
		it.WriteString("</details>\n")
		fix.items = append(fix.items, it.String())
	}
	return fix
}

// mdPassed is the folded list of passed findings.
func mdPassed(r Report, passing []findings.Finding) mdSection {
	ids := map[string]bool{}
	for _, f := range passing {
		ids[f.CheckID] = true
	}
	sec := mdSection{status: findings.Pass, tail: "\n</details>\n",
		head: fmt.Sprintf("\n<details><summary>%s passed (%s)</summary>\n\n| Check | Resource |\n|---|---|\n",
			plural(len(passing), "finding"), plural(len(ids), "check"))}
	for _, f := range passing {
		sec.items = append(sec.items, fmt.Sprintf("| %s %s | `%s` |\n", f.CheckID, mdCell(f.Title), mdCode(r.resourceLabel(f))))
	}
	return sec
}

// mdFence is a code fence longer than any run of backticks in code.
func mdFence(code string) string {
	fence := "```"
	for strings.Contains(code, fence) {
		fence += "`"
	}
	return fence
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

// mdHTML neutralises HTML (inside an HTML block, where Markdown is not read).
var mdHTML = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// mdEscape neutralises HTML and the Markdown that text from the snapshot or a
// policy may hold by accident: "*" in an ARN or a policy must not start
// italics, "_" in a name must not underline, "[" must not start a link.
var mdEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;",
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "|", `\|`, "~", `\~`)

// mdText makes text from the snapshot or a policy safe in Markdown.
func mdText(s string) string { return mdEscape.Replace(s) }

// mdCell makes s safe inside a table cell: no HTML, no Markdown, no pipes, one line.
func mdCell(s string) string {
	return strings.Join(strings.Fields(mdText(s)), " ")
}

// mdCode makes s safe inside a `code span` in a table cell.
func mdCode(s string) string {
	s = strings.NewReplacer("`", "'", "|", `\|`).Replace(s)
	return strings.Join(strings.Fields(s), " ")
}
