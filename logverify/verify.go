// Package logverify proves that the log files of a CloudTrail trail were not
// altered, deleted or slipped in, with the digest files CloudTrail signs
// (AWS documentation, "Validating CloudTrail log file integrity"). It walks
// the digest chain of every account and region of the trail over a time
// range: each digest's RSA signature with the public key CloudTrail names by
// fingerprint, the link to the previous digest, and the SHA-256 of every log
// file a digest lists. It also reports what the chain cannot say by itself:
// log files no digest lists, a deleted newest digest (against the trail's
// latest digest delivery time), and gaps when logging was off.
//
// It knows nothing of the CLI or of report formats: Verify returns a Result,
// the writers in this package render it.
package logverify

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"
)

// Options choose what to verify.
type Options struct {
	TrailARN string
	// Start and End bound the time range (digest end times; log file
	// delivery times). End zero is now.
	Start, End time.Time
	// Regions to verify; default: the home region, and for a multi-region
	// trail every region with a digest folder in the bucket.
	Regions []string
	// AccountIDs whose files to verify; default the trail's account. For an
	// organization trail, the member accounts.
	AccountIDs []string
	// OrganizationID of an organization trail; default: DescribeOrganization.
	OrganizationID string
	// Bucket and Prefix replace the trail's (a trail that was deleted or
	// moved to another bucket). With Bucket set a trail that no longer
	// exists can still be verified.
	Bucket, Prefix string
	// Concurrency bounds the requests in flight (default 64).
	Concurrency int
	// Cache, when set, remembers digests proven valid (by object and ETag).
	Cache *Cache
	// Progress, when set, is called as objects are verified.
	Progress func(Progress)
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// Progress is how far a verification is.
type Progress struct {
	Phase       string // "listing", "digests", "log files"
	Done, Total int
}

// Error is a verification that could not start or finish: nothing proven.
type Error struct{ msg string }

func (e *Error) Error() string { return e.msg }

func fail(format string, a ...any) error { return &Error{fmt.Sprintf(format, a...)} }

// Slack of the newest-digest check: CloudTrail delivers a digest about
// every hour per region, a few minutes after its end time.
const (
	homeSlack  = 45 * time.Minute // the previous digest ends about 60 minutes before the newest
	otherSlack = 2*time.Hour + 20*time.Minute
	// digestMargin: digests ending up to this long after the range still
	// list log files delivered in it.
	digestMargin = 2 * time.Hour
	maxDigest    = 64 << 20
)

type verifier struct {
	c     Clients
	o     Options
	trail struct {
		name, home, account, bucket, prefix, org string
		multi, orgTrail, validation              bool
	}
	bucketRegion   string
	latestDelivery time.Time // GetTrailStatus LatestDigestDeliveryTime
	sharers        []string  // other trails writing to the same bucket and prefix without validation
	winStart       time.Time // digests considered: [winStart, winEnd]
	winEnd         time.Time

	requests atomic.Int64
	mu       sync.Mutex
	entries  []Entry
	keys     map[string]*regionKeys // per region
	hits     int
}

// regionKeys are a region's digest-signing public keys by fingerprint.
type regionKeys struct {
	mu       sync.Mutex
	keys     map[string]*rsa.PublicKey
	bad      map[string]error // keys CloudTrail returned that cannot be parsed
	listErr  error            // listing the range's keys failed
	widen    sync.Once        // list all keys once when a fingerprint is not in the range's
	widenErr error
}

// Verify runs a verification. It returns an *Error when nothing could be
// verified (the trail cannot be read, no region can be listed).
func Verify(ctx context.Context, c Clients, o Options) (*Result, error) {
	if o.Concurrency <= 0 {
		o.Concurrency = 64
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.End.IsZero() {
		o.End = o.Now().UTC()
	}
	o.Start, o.End = o.Start.UTC(), o.End.UTC()
	if !o.Start.Before(o.End) {
		return nil, fail("the start time %s is not before the end time %s", o.Start.Format(time.RFC3339), o.End.Format(time.RFC3339))
	}
	v := &verifier{c: c, o: o, keys: map[string]*regionKeys{}}
	if err := v.readTrail(ctx); err != nil {
		return nil, err
	}
	v.winStart, v.winEnd = o.Start, o.End.Add(digestMargin)
	streams, err := v.streams(ctx)
	if err != nil {
		return nil, err
	}
	res := &Result{Trail: o.TrailARN, Bucket: v.trail.bucket, Prefix: v.trail.prefix, Start: o.Start, End: o.End}
	regions := map[string]bool{}
	accounts := map[string]bool{}
	for _, s := range streams {
		regions[s.Region], accounts[s.Account] = true, true
	}
	res.Regions, res.Accounts = sortedKeys(regions), sortedKeys(accounts)

	listed, err := v.list(ctx, streams)
	if err != nil {
		return nil, err
	}
	v.fetchDigests(ctx, listed)
	for _, l := range listed {
		v.chain(l)
	}
	v.verifyLogs(ctx, listed)
	for _, l := range listed {
		v.unlisted(l)
	}
	if err := ctx.Err(); err != nil {
		return nil, fail("verification interrupted: %v", err)
	}
	res.Entries = v.entries
	res.Requests = v.requests.Load()
	res.CacheHits = v.hits
	res.sort()
	return res, nil
}

func (v *verifier) add(e Entry) {
	v.mu.Lock()
	v.entries = append(v.entries, e)
	v.mu.Unlock()
}

func (v *verifier) progress(phase string, done, total int) {
	if v.o.Progress != nil {
		v.o.Progress(Progress{Phase: phase, Done: done, Total: total})
	}
}

// readTrail reads the trail's bucket, prefix and kind (GetTrail), its latest
// digest delivery (GetTrailStatus), the trails sharing its bucket
// (DescribeTrails), the organization id and the bucket's region.
func (v *verifier) readTrail(ctx context.Context) error {
	a, err := arn.Parse(v.o.TrailARN)
	if err != nil || a.Service != "cloudtrail" || !strings.HasPrefix(a.Resource, "trail/") || a.AccountID == "" || a.Region == "" {
		return fail("--trail %q is not a trail ARN (arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME)", v.o.TrailARN)
	}
	t := &v.trail
	t.name, t.home, t.account = strings.TrimPrefix(a.Resource, "trail/"), a.Region, a.AccountID
	// The trail's ARN names its home region: the CloudTrail calls go there.
	ct := v.c.CloudTrail(a.Region)
	if err := v.getTrail(ctx, ct); err != nil {
		return err
	}
	v.trailStatus(ctx, ct)
	v.bucketSharers(ctx, ct)
	if t.orgTrail {
		t.org = v.o.OrganizationID
		if t.org == "" {
			v.requests.Add(1)
			org, err := v.c.Organizations().DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
			if err != nil || org.Organization == nil {
				return fail("%s is an organization trail and organizations DescribeOrganization failed (%s): give --organization-id", v.o.TrailARN, errText(err))
			}
			t.org = aws.ToString(org.Organization.Id)
		}
	}
	v.locateBucket(ctx)
	return nil
}

// getTrail reads the trail's bucket, prefix and kind (GetTrail); the bucket
// and prefix on the command line override them, and let the verification go
// on when GetTrail fails.
func (v *verifier) getTrail(ctx context.Context, ct CloudTrailAPI) error {
	t := &v.trail
	v.requests.Add(1)
	out, err := ct.GetTrail(ctx, &cloudtrail.GetTrailInput{Name: aws.String(v.o.TrailARN)})
	switch {
	case err == nil && out.Trail != nil:
		tr := out.Trail
		t.bucket, t.prefix = aws.ToString(tr.S3BucketName), aws.ToString(tr.S3KeyPrefix)
		t.multi, t.orgTrail = aws.ToBool(tr.IsMultiRegionTrail), aws.ToBool(tr.IsOrganizationTrail)
		t.validation = aws.ToBool(tr.LogFileValidationEnabled)
		if h := aws.ToString(tr.HomeRegion); h != "" {
			t.home = h
		}
		if !t.validation {
			v.add(Entry{Type: TypeRegion, Region: t.home, Status: Notice,
				Reason: "log file validation is off for this trail now: CloudTrail writes digests only while it is on, so recent log files cannot be proven"})
		}
	case v.o.Bucket != "":
		v.add(Entry{Type: TypeRegion, Region: t.home, Status: Notice,
			Reason: "GetTrail failed (" + errText(err) + "): verifying the bucket and prefix given on the command line"})
		t.validation = true
	default:
		return fail("cloudtrail GetTrail %s in %s: %s", v.o.TrailARN, t.home, errText(err))
	}
	if v.o.Bucket != "" {
		t.bucket, t.prefix = v.o.Bucket, v.o.Prefix
	} else if v.o.Prefix != "" {
		t.prefix = v.o.Prefix
	}
	if t.bucket == "" {
		return fail("the trail %s names no S3 bucket", v.o.TrailARN)
	}
	return nil
}

// trailStatus reads the trail's latest digest delivery, and notes a stop of
// logging in the range or a delivery error (GetTrailStatus).
func (v *verifier) trailStatus(ctx context.Context, ct CloudTrailAPI) {
	t := &v.trail
	v.requests.Add(1)
	st, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(v.o.TrailARN)})
	if err != nil {
		v.add(Entry{Type: TypeRegion, Region: t.home, Status: Unverified,
			Reason: "cloudtrail GetTrailStatus: " + errText(err) + ": whether the newest digest was deleted cannot be checked"})
		return
	}
	v.latestDelivery = aws.ToTime(st.LatestDigestDeliveryTime).UTC()
	if st.IsLogging != nil && !*st.IsLogging && st.StopLoggingTime != nil {
		stop := st.StopLoggingTime.UTC()
		if stop.Before(v.o.End) {
			v.add(Entry{Type: TypeGap, Region: t.home, Status: Notice, From: &stop,
				Reason: "logging has been stopped since " + stop.Format(time.RFC3339) + ": no digests are written after that"})
		}
	}
	if e := aws.ToString(st.LatestDigestDeliveryError); e != "" {
		v.add(Entry{Type: TypeRegion, Region: t.home, Status: Notice, Reason: "CloudTrail reports a digest delivery error: " + e})
	}
}

