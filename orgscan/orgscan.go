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
	"maps"
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
	// Accounts are collected as the walk finds them (a large OU takes many
	// sequential pages to list), unless the run is sharded: a shard needs
	// the whole sorted list first.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	t := newTree()
	queue := make(chan string, maxQueued)
	wait := w.startWorkers(cctx, t, queue)
	var found func(id string)
	if opts.Shards == 0 {
		found = func(id string) {
			if w.accepts(t, id) {
				w.queued.Add(1)
				queue <- id
			}
		}
	}
	err := w.readOrganization(cctx, t, found)
	if err == nil {
		var ids []string
		if ids, err = w.scope(t); err == nil && opts.Shards > 0 {
			w.queued.Add(int64(len(ids)))
			for _, id := range ids {
				queue <- id
			}
		}
	}
	interrupted := err != nil && ctx.Err() != nil
	if err != nil && !interrupted {
		cancel() // a wrong filter: the accounts already started are dropped with the run
	}
	close(queue)
	wait()
	if err != nil && (!interrupted || len(w.snap.Accounts) == 0) {
		return nil, err
	}
	if !interrupted {
		w.collectShared(ctx, t)
	}
	w.finish(t)
	if ctx.Err() != nil {
		w.snap.Complete = false
		return w.snap, errors.Join(ErrInterrupted, ctx.Err())
	}
	return w.snap, nil
}

// maxQueued is the most accounts found and not yet started (the walk waits
// beyond it); AWS's default quota is 10 accounts per organization, raised on
// request to a few thousand.
const maxQueued = 1 << 16

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

	done, queued atomic.Int64
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

// scope checks the filters against the whole organization and returns the
// ids of the accounts to collect, sorted, after the filters and the shard.
func (w *walk) scope(t *tree) ([]string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range w.opts.Accounts {
		if t.accounts[id] == nil {
			return nil, fmt.Errorf("--accounts: %s is not an account of organization %s", id, t.org.ID)
		}
	}
	for _, id := range w.opts.ExcludeAccounts {
		if t.accounts[id] == nil {
			return nil, fmt.Errorf("--exclude-accounts: %s is not an account of organization %s", id, t.org.ID)
		}
	}
	for _, ou := range w.opts.OUs {
		if ou != t.org.RootID && !slices.ContainsFunc(slices.Collect(maps.Values(t.org.Units)), func(u *snapshot.OrgUnit) bool {
			return u.ID == ou || strings.EqualFold(u.Name, ou)
		}) {
			return nil, fmt.Errorf("--ou: organization %s has no organizational unit %q (give an OU id or name)", t.org.ID, ou)
		}
	}
	var ids []string
	for id := range t.accounts {
		if w.acceptsLocked(t, id) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
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

// accepts reports whether the filters keep account id (its parents are
// known: the walk lists an OU's accounts after the OU).
func (w *walk) accepts(t *tree, id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return w.acceptsLocked(t, id)
}

func (w *walk) acceptsLocked(t *tree, id string) bool {
	if len(w.opts.Accounts) > 0 && !slices.Contains(w.opts.Accounts, id) {
		return false
	}
	if slices.Contains(w.opts.ExcludeAccounts, id) {
		return false
	}
	if len(w.opts.OUs) == 0 {
		return true
	}
	return slices.ContainsFunc(t.path(id), func(p snapshot.OUPathEntry) bool {
		return slices.ContainsFunc(w.opts.OUs, func(ou string) bool { return ou == p.ID || (p.Type != "ROOT" && strings.EqualFold(ou, p.Name)) })
	})
}

// startWorkers starts collecting the accounts sent to queue, at most as
// many at a time as calls may be in flight (the calls themselves are
// bounded by the slots). The function returned waits for them, once queue
// is closed. An account taken after ctx is cancelled is recorded as not
// scanned, never as clean.
func (w *walk) startWorkers(ctx context.Context, t *tree, queue <-chan string) (wait func()) {
	workers := w.opts.Collector.Concurrency
	if workers <= 0 {
		workers = 64
	}
	var wg sync.WaitGroup
	for range max(8, workers) {
		wg.Go(func() {
			for id := range queue {
				if ctx.Err() != nil {
					w.record(t, id, nil, interruptedError(id))
				} else {
					w.collectAccount(ctx, t, id)
				}
				w.done.Add(1)
				w.progress(int(w.queued.Load()))
			}
		})
	}
	return wg.Wait
}

func interruptedError(id string) *snapshot.CollectionError {
	return &snapshot.CollectionError{Service: "trailguard", Operation: "collect", Resource: id,
		Code: "Interrupted", Message: "the collection was interrupted before this account was read"}
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
		t.mu.Lock()
		st := t.accounts[id].Status
		t.mu.Unlock()
		if ctx.Err() != nil {
			cerr = interruptedError(id)
		} else if st != "" && st != "ACTIVE" {
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
			e = *interruptedError(id)
		}
		w.record(t, id, nil, &e)
		return
	}
	w.record(t, id, snap, nil)
}

// record stores an account's result (its place in the organization is
// added by finish, once the whole organization is read).
func (w *walk) record(t *tree, id string, snap *snapshot.Snapshot, cerr *snapshot.CollectionError) {
	t.mu.Lock()
	a := *t.accounts[id]
	t.mu.Unlock()
	oa := &snapshot.OrgAccount{ID: id, Name: a.Name, Email: a.Email, Status: a.Status,
		Scanned: snap != nil, Error: cerr, Snapshot: snap}
	w.mu.Lock()
	w.snap.Accounts[id] = oa
	if cerr != nil && cerr.Code == "Interrupted" {
		w.snap.Complete = false
	}
	w.mu.Unlock()
}

// finish gives each account its place in the organization (OU path, and
// in its snapshot the organization, its name and the SCPs/RCPs in effect
// on it) and sorts the lists with no natural key.
func (w *walk) finish(t *tree) {
	for id, oa := range w.snap.Accounts {
		oa.OUPath = t.path(id)
		snap := oa.Snapshot
		if snap == nil {
			continue
		}
		org := snap.Organization
		if org == nil || org.ID == "" {
			org = &snapshot.Organization{ID: t.org.ID, ManagementAccountID: t.org.ManagementAccountID}
		}
		org.IsManagementAccount = aws.Bool(id == t.org.ManagementAccountID)
		org.AccountName = oa.Name
		org.OUPath = oa.OUPath
		org.PolicyTypesEnabled = t.org.PolicyTypesEnabled
		org.ServiceControlPolicies = t.levels(id, "SERVICE_CONTROL_POLICY")
		org.ResourceControlPolicies = t.levels(id, "RESOURCE_CONTROL_POLICY")
		snap.Organization = org
	}
	if !t.partial && t.org.AccountIDs == nil {
		// Every account of the organization, in scope or not: a policy
		// naming an account outside this list names a stranger.
		t.org.AccountIDs = slices.Sorted(maps.Keys(t.accounts))
	}
	if w.opts.Shards > 0 {
		w.snap.Shard = &snapshot.ShardInfo{Index: w.opts.Shard, Count: w.opts.Shards}
	}
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
