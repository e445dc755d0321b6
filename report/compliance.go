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
	tw.AppendHeader(table.Row{"Control", "Status", "Checks", "Pass", "Fail", "Unknown"})
	for _, c := range res.Controls {
		tw.AppendRow(table.Row{c.ID, t.controlStatus(c.Status), strings.Join(c.Checks, ", "), c.Passed, c.Failed, c.Unknown})
	}
	if len(res.Controls) > 0 {
		tw.Render()
	}
	s := res.Summary
	_, err := fmt.Fprintf(w, "\n%s: %d controls: %s passed, %s failed, %s unknown, %d not covered\n",
		res.Framework, s.Controls, t.paint(fmt.Sprint(s.Passed), text.FgGreen),
		t.paint(fmt.Sprint(s.Failed), text.FgRed), t.paint(fmt.Sprint(s.Unknown), text.FgYellow), s.NotCovered)
	return err
}

func (t *Table) controlStatus(s compliance.Status) string {
	switch s {
	case compliance.Fail:
		return t.paint(string(s), text.FgRed, text.Bold)
	case compliance.Unknown:
		return t.paint(string(s), text.FgYellow)
	case compliance.Pass:
		return t.paint(string(s), text.FgGreen)
	}
	return string(s)
}

// writeComplianceMarkdown renders the per-control results as a Markdown table.
func writeComplianceMarkdown(b *strings.Builder, res *compliance.Result) {
	s := res.Summary
	fmt.Fprintf(b, "\n### Compliance: %s\n\n%d controls: **%d failed**, %d unknown, %d passed, %d not covered.\n\n",
		mdText(res.Framework), s.Controls, s.Failed, s.Unknown, s.Passed, s.NotCovered)
	b.WriteString("| Control | Status | Checks | Pass | Fail | Unknown |\n|---|---|---|---:|---:|---:|\n")
	for _, c := range res.Controls {
		fmt.Fprintf(b, "| %s | %s | %s | %d | %d | %d |\n", mdCell(c.ID), c.Status, mdCell(strings.Join(c.Checks, ", ")), c.Passed, c.Failed, c.Unknown)
	}
}