// bucketSharers finds the trails without log file validation that write to
// the same bucket and prefix (DescribeTrails): their log files are not
// slipped in.
func (v *verifier) bucketSharers(ctx context.Context, ct CloudTrailAPI) {
	t := &v.trail
	v.requests.Add(1)
	dt, err := ct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil {
		v.add(Entry{Type: TypeRegion, Region: t.home, Status: Notice,
			Reason: "cloudtrail DescribeTrails: " + errText(err) + ": log files of another trail writing to the same bucket and prefix without log file validation would be reported as slipped in"})
		return
	}
	for _, o := range dt.TrailList {
		if aws.ToString(o.TrailARN) == v.o.TrailARN || aws.ToString(o.S3BucketName) != t.bucket ||
			strings.Trim(aws.ToString(o.S3KeyPrefix), "/") != strings.Trim(t.prefix, "/") {
			continue
		}
		if !aws.ToBool(o.LogFileValidationEnabled) {
			v.sharers = append(v.sharers, aws.ToString(o.TrailARN))
		}
	}
}

// locateBucket finds the bucket's region (GetBucketLocation, or the region a
// refusal names), else assumes the trail's home region.
func (v *verifier) locateBucket(ctx context.Context) {
	t := &v.trail
	v.bucketRegion = t.home
	v.requests.Add(1)
	loc, err := v.c.S3(t.home).GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(t.bucket)})
	if err != nil {
		// A redirect or refusal still names the bucket's region in a header.
		var re *awshttp.ResponseError
		if errors.As(err, &re) && re.Response != nil && re.Response.Header.Get("x-amz-bucket-region") != "" {
			v.bucketRegion = re.Response.Header.Get("x-amz-bucket-region")
		} else {
			v.add(Entry{Type: TypeRegion, Bucket: t.bucket, Region: t.home, Status: Notice,
				Reason: "s3 GetBucketLocation: " + errText(err) + ": assuming the bucket is in " + t.home})
		}
		return
	}
	switch r := string(loc.LocationConstraint); r {
	case "":
		v.bucketRegion = "us-east-1"
	case "EU":
		v.bucketRegion = "eu-west-1"
	default:
		v.bucketRegion = r
	}
}

