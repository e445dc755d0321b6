package report

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/trailguard/trailguard/findings"
)

// ASFF writes a JSON array of AWS Security Finding Format findings, ready for
// Security Hub's BatchImportFindings: one finding per check and resource, with
// an Id that stays the same across runs so that a re-import updates a finding
// instead of adding a duplicate.
type ASFF struct{ region string }

// NewASFF returns the ASFF writer. region is the Security Hub region the
// findings are imported into (it is part of ProductArn); empty means us-east-1.
func NewASFF(region string) *ASFF {
	if region == "" {
		region = "us-east-1"
	}
	return &ASFF{region: region}
}

// ASFF field limits (BatchImportFindings rejects longer values).
const (
	asffSchemaVersion    = "2018-10-08"
	asffMaxTitle         = 256
	asffMaxDescription   = 1024
	asffMaxRemediation   = 512
	asffMaxRequirements  = 32
	asffTypeCIS          = "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"
	asffTypeBestPractice = "Software and Configuration Checks/AWS Security Best Practices"
)

// asffFramework names trailguard's framework ids the way Security Hub names
// the standards in Compliance.RelatedRequirements.
var asffFramework = map[string]string{
	"cis-aws-v1.2.0": "CIS AWS Foundations Benchmark v1.2.0",
	"cis-aws-v1.4.0": "CIS AWS Foundations Benchmark v1.4.0",
	"cis-aws-v3.0.0": "CIS AWS Foundations Benchmark v3.0.0",
	"securityhub":    "AWS Foundational Security Best Practices v1.0.0",
}

// ASFFFinding is one AWS Security Finding Format finding.
type ASFFFinding struct {
	SchemaVersion string            `json:"SchemaVersion"`
	Id            string            `json:"Id"`
	ProductArn    string            `json:"ProductArn"`
	ProductName   string            `json:"ProductName"`
	CompanyName   string            `json:"CompanyName"`
	GeneratorId   string            `json:"GeneratorId"`
	AwsAccountId  string            `json:"AwsAccountId"`
	Region        string            `json:"Region,omitempty"`
	Types         []string          `json:"Types"`
	CreatedAt     string            `json:"CreatedAt"`
	UpdatedAt     string            `json:"UpdatedAt"`
	Severity      ASFFSeverity      `json:"Severity"`
	Title         string            `json:"Title"`
	Description   string            `json:"Description"`
	Remediation   *ASFFRemediation  `json:"Remediation,omitempty"`
	ProductFields map[string]string `json:"ProductFields,omitempty"`
	Resources     []ASFFResource    `json:"Resources"`
	Compliance    ASFFCompliance    `json:"Compliance"`
	Workflow      ASFFWorkflow      `json:"Workflow"`
	RecordState   string            `json:"RecordState"`
}

// ASFFSeverity is a finding's severity.
type ASFFSeverity struct {
	Label    string `json:"Label"`
	Original string `json:"Original,omitempty"`
}

// ASFFRemediation tells how to fix a finding.
type ASFFRemediation struct {
	Recommendation struct {
		Text string `json:"Text"`
	} `json:"Recommendation"`
}

// ASFFResource is the resource a finding is about.
type ASFFResource struct {
	Type      string `json:"Type"`
	Id        string `json:"Id"`
	Partition string `json:"Partition"`
	Region    string `json:"Region"`
}

// ASFFCompliance holds the check's verdict and the controls it maps to.
type ASFFCompliance struct {
	Status              string   `json:"Status"`
	RelatedRequirements []string `json:"RelatedRequirements,omitempty"`
}

// ASFFWorkflow is the finding's workflow state.
type ASFFWorkflow struct {
	Status string `json:"Status"`
}

// Write implements Writer.
func (a *ASFF) Write(w io.Writer, r Report) error {
	if r.CollectedAt == "" {
		return errors.New("asff: the snapshot has no collected_at, which CreatedAt and UpdatedAt need")
	}
	checks := r.checksByID()
	out := []ASFFFinding{}
	for _, g := range groupByCheckResource(r.Findings) {
		out = append(out, a.finding(r, checks[g.CheckID], g))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("asff: %w", err)
	}
	return nil
}

