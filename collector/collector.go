// Package collector takes a read-only snapshot of everything that decides
// whether an AWS account's CloudTrail can be trusted, with the AWS SDK for Go
// v2, and returns it as a snapshot document (package snapshot).
//
// Collection fans out over regions and resources as soon as each one is
// discovered (a trail found in DescribeTrails starts its bucket, key and log
// group reads at once); the number of API calls in flight is bounded by
// Options.Concurrency. Every call that fails is recorded in the document's
// error list and the collection goes on; only a failure to identify the
// caller (missing or rejected credentials) stops it.
package collector

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
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/trailguard/trailguard/schema"
	"github.com/trailguard/trailguard/snapshot"
)

// Options tune a collection. The zero value collects every enabled region.
type Options struct {
	// Regions limits the collection to these regions; empty means every
	// region enabled for the account (account:ListRegions).
	Regions []string
	// Concurrency bounds the API calls in flight (default 64).
	Concurrency int
	// CallTimeout bounds each API call, retries included (default 60s).
	CallTimeout time.Duration
	// PathStyle makes S3 use path-style addressing, as a custom endpoint
	// (LocalStack, moto, a test server) needs.
	PathStyle bool
	// Collector names the program in the document's "collector" field.
	Collector string
	// Progress, when set, is told about progress after every call.
	Progress func(Progress)
	// Now returns the collection time (default time.Now).
	Now func() time.Time
	// Slots, when set, bounds the calls in flight together with every other
	// collection that shares it (an organization's accounts): Concurrency is
	// then ignored.
	Slots *Slots
	// AccountID and Partition, when both are set, are the account the
	// credentials belong to, already known (e.g. from sts:AssumeRole): the
	// collection then makes no sts:GetCallerIdentity call.
	AccountID, Partition string
}

// Slots bounds the API calls in flight, across any number of collections.
type Slots struct {
	sem   chan struct{}
	calls atomic.Int64
	busy  atomic.Int64 // time.Duration: the sum of the time slots were held
}

// NewSlots returns a bound of n calls in flight (64 when n <= 0).
func NewSlots(n int) *Slots {
	if n <= 0 {
		n = 64
	}
	return &Slots{sem: make(chan struct{}, n)}
}

// Calls returns the number of calls made through s so far.
func (s *Slots) Calls() int { return int(s.calls.Load()) }

// Busy returns the total time slots have been held so far (divided by a
// wall time: the average number of calls in flight).
func (s *Slots) Busy() time.Duration { return time.Duration(s.busy.Load()) }

// Call makes one API call once a slot is free, with timeout (0: none).
// Waiting for a slot never holds one, so callers may wait for each other
// without deadlock.
func (s *Slots) Call(ctx context.Context, timeout time.Duration, fn func(context.Context) error) error {
	_, err := s.call(ctx, timeout, fn)
	return err
}

