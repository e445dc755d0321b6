// Package sechub sends a run's ASFF findings to AWS Security Hub and keeps
// the findings of earlier runs in step: it imports the findings in batches of
// at most 100, archives earlier findings whose resource is gone, suppresses
// waived findings (only BatchUpdateFindings can change the workflow of an
// existing finding) and lifts the suppression when the waiver no longer
// applies. Findings that now pass are resolved by Security Hub itself when
// their Compliance.Status turns PASSED.
//
// It knows ASFF findings (report.ASFFFinding) and the Security Hub API, not
// the CLI.
package sechub

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/trailguard/trailguard/report"
)

// Client is the part of the Security Hub client Sync calls.
type Client interface {
	BatchImportFindings(context.Context, *securityhub.BatchImportFindingsInput, ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error)
	GetFindings(context.Context, *securityhub.GetFindingsInput, ...func(*securityhub.Options)) (*securityhub.GetFindingsOutput, error)
	BatchUpdateFindings(context.Context, *securityhub.BatchUpdateFindingsInput, ...func(*securityhub.Options)) (*securityhub.BatchUpdateFindingsOutput, error)
}

// Options tune Sync.
type Options struct {
	// ProductArn and Account name the findings of earlier runs to keep in
	// step: the active findings of this product in this account.
	ProductArn, Account string
	// Checks are the ids of the checks that ran. An earlier finding of one of
	// them that this run did not report is archived; earlier findings of
	// other checks (not run this time) are left alone.
	Checks []string
	// Now is the UpdatedAt of archived findings.
	Now time.Time
	// Attempts is how many times a finding that Security Hub refused for a
	// passing reason (throttling, an internal error) is sent; default 3.
	// Calls that fail as a whole are retried by the SDK's retryer.
	Attempts int
	// RetryDelay is the pause before sending refused findings again; default 1s.
	RetryDelay time.Duration
}

// Failure is one finding Security Hub did not take.
type Failure struct {
	ID        string // the finding's Id
	Operation string // BatchImportFindings or BatchUpdateFindings
	Code      string
	Message   string
}

func (f Failure) String() string {
	return fmt.Sprintf("%s refused finding %s: %s: %s", f.Operation, f.ID, f.Code, f.Message)
}

// Result is what Sync did.
type Result struct {
	Imported   int // findings of this run imported
	Archived   int // earlier findings archived (their resource is gone)
	Suppressed int // waived findings set to SUPPRESSED
	Reopened   int // findings whose waiver lapsed, set back to NEW (or RESOLVED when they pass)
	Failed     []Failure
}

// earlier is what Sync needs to know of an active finding of an earlier run.
type earlier struct {
	finding  types.AwsSecurityFinding
	workflow types.WorkflowStatus
	waived   bool // trailguard suppressed it for a waiver
}

// Sync sends fs (one run's findings, as the ASFF writer makes them) to
// Security Hub. Findings it could not send are in Result.Failed; the error
// is for a failure that stopped it (reading the earlier findings).
func Sync(ctx context.Context, c Client, fs []report.ASFFFinding, o Options) (Result, error) {
	if o.Attempts <= 0 {
		o.Attempts = 3
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = time.Second
	}
	var res Result
	before, err := activeFindings(ctx, c, o)
	if err != nil {
		return res, err
	}

	// This run's findings, then the earlier ones whose resource is gone, archived.
	current := make(map[string]report.ASFFFinding, len(fs))
	batch := make([]types.AwsSecurityFinding, 0, len(fs))
	for _, f := range fs {
		current[f.Id] = f
		batch = append(batch, toSDK(f))
	}
	archived := map[string]bool{}
	for _, id := range slices.Sorted(maps.Keys(before)) {
		e := before[id]
		if _, ok := current[id]; ok || !slices.Contains(o.Checks, aws.ToString(e.finding.GeneratorId)) {
			continue
		}
		batch = append(batch, archive(e.finding, o.Now))
		archived[id] = true
	}
	refused := importFindings(ctx, c, batch, o, &res)
	for _, f := range batch {
		id := aws.ToString(f.Id)
		switch {
		case refused[id]:
		case archived[id]:
			res.Archived++
		default:
			res.Imported++
		}
	}

	// Workflow: suppress waived findings; reopen those whose waiver lapsed.
	updates := map[types.WorkflowStatus][]string{}
	for _, f := range fs {
		if refused[f.Id] {
			continue
		}
		e, existed := before[f.Id]
		waived := f.Workflow.Status == string(types.WorkflowStatusSuppressed)
		switch {
		case waived && (!existed || e.workflow != types.WorkflowStatusSuppressed):
			updates[types.WorkflowStatusSuppressed] = append(updates[types.WorkflowStatusSuppressed], f.Id)
		case !waived && existed && e.waived && e.workflow == types.WorkflowStatusSuppressed:
			to := types.WorkflowStatusNew
			if f.Compliance.Status == string(types.ComplianceStatusPassed) {
				to = types.WorkflowStatusResolved
			}
			updates[to] = append(updates[to], f.Id)
		}
	}
	for _, to := range []types.WorkflowStatus{types.WorkflowStatusSuppressed, types.WorkflowStatusNew, types.WorkflowStatusResolved} {
		done := updateWorkflow(ctx, c, o.ProductArn, updates[to], to, &res)
		if to == types.WorkflowStatusSuppressed {
			res.Suppressed += done
		} else {
			res.Reopened += done
		}
	}
	return res, nil
}

