package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/collector"
	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/report"
	"github.com/trailguard/trailguard/sechub"
)

// securityHubFlags are the AWS flags eval needs to send findings to Security
// Hub (scan has them already, for collecting).
func securityHubFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "profile", EnvVars: []string{"AWS_PROFILE"}, Usage: "with --securityhub: shared config `PROFILE` to take credentials from"},
		&cli.StringFlag{Name: "region", Usage: "with --securityhub: Security Hub `REGION` (default: AWS_REGION, the profile's region, or us-east-1)"},
		&cli.StringFlag{Name: "role-arn", Usage: "with --securityhub: assume the role `ARN` first"},
		&cli.StringFlag{Name: "external-id", Usage: "external `ID` for --role-arn"},
		&cli.StringFlag{Name: "endpoint-url", Usage: "with --securityhub: send the calls to `URL`"},
	}
}

// securityHubParams is what sendToSecurityHub needs, filled from the flags.
type securityHubParams struct {
	profile, region, roleARN, externalID, endpointURL string
	checks                                            []string // the checks that ran
}

func securityHubParamsFrom(c *cli.Context) securityHubParams {
	p := securityHubParams{profile: c.String("profile"), region: c.String("region"), roleARN: c.String("role-arn"),
		externalID: c.String("external-id"), endpointURL: c.String("endpoint-url")}
	if p.region == "" && c.IsSet("asff-region") {
		p.region = c.String("asff-region")
	}
	return p
}

// forChecks is p for a run of checks.
func (p securityHubParams) forChecks(checks []findings.Check) securityHubParams {
	p.checks = nil
	for _, ch := range checks {
		p.checks = append(p.checks, ch.ID)
	}
	return p
}

// sendToSecurityHub imports rep's findings into the Security Hub of the
// account's region and partition, says on standard error what it did, and
// fails (exit 2) when any finding was refused, naming each one.
func sendToSecurityHub(ctx context.Context, stderr io.Writer, rep report.Report, p securityHubParams) error {
	if rep.Account == "" || rep.CollectedAt == "" {
		return exitWith(exitError, "--securityhub: the snapshot has no account_id or collected_at, which Security Hub findings need")
	}
	cfg, _, err := collector.LoadConfig(ctx, collector.ConfigOptions{
		Profile: p.profile, Region: p.region, RoleARN: p.roleARN, ExternalID: p.externalID, EndpointURL: p.endpointURL,
	})
	if err != nil {
		return exitWith(exitError, "--securityhub: "+err.Error())
	}
	if awsConfigHook != nil {
		awsConfigHook(&cfg)
	}
	partition := rep.Partition
	if partition == "" {
		partition = "aws"
	}
	if got := report.PartitionOfRegion(cfg.Region); got != partition {
		return exitWith(exitError, fmt.Sprintf("--securityhub: the snapshot is of partition %s, but Security Hub region %s is in %s; give --region a region of %s",
			partition, cfg.Region, got, partition))
	}
	fs := report.NewASFF(cfg.Region).Findings(rep)
	res, err := sechub.Sync(ctx, securityhub.NewFromConfig(cfg), fs, sechub.Options{
		ProductArn: report.ASFFProductArn(partition, cfg.Region, rep.Account), Account: rep.Account,
		Checks: p.checks, Now: time.Now(),
	})
	if err != nil {
		return exitWith(exitError, "--securityhub: "+err.Error())
	}
	w := stderr
	fmt.Fprintf(w, "Security Hub (%s): %d findings imported, %d of earlier runs archived, %d suppressed by waivers, %d reopened\n",
		cfg.Region, res.Imported, res.Archived, res.Suppressed, res.Reopened)
	for _, f := range res.Failed {
		fmt.Fprintln(w, "Security Hub: "+f.String())
	}
	if len(res.Failed) > 0 {
		return exitWith(exitError, fmt.Sprintf("--securityhub: %d findings were not sent (listed above); the reports were written", len(res.Failed)))
	}
	return nil
}
