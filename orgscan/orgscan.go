// Package orgscan collects a whole AWS Organization: it reads the
// organization (OU tree, accounts, Service and Resource Control Policies
// with their targets, delegated administrators), enters every account in
// scope by assuming a role in it, runs the single-account collector there,
// and reads once, with the owner's credentials, the resources that one
// account uses and another account of the organization owns (the
// organization trail's bucket, KMS key and log group). The result is a
// snapshot.OrgSnapshot.
//
// Every API call of the whole run, in every account, goes through one
// collector.Slots: Options.Collector.Concurrency bounds the calls in flight
// in total, not per account. An account that cannot be entered is recorded
// as not scanned, with the AWS error, and the run goes on; a cancelled run
// returns every account collected so far, marked incomplete.
package orgscan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/trailguard/trailguard/collector"
	"github.com/trailguard/trailguard/schema"
	"github.com/trailguard/trailguard/snapshot"
)

// DefaultRoleName is the role AWS Organizations creates in the accounts it creates.
const DefaultRoleName = "OrganizationAccountAccessRole"

// Options tune an organization collection.
type Options struct {
	// RoleName is the role assumed in each member account (default
	// OrganizationAccountAccessRole; Control Tower: AWSControlTowerExecution).
	RoleName string
	// ExternalID is passed to sts:AssumeRole when set.
	ExternalID string
	// Accounts, when not empty, limits the scan to these account ids.
	Accounts []string
	// ExcludeAccounts are left out.
	ExcludeAccounts []string
	// OUs, when not empty, limits the scan to the accounts under these
	// organizational units (ids or names; nested OUs included; a root id
	// means every account).
	OUs []string
	// Shard and Shards split the accounts in scope, sorted by id, into
	// Shards parts and keep part Shard (1-based): account i (0-based) is in
	// shard i mod Shards + 1. Zero Shards means no sharding.
	Shard, Shards int
	// Collector are the options of each account's collection. Its
	// Concurrency bounds the calls in flight of the whole run; Slots,
	// AccountID, Partition and Progress are set by Collect.
	Collector collector.Options
	// Progress, when set, is told about progress after each account.
	Progress func(Progress)
	// Slots, when set, is the bound on calls in flight to use (Collector.
	// Concurrency is then ignored); a caller may share it or read its counters.
	Slots *collector.Slots
}

// Progress is an organization collection's progress so far.
type Progress struct {
	Accounts     int // accounts in scope
	AccountsDone int // accounts collected or given up
	Calls        int // API calls made, in every account
}

// ErrInterrupted is returned, wrapped, with the partial snapshot when the
// context was cancelled before the collection finished.
var ErrInterrupted = collector.ErrInterrupted

// Collect reads the organization that cfg's credentials (of the management
// account or a delegated administrator) can see. It returns an error
// without a snapshot when the caller cannot be identified, is not in an
// organization, may not list it, or when a filter names an account or OU
// the organization does not have. When ctx is cancelled it returns what was
// collected, marked incomplete, with an error wrapping ErrInterrupted.
func Collect(ctx context.Context, cfg aws.Config, opts Options) (*snapshot.OrgSnapshot, error) {
	if opts.RoleName == "" {
		opts.RoleName = DefaultRoleName
	}
	if opts.Collector.CallTimeout <= 0 {
		opts.Collector.CallTimeout = 60 * time.Second
	}
	if opts.Collector.Now == nil {
		opts.Collector.Now = time.Now
	}
	if opts.Shards < 0 || (opts.Shards > 0 && (opts.Shard < 1 || opts.Shard > opts.Shards)) {
		return nil, fmt.Errorf("shard %d/%d: K must be between 1 and N", opts.Shard, opts.Shards)
	}
	if opts.Slots == nil {
		opts.Slots = collector.NewSlots(opts.Collector.Concurrency)
	}
	w := &walk{
		cfg:   cfg,
		opts:  opts,
		slots: opts.Slots,
		creds: map[string]*entry{},
		snap: &snapshot.OrgSnapshot{
			SchemaVersion: schema.Version,
			Kind:          snapshot.OrgSnapshotKind,
			CollectedAt:   opts.Collector.Now().UTC().Format(time.RFC3339),
			Complete:      true,
			Collector:     opts.Collector.Collector,
			Accounts:      map[string]*snapshot.OrgAccount{},
			Errors:        []snapshot.CollectionError{},
		},
	}
	if err := w.identify(ctx); err != nil {
		return nil, err
	}
	tree, err := w.readOrganization(ctx)
	if err != nil {
		return nil, err
	}
	scope, err := w.scope(tree)
	if err != nil {
		return nil, err
	}
	w.collectAccounts(ctx, tree, scope)
	w.collectShared(ctx, tree)
	w.finish()
	if ctx.Err() != nil {
		w.snap.Complete = false
		return w.snap, errors.Join(ErrInterrupted, ctx.Err())
	}
	return w.snap, nil
}

