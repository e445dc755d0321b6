package orgscan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailguard/trailguard/collector"
	"github.com/trailguard/trailguard/internal/awsfake"
	fx "github.com/trailguard/trailguard/internal/orgfixture"
	"github.com/trailguard/trailguard/snapshot"
)

const (
	workloadMember = "444444444444" // Workloads OU: under the SCP
	sandboxMember  = "555555555555" // Sandbox OU: not under it
	lockedMember   = "666666666666" // no role to assume
	suspendedID    = "777777777777"
)

var controlTower = fx.Spec{
	Members:   []string{workloadMember, sandboxMember, lockedMember, suspendedID},
	Sandbox:   []string{sandboxMember},
	NoRole:    []string{lockedMember},
	Suspended: []string{suspendedID},
}

var collectedAt = time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)

func testOptions(o Options) Options {
	o.Collector.Regions = fx.Regions
	o.Collector.PathStyle = true
	o.Collector.Now = func() time.Time { return collectedAt }
	o.Collector.Collector = "trailguard test"
	return o
}

// countBy counts the calls of one account to one "service:Operation".
func countBy(srv *awsfake.Server, account, op string) int {
	n := 0
	for _, c := range srv.Calls() {
		if c.Account == account && c.Service+":"+c.Operation == op {
			n++
		}
	}
	return n
}

func collectOrg(t *testing.T, srv *awsfake.Server, opts Options) *snapshot.OrgSnapshot {
	t.Helper()
	snap, err := Collect(context.Background(), fx.CallerConfig(t, srv), testOptions(opts))
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	// Each account's document is a valid single-account snapshot.
	for id, a := range snap.Accounts {
		if a.Snapshot == nil {
			continue
		}
		data, err := json.Marshal(a.Snapshot)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := snapshot.Parse(data); err != nil {
			t.Errorf("account %s: the snapshot does not match the schema: %v", id, err)
		}
	}
	return snap
}

