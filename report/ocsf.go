package report

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/trailguard/trailguard/findings"
)

// OCSF writes a JSON array of OCSF 1.3.0 Compliance Finding events (class
// 2003), one per finding, for security data lakes. Every event declares the
// "cloud" profile in metadata.profiles: cloud, resources[].region and
// resources[].cloud_partition are attributes of that profile, and an event
// that uses them without declaring it is invalid.
type OCSF struct{}

// NewOCSF returns the OCSF writer.
func NewOCSF() *OCSF { return &OCSF{} }

// OCSF constants for the Compliance Finding class.
const (
	ocsfVersion      = "1.3.0"
	ocsfCategoryUID  = 2 // Findings
	ocsfClassUID     = 2003
	ocsfActivityUID  = 1 // Create
	ocsfTypeUID      = ocsfClassUID*100 + ocsfActivityUID
	ocsfProductName  = "trailguard"
	ocsfVendorName   = "trailguard"
	ocsfStandardSelf = "trailguard"
)

// OCSFEvent is one Compliance Finding event.
type OCSFEvent struct {
	ActivityID   int               `json:"activity_id"`
	ActivityName string            `json:"activity_name"`
	CategoryUID  int               `json:"category_uid"`
	CategoryName string            `json:"category_name"`
	ClassUID     int               `json:"class_uid"`
	ClassName    string            `json:"class_name"`
	TypeUID      int               `json:"type_uid"`
	TypeName     string            `json:"type_name"`
	SeverityID   int               `json:"severity_id"`
	Severity     string            `json:"severity"`
	StatusID     int               `json:"status_id"`
	Status       string            `json:"status"`
	Time         int64             `json:"time"`
	Message      string            `json:"message"`
	Compliance   OCSFCompliance    `json:"compliance"`
	FindingInfo  OCSFFindingInfo   `json:"finding_info"`
	Resources    []OCSFResource    `json:"resources"`
	Cloud        OCSFCloud         `json:"cloud"`
	Remediation  *OCSFRemediation  `json:"remediation,omitempty"`
	Metadata     OCSFMetadata      `json:"metadata"`
	Unmapped     map[string]string `json:"unmapped,omitempty"`
}

// OCSFCompliance is the compliance object.
type OCSFCompliance struct {
	Status       string   `json:"status"`
	StatusID     int      `json:"status_id"`
	Control      string   `json:"control"`
	Standards    []string `json:"standards"`
	Requirements []string `json:"requirements,omitempty"`
}

// OCSFFindingInfo is the finding_info object.
type OCSFFindingInfo struct {
	UID         string   `json:"uid"`
	Title       string   `json:"title"`
	Desc        string   `json:"desc,omitempty"`
	Types       []string `json:"types"`
	CreatedTime int64    `json:"created_time"`
}

// OCSFResource is a resource_details object.
type OCSFResource struct {
	UID            string `json:"uid"`
	Name           string `json:"name"`
	Type           string `json:"type,omitempty"`
	Region         string `json:"region,omitempty"`
	CloudPartition string `json:"cloud_partition"`
}

// OCSFCloud is the cloud object.
type OCSFCloud struct {
	Provider string      `json:"provider"`
	Region   string      `json:"region,omitempty"`
	Account  OCSFAccount `json:"account"`
}

// OCSFAccount is the account object.
type OCSFAccount struct {
	UID    string `json:"uid"`
	Type   string `json:"type"`
	TypeID int    `json:"type_id"`
}

// OCSFRemediation is the remediation object.
type OCSFRemediation struct {
	Desc string `json:"desc"`
}

// OCSFMetadata is the metadata object.
type OCSFMetadata struct {
	Version  string      `json:"version"`
	Profiles []string    `json:"profiles"`
	Product  OCSFProduct `json:"product"`
}

// OCSFProduct is the product object.
type OCSFProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
}

// ocsfSeverity maps severities to OCSF severity_id.
var ocsfSeverity = map[findings.Severity]int{
	findings.Info: 1, findings.Low: 2, findings.Medium: 3, findings.High: 4, findings.Critical: 5,
}

// ocsfStandard names trailguard's framework ids as compliance standards.
var ocsfStandard = map[string]string{
	"cis-aws-v1.2.0": "CIS AWS Foundations Benchmark v1.2.0",
	"cis-aws-v1.4.0": "CIS AWS Foundations Benchmark v1.4.0",
	"cis-aws-v3.0.0": "CIS AWS Foundations Benchmark v3.0.0",
	"securityhub":    "AWS Foundational Security Best Practices",
}