// streams returns the account and region folders to verify.
func (v *verifier) streams(ctx context.Context) ([]stream, error) {
	t := v.trail
	accounts := v.o.AccountIDs
	if len(accounts) == 0 {
		accounts = []string{t.account}
	}
	var out []stream
	for _, acct := range accounts {
		base := accountBase(t.prefix, t.org, acct)
		regions := v.o.Regions
		if len(regions) == 0 {
			regions = []string{t.home}
			if t.multi {
				found, err := v.listRegions(ctx, base+"CloudTrail-Digest/")
				if err != nil {
					return nil, fail("listing the digest folders s3://%s/%sCloudTrail-Digest/: %s", t.bucket, base, errText(err))
				}
				for _, r := range found {
					if !slices.Contains(regions, r) {
						regions = append(regions, r)
					}
				}
			}
		}
		for _, r := range regions {
			out = append(out, stream{Account: acct, Region: r, bucket: t.bucket, base: base})
		}
	}
	return out, nil
}

func (v *verifier) listRegions(ctx context.Context, prefix string) ([]string, error) {
	var out []string
	p := s3.NewListObjectsV2Paginator(v.c.S3(v.bucketRegion), &s3.ListObjectsV2Input{
		Bucket: aws.String(v.trail.bucket), Prefix: aws.String(prefix), Delimiter: aws.String("/")})
	for p.HasMorePages() {
		v.requests.Add(1)
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, cp := range page.CommonPrefixes {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(aws.ToString(cp.Prefix), prefix), "/"))
		}
	}
	return out, nil
}