func TestControlTowerOrganization(t *testing.T) {
	srv := fx.NewServer(t, controlTower)
	snap := collectOrg(t, srv, Options{RoleName: "AWSControlTowerExecution"})

	if snap.Kind != "organization" || snap.Partition != "aws" || !snap.Complete || len(snap.Errors) != 0 {
		t.Errorf("kind %q partition %q complete %v errors %v", snap.Kind, snap.Partition, snap.Complete, snap.Errors)
	}
	org := snap.Organization
	if org.ID != fx.OrgID || org.ManagementAccountID != fx.MgmtID || org.RootID != fx.RootID || len(org.Units) != 3 ||
		fmt.Sprint(org.PolicyTypesEnabled) != "[SERVICE_CONTROL_POLICY]" {
		t.Errorf("organization: %+v", org)
	}
	if fmt.Sprint(org.PolicyTargets["p-tgprotect01"]) != "["+fx.WorkloadsOU+"]" || org.PolicyTypes["p-tgprotect01"] != "SERVICE_CONTROL_POLICY" {
		t.Errorf("policy targets %v types %v", org.PolicyTargets, org.PolicyTypes)
	}
	if p := org.Policies["p-tgprotect01"]; p == nil || p.Document == nil || p.Name != "aws-guardrails-ProtectTrail" || p.AWSManaged {
		t.Errorf("the SCP: %+v", p)
	}
	if fmt.Sprint(org.DelegatedAdministrators) != "[{"+fx.AuditID+" guardduty.amazonaws.com} {"+fx.AuditID+" securityhub.amazonaws.com}]" {
		t.Errorf("delegated administrators: %v", org.DelegatedAdministrators)
	}

	// Every account is there; the two that cannot be entered say why.
	if len(snap.Accounts) != 7 {
		t.Fatalf("%d accounts, want 7", len(snap.Accounts))
	}
	for _, id := range []string{fx.MgmtID, fx.LogArchiveID, fx.AuditID, workloadMember, sandboxMember} {
		a := snap.Accounts[id]
		if !a.Scanned || a.Snapshot == nil || a.Error != nil || !a.Snapshot.Complete || a.Snapshot.AccountID != id {
			t.Errorf("account %s: scanned %v error %v snapshot %v", id, a.Scanned, a.Error, a.Snapshot != nil)
			continue
		}
		if len(a.Snapshot.Trails) != 1 || a.Snapshot.Trails[fx.TrailARN] == nil {
			t.Errorf("account %s: trails %v", id, a.Snapshot.Trails)
		}
	}
	for id, why := range map[string]string{lockedMember: "", suspendedID: "SUSPENDED"} {
		a := snap.Accounts[id]
		if a.Scanned || a.Snapshot != nil || a.Error == nil || a.Error.Service != "sts" || a.Error.Operation != "AssumeRole" ||
			a.Error.Code != "AccessDenied" || !strings.Contains(a.Error.Message, why) ||
			a.Error.Resource != "arn:aws:iam::"+id+":role/AWSControlTowerExecution" {
			t.Errorf("account %s: scanned %v error %+v", id, a.Scanned, a.Error)
		}
	}

	// OU paths and the SCPs in effect, level by level.
	path := func(id string) string {
		var s []string
		for _, p := range snap.Accounts[id].OUPath {
			s = append(s, p.Type+":"+p.Name)
		}
		return strings.Join(s, "/")
	}
	for id, want := range map[string]string{workloadMember: "ROOT:Root/ORGANIZATIONAL_UNIT:Workloads", sandboxMember: "ROOT:Root/ORGANIZATIONAL_UNIT:Sandbox",
		fx.LogArchiveID: "ROOT:Root/ORGANIZATIONAL_UNIT:Security", fx.MgmtID: "ROOT:Root"} {
		if got := path(id); got != want {
			t.Errorf("account %s: OU path %s, want %s", id, got, want)
		}
	}
	levels := func(id string) string {
		var s []string
		for _, l := range snap.Accounts[id].Snapshot.Organization.ServiceControlPolicies {
			var ps []string
			for _, p := range l.Policies {
				ps = append(ps, p.ID)
			}
			s = append(s, l.TargetType+"="+strings.Join(ps, ","))
		}
		return strings.Join(s, " ")
	}
	if got := levels(workloadMember); got != "ROOT=p-FullAWSAccess ORGANIZATIONAL_UNIT=p-FullAWSAccess,p-tgprotect01 ACCOUNT=" {
		t.Errorf("SCPs on the workload member: %s", got)
	}
	if got := levels(sandboxMember); got != "ROOT=p-FullAWSAccess ORGANIZATIONAL_UNIT=p-FullAWSAccess ACCOUNT=" {
		t.Errorf("SCPs on the sandbox member: %s", got)
	}
	m := snap.Accounts[workloadMember].Snapshot.Organization
	if m.ID != fx.OrgID || m.AccountName != "member-"+workloadMember || m.IsManagementAccount == nil || *m.IsManagementAccount ||
		m.ResourceControlPolicies != nil {
		t.Errorf("member organization: %+v (RCPs are not enabled: not read)", m)
	}
	if mg := snap.Accounts[fx.MgmtID].Snapshot.Organization; mg.IsManagementAccount == nil || !*mg.IsManagementAccount {
		t.Errorf("management organization: %+v", mg)
	}

	// Shared resources: the bucket and key of the log archive, the log group
	// of the management account, as their owners read them.
	sh := snap.Shared
	if sh == nil {
		t.Fatal("no shared resources")
	}
	if b := sh.Buckets[fx.TrailBucket]; b == nil || b.OwnerAccountID != fx.LogArchiveID || b.Policy == nil || !b.Policy.Exists || b.Versioning == nil {
		t.Errorf("shared bucket: %+v", b)
	}
	if k := sh.KMSKeys[fx.TrailKey]; k == nil || k.Policy == nil || k.RotationEnabled == nil || !*k.RotationEnabled {
		t.Errorf("shared key: %+v", k)
	}
	if lg := sh.LogGroups[fx.TrailGroup]; lg == nil || lg.Exists == nil || !*lg.Exists {
		t.Errorf("shared log group: %+v", lg)
	}
	if len(sh.Errors) != 0 {
		t.Errorf("shared errors: %v", sh.Errors)
	}
	// ... read once: the owners' own collections, and nothing more.
	for _, c := range []struct {
		account, op string
		want        int
	}{
		{fx.LogArchiveID, "s3:GetBucketPolicy", 1}, {fx.LogArchiveID, "kms:GetKeyPolicy", 1}, {fx.MgmtID, "logs:DescribeLogGroups", 1},
		{fx.MgmtID, "sts:AssumeRole", 6}, // every other account, once (suspended and role-less included)
		{fx.MgmtID, "organizations:ListAccountsForParent", 4},
		{fx.MgmtID, "organizations:DescribePolicy", 2},
	} {
		if got := countBy(srv, c.account, c.op); got != c.want {
			t.Errorf("account %s: %d calls to %s, want %d", c.account, got, c.op, c.want)
		}
	}
	if n := srv.Counts()["organizations:ListAccountsForParent"]; n != 4 {
		t.Errorf("ListAccountsForParent %d calls, want 4 (the root has 1 account, Workloads 3 over two pages of 3... see PageSize)", n)
	}
}

