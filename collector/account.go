package collector

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/trailguard/trailguard/snapshot"
)

type stsAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

type accountAPI interface {
	account.ListRegionsAPIClient
}

type organizationsAPI interface {
	DescribeOrganization(context.Context, *organizations.DescribeOrganizationInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
}

type s3controlAPI interface {
	GetPublicAccessBlock(context.Context, *s3control.GetPublicAccessBlockInput, ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error)
}

// CredentialsError is returned when the caller cannot be identified: no
// credentials were found, or AWS rejected them.
type CredentialsError struct {
	Rejected bool   // AWS answered and refused the credentials
	Code     string // AWS's error code when Rejected
	Err      error
}

func (e *CredentialsError) Error() string {
	if e.Rejected {
		return fmt.Sprintf("AWS rejected the credentials (sts:GetCallerIdentity: %s): refresh them (e.g. aws sso login, or new keys) or pick another --profile", e.Code)
	}
	return fmt.Sprintf("no usable AWS credentials (%s): tried the environment (AWS_ACCESS_KEY_ID), the shared config and credentials files (AWS_PROFILE or --profile, including SSO), web identity, and container and instance roles; set one of them up or pass --profile", innermost(e.Err))
}

func (e *CredentialsError) Unwrap() error { return e.Err }

// identify resolves the credentials, then reads the account id and
// partition of the caller. The credentials are resolved first so that a
// chain that finds none (or an instance-role lookup that cannot connect) is
// told apart from AWS refusing them and from AWS being out of reach.
func (r *run) identify(ctx context.Context) error {
	if r.cfg.Credentials == nil {
		return &CredentialsError{Err: errors.New("no credential provider is configured")}
	}
	cctx, cancel := context.WithTimeout(ctx, r.opts.CallTimeout)
	_, err := r.cfg.Credentials.Retrieve(cctx)
	cancel()
	if err == nil && r.opts.AccountID != "" && r.opts.Partition != "" {
		r.snap.AccountID, r.snap.Partition = r.opts.AccountID, r.opts.Partition
		return nil
	}
	if err == nil {
		var out *sts.GetCallerIdentityOutput
		if out, err = do(r, ctx, r.clients.sts().GetCallerIdentity, &sts.GetCallerIdentityInput{}); err == nil {
			r.snap.AccountID = aws.ToString(out.Account)
			r.snap.Partition = "aws"
			if a, err := arn.Parse(aws.ToString(out.Arn)); err == nil {
				r.snap.Partition = a.Partition
			}
			return nil
		}
		if ctx.Err() != nil {
			return errors.Join(ErrInterrupted, ctx.Err())
		}
		if httpStatus(err) != 0 {
			code := errorCode(err)
			if rejected[code] {
				return &CredentialsError{Rejected: true, Code: code, Err: err}
			}
			return fmt.Errorf("sts:GetCallerIdentity failed in %s: %s: %s", r.cfg.Region, code, innermost(err))
		}
		return fmt.Errorf("cannot reach AWS (sts:GetCallerIdentity in %s): %s; check the network, a proxy (HTTPS_PROXY) or --endpoint-url", r.cfg.Region, innermost(err))
	}
	if ctx.Err() != nil {
		return errors.Join(ErrInterrupted, ctx.Err())
	}
	return &CredentialsError{Err: err}
}

// rejected are the error codes with which AWS refuses credentials.
var rejected = map[string]bool{
	"InvalidClientTokenId": true, "SignatureDoesNotMatch": true, "ExpiredToken": true, "ExpiredTokenException": true,
	"UnrecognizedClientException": true, "InvalidAccessKeyId": true, "AuthFailure": true, "IncompleteSignature": true,
	"AccessDenied": true, "InvalidToken": true, "RequestExpired": true,
}

// defaultRegions are the regions enabled in every account of the aws
// partition (opt-in regions are not); used only when the account's own list
// cannot be read, and the failure is recorded.
var defaultRegions = []string{
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
	"ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3",
	"sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

// enabledRegions lists the regions enabled for the account. When that fails,
// the failure is recorded (checks that depend on the region list then say the
// list of trails may be incomplete) and the default regions of the aws
// partition are read instead (or only the configured region, in another
// partition).
func (r *run) enabledRegions(ctx context.Context) []string {
	in := &account.ListRegionsInput{
		RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault},
		MaxResults:              aws.Int32(50),
	}
	p := account.NewListRegionsPaginator(r.clients.account(), in)
	var regions []string
	for p.HasMorePages() {
		out, err := nextPage(r, ctx, p.NextPage)
		if err != nil {
			r.fail(ctx, "account", "ListRegions", r.cfg.Region, "", err)
			if r.cfg.Region != "" && !slices.Contains(defaultRegions, r.cfg.Region) {
				return []string{r.cfg.Region}
			}
			return normalizeRegions(defaultRegions)
		}
		for _, reg := range out.Regions {
			regions = append(regions, aws.ToString(reg.RegionName))
		}
	}
	return normalizeRegions(regions)
}

// organization reads the account's AWS Organizations membership.
func (r *run) organization(ctx context.Context) {
	out, err := do(r, ctx, r.clients.organizations().DescribeOrganization, &organizations.DescribeOrganizationInput{})
	switch {
	case isCode(err, "AWSOrganizationsNotInUseException"):
		r.locked(func(s *snapshot.Snapshot) {
			s.Organization = &snapshot.Organization{IsManagementAccount: aws.Bool(false)}
		})
	case err != nil:
		r.fail(ctx, "organizations", "DescribeOrganization", r.cfg.Region, r.snap.AccountID, err)
	case out.Organization != nil:
		org := &snapshot.Organization{
			ID:                  aws.ToString(out.Organization.Id),
			ManagementAccountID: aws.ToString(out.Organization.MasterAccountId),
		}
		org.IsManagementAccount = aws.Bool(org.ManagementAccountID == r.snap.AccountID)
		r.locked(func(s *snapshot.Snapshot) { s.Organization = org })
	}
}

// accountPublicAccessBlock reads the account-level S3 Block Public Access.
func (r *run) accountPublicAccessBlock(ctx context.Context) {
	out, err := do(r, ctx, r.clients.s3control().GetPublicAccessBlock, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(r.snap.AccountID)})
	switch {
	case isCode(err, "NoSuchPublicAccessBlockConfiguration"):
		r.locked(func(s *snapshot.Snapshot) { s.S3AccountPublicAccessBlock = &snapshot.PublicAccessBlock{} })
	case err != nil:
		r.fail(ctx, "s3control", "GetPublicAccessBlock", r.cfg.Region, r.snap.AccountID, err)
	case out.PublicAccessBlockConfiguration != nil:
		c := out.PublicAccessBlockConfiguration
		pab := publicAccessBlock(c.BlockPublicAcls, c.IgnorePublicAcls, c.BlockPublicPolicy, c.RestrictPublicBuckets)
		r.locked(func(s *snapshot.Snapshot) { s.S3AccountPublicAccessBlock = pab })
	}
}

// publicAccessBlock converts a Block Public Access configuration (S3 and S3
// Control have one type each, with the same four settings).
func publicAccessBlock(blockACLs, ignoreACLs, blockPolicy, restrictBuckets *bool) *snapshot.PublicAccessBlock {
	return &snapshot.PublicAccessBlock{
		BlockPublicACLs:       aws.ToBool(blockACLs),
		IgnorePublicACLs:      aws.ToBool(ignoreACLs),
		BlockPublicPolicy:     aws.ToBool(blockPolicy),
		RestrictPublicBuckets: aws.ToBool(restrictBuckets),
	}
}