// activeFindings reads the active findings of o.ProductArn in o.Account, by Id.
func activeFindings(ctx context.Context, c Client, o Options) (map[string]earlier, error) {
	eq := func(v string) []types.StringFilter {
		return []types.StringFilter{{Comparison: types.StringFilterComparisonEquals, Value: aws.String(v)}}
	}
	in := &securityhub.GetFindingsInput{
		Filters: &types.AwsSecurityFindingFilters{
			ProductArn:   eq(o.ProductArn),
			AwsAccountId: eq(o.Account),
			RecordState:  eq(string(types.RecordStateActive)),
		},
		MaxResults: aws.Int32(100),
	}
	out := map[string]earlier{}
	p := securityhub.NewGetFindingsPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("securityhub:GetFindings (reading the findings of earlier runs): %w", err)
		}
		for _, f := range page.Findings {
			e := earlier{finding: f, waived: f.ProductFields["trailguard/Status"] == "WAIVED"}
			if f.Workflow != nil {
				e.workflow = f.Workflow.Status
			}
			out[aws.ToString(f.Id)] = e
		}
	}
	return out, nil
}

// transient says whether a finding refused with code may be taken if sent again.
func transient(code string) bool {
	for _, s := range []string{"Throttl", "TooManyRequests", "LimitExceeded", "Internal", "ServiceUnavailable"} {
		if strings.Contains(code, s) {
			return true
		}
	}
	return false
}

// importFindings imports fs in batches of report.ASFFBatchSize, sends the
// findings refused for a passing reason again (o.Attempts in all), records
// every finding finally refused in res.Failed and returns their ids.
func importFindings(ctx context.Context, c Client, fs []types.AwsSecurityFinding, o Options, res *Result) map[string]bool {
	refused := map[string]bool{}
	pending := fs
	for attempt := 1; len(pending) > 0; attempt++ {
		var again []types.AwsSecurityFinding
		byID := map[string]types.AwsSecurityFinding{}
		for _, f := range pending {
			byID[aws.ToString(f.Id)] = f
		}
		for _, b := range report.Batches(pending, report.ASFFBatchSize) {
			out, err := c.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: b})
			if err != nil {
				// The call failed as a whole, after the SDK's retries.
				code, msg := errorParts(err)
				for _, f := range b {
					id := aws.ToString(f.Id)
					refused[id] = true
					res.Failed = append(res.Failed, Failure{ID: id, Operation: "BatchImportFindings", Code: code, Message: msg})
				}
				continue
			}
			for _, e := range out.FailedFindings {
				id, code := aws.ToString(e.Id), aws.ToString(e.ErrorCode)
				if transient(code) && attempt < o.Attempts {
					if f, ok := byID[id]; ok {
						again = append(again, f)
						continue
					}
				}
				refused[id] = true
				res.Failed = append(res.Failed, Failure{ID: id, Operation: "BatchImportFindings", Code: code, Message: aws.ToString(e.ErrorMessage)})
			}
		}
		pending = again
		if len(pending) > 0 {
			select {
			case <-ctx.Done():
				for _, f := range pending {
					id := aws.ToString(f.Id)
					refused[id] = true
					res.Failed = append(res.Failed, Failure{ID: id, Operation: "BatchImportFindings", Code: "Canceled", Message: ctx.Err().Error()})
				}
				return refused
			case <-time.After(o.RetryDelay * time.Duration(attempt)):
			}
		}
	}
	return refused
}

