package report

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// CSV writes one row per finding (RFC 4180, a header row first) for
// spreadsheets and the habits of Prowler users. A cell that a spreadsheet
// would run as a formula (it starts with =, +, -, @, a tab or a carriage
// return) is prefixed with a single quote.
type CSV struct{}

// NewCSV returns the CSV writer.
func NewCSV() *CSV { return &CSV{} }

// csvHeader names the columns.
var csvHeader = []string{
	"account", "check_id", "title", "status", "severity", "resource_type", "resource", "region",
	"message", "remediation", "frameworks", "waiver_reason", "waiver_expires", "collected_at", "finding_id",
}

// Write implements Writer.
func (CSV) Write(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	checks := r.checksByID()
	for _, rec := range records(r.Findings) {
		c := checks[rec.CheckID]
		row := []string{
			cmp.Or(rec.Account, r.Account), rec.CheckID, cmp.Or(c.Title, rec.Title), string(rec.Status), string(rec.Severity),
			c.ResourceType, rec.Resource, rec.Region, withWaiverNote(rec.Finding),
			remediationText(cmpRemediation(rec.Remediation, c.Remediation)),
			strings.Join(controls(cmpFrameworks(rec.Frameworks, c.Frameworks)), " "),
			rec.WaiverReason, rec.WaiverExpires, r.CollectedAt, rec.Key,
		}
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}

// csvSafe keeps a spreadsheet from running a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func cmpFrameworks(a, b map[string][]string) map[string][]string {
	if len(a) > 0 {
		return a
	}
	return b
}