// An OU filter leaves the owners out of the scope: the shared resources are
// then read with the owners' credentials, once for both members.
func TestSharedResourcesReadOnceWithOwnerCredentials(t *testing.T) {
	spec := controlTower
	spec.Members = append(slices.Clone(spec.Members), "888888888888")
	srv := fx.NewServer(t, spec)
	snap := collectOrg(t, srv, Options{OUs: []string{"Workloads"}})
	var ids []string
	for id := range snap.Accounts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if fmt.Sprint(ids) != "[444444444444 666666666666 777777777777 888888888888]" {
		t.Errorf("accounts in scope: %v", ids)
	}
	sh := snap.Shared
	if sh == nil || sh.Buckets[fx.TrailBucket] == nil || sh.Buckets[fx.TrailBucket].Policy == nil || sh.KMSKeys[fx.TrailKey] == nil ||
		sh.KMSKeys[fx.TrailKey].Policy == nil || sh.LogGroups[fx.TrailGroup] == nil || sh.LogGroups[fx.TrailGroup].Exists == nil {
		t.Fatalf("shared: %+v", sh)
	}
	if len(sh.Errors) != 0 {
		t.Errorf("shared errors: %v", sh.Errors)
	}
	for _, c := range []struct {
		account, op string
		want        int
	}{
		// Two members use them; each is read once, by its owner.
		{fx.LogArchiveID, "s3:GetBucketPolicy", 1}, {fx.LogArchiveID, "s3:GetBucketVersioning", 1}, {fx.LogArchiveID, "kms:GetKeyPolicy", 1},
		{fx.LogArchiveID, "kms:DescribeKey", 1}, {fx.MgmtID, "logs:DescribeLogGroups", 1}, {fx.MgmtID, "cloudwatch:DescribeAlarms", 1},
		// Owner found by asking the account named in the bucket's name, then
		// read (the collector's own ownership listing).
		{fx.LogArchiveID, "s3:ListBuckets", 2},
		// Nothing else is read in the owners' accounts.
		{fx.LogArchiveID, "cloudtrail:DescribeTrails", 0}, {fx.MgmtID, "cloudtrail:DescribeTrails", 0},
		// The members' own attempts, refused, are still made (as in a single-account scan).
		{workloadMember, "s3:GetBucketPolicy", 1},
	} {
		if got := countBy(srv, c.account, c.op); got != c.want {
			t.Errorf("account %s: %d calls to %s, want %d", c.account, got, c.op, c.want)
		}
	}
}

func TestFilters(t *testing.T) {
	srv := fx.NewServer(t, controlTower)
	for _, c := range []struct {
		name string
		opts Options
		want string // accounts, or the error
	}{
		{"accounts", Options{Accounts: []string{fx.AuditID, workloadMember}}, "[333333333333 444444444444]"},
		{"exclude", Options{ExcludeAccounts: []string{lockedMember, suspendedID, sandboxMember, workloadMember}}, "[111111111111 222222222222 333333333333]"},
		{"ou by id", Options{OUs: []string{fx.SecurityOU}}, "[222222222222 333333333333]"},
		{"shard 2/3", Options{Shard: 2, Shards: 3}, "[222222222222 555555555555]"},
		{"unknown account", Options{Accounts: []string{"999999999999"}}, "--accounts: 999999999999 is not an account of organization o-tg01example"},
		{"unknown ou", Options{OUs: []string{"Finance"}}, `--ou: organization o-tg01example has no organizational unit "Finance"`},
		{"nothing left", Options{Accounts: []string{fx.AuditID}, ExcludeAccounts: []string{fx.AuditID}}, "no account of organization o-tg01example is left to scan"},
		{"bad shard", Options{Shard: 4, Shards: 3}, "shard 4/3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			snap, err := Collect(context.Background(), fx.CallerConfig(t, srv), testOptions(c.opts))
			if err != nil {
				if !strings.Contains(err.Error(), c.want) || snap != nil {
					t.Errorf("error %v, want %q", err, c.want)
				}
				return
			}
			var ids []string
			for id := range snap.Accounts {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			if fmt.Sprint(ids) != c.want {
				t.Errorf("accounts %v, want %s", ids, c.want)
			}
		})
	}
}

