package orgscan

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailguard/trailguard/collector"
	"github.com/trailguard/trailguard/snapshot"
)

// Cross-account resources. A member's trail (typically the organization
// trail, seen as a shadow) writes to a bucket, encrypts with a key and
// sends to a log group that belong to another account: the member cannot
// read them. Each such resource owned by an account of the organization is
// read once, with the owner's credentials, into OrgSnapshot.Shared, where
// evaluation joins it to every account that uses it.
//
// The owner of a KMS key or log group is the account in its ARN. S3 does not
// say who owns a bucket; the owner is the scanned account whose own
// collection listed it (ListBuckets lists only the caller's buckets), else
// the first of a few likely accounts that lists it: the accounts whose id
// is in the bucket's name (aws-controltower-logs-<id>-<region>), the owners
// of the trails that write to it and of their KMS keys. A bucket none of
// them lists is left as each account recorded it (UNKNOWN, with the reason).

// sharedUse is the set of cross-account resources the scanned accounts use.
type sharedUse struct {
	buckets    map[string][]string        // name -> candidate owners, in order
	keys       map[string]string          // key ARN -> owner
	logGroups  map[string]string          // log group ARN -> owner
	ownsBucket map[string]string          // bucket -> the scanned account whose collection listed it as its own
	users      map[string]map[string]bool // bucket -> accounts that use it
}

func (u sharedUse) empty() bool { return len(u.buckets)+len(u.keys)+len(u.logGroups) == 0 }

// sharedResources is OrgSnapshot.Shared while it is being read concurrently.
type sharedResources struct {
	mu   sync.Mutex
	snap *snapshot.SharedResources
}

func (s *sharedResources) addErr(e snapshot.CollectionError) {
	s.mu.Lock()
	s.snap.Errors = append(s.snap.Errors, e)
	s.mu.Unlock()
}

func (w *walk) collectShared(ctx context.Context, t *tree) {
	if ctx.Err() != nil {
		return
	}
	w.mu.Lock()
	accounts := maps.Clone(w.snap.Accounts)
	w.mu.Unlock()
	use := findSharedUse(accounts, t)
	if use.empty() {
		return
	}
	shared := &sharedResources{snap: &snapshot.SharedResources{
		Buckets: map[string]*snapshot.Bucket{}, KMSKeys: map[string]*snapshot.KMSKey{}, LogGroups: map[string]*snapshot.LogGroup{},
		Alarms: map[string]*snapshot.Alarm{}, SNSTopics: map[string]*snapshot.SNSTopic{}, Errors: []snapshot.CollectionError{},
	}}
	owners := w.sharedOwners(ctx, use, t, shared)
	w.readShared(ctx, accounts, owners, shared)
	w.mu.Lock()
	w.snap.Shared = shared.snap
	w.mu.Unlock()
}

// findSharedUse lists the resources each scanned account uses that another
// account owns, with the candidate owners of each bucket.
func findSharedUse(accounts map[string]*snapshot.OrgAccount, t *tree) sharedUse {
	use := sharedUse{buckets: map[string][]string{}, keys: map[string]string{}, logGroups: map[string]string{},
		ownsBucket: map[string]string{}, users: map[string]map[string]bool{}}
	for _, id := range slices.Sorted(maps.Keys(accounts)) {
		s := accounts[id].Snapshot
		if s == nil {
			continue
		}
		for name, b := range s.Buckets {
			if b.OwnerAccountID == id {
				use.ownsBucket[name] = id
				continue
			}
			if b.Exists != nil && !*b.Exists {
				continue
			}
			if use.users[name] == nil {
				use.users[name] = map[string]bool{}
			}
			use.users[name][id] = true
			cands := use.buckets[name]
			for _, c := range bucketCandidates(name, s, t) {
				if !slices.Contains(cands, c) {
					cands = append(cands, c)
				}
			}
			use.buckets[name] = cands
		}
		for keyARN, k := range s.KMSKeys {
			owner := k.AccountID
			if owner == "" {
				owner = accountOf(keyARN)
			}
			if owner != "" && owner != id {
				use.keys[keyARN] = owner
			}
		}
		for lgARN := range s.LogGroups {
			if owner := accountOf(lgARN); owner != "" && owner != id {
				use.logGroups[lgARN] = owner
			}
		}
	}
	return use
}