// Write implements Writer.
func (OCSF) Write(w io.Writer, r Report) error {
	if r.CollectedAt == "" {
		return errors.New("ocsf: the snapshot has no collected_at, which the event time needs")
	}
	t, err := time.Parse(time.RFC3339, r.CollectedAt)
	if err != nil {
		return fmt.Errorf("ocsf: collected_at: %w", err)
	}
	ms := t.UnixMilli()
	checks := r.checksByID()
	out := []OCSFEvent{}
	for _, rec := range records(r.Findings) {
		out = append(out, ocsfEvent(r, checks[rec.CheckID], rec, ms))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("ocsf: %w", err)
	}
	return nil
}

// ocsfProfiles are the profiles whose attributes the events use.
var ocsfProfiles = []string{"cloud"}

func ocsfEvent(r Report, c findings.Check, rec record, ms int64) OCSFEvent {
	f := rec.Finding
	account := cmp.Or(f.Account, r.Account)
	region := cmp.Or(f.Region, arnRegion(f.Resource))
	sevID := ocsfSeverity[f.Severity] // 0 (Unknown) for anything else
	e := OCSFEvent{
		ActivityID: ocsfActivityUID, ActivityName: "Create",
		CategoryUID: ocsfCategoryUID, CategoryName: "Findings",
		ClassUID: ocsfClassUID, ClassName: "Compliance Finding",
		TypeUID: ocsfTypeUID, TypeName: "Compliance Finding: Create",
		SeverityID: sevID, Severity: ocsfSeverityName(sevID),
		Time:    ms,
		Message: f.Message,
		FindingInfo: OCSFFindingInfo{
			UID:         fmt.Sprintf("trailguard/%s/%s/%s", account, f.CheckID, rec.Key),
			Title:       cmp.Or(c.Title, f.Title, f.CheckID),
			Desc:        c.Description,
			Types:       []string{"Compliance Check", "trailguard/" + f.CheckID},
			CreatedTime: ms,
		},
		Resources: []OCSFResource{{
			UID: f.Resource, Name: f.Resource, Type: c.ResourceType, Region: region,
			CloudPartition: r.partition(),
		}},
		Cloud: OCSFCloud{Provider: "AWS", Region: region,
			Account: OCSFAccount{UID: account, Type: "AWS Account", TypeID: 10}},
		Metadata: OCSFMetadata{Version: ocsfVersion, Profiles: ocsfProfiles,
			Product: OCSFProduct{Name: ocsfProductName, VendorName: ocsfVendorName}},
		Unmapped: map[string]string{"check_id": f.CheckID, "trailguard_status": string(f.Status)},
	}
	if f.Status == findings.Waived {
		e.Unmapped["waiver_reason"] = f.WaiverReason
		e.Unmapped["waiver_expires"] = f.WaiverExpires
	}
	e.Compliance = ocsfCompliance(f.CheckID, f.Status, c.Frameworks)
	// The finding's workflow status: a passing check needs no action.
	switch f.Status {
	case findings.Pass:
		e.StatusID, e.Status = 4, "Resolved"
	case findings.Waived:
		e.StatusID, e.Status = 3, "Suppressed"
	default:
		e.StatusID, e.Status = 1, "New"
	}
	if text := remediationText(cmpRemediation(f.Remediation, c.Remediation)); text != "" {
		e.Remediation = &OCSFRemediation{Desc: text}
	}
	return e
}

func ocsfCompliance(checkID string, s findings.Status, frameworks map[string][]string) OCSFCompliance {
	c := OCSFCompliance{Control: checkID}
	switch s {
	case findings.Pass:
		c.StatusID, c.Status = 1, "Pass"
	case findings.Fail, findings.Waived:
		c.StatusID, c.Status = 3, "Fail"
	case findings.Unknown:
		// OCSF: "the compliance check did not yield a result due to missing information".
		c.StatusID, c.Status = 2, "Warning"
	default:
		c.StatusID, c.Status = 0, "Unknown"
	}
	for _, fw := range slices.Sorted(maps.Keys(frameworks)) {
		name := cmp.Or(ocsfStandard[fw], fw)
		c.Standards = append(c.Standards, name)
		for _, id := range frameworks[fw] {
			c.Requirements = append(c.Requirements, name+"/"+id)
		}
	}
	if len(c.Standards) == 0 {
		c.Standards = []string{ocsfStandardSelf}
	}
	return c
}

func ocsfSeverityName(id int) string {
	return [...]string{"Unknown", "Informational", "Low", "Medium", "High", "Critical"}[id]
}

func cmpRemediation(a, b findings.Remediation) findings.Remediation {
	if a.Console != "" || a.CLI != "" {
		return a
	}
	return b
}
