package collector

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/trailguard/trailguard/snapshot"
)

// rootCredentialsAPI is what tells a root user that cannot sign in (no
// password, no access keys, password recovery blocked by the organization's
// centralized root access) from one that can.
type rootCredentialsAPI interface {
	GenerateCredentialReport(context.Context, *iam.GenerateCredentialReportInput, ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error)
	GetCredentialReport(context.Context, *iam.GetCredentialReportInput, ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error)
	ListOrganizationsFeatures(context.Context, *iam.ListOrganizationsFeaturesInput, ...func(*iam.Options)) (*iam.ListOrganizationsFeaturesOutput, error)
}

// credentialReportPolls bounds how many times GenerateCredentialReport is
// asked again while the report is being generated (IAM takes seconds).
const credentialReportPolls = 10

// credentialReportWait is the pause between two polls.
var credentialReportWait = time.Second

// rootPassword reads the <root_account> row of the IAM credential report and
// sets root.PasswordEnabled when its password_enabled column says true or
// false (AWS often reports not_supported for the root user: it is left unset).
func (r *run) rootPassword(ctx context.Context, client rootCredentialsAPI, root *snapshot.Root) {
	for i := 0; ; i++ {
		out, err := do(r, ctx, client.GenerateCredentialReport, &iam.GenerateCredentialReportInput{})
		if err != nil {
			r.fail(ctx, "iam", "GenerateCredentialReport", r.cfg.Region, r.snap.AccountID, err)
			return
		}
		if out.State == iamtypes.ReportStateTypeComplete {
			break
		}
		if i == credentialReportPolls {
			r.fail(ctx, "iam", "GenerateCredentialReport", r.cfg.Region, r.snap.AccountID,
				fmt.Errorf("the credential report was still %s after %d polls", out.State, credentialReportPolls))
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(credentialReportWait):
		}
	}
	out, err := do(r, ctx, client.GetCredentialReport, &iam.GetCredentialReportInput{})
	if err != nil {
		r.fail(ctx, "iam", "GetCredentialReport", r.cfg.Region, r.snap.AccountID, err)
		return
	}
	enabled, err := rootPasswordEnabled(out.Content)
	if err != nil {
		r.fail(ctx, "iam", "GetCredentialReport", r.cfg.Region, r.snap.AccountID, err)
		return
	}
	if enabled != nil {
		r.locked(func(*snapshot.Snapshot) { root.PasswordEnabled = enabled })
	}
}

// rootPasswordEnabled reads password_enabled of the <root_account> row of a
// credential report (CSV): nil when it is neither true nor false.
func rootPasswordEnabled(report []byte) (*bool, error) {
	rd := csv.NewReader(bytes.NewReader(report))
	rd.FieldsPerRecord = -1
	header, err := rd.Read()
	if err != nil {
		return nil, fmt.Errorf("credential report: %w", err)
	}
	user, col := -1, -1
	for i, name := range header {
		switch name {
		case "user":
			user = i
		case "password_enabled":
			col = i
		}
	}
	if user < 0 || col < 0 {
		return nil, fmt.Errorf("credential report: no user or password_enabled column")
	}
	for {
		row, err := rd.Read()
		if err == io.EOF {
			return nil, fmt.Errorf("credential report: no <root_account> row")
		}
		if err != nil {
			return nil, fmt.Errorf("credential report: %w", err)
		}
		if len(row) <= col || row[user] != "<root_account>" {
			continue
		}
		switch row[col] {
		case "true", "TRUE":
			return aws.Bool(true), nil
		case "false", "FALSE":
			return aws.Bool(false), nil
		}
		return nil, nil
	}
}

// organizationFeatures reads the organization's centralized root access
// features. Only the management account and the IAM delegated administrator
// may call it: elsewhere the error is recorded (the root MFA check then says
// it could not tell). An account outside any organization, or in one without
// all features, has none.
func (r *run) organizationFeatures(ctx context.Context, client rootCredentialsAPI, account *snapshot.IAM) {
	out, err := do(r, ctx, client.ListOrganizationsFeatures, &iam.ListOrganizationsFeaturesInput{})
	switch {
	case isCode(err, "OrganizationNotFoundException", "OrganizationNotInAllFeaturesModeException"):
		r.locked(func(*snapshot.Snapshot) {
			account.OrganizationFeatures = &snapshot.OrganizationFeatures{EnabledFeatures: []string{}}
		})
	case err != nil:
		r.fail(ctx, "iam", "ListOrganizationsFeatures", r.cfg.Region, r.snap.AccountID, err)
	default:
		f := &snapshot.OrganizationFeatures{OrganizationID: aws.ToString(out.OrganizationId), EnabledFeatures: []string{}}
		for _, e := range out.EnabledFeatures {
			f.EnabledFeatures = append(f.EnabledFeatures, string(e))
		}
		r.locked(func(*snapshot.Snapshot) { account.OrganizationFeatures = f })
	}
}