func TestNotManagementAccount(t *testing.T) {
	srv := fx.NewServer(t, controlTower)
	cfg := fx.CallerConfig(t, srv)
	cfg.Credentials = awsfake.CredentialsProvider(workloadMember)
	snap, err := Collect(context.Background(), cfg, testOptions(Options{}))
	if snap != nil || err == nil || !strings.Contains(err.Error(), "organizations:ListRoots failed for account 444444444444: AccessDeniedException") ||
		!strings.Contains(err.Error(), "management account") {
		t.Errorf("Collect as a member: %v", err)
	}
}

// Ctrl-C: the accounts already collected are kept, the others are listed as
// not scanned, and the snapshot says it is incomplete.
func TestInterruptKeepsCollectedAccounts(t *testing.T) {
	spec := fx.Spec{}
	for i := range 12 {
		spec.Members = append(spec.Members, fx.MemberID(i))
	}
	srv := fx.NewServer(t, spec)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := testOptions(Options{})
	opts.Collector.Concurrency = 2 // a few accounts at a time (8 workers)
	opts.Progress = func(p Progress) {
		if p.AccountsDone == 3 {
			cancel()
		}
	}
	snap, err := Collect(ctx, fx.CallerConfig(t, srv), opts)
	if !errors.Is(err, ErrInterrupted) || snap == nil {
		t.Fatalf("Collect: %v", err)
	}
	if snap.Complete {
		t.Error("an interrupted snapshot is complete")
	}
	// Accounts are started as the walk finds them: those found are all
	// there (the walk of this small organization ends before the cancel).
	if len(snap.Accounts) != 15 {
		t.Errorf("%d accounts, want all 15", len(snap.Accounts))
	}
	full, notScanned := 0, 0
	for id, a := range snap.Accounts {
		switch {
		case a.Scanned && a.Snapshot.Complete:
			full++
		case !a.Scanned:
			notScanned++
			if a.Error == nil || a.Error.Code != "Interrupted" {
				t.Errorf("account %s: not scanned, error %+v", id, a.Error)
			}
		}
	}
	if full < 3 || notScanned == 0 {
		t.Errorf("%d accounts complete, %d not scanned", full, notScanned)
	}
}

// The whole run shares one bound on calls in flight.
func TestConcurrencyBoundAcrossAccounts(t *testing.T) {
	spec := fx.Spec{}
	for i := range 20 {
		spec.Members = append(spec.Members, fx.MemberID(i))
	}
	srv := fx.NewServer(t, spec)
	srv.SetLatency(5 * time.Millisecond)
	opts := Options{}
	opts.Collector.Concurrency = 6
	collectOrg(t, srv, opts)
	calls := srv.Calls()
	peak := 0
	for _, c := range calls {
		n := 0
		for _, d := range calls {
			if !d.Start.After(c.Start) && d.End.After(c.Start) {
				n++
			}
		}
		peak = max(peak, n)
	}
	if peak > 6 || peak < 4 {
		t.Errorf("peak %d calls in flight, want at most 6 (and close to it)", peak)
	}
}

// orgIAMActions maps each call an organization scan makes besides the
// single-account collector's (whose own test proves those) to its IAM action.
var orgIAMActions = map[string]string{
	"organizations:ListRoots":                        "organizations:ListRoots",
	"organizations:ListOrganizationalUnitsForParent": "organizations:ListOrganizationalUnitsForParent",
	"organizations:ListAccountsForParent":            "organizations:ListAccountsForParent",
	"organizations:ListPolicies":                     "organizations:ListPolicies",
	"organizations:DescribePolicy":                   "organizations:DescribePolicy",
	"organizations:ListTargetsForPolicy":             "organizations:ListTargetsForPolicy",
	"organizations:ListDelegatedAdministrators":      "organizations:ListDelegatedAdministrators",
	"organizations:ListDelegatedServicesForAccount":  "organizations:ListDelegatedServicesForAccount",
	"organizations:DescribeOrganization":             "organizations:DescribeOrganization",
	"sts:AssumeRole":                                 "sts:AssumeRole",
	"sts:GetCallerIdentity":                          "",
}