// call is Call, also reporting whether fn ran.
func (s *Slots) call(ctx context.Context, timeout time.Duration, fn func(context.Context) error) (bool, error) {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	start := time.Now()
	defer func() {
		s.busy.Add(int64(time.Since(start)))
		<-s.sem
	}()
	cctx, cancel := ctx, context.CancelFunc(func() {})
	if timeout > 0 {
		cctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	err := fn(cctx)
	s.calls.Add(1)
	return true, err
}

// Progress is a collection's progress so far.
type Progress struct {
	Regions     int // regions to read
	RegionsDone int // regions whose trails have been listed
	Calls       int // API calls made
	Errors      int // calls that failed
}

// ErrInterrupted is returned, wrapped, with the partial snapshot when the
// context was cancelled before the collection finished.
var ErrInterrupted = errors.New("collection interrupted")

// Collect reads the account that cfg's credentials belong to. It returns an
// error without a snapshot only when the caller cannot be identified (see
// CredentialsError). When ctx is cancelled it returns what was collected,
// marked incomplete, with an error wrapping ErrInterrupted.
func Collect(ctx context.Context, cfg aws.Config, opts Options) (*snapshot.Snapshot, error) {
	r := newRun(cfg, opts)
	if err := r.collect(ctx); err != nil {
		return nil, err
	}
	return r.result(ctx)
}

// result finishes the snapshot and returns it, marked incomplete and with an
// error wrapping ErrInterrupted if ctx was cancelled.
func (r *run) result(ctx context.Context) (*snapshot.Snapshot, error) {
	r.finish()
	if ctx.Err() != nil {
		r.snap.Complete = false
		return r.snap, errors.Join(ErrInterrupted, ctx.Err())
	}
	return r.snap, nil
}

func newRun(cfg aws.Config, opts Options) *run {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 64
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = 60 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Slots == nil {
		opts.Slots = NewSlots(opts.Concurrency)
	}
	return &run{
		cfg:   cfg,
		opts:  opts,
		slots: opts.Slots,
		tasks: map[string]*task{},
		seen:  map[string]bool{},

		alarmRegions: map[string][]string{},
		regionAlarms: map[string][]cwtypes.MetricAlarm{},
		clients:      newClients(cfg, opts.PathStyle),
		snap: &snapshot.Snapshot{
			SchemaVersion:   schema.Version,
			CollectedAt:     opts.Now().UTC().Format(time.RFC3339),
			Complete:        true,
			Collector:       opts.Collector,
			Trails:          map[string]*snapshot.Trail{},
			Buckets:         map[string]*snapshot.Bucket{},
			KMSKeys:         map[string]*snapshot.KMSKey{},
			LogGroups:       map[string]*snapshot.LogGroup{},
			Alarms:          map[string]*snapshot.Alarm{},
			SNSTopics:       map[string]*snapshot.SNSTopic{},
			EventDataStores: map[string]*snapshot.EventDataStore{},
			Errors:          []snapshot.CollectionError{},
		},
	}
}

// run is one collection in progress.
type run struct {
	cfg     aws.Config
	opts    Options
	clients *clients
	slots   *Slots
	wg      sync.WaitGroup

	mu           sync.Mutex // guards snap, tasks and the per-region state below
	snap         *snapshot.Snapshot
	tasks        map[string]*task
	seen         map[string]bool
	alarmRegions map[string][]string              // region -> keys of the trail log groups in it
	regionAlarms map[string][]cwtypes.MetricAlarm // region -> its metric alarms, once read

	calls, failures, regions, regionsDone atomic.Int64
}

// task is a piece of work started once per key (a bucket, a key, a region's
// alarms); others can wait for it to finish.
type task struct{ done chan struct{} }

func (t *task) wait() { <-t.done }

// once starts fn in its own goroutine the first time key is seen and returns
// its task; later calls with the same key return the same task.
func (r *run) once(key string, fn func()) *task {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.tasks[key]; ok {
		return t
	}
	t := &task{done: make(chan struct{})}
	r.tasks[key] = t
	r.wg.Go(func() {
		defer close(t.done)
		defer r.recover()
		fn()
	})
	return t
}

// wait waits for the task started under key, if there is one.
func (r *run) wait(key string) {
	r.mu.Lock()
	t := r.tasks[key]
	r.mu.Unlock()
	if t != nil {
		t.wait()
	}
}

// first reports whether key is seen for the first time.
func (r *run) first(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[key] {
		return false
	}
	r.seen[key] = true
	return true
}

// spawn runs fn in its own goroutine, waited for before the snapshot is returned.
func (r *run) spawn(fn func()) {
	r.wg.Go(func() {
		defer r.recover()
		fn()
	})
}

// recover turns a panic in one piece of the collection (a bug) into a
// recorded error and an incomplete snapshot, instead of losing everything
// collected so far.
func (r *run) recover() {
	if v := recover(); v != nil {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.snap.Complete = false
		r.snap.Errors = append(r.snap.Errors, snapshot.CollectionError{
			Service: "trailguard", Operation: "collect", Code: "InternalError",
			Message: fmt.Sprintf("a bug stopped part of the collection: %v (please report it)", v),
		})
	}
}

// call makes one API call (or one page of a paginated call) once a slot is
// free, with the per-call timeout. Waiting for a slot never holds one, so
// tasks may wait for each other without deadlock.
func (r *run) call(ctx context.Context, fn func(context.Context) error) error {
	ran, err := r.slots.call(ctx, r.opts.CallTimeout, fn)
	if !ran {
		return err
	}
	r.calls.Add(1)
	r.progress()
	return err
}

func (r *run) progress() {
	if r.opts.Progress == nil {
		return
	}
	r.opts.Progress(Progress{
		Regions:     int(r.regions.Load()),
		RegionsDone: int(r.regionsDone.Load()),
		Calls:       int(r.calls.Load()),
		Errors:      int(r.failures.Load()),
	})
}

// fail records a failed call. Calls cut short by the collection's own
// cancellation are not errors of the account: the snapshot is marked
// incomplete instead.
func (r *run) fail(ctx context.Context, service, operation, region, resource string, err error) {
	if ctx.Err() != nil {
		return
	}
	code, msg := describeError(err)
	r.failures.Add(1)
	r.mu.Lock()
	r.snap.Errors = append(r.snap.Errors, snapshot.CollectionError{
		Service: service, Operation: operation, Region: region, Resource: resource, Code: code, Message: msg,
	})
	r.mu.Unlock()
}

// locked runs fn with the snapshot locked.
func (r *run) locked(fn func(s *snapshot.Snapshot)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fn(r.snap)
}

// collect runs the whole collection; it fails only when the caller cannot be
// identified.
func (r *run) collect(ctx context.Context) error {
	regions := make(chan []string, 1)
	if len(r.opts.Regions) > 0 {
		regions <- normalizeRegions(r.opts.Regions)
	} else {
		// Listing regions does not need the account id: start it at once.
		// (The deferred send also runs if the listing panics.)
		r.spawn(func() {
			var list []string
			defer func() { regions <- list }()
			list = r.enabledRegions(ctx)
		})
	}
	if err := r.identify(ctx); err != nil {
		// Let the region listing finish before returning.
		r.wg.Wait()
		return err
	}
	r.spawn(func() { r.organization(ctx) })
	r.spawn(func() { r.accountPublicAccessBlock(ctx) })
	r.spawn(func() { r.iam(ctx) })

	list := <-regions
	r.locked(func(s *snapshot.Snapshot) { s.Regions = list })
	r.regions.Store(int64(len(list)))
	discovery := make([]*task, 0, len(list))
	for _, region := range list {
		discovery = append(discovery, r.once("trails:"+region, func() { r.describeTrails(ctx, region) }))
		r.once("lake:"+region, func() { r.eventDataStores(ctx, region) })
	}
	// Every trail is known once every region has been listed: then each
	// region's alarms can be matched against its log groups' metric filters.
	r.spawn(func() {
		for _, t := range discovery {
			t.wait()
		}
		r.matchAlarms(ctx)
	})
	r.wg.Wait()
	return nil
}

// finish sorts everything that has no natural key, so that two snapshots of
// an unchanged account are identical apart from the collection time.
func (r *run) finish() {
	s := r.snap
	sort.Strings(s.Regions)
	slices.SortFunc(s.Errors, func(a, b snapshot.CollectionError) int {
		for _, c := range [][2]string{{a.Service, b.Service}, {a.Operation, b.Operation}, {a.Region, b.Region}, {a.Resource, b.Resource}, {a.Code, b.Code}, {a.Message, b.Message}} {
			if n := strings.Compare(c[0], c[1]); n != 0 {
				return n
			}
		}
		return 0
	})
	s.Errors = slices.Compact(s.Errors)
}

// normalizeRegions trims, de-duplicates and sorts a region list.
func normalizeRegions(in []string) []string {
	out := make([]string, 0, len(in))
	for _, r := range in {
		for part := range strings.SplitSeq(r, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// do makes one API call through r.call: do(r, ctx, client.GetTrailStatus, in).
func do[I, O, T any](r *run, ctx context.Context, op func(context.Context, I, ...func(*O)) (T, error), in I) (T, error) {
	var out T
	err := r.call(ctx, func(ctx context.Context) (err error) {
		out, err = op(ctx, in)
		return err
	})
	return out, err
}

// nextPage reads the next page of an SDK paginator through r.call.
func nextPage[O, T any](r *run, ctx context.Context, next func(context.Context, ...func(*O)) (T, error)) (T, error) {
	var out T
	err := r.call(ctx, func(ctx context.Context) (err error) {
		out, err = next(ctx)
		return err
	})
	return out, err
}
