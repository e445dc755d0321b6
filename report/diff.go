package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/trailguard/trailguard/diff"
	"github.com/trailguard/trailguard/findings"
)

// Diff is the comparison of two runs, as `trailguard diff` shows it.
type Diff struct {
	Old, New string // what each side was read from (a snapshot or a JSON results file)
	Result   diff.Result
}

// DiffFormats lists the formats WriteDiff accepts.
func DiffFormats() []string { return []string{"json", "markdown", "table"} }

// WriteDiff renders d in format: what got worse first, then what got better,
// then the failures no longer reported, then the counts.
func WriteDiff(w io.Writer, format string, d Diff, color bool) error {
	switch strings.ToLower(format) {
	case "table":
		return writeDiffTable(w, d, &Table{color: color})
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Version string `json:"version"`
			Old     string `json:"old"`
			New     string `json:"new"`
			diff.Result
		}{JSONVersion, d.Old, d.New, d.Result})
	case "markdown":
		return writeDiffMarkdown(w, d)
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(DiffFormats(), ", "))
}

func stateText(s diff.State) string {
	if !s.Reported() {
		return "-"
	}
	if s.Status == findings.Fail || s.Status == findings.Waived {
		return fmt.Sprintf("%s (%s)", s.Status, s.Severity)
	}
	return string(s.Status)
}

// message is the newest message of a change.
func message(c diff.Change) string {
	if c.New.Reported() {
		return c.New.Message
	}
	return c.Old.Message
}

func diffSections(r diff.Result) []struct {
	title   string
	changes []diff.Change
} {
	return []struct {
		title   string
		changes []diff.Change
	}{
		{"Worse", r.Worse}, {"Better", r.Better}, {"No longer reported", r.Gone},
	}
}

func writeDiffTable(w io.Writer, d Diff, t *Table) error {
	for _, sec := range diffSections(d.Result) {
		if len(sec.changes) == 0 {
			continue
		}
		colour := text.FgGreen
		if sec.title == "Worse" {
			colour = text.FgRed
		}
		if _, err := fmt.Fprintf(w, "%s (%d)\n", t.paint(sec.title, colour, text.Bold), len(sec.changes)); err != nil {
			return err
		}
		tw := table.NewWriter()
		tw.SetOutputMirror(w)
		tw.SetStyle(table.StyleLight)
		tw.Style().Format.Header = text.FormatUpper
		tw.AppendHeader(table.Row{"Check", "Resource", "Before", "Now", "Message"})
		tw.SetColumnConfigs([]table.ColumnConfig{{Number: 5, WidthMax: 70, WidthMaxEnforcer: text.WrapSoft}})
		for _, c := range sec.changes {
			tw.AppendRow(table.Row{c.CheckID, changeResource(c), stateText(c.Old), stateText(c.New), message(c)})
		}
		tw.Render()
		fmt.Fprintln(w)
	}
	if worse := d.Result.WorseAccounts(); len(worse) > 0 {
		fmt.Fprintf(w, "%s: %s\n", t.paint(fmt.Sprintf("Accounts that got worse (%d)", len(worse)), text.FgRed, text.Bold), accountsText(d.Result))
	}
	_, err := fmt.Fprintf(w, "%s → %s: %s\n", d.Old, d.New, countsText(d.Result.Counts))
	return err
}

// changeResource shows a change's resource, with its account in an organization.
func changeResource(c diff.Change) string {
	if c.Account == "" || c.Account == c.Resource {
		return c.Resource
	}
	return c.Account + ": " + c.Resource
}

// accountsText lists the accounts that got worse with their counts.
func accountsText(r diff.Result) string {
	var parts []string
	for _, a := range r.Accounts {
		if a.Worse > 0 {
			parts = append(parts, fmt.Sprintf("%s (%d worse, %d better)", a.Account, a.Worse, a.Better))
		}
	}
	return strings.Join(parts, ", ")
}

func countsText(c diff.Counts) string {
	return fmt.Sprintf("%d worse, %d better, %d no longer reported, %d unchanged, %d added, %d removed",
		c.Worse, c.Better, c.Gone, c.Unchanged, c.Added, c.Removed)
}

func writeDiffMarkdown(w io.Writer, d Diff) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## trailguard diff\n\n`%s` → `%s`: %s.\n", mdCode(d.Old), mdCode(d.New), countsText(d.Result.Counts))
	if worse := d.Result.WorseAccounts(); len(worse) > 0 {
		fmt.Fprintf(&b, "\nAccounts that got worse (%d): %s.\n", len(worse), mdText(accountsText(d.Result)))
	}
	for _, sec := range diffSections(d.Result) {
		if len(sec.changes) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### %s (%d)\n\n| Check | Resource | Before | Now | Message |\n|---|---|---|---|---|\n", sec.title, len(sec.changes))
		for _, c := range sec.changes {
			fmt.Fprintf(&b, "| %s %s | `%s` | %s | %s | %s |\n", c.CheckID, mdCell(c.Title), mdCode(changeResource(c)),
				stateText(c.Old), stateText(c.New), mdCell(message(c)))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