// TestIAMPolicyAllowsOrganizationCalls checks that the shipped policy
// (trailguard iam-policy) allows every call the management account makes in
// an organization scan, and sts:AssumeRole on the roles trailguard is
// documented to assume.
func TestIAMPolicyAllowsOrganizationCalls(t *testing.T) {
	var policy struct {
		Statement []struct {
			Effect   string
			Action   []string
			Resource any
		}
	}
	if err := json.Unmarshal(collector.IAMPolicy, &policy); err != nil {
		t.Fatal(err)
	}
	allowed := map[string][]any{}
	for _, st := range policy.Statement {
		for _, a := range st.Action {
			if r, ok := st.Resource.([]any); ok {
				allowed[a] = append(allowed[a], r...)
			} else {
				allowed[a] = append(allowed[a], st.Resource)
			}
		}
	}
	srv := fx.NewServer(t, controlTower)
	for _, role := range []string{DefaultRoleName, "AWSControlTowerExecution"} {
		collectOrg(t, srv, Options{RoleName: role})
		if !slices.Contains(allowed["sts:AssumeRole"], any("arn:aws:iam::*:role/"+role)) {
			t.Errorf("the policy does not allow sts:AssumeRole on role %s: %v", role, allowed["sts:AssumeRole"])
		}
	}
	called := map[string]bool{}
	for _, c := range srv.Calls() {
		if c.Account != fx.MgmtID || c.Service == "" {
			continue
		}
		op := c.Service + ":" + c.Operation
		if c.Service != "organizations" && c.Service != "sts" {
			continue // the collector's calls, proven by its own test
		}
		called[op] = true
		action, ok := orgIAMActions[op]
		if !ok {
			t.Errorf("the organization scan called %s, which orgIAMActions does not map", op)
			continue
		}
		if action != "" && len(allowed[action]) == 0 {
			t.Errorf("the organization scan called %s but iam-policy.json does not allow %s", op, action)
		}
	}
	for op := range orgIAMActions {
		if !called[op] {
			t.Errorf("the organization scan never called %s", op)
		}
	}
}

// The shards of a run never overlap, and together they are the whole run.
func TestShardsPartitionTheAccounts(t *testing.T) {
	spec := fx.Spec{}
	for i := range 7 {
		spec.Members = append(spec.Members, fx.MemberID(i))
	}
	srv := fx.NewServer(t, spec)
	seen := map[string]int{}
	for k := 1; k <= 4; k++ {
		snap := collectOrg(t, srv, Options{Shard: k, Shards: 4})
		if len(snap.Accounts) < 2 || len(snap.Accounts) > 3 {
			t.Errorf("shard %d/4: %d accounts of 10", k, len(snap.Accounts))
		}
		for id := range snap.Accounts {
			seen[id]++
		}
		// Each shard says which it is, and lists every account of the
		// organization, its own or not (eval merges the shards; a policy
		// naming an account is judged against the whole organization).
		if s := snap.Shard; s == nil || s.Index != k || s.Count != 4 {
			t.Errorf("shard %d/4 says it is %+v", k, s)
		}
		if n := len(snap.Organization.AccountIDs); n != 10 {
			t.Errorf("shard %d/4: organization.account_ids lists %d accounts, want the organization's 10", k, n)
		}
	}
	if len(seen) != 10 {
		t.Errorf("the shards hold %d accounts, want all 10", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("account %s is in %d shards", id, n)
		}
	}
}

