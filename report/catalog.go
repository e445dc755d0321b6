package report

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/trailguard/trailguard/compliance"
	"github.com/trailguard/trailguard/findings"
)

// The catalog renderers: what `trailguard policies` and `trailguard
// frameworks` print about the loaded checks, from their METADATA.

// CatalogFormats lists the formats WriteCatalog accepts.
func CatalogFormats() []string { return []string{"table", "json", "markdown"} }

// WriteCatalog lists the checks in format (see CatalogFormats); markdown is
// the table README.md embeds.
func WriteCatalog(w io.Writer, format string, checks []findings.Check) error {
	switch format {
	case "json":
		return writeIndentedJSON(w, checks)
	case "markdown":
		return writeCatalogMarkdown(w, checks)
	case "table":
		tw := catalogTable(w, table.Row{"ID", "Severity", "Title", "Frameworks"})
		for _, chk := range checks {
			var fw []string
			for _, name := range slices.Sorted(maps.Keys(chk.Frameworks)) {
				fw = append(fw, name+" "+strings.Join(controlIDs(chk, name), ","))
			}
			tw.AppendRow(table.Row{chk.ID, chk.Severity, chk.Title, strings.Join(fw, "; ")})
		}
		tw.Render()
		return nil
	}
	return fmt.Errorf("unknown format %q (want table, json or markdown)", format)
}

// catalogTable is a table in the light style, rendered to w, with header.
func catalogTable(w io.Writer, header table.Row) table.Writer {
	tw := table.NewWriter()
	tw.SetOutputMirror(w)
	tw.SetStyle(table.StyleLight)
	tw.AppendHeader(header)
	return tw
}

// controlIDs lists the check's controls of framework fw, those it covers only
// in part marked "(partial)".
func controlIDs(c findings.Check, fw string) []string {
	ids := make([]string, 0, len(c.Frameworks[fw]))
	for _, id := range c.Frameworks[fw] {
		if _, partial := c.PartialControls[fw][id]; partial {
			id += " (partial)"
		}
		ids = append(ids, id)
	}
	return ids
}

// writeCatalogMarkdown renders the catalog as the Markdown table README.md embeds.
func writeCatalogMarkdown(w io.Writer, checks []findings.Check) error {
	var b strings.Builder
	b.WriteString("| ID | Severity | Check | CIS v3.0.0 | CIS v1.4.0 | Security Hub |\n|---|---|---|---|---|---|\n")
	for _, c := range checks {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", c.ID, c.Severity, c.Title,
			strings.Join(controlIDs(c, "cis-aws-v3.0.0"), ", "),
			strings.Join(controlIDs(c, "cis-aws-v1.4.0"), ", "),
			strings.Join(controlIDs(c, "securityhub"), ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// FrameworkFormats lists the formats WriteFrameworks accepts.
func FrameworkFormats() []string { return []string{"table", "json"} }

// WriteFrameworks lists the frameworks and controls of catalog in format
// (see FrameworkFormats), with what the checks leave out of each control.
func WriteFrameworks(w io.Writer, format string, catalog []compliance.Framework) error {
	switch format {
	case "json":
		return writeIndentedJSON(w, catalog)
	case "table":
		tw := catalogTable(w, table.Row{"Framework", "Control", "Checks", "Coverage"})
		tw.Style().Format.Header = text.FormatUpper
		for _, fw := range catalog {
			for i, ctrl := range fw.Controls {
				name := fw.Name // on the framework's first row only (AutoMerge mislays it beside wrapped cells)
				if i > 0 {
					name = ""
				}
				tw.AppendRow(table.Row{name, ctrl.ID, strings.Join(ctrl.Checks, ", "), coverage(ctrl)})
			}
		}
		tw.SetColumnConfigs([]table.ColumnConfig{{Number: 4, WidthMax: 80, WidthMaxEnforcer: text.WrapSoft}})
		tw.Render()
		return nil
	}
	return fmt.Errorf("unknown format %q (want table or json)", format)
}

// coverage says whether the checks cover a control whole, or what they leave out.
func coverage(ctrl compliance.Control) string {
	switch {
	case ctrl.Partial:
		return "partly: " + strings.Join(ctrl.Notes, "; ")
	case len(ctrl.Notes) > 0:
		return "whole (" + strings.Join(ctrl.Notes, "; ") + ")"
	}
	return "whole"
}

// writeIndentedJSON writes v as JSON indented by two spaces, HTML characters
// escaped as encoding/json does by default.
func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