// listing is what one stream's folders hold in the time range.
type listing struct {
	stream
	ours    []*digest // this trail's digests, by end time
	others  []*digest // other trails' digests in the same folder
	logKeys []string
	err     error      // the first listing error
	mu      sync.Mutex // guards ours, others, logKeys and err while listing
	// filled by chain and verifyLogs
	listedBy  map[string]string // log key -> digest key (ours, valid or not)
	accounted map[string]bool   // log keys listed by another trail's valid digest
	gaps      [][2]time.Time    // chain restarts: logging or validation off
	broken    [][2]time.Time    // hours whose digest is invalid or missing
	newest    time.Time         // end of the newest digest of this trail present
}

// list lists the digest and log folders of every stream, one day folder per
// request, all in parallel, and the public keys of every region.
func (v *verifier) list(ctx context.Context, streams []stream) ([]*listing, error) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(v.o.Concurrency)
	ls := make([]*listing, len(streams))
	logDays := dayFolders(v.o.Start, v.o.End)
	digestDays := dayFolders(v.winStart, v.winEnd)
	total := len(streams) * (len(logDays) + len(digestDays))
	var done atomic.Int64
	var anyOK atomic.Bool
	for i, s := range streams {
		l := &listing{stream: s}
		ls[i] = l
		for _, day := range digestDays {
			g.Go(func() error {
				defer func() { v.progress("listing", int(done.Add(1)), total) }()
				if v.listDigestDay(gctx, l, day) {
					anyOK.Store(true)
				}
				return nil
			})
		}
		for _, day := range logDays {
			g.Go(func() error {
				defer func() { v.progress("listing", int(done.Add(1)), total) }()
				if v.listLogDay(gctx, l, day) {
					anyOK.Store(true)
				}
				return nil
			})
		}
	}
	// Public keys of every region, for the range.
	regions := map[string]bool{}
	for _, s := range streams {
		regions[s.Region] = true
	}
	for r := range regions {
		rk := &regionKeys{keys: map[string]*rsa.PublicKey{}, bad: map[string]error{}}
		v.keys[r] = rk
		g.Go(func() error {
			rk.listErr = v.loadKeys(gctx, r, rk, v.winStart.Add(-time.Hour), v.winEnd.Add(time.Hour))
			return nil
		})
	}
	g.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fail("verification interrupted: %v", err)
	}
	if !anyOK.Load() && len(ls) > 0 {
		return nil, fail("%v", ls[0].err)
	}
	for _, l := range ls {
		if l.err != nil {
			v.add(Entry{Type: TypeRegion, Bucket: l.bucket, Account: l.Account, Region: l.Region, Status: Unverified, Reason: l.err.Error()})
		}
		sort.Slice(l.ours, func(i, j int) bool { return l.ours[i].End.Before(l.ours[j].End) })
		sort.Strings(l.logKeys)
	}
	return ls, nil
}

// fail records the listing's first error.
func (l *listing) fail(err error) {
	l.mu.Lock()
	if l.err == nil {
		l.err = err
	}
	l.mu.Unlock()
}

