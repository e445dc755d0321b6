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
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

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
	SchemaVersion string       `json:"SchemaVersion"`
	Id            string       `json:"Id"`
	ProductArn    string       `json:"ProductArn"`
	ProductName   string       `json:"ProductName"`
	CompanyName   string       `json:"CompanyName"`
	GeneratorId   string       `json:"GeneratorId"`
	AwsAccountId  string       `json:"AwsAccountId"`
	Region        string       `json:"Region,omitempty"`
	Types         []string     `json:"Types"`
	CreatedAt     string       `json:"CreatedAt"`
	UpdatedAt     string       `json:"UpdatedAt"`
	Severity      ASFFSeverity `json:"Severity"`
	// FindingProviderFields carry the provider's severity and types: on an
	// update of an existing finding Security Hub takes them from here (the
	// top-level ones belong to the customer once set).
	FindingProviderFields ASFFProviderFields `json:"FindingProviderFields"`
	Title                 string             `json:"Title"`
	Description           string             `json:"Description"`
	Remediation           *ASFFRemediation   `json:"Remediation,omitempty"`
	ProductFields         map[string]string  `json:"ProductFields,omitempty"`
	Resources             []ASFFResource     `json:"Resources"`
	Compliance            ASFFCompliance     `json:"Compliance"`
	Workflow              ASFFWorkflow       `json:"Workflow"`
	RecordState           string             `json:"RecordState"`
}

// ASFFSeverity is a finding's severity.
type ASFFSeverity struct {
	Label    string `json:"Label"`
	Original string `json:"Original,omitempty"`
}

// ASFFProviderFields is the FindingProviderFields object.
type ASFFProviderFields struct {
	Severity ASFFSeverity `json:"Severity"`
	Types    []string     `json:"Types"`
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
	if p := PartitionOfRegion(a.region); p != r.partition() {
		return fmt.Errorf("asff: the snapshot is of partition %s, but Security Hub region %s is in %s (set --asff-region to a region of %s)", r.partition(), a.region, p, r.partition())
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a.Findings(r)); err != nil {
		return fmt.Errorf("asff: %w", err)
	}
	return nil
}

// ASFFBatchSize is the most findings one BatchImportFindings call takes.
const ASFFBatchSize = 100

// Findings are r's findings in ASFF, one per finding, in a stable order.
func (a *ASFF) Findings(r Report) []ASFFFinding {
	checks := r.checksByID()
	out := []ASFFFinding{}
	for _, rec := range records(r.Findings) {
		out = append(out, a.finding(r, checks[rec.CheckID], rec))
	}
	return out
}

// Batches splits fs into slices of at most ASFFBatchSize findings, the way
// BatchImportFindings takes them.
func Batches[T any](fs []T, size int) [][]T {
	var out [][]T
	for len(fs) > size {
		out = append(out, fs[:size:size])
		fs = fs[size:]
	}
	if len(fs) > 0 {
		out = append(out, fs)
	}
	return out
}

