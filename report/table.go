package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/trailguard/trailguard/findings"
)

// DefaultWidth is the table's width when none is given (not a terminal, no COLUMNS).
const DefaultWidth = 100

// minWidth is the narrowest table the layout supports.
const minWidth = 60

// Table writes a human-readable report that fits Width columns: a summary of
// the counts by status and severity first, then one section per check (worst
// first) with its title, and in it one row per resource with every reason.
// Resources of the audited account are shown without the ARN prefix that the
// summary and the region column already say.
type Table struct {
	color bool
	// Width is the number of columns to fit (DefaultWidth when 0).
	Width int
}

// NewTable returns the table writer; color enables ANSI colours.
func NewTable(color bool) *Table { return &Table{color: color} }

// Write implements Writer.
func (t *Table) Write(w io.Writer, r Report) error {
	width := t.Width
	if width <= 0 {
		width = DefaultWidth
	}
	width = max(width, minWidth)
	var b strings.Builder
	t.writeSummary(&b, r, width)
	shortened := false
	checks := r.checksByID()
	byCheck, ids := worstChecksFirst(groupByCheckResource(r.Findings))
	for _, id := range ids {
		if t.writeCheck(&b, r, checks[id], byCheck[id], width) {
			shortened = true
		}
	}
	if shortened {
		fmt.Fprintf(&b, "\n%s\n", wrap(fmt.Sprintf("Resources of account %s are shown as service:resource, without arn:PARTITION:SERVICE:REGION:%s: (full ARNs: -f json).", r.Account, r.Account), width))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if r.Compliance == nil {
		return nil
	}
	return t.writeCompliance(w, r.Compliance)
}

// worstChecksFirst groups the (check, resource) groups by check and orders
// the checks worst first: by their worst status, then severity, then id.
func worstChecksFirst(groups []group) (map[string][]group, []string) {
	byCheck := map[string][]group{}
	var ids []string
	for _, g := range groups {
		if _, ok := byCheck[g.CheckID]; !ok {
			ids = append(ids, g.CheckID)
		}
		byCheck[g.CheckID] = append(byCheck[g.CheckID], g)
	}
	worst := func(id string) group {
		gs := byCheck[id]
		return slices.MinFunc(gs, func(a, b group) int { return statusRank[a.Status()] - statusRank[b.Status()] })
	}
	slices.SortFunc(ids, func(a, b string) int {
		ga, gb := worst(a), worst(b)
		return cmp.Or(statusRank[ga.Status()]-statusRank[gb.Status()], gb.First().Severity.Rank()-ga.First().Severity.Rank(), strings.Compare(a, b))
	})
	return byCheck, ids
}

// writeCheck writes one check's heading and its table of resources, worst
// first. It returns whether a resource was shown without its ARN prefix.
func (t *Table) writeCheck(b *strings.Builder, r Report, chk findings.Check, gs []group, width int) (shortened bool) {
	slices.SortStableFunc(gs, func(a, b group) int { return statusRank[a.Status()] - statusRank[b.Status()] })
	counts := map[findings.Status]int{}
	for _, g := range gs {
		counts[g.Status()]++
	}
	var parts []string
	for _, s := range []findings.Status{findings.Fail, findings.Unknown, findings.Waived, findings.Pass} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	id := gs[0].CheckID
	head := fmt.Sprintf("%s [%s] %s (%s)", t.paint(id, text.Bold), chk.Severity, chk.Title, strings.Join(parts, ", "))
	fmt.Fprintf(b, "\n%s\n", wrap(head, width))

	tw := table.NewWriter()
	tw.SetStyle(table.StyleLight)
	tw.Style().Format.Header = text.FormatUpper
	tw.AppendHeader(table.Row{"Status", "Resource", "Region", "Reason"})
	resW, regW, msgW := t.columns(gs, r.Account, width)
	tw.SetColumnConfigs([]table.ColumnConfig{
		{Number: 2, WidthMax: resW, WidthMaxEnforcer: wrapARN},
		{Number: 3, WidthMax: regW, WidthMaxEnforcer: text.WrapHard},
		{Number: 4, WidthMax: msgW, WidthMaxEnforcer: wrapEachLine},
	})
	for _, g := range gs {
		res, short := displayResource(g.Resource, r.Account)
		if r.Organization != nil {
			res = g.Account + ": " + res
		}
		shortened = shortened || short
		region := g.First().Region
		if region == "" {
			region = "-"
		}
		msgs := g.Messages()
		if len(msgs) > 1 {
			for i := range msgs {
				msgs[i] = "- " + msgs[i]
			}
		}
		if note := waiverNote(g.First()); note != "" {
			msgs = append(msgs, "("+note+")")
		}
		tw.AppendRow(table.Row{t.status(g.Status()), res, region, strings.Join(msgs, "\n")})
	}
	b.WriteString(tw.Render())
	b.WriteString("\n")
	return shortened
}

// columns shares the width between the resource, region and reason columns
// (status is at most 7 wide; borders and padding take 13).
func (t *Table) columns(gs []group, account string, width int) (res, region, msg int) {
	longestRes, longestReg := len("Resource"), len("Region")
	for _, g := range gs {
		r, _ := displayResource(g.Resource, account)
		longestRes = max(longestRes, len(r))
		longestReg = max(longestReg, len(g.First().Region))
	}
	avail := width - 13 - len("UNKNOWN")
	region = min(longestReg, 14)
	avail -= region
	res = min(longestRes, max(avail*2/5, 12))
	msg = max(avail-res, 16)
	return res, region, msg
}

// wrapARN wraps a resource at ':' and '/' where it can, else hard.
func wrapARN(s string, width int) string {
	if width <= 0 || text.StringWidthWithoutEscSequences(s) <= width {
		return s
	}
	var lines []string
	for len(s) > width {
		cut := strings.LastIndexAny(s[:width], ":/")
		if cut <= 0 {
			cut = width - 1
		}
		lines = append(lines, s[:cut+1])
		s = s[cut+1:]
	}
	return strings.Join(append(lines, s), "\n")
}

// displayResource shortens an ARN of the audited account (or of no account,
// e.g. an S3 bucket) to service:resource.
func displayResource(resource, account string) (string, bool) {
	a, err := arn.Parse(resource)
	if err != nil || (a.AccountID != "" && a.AccountID != account) {
		return resource, false
	}
	return a.Service + ":" + a.Resource, true
}

// writeSummary writes the account line and the counts by status and severity.
func (t *Table) writeSummary(b *strings.Builder, r Report, width int) {
	s := r.Summary()
	fmt.Fprintf(b, "%s\n", wrap(fmt.Sprintf("%s: %d checks on %d resources, %d findings: %d failed, %d unknown, %d passed, %d waived",
		upperFirst(r.accountLabel()), s.ChecksEvaluated, s.ResourcesEvaluated, s.Total, s.Failed, s.Unknown, s.Passed, s.Waived), width))
	counts := map[findings.Status]map[findings.Severity]int{}
	for _, f := range r.Findings {
		if counts[f.Status] == nil {
			counts[f.Status] = map[findings.Severity]int{}
		}
		counts[f.Status][f.Severity]++
	}
	tw := table.NewWriter()
	tw.SetStyle(table.StyleLight)
	tw.Style().Format.Header = text.FormatUpper
	header := table.Row{"Status"}
	for _, sev := range findings.Severities {
		header = append(header, string(sev))
	}
	tw.AppendHeader(append(header, "Total"))
	for _, st := range []findings.Status{findings.Fail, findings.Unknown, findings.Waived, findings.Pass} {
		row := table.Row{t.status(st)}
		total := 0
		for _, sev := range findings.Severities {
			n := counts[st][sev]
			total += n
			row = append(row, n)
		}
		tw.AppendRow(append(row, total))
	}
	cfg := make([]table.ColumnConfig, 0, len(findings.Severities)+1)
	for i := range len(findings.Severities) + 1 {
		cfg = append(cfg, table.ColumnConfig{Number: i + 2, Align: text.AlignRight})
	}
	tw.SetColumnConfigs(cfg)
	b.WriteString(tw.Render())
	b.WriteString("\n")
	if org := r.OrgSummary(); org != nil {
		_ = t.writeOrgTable(b, org) // a strings.Builder does not fail
	}
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

func (t *Table) paint(s string, c ...text.Color) string {
	if !t.color {
		return s
	}
	return text.Colors(c).Sprint(s)
}

// wrapEachLine wraps every line of a multi-line cell on its own.
func wrapEachLine(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = wrap(l, width)
	}
	return strings.Join(lines, "\n")
}

// wrap wraps s at spaces to width columns.
func wrap(s string, width int) string {
	lines := strings.Split(text.WrapSoft(s, width), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