// A policy whose document cannot be read: the SCPs in effect are then not
// known for any account (absent, never an empty list that would read as
// "no SCP"), the failure is recorded and the snapshot is incomplete.
func TestUnreadablePolicyLeavesSCPsUnknown(t *testing.T) {
	srv := awsfake.New(t)
	srv.SetOrganization(controlTower.Organization())
	srv.Add(awsfake.Route{Service: "organizations", Operation: "DescribePolicy", Match: map[string]string{"PolicyId": "p-tgprotect01"},
		Error: &awsfake.ErrorSpec{Status: 400, Code: "AccessDeniedException", Message: "You don't have permissions to access this resource."}})
	srv.Add(controlTower.Routes()...)
	snap := collectOrg(t, srv, Options{RoleName: "AWSControlTowerExecution", Accounts: []string{workloadMember}})
	if snap.Complete || len(snap.Errors) != 1 || snap.Errors[0].Operation != "DescribePolicy" || snap.Errors[0].Code != "AccessDeniedException" {
		t.Errorf("complete %v errors %v", snap.Complete, snap.Errors)
	}
	a := snap.Accounts[workloadMember]
	if !a.Scanned || a.Snapshot.Organization.ServiceControlPolicies != nil || len(a.OUPath) != 2 {
		t.Errorf("member: scanned %v, SCP levels %v, OU path %v", a.Scanned, a.Snapshot.Organization.ServiceControlPolicies, a.OUPath)
	}
}

// A bucket no account of the organization lists (owned outside it) is not
// made up: it stays as the members recorded it, and shared says why.
func TestBucketOwnedOutsideTheOrganization(t *testing.T) {
	srv := awsfake.New(t)
	srv.SetOrganization(controlTower.Organization())
	srv.Add(awsfake.Route{Service: "s3", Account: fx.LogArchiveID, Operation: "ListBuckets", Match: map[string]string{"prefix": fx.TrailBucket},
		Body: `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>6e1f2a3b</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>`})
	srv.Add(controlTower.Routes()...)
	snap := collectOrg(t, srv, Options{Accounts: []string{workloadMember}})
	sh := snap.Shared
	if sh == nil || sh.Buckets[fx.TrailBucket] != nil || sh.KMSKeys[fx.TrailKey] == nil {
		t.Fatalf("shared: %+v", sh)
	}
	if len(sh.Errors) != 1 || sh.Errors[0].Code != "OwnerNotFound" || sh.Errors[0].Resource != fx.TrailBucket ||
		!strings.Contains(sh.Errors[0].Message, fx.LogArchiveID) {
		t.Errorf("shared errors: %v", sh.Errors)
	}
	if b := snap.Accounts[workloadMember].Snapshot.Buckets[fx.TrailBucket]; b == nil || b.Policy != nil {
		t.Errorf("the member's own view of the bucket changed: %+v", b)
	}
	if n := countBy(srv, fx.LogArchiveID, "s3:GetBucketPolicy"); n != 0 {
		t.Errorf("%d GetBucketPolicy calls by the log archive account for a bucket it does not own", n)
	}
}

// organization.account_ids lists every account of the organization, the
// ones out of scope too, and only when the whole OU tree was listed: an
// account missing from a partial list would read as a stranger.
func TestAccountIDsListTheWholeOrganization(t *testing.T) {
	srv := awsfake.New(t)
	srv.SetOrganization(controlTower.Organization())
	srv.Add(controlTower.Routes()...)
	snap := collectOrg(t, srv, Options{RoleName: "AWSControlTowerExecution", Accounts: []string{workloadMember}})
	if len(snap.Accounts) != 1 || len(snap.Organization.AccountIDs) != len(controlTower.Organization().Accounts) {
		t.Errorf("one account in scope: %d accounts, account_ids %v", len(snap.Accounts), snap.Organization.AccountIDs)
	}

	srv = awsfake.New(t)
	srv.SetOrganization(controlTower.Organization())
	srv.Add(awsfake.Route{Service: "organizations", Operation: "ListAccountsForParent", Match: map[string]string{"ParentId": fx.SandboxOU},
		Error: &awsfake.ErrorSpec{Status: 400, Code: "AccessDeniedException", Message: "You don't have permissions to access this resource."}})
	srv.Add(controlTower.Routes()...)
	snap = collectOrg(t, srv, Options{RoleName: "AWSControlTowerExecution", Accounts: []string{workloadMember}})
	if snap.Organization.AccountIDs != nil || snap.Complete {
		t.Errorf("a listing failed: account_ids %v, complete %v; want no list, incomplete", snap.Organization.AccountIDs, snap.Complete)
	}
}
