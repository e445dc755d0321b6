package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/orgscan"
	"github.com/trailguard/trailguard/snapshot"
)

// orgFlags are the flags of an organization collection (collect --org; scan
// --org uses them too).
func orgFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "org", Usage: "collect every account of the AWS Organization (run with credentials of the management account or a delegated administrator)"},
		&cli.StringFlag{Name: "role-name", Value: orgscan.DefaultRoleName, Usage: "with --org: the role `NAME` assumed in each account (Control Tower: AWSControlTowerExecution); --external-id is passed to it"},
		&cli.StringSliceFlag{Name: "accounts", Usage: "with --org: only these account `IDS` (comma-separated or repeated)"},
		&cli.StringSliceFlag{Name: "exclude-accounts", Usage: "with --org: leave out these account `IDS`"},
		&cli.StringSliceFlag{Name: "ou", Usage: "with --org: only the accounts under these organizational units (`OU` ids or names, nested OUs included)"},
		&cli.StringFlag{Name: "shard", Usage: "with --org: collect only shard `K/N` of the accounts (sorted by id, account i in shard i mod N + 1), to split a large organization across machines"},
	}
}

// checkOrgFlags rejects organization flags without --org.
func checkOrgFlags(c *cli.Context) error {
	if c.Bool("org") {
		if c.String("role-arn") != "" && c.String("external-id") != "" {
			return usageError("--external-id goes to the role assumed in each account with --org; it cannot also be given for --role-arn")
		}
		return nil
	}
	for _, name := range []string{"accounts", "exclude-accounts", "ou", "shard"} {
		if c.IsSet(name) {
			return usageError("--%s needs --org", name)
		}
	}
	if c.IsSet("role-name") {
		return usageError("--role-name needs --org (use --role-arn to assume one role before collecting one account)")
	}
	return nil
}

// roleARNExternalID is the external id for --role-arn: with --org,
// --external-id is for the role assumed in each account instead.
func roleARNExternalID(c *cli.Context) string {
	if c.Bool("org") {
		return ""
	}
	return c.String("external-id")
}

// parseShard parses --shard K/N ("" = no sharding).
func parseShard(s string) (k, n int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	ks, ns, ok := strings.Cut(s, "/")
	k, kerr := strconv.Atoi(ks)
	n, nerr := strconv.Atoi(ns)
	if !ok || kerr != nil || nerr != nil || n < 1 || k < 1 || k > n {
		return 0, 0, usageError("--shard %q: want K/N with 1 <= K <= N, e.g. --shard 2/4", s)
	}
	return k, n, nil
}

// orgOptionsFrom reads the organization flags (--org).
func orgOptionsFrom(c *cli.Context) (orgscan.Options, error) {
	k, n, err := parseShard(c.String("shard"))
	if err != nil {
		return orgscan.Options{}, err
	}
	return orgscan.Options{
		RoleName:        c.String("role-name"),
		ExternalID:      c.String("external-id"),
		Accounts:        splitList(c.StringSlice("accounts")),
		ExcludeAccounts: splitList(c.StringSlice("exclude-accounts")),
		OUs:             splitList(c.StringSlice("ou")),
		Shard:           k,
		Shards:          n,
	}, nil
}

// collectOrg runs an organization collection (p.org). It returns a snapshot
// whenever one was taken, even with an error (interrupted).
func collectOrg(ctx context.Context, p collectParams, stderr io.Writer) (*snapshot.OrgSnapshot, error) {
	cfg, collectorOpts, err := loadAWSConfig(ctx, p)
	if err != nil {
		return nil, err
	}
	opts := *p.org
	opts.Collector = collectorOpts
	progress := newProgress(stderr, p.quiet)
	opts.Progress = func(p orgscan.Progress) {
		progress.show(fmt.Sprintf("collecting the organization: accounts %d/%d, %d API calls ", p.AccountsDone, p.Accounts, p.Calls))
	}
	snap, err := orgscan.Collect(ctx, cfg, opts)
	progress.done()
	return snap, collectError(snap != nil, err)
}