func (a *ASFF) finding(r Report, c findings.Check, g group) ASFFFinding {
	f := g.First()
	account := cmp.Or(f.Account, r.Account)
	partition := arnPartition(g.Resource)
	region := cmp.Or(f.Region, arnRegion(g.Resource), a.region)
	desc := strings.Join(g.Messages(), "; ")
	switch g.Status() {
	case findings.Unknown:
		desc = "UNKNOWN (could not be evaluated): " + desc
	case findings.Waived:
		desc = "WAIVED (" + waiverNote(f) + "): " + desc
	}
	af := ASFFFinding{
		SchemaVersion: asffSchemaVersion,
		Id:            fmt.Sprintf("trailguard/%s/%s/%s", account, g.CheckID, fingerprint(g.CheckID, g.Resource)),
		ProductArn:    fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", partition, a.region, account, account),
		ProductName:   "trailguard",
		CompanyName:   "trailguard",
		GeneratorId:   g.CheckID,
		AwsAccountId:  account,
		Region:        region,
		Types:         asffTypes(c),
		CreatedAt:     r.CollectedAt,
		UpdatedAt:     r.CollectedAt,
		Severity:      ASFFSeverity{Label: asffSeverity(g.Status(), f.Severity), Original: string(f.Severity)},
		Title:         truncate(cmp.Or(c.Title, f.Title, g.CheckID), asffMaxTitle),
		Description:   truncate(desc, asffMaxDescription),
		ProductFields: map[string]string{
			"trailguard/CheckId":  g.CheckID,
			"trailguard/Status":   string(g.Status()),
			"trailguard/Resource": g.Resource,
		},
		Resources: []ASFFResource{{
			Type:      asffResourceType(c.ResourceType),
			Id:        asffResourceID(c.ResourceType, g.Resource, account),
			Partition: partition,
			Region:    region,
		}},
		Compliance:  ASFFCompliance{Status: asffComplianceStatus(g.Status()), RelatedRequirements: asffRequirements(c.Frameworks)},
		Workflow:    ASFFWorkflow{Status: asffWorkflow(g.Status())},
		RecordState: "ACTIVE",
	}
	if text := cmp.Or(f.Remediation.Console, f.Remediation.CLI, c.Remediation.Console, c.Remediation.CLI); text != "" {
		af.Remediation = &ASFFRemediation{}
		af.Remediation.Recommendation.Text = truncate(text, asffMaxRemediation)
	}
	return af
}

func asffTypes(c findings.Check) []string {
	for fw := range c.Frameworks {
		if strings.HasPrefix(fw, "cis-") {
			return []string{asffTypeCIS}
		}
	}
	return []string{asffTypeBestPractice}
}

// asffSeverity: a passing check is informational; otherwise the check's severity.
func asffSeverity(s findings.Status, sev findings.Severity) string {
	if s == findings.Pass || sev == findings.Info {
		return "INFORMATIONAL"
	}
	if sev.Rank() < 0 {
		return "INFORMATIONAL"
	}
	return strings.ToUpper(string(sev))
}

func asffComplianceStatus(s findings.Status) string {
	switch s {
	case findings.Pass:
		return "PASSED"
	case findings.Fail, findings.Waived:
		return "FAILED"
	case findings.Unknown:
		return "WARNING"
	}
	return "NOT_AVAILABLE"
}

func asffWorkflow(s findings.Status) string {
	switch s {
	case findings.Pass:
		return "RESOLVED"
	case findings.Waived:
		return "SUPPRESSED"
	}
	return "NEW"
}

// asffResourceTypes are the ASFF resource types checks may declare.
var asffResourceTypes = map[string]bool{
	"AwsAccount": true, "AwsCloudTrailTrail": true, "AwsS3Bucket": true, "AwsKmsKey": true,
	"AwsIamUser": true, "AwsIamRole": true, "AwsIamPolicy": true, "AwsIamGroup": true,
	"AwsLogsLogGroup": true, "AwsSnsTopic": true, "AwsCloudWatchAlarm": true, "Other": true,
}

func asffResourceType(t string) string {
	if asffResourceTypes[t] {
		return t
	}
	return "Other"
}

// asffResourceID is the resource's ARN; an account-level finding (whose
// resource is the account id, possibly with a region) uses Security Hub's
// account identifier.
func asffResourceID(typ, resource, account string) string {
	if strings.HasPrefix(resource, "arn:") {
		return resource
	}
	if typ == "AwsAccount" {
		id, _, _ := strings.Cut(resource, "/")
		return "AWS::::Account:" + cmp.Or(id, account)
	}
	return resource
}

func asffRequirements(frameworks map[string][]string) []string {
	var out []string
	for _, fw := range slices.Sorted(maps.Keys(frameworks)) {
		name := cmp.Or(asffFramework[fw], fw)
		for _, c := range frameworks[fw] {
			out = append(out, name+"/"+c)
		}
	}
	if len(out) > asffMaxRequirements {
		out = out[:asffMaxRequirements]
	}
	return out
}

// arnPartition is the partition of an ARN, "aws" for anything else.
func arnPartition(s string) string {
	if parts := strings.SplitN(s, ":", 3); len(parts) == 3 && parts[0] == "arn" && parts[1] != "" {
		return parts[1]
	}
	return "aws"
}

// arnRegion is the region field of an ARN ("" for global resources).
func arnRegion(s string) string {
	if parts := strings.SplitN(s, ":", 5); len(parts) == 5 && parts[0] == "arn" {
		return parts[3]
	}
	return ""
}

// truncate shortens s to at most n runes, ending in "…" when cut.
func truncate(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}