// sharedOwners assigns each used resource to the account of the organization
// that owns it: known, else probed for buckets. A resource owned outside the
// organization (or whose owner was not found) is recorded as an error.
func (w *walk) sharedOwners(ctx context.Context, use sharedUse, t *tree, shared *sharedResources) map[string]*collector.Resources {
	owners := map[string]*collector.Resources{}
	var ownerMu sync.Mutex
	add := func(owner string, to func(*collector.Resources)) {
		ownerMu.Lock()
		defer ownerMu.Unlock()
		if owners[owner] == nil {
			owners[owner] = &collector.Resources{}
		}
		to(owners[owner])
	}
	var wg sync.WaitGroup
	for name, cands := range use.buckets {
		addBucket := func(r *collector.Resources) { r.Buckets = append(r.Buckets, name) }
		if owner, ok := use.ownsBucket[name]; ok {
			add(owner, addBucket)
			continue
		}
		cands = slices.DeleteFunc(slices.Clone(cands), func(c string) bool { return use.users[name][c] })
		wg.Go(func() {
			owner, probed := w.probeBucketOwner(ctx, name, cands)
			if owner == "" {
				if ctx.Err() == nil {
					shared.addErr(snapshot.CollectionError{Service: "s3", Operation: "ListBuckets", Resource: name, Code: "OwnerNotFound",
						Message: fmt.Sprintf("no account of the organization that could own the bucket (%s) lists it: it is owned outside the organization or by an account that could not be entered", strings.Join(probed, ", "))})
				}
				return
			}
			add(owner, addBucket)
		})
	}
	wg.Wait()
	for keyARN, owner := range use.keys {
		if t.accounts[owner] == nil {
			shared.addErr(snapshot.CollectionError{Service: "kms", Operation: "DescribeKey", Resource: keyARN, Code: "OutsideOrganization",
				Message: "the key belongs to account " + owner + ", which is not in the organization"})
			continue
		}
		add(owner, func(r *collector.Resources) { r.KMSKeys = append(r.KMSKeys, keyARN) })
	}
	for lgARN, owner := range use.logGroups {
		if t.accounts[owner] == nil {
			shared.addErr(snapshot.CollectionError{Service: "logs", Operation: "DescribeLogGroups", Resource: lgARN, Code: "OutsideOrganization",
				Message: "the log group belongs to account " + owner + ", which is not in the organization"})
			continue
		}
		add(owner, func(r *collector.Resources) { r.LogGroups = append(r.LogGroups, lgARN) })
	}
	return owners
}

// readShared reads each owner's resources once: from its own snapshot when
// its collection already read them, else with its credentials.
func (w *walk) readShared(ctx context.Context, accounts map[string]*snapshot.OrgAccount, owners map[string]*collector.Resources, shared *sharedResources) {
	var wg sync.WaitGroup
	for owner, res := range owners {
		sort.Strings(res.Buckets)
		sort.Strings(res.KMSKeys)
		sort.Strings(res.LogGroups)
		var own *snapshot.Snapshot
		if a := accounts[owner]; a != nil {
			own = a.Snapshot
		}
		// Locked: the readers started for earlier owners merge into shared.snap.
		shared.mu.Lock()
		rest := fromOwnSnapshot(own, res, shared.snap)
		shared.mu.Unlock()
		if len(rest.Buckets)+len(rest.KMSKeys)+len(rest.LogGroups) == 0 {
			continue
		}
		wg.Go(func() {
			cfg, cerr := w.enter(ctx, owner)
			if cerr != nil {
				for _, r := range slices.Concat(rest.Buckets, rest.KMSKeys, rest.LogGroups) {
					e := *cerr
					e.Message = "cannot read " + r + " with the credentials of its owner, account " + owner + ": " + e.Message
					shared.addErr(e)
				}
				return
			}
			opts := w.opts.Collector
			opts.Slots, opts.AccountID, opts.Partition, opts.Progress = w.slots, owner, w.partition, nil
			snap, err := collector.CollectResources(ctx, cfg, opts, rest)
			if snap == nil {
				shared.addErr(collectionError("trailguard", "collect", "", owner, err))
				return
			}
			shared.mu.Lock()
			merge(shared.snap, snap, rest)
			shared.mu.Unlock()
		})
	}
	wg.Wait()
}