// updateWorkflow sets the workflow status of the findings ids to to, in
// batches of 100, and returns how many Security Hub updated.
func updateWorkflow(ctx context.Context, c Client, productArn string, ids []string, to types.WorkflowStatus, res *Result) int {
	done := 0
	for _, b := range report.Batches(ids, report.ASFFBatchSize) {
		idents := make([]types.AwsSecurityFindingIdentifier, len(b))
		for i, id := range b {
			idents[i] = types.AwsSecurityFindingIdentifier{Id: aws.String(id), ProductArn: aws.String(productArn)}
		}
		out, err := c.BatchUpdateFindings(ctx, &securityhub.BatchUpdateFindingsInput{
			FindingIdentifiers: idents,
			Workflow:           &types.WorkflowUpdate{Status: to},
		})
		if err != nil {
			code, msg := errorParts(err)
			for _, id := range b {
				res.Failed = append(res.Failed, Failure{ID: id, Operation: "BatchUpdateFindings", Code: code, Message: msg})
			}
			continue
		}
		done += len(out.ProcessedFindings)
		for _, u := range out.UnprocessedFindings {
			id := ""
			if u.FindingIdentifier != nil {
				id = aws.ToString(u.FindingIdentifier.Id)
			}
			res.Failed = append(res.Failed, Failure{ID: id, Operation: "BatchUpdateFindings",
				Code: aws.ToString(u.ErrorCode), Message: aws.ToString(u.ErrorMessage)})
		}
	}
	return done
}

// errorParts splits an SDK error into its AWS error code and message.
func errorParts(err error) (code, msg string) {
	var api interface {
		ErrorCode() string
		ErrorMessage() string
	}
	if errors.As(err, &api) {
		return api.ErrorCode(), api.ErrorMessage()
	}
	return "RequestFailed", err.Error()
}

// archive is an earlier finding, re-imported with RecordState ARCHIVED: only
// the fields BatchImportFindings requires and the ones that identify it.
func archive(f types.AwsSecurityFinding, now time.Time) types.AwsSecurityFinding {
	a := types.AwsSecurityFinding{
		SchemaVersion: f.SchemaVersion, Id: f.Id, ProductArn: f.ProductArn, GeneratorId: f.GeneratorId,
		AwsAccountId: f.AwsAccountId, CreatedAt: f.CreatedAt, UpdatedAt: aws.String(now.UTC().Format(time.RFC3339)),
		Title: f.Title, Description: f.Description, Resources: f.Resources, Types: f.Types,
		ProductFields: f.ProductFields, Region: f.Region, Compliance: f.Compliance,
		RecordState: types.RecordStateArchived,
	}
	if fpf := f.FindingProviderFields; fpf != nil {
		a.FindingProviderFields = &types.FindingProviderFields{Severity: fpf.Severity, Types: fpf.Types}
	}
	if a.FindingProviderFields == nil || a.FindingProviderFields.Severity == nil {
		a.Severity = f.Severity
	}
	if a.Compliance != nil {
		a.Compliance = &types.Compliance{Status: a.Compliance.Status, RelatedRequirements: a.Compliance.RelatedRequirements}
	}
	return a
}

// toSDK converts a finding of the ASFF writer to the SDK's type, field by field.
func toSDK(f report.ASFFFinding) types.AwsSecurityFinding {
	sev := types.FindingProviderSeverity{Label: types.SeverityLabel(f.FindingProviderFields.Severity.Label)}
	if f.FindingProviderFields.Severity.Original != "" {
		sev.Original = aws.String(f.FindingProviderFields.Severity.Original)
	}
	out := types.AwsSecurityFinding{
		SchemaVersion: aws.String(f.SchemaVersion),
		Id:            aws.String(f.Id),
		ProductArn:    aws.String(f.ProductArn),
		ProductName:   aws.String(f.ProductName),
		CompanyName:   aws.String(f.CompanyName),
		GeneratorId:   aws.String(f.GeneratorId),
		AwsAccountId:  aws.String(f.AwsAccountId),
		Types:         f.Types,
		CreatedAt:     aws.String(f.CreatedAt),
		UpdatedAt:     aws.String(f.UpdatedAt),
		// Severity and Types go through FindingProviderFields: on an update
		// Security Hub ignores the top-level ones once a user has changed them
		// (which ASFF still requires on a new finding).
		Severity:              &types.Severity{Label: sev.Label, Original: sev.Original},
		FindingProviderFields: &types.FindingProviderFields{Severity: &sev, Types: f.FindingProviderFields.Types},
		Title:                 aws.String(f.Title),
		Description:           aws.String(f.Description),
		ProductFields:         f.ProductFields,
		Compliance: &types.Compliance{
			Status:              types.ComplianceStatus(f.Compliance.Status),
			RelatedRequirements: f.Compliance.RelatedRequirements,
		},
		RecordState: types.RecordState(f.RecordState),
	}
	if f.Region != "" {
		out.Region = aws.String(f.Region)
	}
	if f.Remediation != nil {
		out.Remediation = &types.Remediation{Recommendation: &types.Recommendation{Text: aws.String(f.Remediation.Recommendation.Text)}}
	}
	for _, r := range f.Resources {
		out.Resources = append(out.Resources, types.Resource{
			Type: aws.String(r.Type), Id: aws.String(r.Id), Partition: types.Partition(r.Partition), Region: aws.String(r.Region),
		})
	}
	return out
}