// walk is one organization collection in progress.
type walk struct {
	cfg       aws.Config
	opts      Options
	slots     *collector.Slots
	caller    string // the caller's account id
	partition string

	mu    sync.Mutex // guards snap and creds
	snap  *snapshot.OrgSnapshot
	creds map[string]*entry // account id -> how to enter it

	done atomic.Int64
}

// entry is how an account is entered: its configuration, or why not.
type entry struct {
	once sync.Once
	cfg  aws.Config
	err  *snapshot.CollectionError
}

// call makes one API call through the run's slots.
func (w *walk) call(ctx context.Context, fn func(context.Context) error) error {
	return w.slots.Call(ctx, w.opts.Collector.CallTimeout, fn)
}

// fail records a failed organization-level call.
func (w *walk) fail(ctx context.Context, service, operation, resource string, err error) {
	if ctx.Err() != nil {
		w.mu.Lock()
		w.snap.Complete = false
		w.mu.Unlock()
		return
	}
	e := collectionError(service, operation, w.cfg.Region, resource, err)
	w.mu.Lock()
	w.snap.Errors = append(w.snap.Errors, e)
	w.snap.Complete = false
	w.mu.Unlock()
}

func collectionError(service, operation, region, resource string, err error) snapshot.CollectionError {
	code, msg := collector.DescribeError(err)
	var malformed malformedPolicy
	if errors.As(err, &malformed) {
		code, msg = "MalformedPolicyDocument", malformed.Error()
	}
	return snapshot.CollectionError{Service: service, Operation: operation, Region: region, Resource: resource, Code: code, Message: msg}
}

// identify reads the caller's account.
func (w *walk) identify(ctx context.Context) error {
	if w.cfg.Credentials == nil {
		return &collector.CredentialsError{Err: errors.New("no credential provider is configured")}
	}
	if _, err := w.cfg.Credentials.Retrieve(ctx); err != nil {
		if ctx.Err() != nil {
			return errors.Join(ErrInterrupted, ctx.Err())
		}
		return &collector.CredentialsError{Err: err}
	}
	var out *sts.GetCallerIdentityOutput
	err := w.call(ctx, func(ctx context.Context) (err error) {
		out, err = sts.NewFromConfig(w.cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return errors.Join(ErrInterrupted, ctx.Err())
		}
		e := collectionError("sts", "GetCallerIdentity", w.cfg.Region, "", err)
		return fmt.Errorf("sts:GetCallerIdentity failed in %s: %s: %s", w.cfg.Region, e.Code, e.Message)
	}
	w.caller, w.partition = aws.ToString(out.Account), "aws"
	if a, err := arn.Parse(aws.ToString(out.Arn)); err == nil {
		w.partition = a.Partition
	}
	w.snap.Partition = w.partition
	return nil
}

// enter returns the configuration that reads account id: the caller's own
// for its own account, else the role assumed in it (one sts:AssumeRole
// call, made once per account).
func (w *walk) enter(ctx context.Context, id string) (aws.Config, *snapshot.CollectionError) {
	if id == w.caller {
		return w.cfg, nil
	}
	w.mu.Lock()
	e := w.creds[id]
	if e == nil {
		e = &entry{}
		w.creds[id] = e
	}
	w.mu.Unlock()
	e.once.Do(func() {
		roleARN := "arn:" + w.partition + ":iam::" + id + ":role/" + w.opts.RoleName
		provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(w.cfg), roleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "trailguard-" + w.opts.Collector.Now().UTC().Format("20060102T150405Z")
			if w.opts.ExternalID != "" {
				o.ExternalID = aws.String(w.opts.ExternalID)
			}
		})
		cfg := w.cfg.Copy()
		cfg.Credentials = aws.NewCredentialsCache(provider)
		err := w.call(ctx, func(ctx context.Context) error {
			_, err := cfg.Credentials.Retrieve(ctx)
			return err
		})
		if err != nil {
			ce := collectionError("sts", "AssumeRole", w.cfg.Region, roleARN, err)
			e.err = &ce
			return
		}
		e.cfg = cfg
	})
	return e.cfg, e.err
}

// scope returns the ids of the accounts to collect, sorted, after the
// filters and the shard.
func (w *walk) scope(t *tree) ([]string, error) {
	var ids []string
	for id := range t.accounts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if len(w.opts.Accounts) > 0 {
		for _, id := range w.opts.Accounts {
			if t.accounts[id] == nil {
				return nil, fmt.Errorf("--accounts: %s is not an account of organization %s", id, t.org.ID)
			}
		}
		ids = slices.DeleteFunc(ids, func(id string) bool { return !slices.Contains(w.opts.Accounts, id) })
	}
	for _, id := range w.opts.ExcludeAccounts {
		if t.accounts[id] == nil {
			return nil, fmt.Errorf("--exclude-accounts: %s is not an account of organization %s", id, t.org.ID)
		}
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return slices.Contains(w.opts.ExcludeAccounts, id) })
	if len(w.opts.OUs) > 0 {
		want := map[string]bool{}
		for _, ou := range w.opts.OUs {
			found := ou == t.org.RootID
			for _, u := range t.org.Units {
				if u.ID == ou || strings.EqualFold(u.Name, ou) {
					want[u.ID], found = true, true
				}
			}
			if !found {
				return nil, fmt.Errorf("--ou: organization %s has no organizational unit %q (give an OU id or name)", t.org.ID, ou)
			}
			want[ou] = true
		}
		ids = slices.DeleteFunc(ids, func(id string) bool {
			return !slices.ContainsFunc(t.path(id), func(p snapshot.OUPathEntry) bool { return want[p.ID] })
		})
	}
	if w.opts.Shards > 0 {
		var kept []string
		for i, id := range ids {
			if i%w.opts.Shards == w.opts.Shard-1 {
				kept = append(kept, id)
			}
		}
		ids = kept
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("no account of organization %s is left to scan after --accounts, --exclude-accounts, --ou and --shard", t.org.ID)
	}
	return ids, nil
}

