package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/trailguard/trailguard/findings"
)

// orgTopChecks is how many of the checks failing in the most accounts the
// table and Markdown reports list.
const orgTopChecks = 10

// orgTitle names the organization for a report heading.
func (s *OrgSummary) orgTitle() string {
	t := "organization " + s.ID
	if s.ManagementAccountID != "" {
		t += " (management account " + s.ManagementAccountID + ")"
	}
	return t
}

func (s *OrgSummary) totalsText() string {
	return fmt.Sprintf("%d accounts: %d scanned, %d not scanned; %d with failures", s.Totals.Accounts, s.Totals.Scanned, s.Totals.NotScanned, s.Totals.Failing)
}

func failingIn(c OrgCheckCount, scanned int) string {
	return fmt.Sprintf("%d of %d", len(c.Accounts), scanned)
}

// writeOrgTable writes the accounts summary, the checks failing in the most
// accounts and the accounts not scanned, as terminal tables.
func (t *Table) writeOrgTable(w io.Writer, s *OrgSummary) error {
	if _, err := fmt.Fprintf(w, "\nOrganization %s: %s\n", s.ID, s.totalsText()); err != nil {
		return err
	}
	tw := table.NewWriter()
	tw.SetOutputMirror(w)
	tw.SetStyle(table.StyleLight)
	tw.Style().Format.Header = text.FormatUpper
	tw.AppendHeader(table.Row{"Account", "Name", "OU", "Failed", "Unknown", "Passed", "Worst"})
	for _, a := range s.Accounts {
		worst := string(a.WorstSeverity)
		if !a.Scanned {
			worst = t.paint("NOT SCANNED", text.FgYellow)
		} else if worst == "" {
			worst = "-"
		}
		failed := fmt.Sprint(a.Failed)
		if a.Failed > 0 {
			failed = t.paint(failed, text.FgRed)
		}
		tw.AppendRow(table.Row{a.ID, a.Name, a.OUPath, failed, a.Unknown, a.Passed, worst})
	}
	tw.Render()
	if len(s.MostFailed) > 0 {
		fmt.Fprintln(w, "\nChecks failing in the most accounts:")
		tw := table.NewWriter()
		tw.SetOutputMirror(w)
		tw.SetStyle(table.StyleLight)
		tw.Style().Format.Header = text.FormatUpper
		tw.AppendHeader(table.Row{"Check", "Severity", "Failing in", "Title"})
		for i, c := range s.MostFailed {
			if i == orgTopChecks {
				break
			}
			tw.AppendRow(table.Row{c.CheckID, c.Severity, failingIn(c, s.Totals.Scanned), c.Title})
		}
		tw.Render()
	}
	if len(s.NotScanned) > 0 {
		fmt.Fprintln(w, "\nAccounts not scanned (every check UNKNOWN):")
		for _, a := range s.NotScanned {
			if _, err := fmt.Fprintf(w, "  %s\n", a.Reason); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeOrgMarkdown writes the organization summary as Markdown.
func writeOrgMarkdown(b *strings.Builder, s *OrgSummary) {
	fmt.Fprintf(b, "\n### Organization %s\n\n%s.\n\n", mdText(s.ID), upperFirst(s.totalsText()))
	b.WriteString("| Account | Name | OU | Failed | Unknown | Passed | Worst |\n|---|---|---|---:|---:|---:|---|\n")
	for _, a := range s.Accounts {
		worst := string(a.WorstSeverity)
		if !a.Scanned {
			worst = "not scanned"
		} else if worst == "" {
			worst = "-"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %d | %d | %d | %s |\n", a.ID, mdCell(a.Name), mdCell(a.OUPath), a.Failed, a.Unknown, a.Passed, worst)
	}
	if len(s.MostFailed) > 0 {
		b.WriteString("\n#### Checks failing in the most accounts\n\n| Check | Severity | Failing in | Title |\n|---|---|---|---|\n")
		for i, c := range s.MostFailed {
			if i == orgTopChecks {
				break
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", c.CheckID, c.Severity, failingIn(c, s.Totals.Scanned), mdCell(c.Title))
		}
	}
	if len(s.NotScanned) > 0 {
		b.WriteString("\n#### Accounts not scanned\n\nEvery check is UNKNOWN for these accounts.\n\n")
		for _, a := range s.NotScanned {
			fmt.Fprintf(b, "- %s\n", mdCell(a.Reason))
		}
	}
}

// orgHTML renders the organization section of the HTML report: counts, a
// heat map of accounts (rows) × checks (columns) coloured by the worst
// status, the checks failing in the most accounts and the accounts not scanned.
func orgHTML(s *OrgSummary, checks map[string]findings.Check) (template.HTML, error) {
	type cell struct{ Class, Title string }
	type row struct {
		OrgAccountRow
		Cells []cell
	}
	type col struct{ ID, Title string }
	d := struct {
		S       *OrgSummary
		Totals  string
		Columns []col
		Rows    []row
	}{S: s, Totals: s.totalsText()}
	for _, id := range s.Checks {
		d.Columns = append(d.Columns, col{ID: id, Title: checks[id].Title})
	}
	for _, a := range s.Accounts {
		r := row{OrgAccountRow: a}
		for i, st := range a.Statuses {
			c := cell{Class: "hm-none", Title: fmt.Sprintf("%s × %s: not reported", a.label(), s.Checks[i])}
			if st != "" {
				c = cell{Class: "hm-" + strings.ToLower(string(st)), Title: fmt.Sprintf("%s × %s: %s", a.label(), s.Checks[i], st)}
			}
			r.Cells = append(r.Cells, c)
		}
		d.Rows = append(d.Rows, r)
	}
	var buf bytes.Buffer
	if err := orgTemplate.Execute(&buf, d); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil // produced by html/template: escaped
}

var orgTemplate = template.Must(template.New("org").Parse(`<section id="organization">
<style>
table.heatmap{width:auto;border-collapse:separate;border-spacing:1px}
table.heatmap td.hm{width:14px;height:14px;padding:0;border:0}
table.heatmap th.check{writing-mode:vertical-rl;transform:rotate(180deg);font-size:11px;font-weight:normal;padding:2px;position:static}
td.hm-fail{background:#d1242f}td.hm-unknown{background:#d4a72c}td.hm-waived{background:#0969da}td.hm-pass{background:#1a7f37}td.hm-none{background:#eaeef2}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
</style>
<h2>Organization {{.S.ID}}</h2>
<p class="meta">{{if .S.ManagementAccountID}}Management account <code>{{.S.ManagementAccountID}}</code> · {{end}}{{.Totals}}</p>
<h2>Accounts × checks</h2>
<p class="legend"><span class="hm-legend" style="background:#d1242f"></span>FAIL<span style="background:#d4a72c"></span>UNKNOWN<span style="background:#0969da"></span>WAIVED<span style="background:#1a7f37"></span>PASS<span style="background:#eaeef2"></span>not reported</p>
<div style="overflow-x:auto">
<table class="heatmap" id="heatmap">
<thead><tr><th>Account</th><th class="num">Failed</th>{{range .Columns}}<th class="check" title="{{.Title}}">{{.ID}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr data-account="{{.ID}}"><td>{{.ID}}{{if .Name}} {{.Name}}{{end}}{{if .OUPath}} <span class="note">{{.OUPath}}</span>{{end}}{{if not .Scanned}} <span class="badge st-unknown">not scanned</span>{{end}}</td><td class="num">{{.Failed}}</td>{{range .Cells}}<td class="hm {{.Class}}" title="{{.Title}}"></td>{{end}}</tr>
{{end}}</tbody>
</table>
</div>
{{if .S.MostFailed}}<h2>Checks failing in the most accounts</h2>
<table id="most-failed">
<thead><tr><th>Check</th><th>Severity</th><th class="num">Accounts</th><th>Title</th></tr></thead>
<tbody>
{{range .S.MostFailed}}<tr><td>{{.CheckID}}</td><td>{{.Severity}}</td><td class="num">{{len .Accounts}} of {{$.S.Totals.Scanned}}</td><td>{{.Title}}</td></tr>
{{end}}</tbody>
</table>
{{end}}{{if .S.NotScanned}}<h2>Accounts not scanned</h2>
<p>Every check is UNKNOWN for these accounts.</p>
<ul id="not-scanned">
{{range .S.NotScanned}}<li>{{.Reason}}</li>
{{end}}</ul>
{{end}}</section>
`))