// listDigestDay lists one day folder of the stream's digests, in the
// window: this trail's, other trails' (backfill digests are noted, not
// verified). It returns whether the folder could be listed.
func (v *verifier) listDigestDay(ctx context.Context, l *listing, day string) bool {
	objs, err := v.listFolder(ctx, l.digestFolder()+day)
	if err != nil {
		l.fail(fmt.Errorf("listing s3://%s/%s: %s", l.bucket, l.digestFolder()+day, errText(err)))
		return false
	}
	var ours, others []*digest
	for _, o := range objs {
		n, ok := parseDigestName(o.key, l.Account, l.Region, v.trail.home)
		if !ok || n.End.Before(v.winStart) || n.End.After(v.winEnd) {
			continue
		}
		d := &digest{Bucket: l.bucket, Key: o.key, ETag: o.etag, End: n.End}
		switch {
		case n.Backfill:
			v.add(Entry{Type: TypeDigest, Bucket: l.bucket, Key: o.key, Account: l.Account, Region: l.Region, Status: Notice,
				Reason: "backfill digest: not verified (its chain is separate)"})
		case n.Trail == v.trail.name && n.Home == v.trail.home:
			ours = append(ours, d)
		default:
			others = append(others, d)
		}
	}
	l.mu.Lock()
	l.ours = append(l.ours, ours...)
	l.others = append(l.others, others...)
	l.mu.Unlock()
	return true
}

// listLogDay lists one day folder of the stream's log files, in the range.
// It returns whether the folder could be listed.
func (v *verifier) listLogDay(ctx context.Context, l *listing, day string) bool {
	objs, err := v.listFolder(ctx, l.logFolder()+day)
	if err != nil {
		l.fail(fmt.Errorf("listing s3://%s/%s: %s", l.bucket, l.logFolder()+day, errText(err)))
		return false
	}
	var keys []string
	for _, o := range objs {
		if t, ok := logNameTime(o.key); ok && !t.Before(v.o.Start) && !t.After(v.o.End) {
			keys = append(keys, o.key)
		}
	}
	l.mu.Lock()
	l.logKeys = append(l.logKeys, keys...)
	l.mu.Unlock()
	return true
}

type object struct{ key, etag string }