// bucketCandidates are the likely owners of a bucket account s uses, in
// order, among the organization's accounts.
func bucketCandidates(name string, s *snapshot.Snapshot, t *tree) []string {
	var out []string
	add := func(id string) {
		if id != "" && t.accounts[id] != nil && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(t.accounts)) {
		if strings.Contains(name, id) {
			add(id)
		}
	}
	for _, arnKey := range slices.Sorted(maps.Keys(s.Trails)) {
		tr := s.Trails[arnKey]
		if tr.S3BucketName == name {
			add(tr.OwnerAccountID)
			add(accountOf(tr.KMSKeyID))
		}
	}
	return out
}

// probeBucketOwner asks each candidate, with its own credentials, whether it
// owns the bucket (ListBuckets lists only the caller's buckets). It returns
// the owner ("" if none) and the candidates asked.
func (w *walk) probeBucketOwner(ctx context.Context, name string, cands []string) (string, []string) {
	var probed []string
	for _, c := range cands {
		cfg, cerr := w.enter(ctx, c)
		if cerr != nil {
			continue
		}
		probed = append(probed, c)
		cfg.Region = "us-east-1"
		if w.partition == "aws-us-gov" {
			cfg.Region = "us-gov-west-1"
		} else if w.partition == "aws-cn" {
			cfg.Region = "cn-north-1"
		}
		client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = w.opts.Collector.PathStyle })
		var out *s3.ListBucketsOutput
		err := w.call(ctx, func(ctx context.Context) (err error) {
			out, err = client.ListBuckets(ctx, &s3.ListBucketsInput{Prefix: aws.String(name), MaxBuckets: aws.Int32(1000)})
			return err
		})
		if err != nil {
			w.fail(ctx, "s3", "ListBuckets", name, err)
			continue
		}
		for _, b := range out.Buckets {
			if aws.ToString(b.Name) == name {
				return c, probed
			}
		}
	}
	return "", probed
}

// fromOwnSnapshot copies into shared the resources the owner's own
// collection already read, and returns the others.
func fromOwnSnapshot(own *snapshot.Snapshot, res *collector.Resources, shared *snapshot.SharedResources) collector.Resources {
	var rest collector.Resources
	if own == nil {
		return *res
	}
	copied := map[string]bool{}
	for _, name := range res.Buckets {
		if b := own.Buckets[name]; b != nil && b.OwnerAccountID == own.AccountID {
			shared.Buckets[name] = b
			copied[name] = true
		} else {
			rest.Buckets = append(rest.Buckets, name)
		}
	}
	for _, k := range res.KMSKeys {
		if key := own.KMSKeys[k]; key != nil {
			shared.KMSKeys[k] = key
			copied[k] = true
		} else {
			rest.KMSKeys = append(rest.KMSKeys, k)
		}
	}
	for _, g := range res.LogGroups {
		key := strings.TrimSuffix(g, ":*")
		if lg := own.LogGroups[key]; lg != nil && lg.Exists != nil {
			shared.LogGroups[key] = lg
			copied[key] = true
			for a, alarm := range own.Alarms {
				if alarm.Region == lg.Region {
					shared.Alarms[a] = alarm
					for _, action := range alarm.AlarmActions {
						if tp := own.SNSTopics[action]; tp != nil {
							shared.SNSTopics[action] = tp
						}
					}
				}
			}
		} else {
			rest.LogGroups = append(rest.LogGroups, g)
		}
	}
	for _, e := range own.Errors {
		if copied[e.Resource] {
			shared.Errors = append(shared.Errors, e)
		}
	}
	return rest
}

// merge adds a CollectResources snapshot to shared.
func merge(shared *snapshot.SharedResources, s *snapshot.Snapshot, res collector.Resources) {
	maps.Copy(shared.Buckets, s.Buckets)
	maps.Copy(shared.KMSKeys, s.KMSKeys)
	maps.Copy(shared.LogGroups, s.LogGroups)
	maps.Copy(shared.Alarms, s.Alarms)
	maps.Copy(shared.SNSTopics, s.SNSTopics)
	shared.Errors = append(shared.Errors, s.Errors...)
	if !s.Complete {
		shared.Errors = append(shared.Errors, snapshot.CollectionError{Service: "trailguard", Operation: "collect", Resource: s.AccountID,
			Code: "Incomplete", Message: "the shared resources of account " + s.AccountID + " were not all read"})
	}
}

// accountOf returns the account id of an ARN, "" if it is not one.
func accountOf(s string) string {
	if a, err := arn.Parse(s); err == nil {
		return a.AccountID
	}
	return ""
}
