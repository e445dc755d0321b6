package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/trailguard/trailguard/compliance"
)

// writeCompliance renders the per-control results of eval --framework
// after the findings table.
func (t *Table) writeCompliance(w io.Writer, res *compliance.Result) error {
	if _, err := fmt.Fprintf(w, "\nFramework %s\n", res.Framework); err != nil {
		return err
	}
	tw := table.NewWriter()
	tw.SetOutputMirror(w)
	tw.SetStyle(table.StyleLight)
	tw.Style().Format.Header = text.FormatUpper
	waived := hasWaived(res)
	header := table.Row{"Control", "Status", "Checks", "Pass", "Fail", "Unknown"}
	if waived {
		header = append(header, "Waived")
	}
	tw.AppendHeader(header)
	// The checks column takes what the others leave of the width.
	width := t.Width
	if width <= 0 {
		width = DefaultWidth
	}
	tw.SetColumnConfigs([]table.ColumnConfig{{Number: 3, WidthMax: max(20, width-62), WidthMaxEnforcer: text.WrapSoft}})
	for _, c := range res.Controls {
		row := table.Row{c.ID, t.controlStatus(c.Status), checksCell(c), c.Passed, c.Failed, c.Unknown}
		if waived {
			row = append(row, c.Waived)
		}
		tw.AppendRow(row)
	}
	if len(res.Controls) > 0 {
		tw.Render()
	}
	s := res.Summary
	_, err := fmt.Fprintf(w, "\n%s: %d controls: %s passed, %s failed, %s unknown, %s%s%d not covered\n",
		res.Framework, s.Controls, t.paint(fmt.Sprint(s.Passed), text.FgGreen),
		t.paint(fmt.Sprint(s.Failed), text.FgRed), t.paint(fmt.Sprint(s.Unknown), text.FgYellow), waivedCount(s), partlyCount(s), s.NotCovered)
	return err
}

// checksCell lists a control's checks and, when they cover it only in part,
// what they leave out.
func checksCell(c compliance.ControlResult) string {
	checks := strings.Join(c.Checks, ", ")
	if !c.Partial {
		return checks
	}
	return checks + " (partly covered: " + strings.Join(c.Notes, "; ") + ")"
}

func partlyCount(s compliance.Summary) string {
	if s.PartlyCovered == 0 {
		return ""
	}
	return fmt.Sprintf("%d partly covered, ", s.PartlyCovered)
}

// hasWaived tells whether any control has waived findings; only then do the
// compliance tables show a Waived column.
func hasWaived(res *compliance.Result) bool {
	for _, c := range res.Controls {
		if c.Waived > 0 {
			return true
		}
	}
	return false
}

func waivedCount(s compliance.Summary) string {
	if s.Waived == 0 {
		return ""
	}
	return fmt.Sprintf("%d waived, ", s.Waived)
}

func (t *Table) controlStatus(s compliance.Status) string {
	switch s {
	case compliance.Fail:
		return t.paint(string(s), text.FgRed, text.Bold)
	case compliance.Unknown:
		return t.paint(string(s), text.FgYellow)
	case compliance.Waived:
		return t.paint(string(s), text.FgCyan)
	case compliance.Pass:
		return t.paint(string(s), text.FgGreen)
	case compliance.PartlyCovered:
		return t.paint(string(s), text.FgCyan)
	}
	return string(s)
}

// writeComplianceMarkdown renders the per-control results as a Markdown table.
func writeComplianceMarkdown(b *strings.Builder, res *compliance.Result) {
	s := res.Summary
	fmt.Fprintf(b, "\n### Compliance: %s\n\n%d controls: **%d failed**, %d unknown, %s%d passed, %s%d not covered.\n\n",
		mdText(res.Framework), s.Controls, s.Failed, s.Unknown, waivedCount(s), s.Passed, partlyCount(s), s.NotCovered)
	waived := hasWaived(res)
	if waived {
		b.WriteString("| Control | Status | Checks | Pass | Fail | Unknown | Waived |\n|---|---|---|---:|---:|---:|---:|\n")
	} else {
		b.WriteString("| Control | Status | Checks | Pass | Fail | Unknown |\n|---|---|---|---:|---:|---:|\n")
	}
	for _, c := range res.Controls {
		fmt.Fprintf(b, "| %s | %s | %s | %d | %d | %d |", mdCell(c.ID), c.Status, mdCell(checksCell(c)), c.Passed, c.Failed, c.Unknown)
		if waived {
			fmt.Fprintf(b, " %d |", c.Waived)
		}
		b.WriteString("\n")
	}
}