func (v *verifier) listFolder(ctx context.Context, prefix string) ([]object, error) {
	var out []object
	p := s3.NewListObjectsV2Paginator(v.c.S3(v.bucketRegion), &s3.ListObjectsV2Input{
		Bucket: aws.String(v.trail.bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		v.requests.Add(1)
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range page.Contents {
			out = append(out, object{aws.ToString(c.Key), aws.ToString(c.ETag)})
		}
	}
	return out, nil
}

// loadKeys adds the region's public keys valid in from..to (both zero: all).
func (v *verifier) loadKeys(ctx context.Context, region string, rk *regionKeys, from, to time.Time) error {
	in := &cloudtrail.ListPublicKeysInput{}
	if !from.IsZero() {
		in.StartTime, in.EndTime = aws.Time(from), aws.Time(to)
	}
	ct := v.c.CloudTrail(region)
	for {
		v.requests.Add(1)
		out, err := ct.ListPublicKeys(ctx, in)
		if err != nil {
			return fmt.Errorf("cloudtrail ListPublicKeys in %s: %s", region, errText(err))
		}
		rk.mu.Lock()
		for _, k := range out.PublicKeyList {
			fp := aws.ToString(k.Fingerprint)
			if pk, err := parsePublicKey(k.Value); err != nil {
				rk.bad[fp] = err
			} else {
				rk.keys[fp] = pk
			}
		}
		rk.mu.Unlock()
		if aws.ToString(out.NextToken) == "" {
			return nil
		}
		in.NextToken = out.NextToken
	}
}

// key returns the public key with the fingerprint, asking CloudTrail once
// more for all of the region's keys if the range's keys lack it.
func (v *verifier) key(ctx context.Context, region, fp string) (*rsa.PublicKey, error) {
	rk := v.keys[region]
	rk.mu.Lock()
	k, ok := rk.keys[fp]
	rk.mu.Unlock()
	if ok {
		return k, nil
	}
	rk.widen.Do(func() {
		if err := v.loadKeys(ctx, region, rk, time.Time{}, time.Time{}); err != nil {
			rk.mu.Lock()
			rk.widenErr = err
			rk.mu.Unlock()
		}
	})
	rk.mu.Lock()
	defer rk.mu.Unlock()
	if k, ok := rk.keys[fp]; ok {
		return k, nil
	}
	if err, ok := rk.bad[fp]; ok {
		return nil, fmt.Errorf("the public key with fingerprint %s cannot be read: %v", fp, err)
	}
	if rk.listErr != nil || rk.widenErr != nil {
		return nil, &unverifiable{errors.Join(rk.listErr, rk.widenErr)}
	}
	return nil, fmt.Errorf("key unknown: CloudTrail has no public key with fingerprint %s in %s", fp, region)
}

type unverifiable struct{ err error }

func (u *unverifiable) Error() string { return u.err.Error() }

// fetchDigests reads and checks every digest listed, in parallel.
func (v *verifier) fetchDigests(ctx context.Context, ls []*listing) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(v.o.Concurrency)
	total := 0
	for _, l := range ls {
		total += len(l.ours) + len(l.others)
	}
	var done atomic.Int64
	for _, l := range ls {
		for _, d := range slices.Concat(l.ours, l.others) {
			g.Go(func() error {
				v.checkDigest(gctx, l.Region, d)
				v.progress("digests", int(done.Add(1)), total)
				return nil
			})
		}
	}
	g.Wait()
}

func (v *verifier) checkDigest(ctx context.Context, region string, d *digest) {
	if v.o.Cache != nil {
		if c := v.o.Cache.get(d.Bucket, d.Key, d.ETag); c != nil {
			*d = *c
			d.status = Valid
			v.mu.Lock()
			v.hits++
			v.mu.Unlock()
			return
		}
	}
	v.requests.Add(1)
	out, err := v.c.S3(v.bucketRegion).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(d.Bucket), Key: aws.String(d.Key)})
	if err != nil {
		d.status, d.reason = objectError(err)
		return
	}
	defer out.Body.Close()
	body, err := io.ReadAll(io.LimitReader(connReader{out.Body}, maxDigest+1))
	if err != nil {
		d.status, d.reason = Unverified, "reading: "+errText(err)
		return
	}
	if len(body) > maxDigest {
		d.status, d.reason = Invalid, "bad format: larger than 64 MiB"
		return
	}
	df, hash, err := parseDigest(body)
	if err != nil {
		d.status, d.reason = Invalid, err.Error()
		return
	}
	d.Hash = hash
	if t, err := time.Parse(time.RFC3339, df.DigestStartTime); err == nil {
		d.Start = t.UTC()
	}
	if t, err := time.Parse(time.RFC3339, df.DigestEndTime); err == nil && d.End.IsZero() {
		d.End = t.UTC() // else the time in the key's name: the hour this place in the chain covers
	}
	d.PrevBucket, d.PrevKey = aws.ToString(df.PreviousDigestS3Bucket), aws.ToString(df.PreviousDigestS3Object)
	d.PrevHash, d.PrevSig = aws.ToString(df.PreviousDigestHashValue), aws.ToString(df.PreviousDigestSignature)
	d.Logs = df.LogFiles
	d.Signature = out.Metadata["signature"]
	if d.ETag == "" {
		d.ETag = aws.ToString(out.ETag)
	}
	switch {
	case df.DigestS3Bucket != d.Bucket || df.DigestS3Object != d.Key:
		d.status, d.reason = Invalid, "moved from its original location s3://"+df.DigestS3Bucket+"/"+df.DigestS3Object
		return
	case d.Signature == "":
		d.status, d.reason = Invalid, "signature fails: the object has no x-amz-meta-signature"
		return
	}
	if alg := out.Metadata["signature-algorithm"]; alg != signatureAlgorithm || (df.DigestSignatureAlgorithm != "" && df.DigestSignatureAlgorithm != signatureAlgorithm) {
		d.status, d.reason = Invalid, fmt.Sprintf("signature fails: unsupported signature algorithm %q", alg)
		return
	}
	pub, err := v.key(ctx, region, df.DigestPublicKeyFingerprint)
	if err != nil {
		var u *unverifiable
		if errors.As(err, &u) {
			d.status, d.reason = Unverified, err.Error()
		} else {
			d.status, d.reason = Invalid, err.Error()
		}
		return
	}
	if err := verifySignature(pub, df, hash, d.Signature); err != nil {
		d.status, d.reason = Invalid, "signature fails: the digest or its signature was altered"
		return
	}
	d.status = Valid
	if v.o.Cache != nil {
		v.o.Cache.put(d)
	}
}

// objectError classifies a GetObject error.
func objectError(err error) (Status, string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return Missing, "deleted: the object does not exist"
		}
	}
	return Unverified, "could not read: " + errText(err)
}

// errText is an SDK error in one line, without the SDK's long prefix.
func errText(err error) string {
	if err == nil {
		return "no answer"
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if m := ae.ErrorMessage(); m != "" {
			return ae.ErrorCode() + ": " + m
		}
		return ae.ErrorCode()
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
