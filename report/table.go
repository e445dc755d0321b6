package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/trailguard/trailguard/findings"
)

// Table writes a human-readable table of findings, failures first, and a summary.
type Table struct{ color bool }

// NewTable returns the table writer; color enables ANSI colours.
func NewTable(color bool) *Table { return &Table{color: color} }

// Write implements Writer.
func (t *Table) Write(w io.Writer, r Report) error {
	tw := table.NewWriter()
	tw.SetOutputMirror(w)
	tw.SetStyle(table.StyleLight)
	tw.Style().Format.Header = text.FormatUpper
	tw.AppendHeader(table.Row{"Status", "Severity", "Check", "Resource", "Region", "Message"})
	tw.SetColumnConfigs([]table.ColumnConfig{
		{Number: 6, WidthMax: 80, WidthMaxEnforcer: text.WrapSoft},
	})
	for _, f := range byImportance(r.Findings) {
		region := f.Region
		if region == "" {
			region = "-"
		}
		tw.AppendRow(table.Row{t.status(f.Status), t.severity(f), f.CheckID, r.resourceLabel(f), region, withWaiverNote(f)})
	}
	if len(r.Findings) > 0 {
		tw.Render()
	}
	s := r.Summary()
	var sev []string
	for _, x := range findings.Severities {
		if n := s.FailedBySeverity[x]; n > 0 {
			sev = append(sev, fmt.Sprintf("%d %s", n, x))
		}
	}
	failed := fmt.Sprintf("%d failed", s.Failed)
	if len(sev) > 0 {
		failed += " (" + strings.Join(sev, ", ") + ")"
	}
	waived := ""
	if s.Waived > 0 {
		waived = fmt.Sprintf(", %d waived", s.Waived)
	}
	_, err := fmt.Fprintf(w, "\n%s: %d checks on %d resources, %d findings: %s passed, %s, %s unknown%s\n",
		upperFirst(r.accountLabel()), s.ChecksEvaluated, s.ResourcesEvaluated, s.Total,
		t.paint(fmt.Sprint(s.Passed), text.FgGreen), t.paint(failed, text.FgRed), t.paint(fmt.Sprint(s.Unknown), text.FgYellow), waived)
	if err != nil {
		return err
	}
	if org := r.OrgSummary(); org != nil {
		if err := t.writeOrgTable(w, org); err != nil {
			return err
		}
	}
	if r.Compliance == nil {
		return nil
	}
	return t.writeCompliance(w, r.Compliance)
}

func (t *Table) status(s findings.Status) string {
	switch s {
	case findings.Fail:
		return t.paint(string(s), text.FgRed, text.Bold)
	case findings.Unknown:
		return t.paint(string(s), text.FgYellow)
	case findings.Waived:
		return t.paint(string(s), text.FgCyan)
	}
	return t.paint(string(s), text.FgGreen)
}

func (t *Table) severity(f findings.Finding) string {
	if f.Status != findings.Fail {
		return string(f.Severity)
	}
	switch f.Severity {
	case findings.Critical:
		return t.paint(string(f.Severity), text.FgHiRed, text.Bold)
	case findings.High:
		return t.paint(string(f.Severity), text.FgRed)
	}
	return string(f.Severity)
}

func (t *Table) paint(s string, c ...text.Color) string {
	if !t.color {
		return s
	}
	return text.Colors(c).Sprint(s)
}