func (a *ASFF) finding(r Report, c findings.Check, rec record) ASFFFinding {
	account := cmp.Or(rec.Account, r.Account)
	partition := r.partition()
	region := cmp.Or(rec.Region, arnRegion(rec.Resource), a.region)
	desc := rec.Message
	switch rec.Status {
	case findings.Unknown:
		desc = "UNKNOWN (could not be evaluated): " + desc
	case findings.Waived:
		desc = "WAIVED (" + waiverNote(rec.Finding) + "): " + desc
	}
	sev := ASFFSeverity{Label: asffSeverity(rec.Status, rec.Severity), Original: string(rec.Severity)}
	types := asffTypes(c)
	typ, id := asffResource(c.ResourceType, rec.Resource, account)
	af := ASFFFinding{
		SchemaVersion:         asffSchemaVersion,
		Id:                    fmt.Sprintf("trailguard/%s/%s/%s", account, rec.CheckID, rec.Key),
		ProductArn:            ASFFProductArn(partition, a.region, account),
		ProductName:           "trailguard",
		CompanyName:           "trailguard",
		GeneratorId:           rec.CheckID,
		AwsAccountId:          account,
		Region:                region,
		Types:                 types,
		CreatedAt:             r.CollectedAt,
		UpdatedAt:             r.CollectedAt,
		Severity:              sev,
		FindingProviderFields: ASFFProviderFields{Severity: sev, Types: types},
		Title:                 truncate(cmp.Or(c.Title, rec.Title, rec.CheckID), asffMaxTitle),
		Description:           truncate(desc, asffMaxDescription),
		ProductFields: map[string]string{
			"trailguard/CheckId":  rec.CheckID,
			"trailguard/Status":   string(rec.Status),
			"trailguard/Resource": rec.Resource,
		},
		Resources: []ASFFResource{{
			Type:      typ,
			Id:        id,
			Partition: partition,
			Region:    region,
		}},
		Compliance:  ASFFCompliance{Status: asffComplianceStatus(rec.Status), RelatedRequirements: asffRequirements(c.Frameworks)},
		Workflow:    ASFFWorkflow{Status: asffWorkflow(rec.Status)},
		RecordState: "ACTIVE",
	}
	if rec.Status == findings.Waived {
		af.ProductFields["trailguard/WaiverReason"] = rec.WaiverReason
		af.ProductFields["trailguard/WaiverExpires"] = rec.WaiverExpires
	}
	if text := cmp.Or(rec.Remediation.Console, rec.Remediation.CLI, c.Remediation.Console, c.Remediation.CLI); text != "" {
		af.Remediation = &ASFFRemediation{}
		af.Remediation.Recommendation.Text = truncate(text, asffMaxRemediation)
	}
	return af
}

// PartitionOfRegion is the AWS partition a region belongs to.
func PartitionOfRegion(region string) string {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	}
	return "aws"
}

// ASFFProductArn is the ARN of the default product of account, the one a
// customer's own findings are imported under, in partition and region.
func ASFFProductArn(partition, region, account string) string {
	return fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", partition, region, account, account)
}

func asffTypes(c findings.Check) []string {
	for fw := range c.Frameworks {
		if strings.HasPrefix(fw, "cis-") {
			return []string{asffTypeCIS}
		}
	}
	return []string{asffTypeBestPractice}
}

// asffSeverity: a passing check, and one that could not be evaluated, is
// informational (Original keeps the check's severity); otherwise the check's
// severity.
func asffSeverity(s findings.Status, sev findings.Severity) string {
	if s == findings.Pass || s == findings.Unknown || sev == findings.Info {
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
	}
	// UNKNOWN: AWS's value for "could not be evaluated" (WARNING would say
	// the check ran and found something short of a failure).
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

// asffResource is the resource type and id of a finding's resource. An
// account-level finding (whose resource is the account id, possibly with a
// region, or the account's root ARN) is about an AwsAccount with Security
// Hub's account identifier, whatever type the check declares; anything else
// has the check's type (Other when ASFF has no such type) and its ARN.
func asffResource(typ, resource, account string) (string, string) {
	if id, ok := accountResource(resource); ok {
		return "AwsAccount", "AWS::::Account:" + cmp.Or(id, account)
	}
	if strings.HasPrefix(resource, "arn:") {
		if a, err := arn.Parse(resource); err == nil && a.Service == "iam" && a.Resource == "root" {
			return "AwsAccount", "AWS::::Account:" + cmp.Or(a.AccountID, account)
		}
	}
	if typ == "AwsAccount" || !asffResourceTypes[typ] {
		typ = "Other"
	}
	return typ, resource
}

// accountResource reports whether resource names an account (a 12-digit id,
// possibly followed by "/region") and returns the id.
func accountResource(resource string) (string, bool) {
	id, _, _ := strings.Cut(resource, "/")
	if len(id) != 12 {
		return "", false
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return id, true
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

// arnRegion is the region field of an ARN ("" for global resources).
func arnRegion(s string) string {
	if parts := strings.SplitN(s, ":", 5); len(parts) == 5 && parts[0] == "arn" {
		return parts[3]
	}
	return ""
}

// truncate shortens s to at most n runes, ending in "…" when cut.
func truncate(s string, n int) string {
	// The limit is applied to bytes, at a rune boundary: a message full of
	// multi-byte characters (paths written with "→") must fit too.
	if len(s) <= n {
		return s
	}
	const ellipsis = "…"
	cut := n - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}