// collectAccounts collects every account in scope, at most as many at a
// time as calls may be in flight (the calls themselves are bounded by the
// slots).
func (w *walk) collectAccounts(ctx context.Context, t *tree, ids []string) {
	workers := w.opts.Collector.Concurrency
	if workers <= 0 {
		workers = 64
	}
	workers = max(8, workers)
	next := make(chan string)
	var wg sync.WaitGroup
	for range min(workers, len(ids)) {
		wg.Go(func() {
			for id := range next {
				w.collectAccount(ctx, t, id)
				w.done.Add(1)
				w.progress(len(ids))
			}
		})
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			// Not started: recorded as not scanned, never as clean.
			w.record(t, id, nil, &snapshot.CollectionError{Service: "trailguard", Operation: "collect", Resource: id,
				Code: "Interrupted", Message: "the collection was interrupted before this account was read"})
			continue
		}
		next <- id
	}
	close(next)
	wg.Wait()
}

func (w *walk) progress(total int) {
	if w.opts.Progress != nil {
		w.opts.Progress(Progress{Accounts: total, AccountsDone: int(w.done.Load()), Calls: w.slots.Calls()})
	}
}

// collectAccount enters one account and collects it.
func (w *walk) collectAccount(ctx context.Context, t *tree, id string) {
	cfg, cerr := w.enter(ctx, id)
	if cerr != nil {
		if ctx.Err() != nil {
			cerr = &snapshot.CollectionError{Service: "trailguard", Operation: "collect", Resource: id,
				Code: "Interrupted", Message: "the collection was interrupted before this account was read"}
		} else if st := t.accounts[id].Status; st != "" && st != "ACTIVE" {
			cerr.Message = "the account is " + st + " in AWS Organizations; " + cerr.Message
		}
		w.record(t, id, nil, cerr)
		return
	}
	opts := w.opts.Collector
	opts.Slots, opts.AccountID, opts.Partition, opts.Progress = w.slots, id, w.partition, nil
	snap, err := collector.Collect(ctx, cfg, opts)
	if snap == nil {
		e := collectionError("trailguard", "collect", "", id, err)
		if errors.Is(err, collector.ErrInterrupted) {
			e.Code, e.Message = "Interrupted", "the collection was interrupted before this account was read"
		}
		w.record(t, id, nil, &e)
		return
	}
	w.record(t, id, snap, nil)
}

// record stores an account's result, with its place in the organization.
func (w *walk) record(t *tree, id string, snap *snapshot.Snapshot, cerr *snapshot.CollectionError) {
	a := t.accounts[id]
	oa := &snapshot.OrgAccount{ID: id, Name: a.Name, Email: a.Email, Status: a.Status, OUPath: t.path(id),
		Scanned: snap != nil, Error: cerr, Snapshot: snap}
	if snap != nil {
		org := snap.Organization
		if org == nil || org.ID == "" {
			org = &snapshot.Organization{ID: t.org.ID, ManagementAccountID: t.org.ManagementAccountID}
		}
		org.IsManagementAccount = aws.Bool(id == t.org.ManagementAccountID)
		org.AccountName = a.Name
		org.OUPath = oa.OUPath
		org.PolicyTypesEnabled = t.org.PolicyTypesEnabled
		org.ServiceControlPolicies = t.levels(id, "SERVICE_CONTROL_POLICY")
		org.ResourceControlPolicies = t.levels(id, "RESOURCE_CONTROL_POLICY")
		snap.Organization = org
	}
	w.mu.Lock()
	w.snap.Accounts[id] = oa
	if cerr != nil && cerr.Code == "Interrupted" {
		w.snap.Complete = false
	}
	w.mu.Unlock()
}

// finish sorts the lists with no natural key.
func (w *walk) finish() {
	sortErrors(w.snap.Errors)
	if w.snap.Shared != nil {
		sortErrors(w.snap.Shared.Errors)
	}
}

func sortErrors(errs []snapshot.CollectionError) {
	slices.SortFunc(errs, func(a, b snapshot.CollectionError) int {
		for _, c := range [][2]string{{a.Service, b.Service}, {a.Operation, b.Operation}, {a.Resource, b.Resource}, {a.Code, b.Code}, {a.Message, b.Message}} {
			if n := strings.Compare(c[0], c[1]); n != 0 {
				return n
			}
		}
		return 0
	})
}
