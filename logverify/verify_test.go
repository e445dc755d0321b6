package logverify

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/trailguard/trailguard/internal/awsfake"
	ct "github.com/trailguard/trailguard/internal/cthistory"
)

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

const acct = "111122223333"

// fixture is a generated single-region trail with 24 hourly digests of 3
// log files each, signed with key A until t0+12h and key B after (a
// rotation inside the range).
type fixture struct {
	s       *awsfake.Server
	g       *ct.Gen
	ts      ct.Trail
	digests []ct.Digest
	end     *ct.Chain
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := awsfake.New(t)
	a, b, _ := ct.TestKeys(t)
	g := ct.New(t, s,
		ct.NewKey(a, t0.Add(-48*time.Hour), t0.Add(12*time.Hour)),
		ct.NewKey(b, t0.Add(12*time.Hour), t0.Add(1000*time.Hour)))
	ts := ct.Trail{Name: "main", Home: "us-east-1", Account: acct, Bucket: "trail-bucket"}
	s.CreateBucket(ts.Bucket, "us-east-1")
	f := &fixture{s: s, g: g, ts: ts}
	f.digests, f.end = g.History(ts, acct, "us-east-1", t0, 24, 3, nil)
	return f
}

func (f *fixture) run(t *testing.T, mod func(*Options)) *Result {
	t.Helper()
	o := Options{TrailARN: f.ts.ARN(), Start: t0, End: t0.Add(24 * time.Hour), Concurrency: 8,
		Now: func() time.Time { return t0.Add(25 * time.Hour) }}
	if mod != nil {
		mod(&o)
	}
	res, err := Verify(context.Background(), clients(t, f.s), o)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return res
}

// byKey indexes a result's entries by key (gaps and regions by type).
func byKey(r *Result) map[string]Entry {
	m := map[string]Entry{}
	for _, e := range r.Entries {
		k := e.Key
		if k == "" || e.Type == TypeGap {
			k = string(e.Type) + ":" + e.Region + ":" + e.Reason
		}
		m[k] = e
	}
	return m
}

func problems(r *Result) []Entry {
	var out []Entry
	for _, e := range r.Entries {
		if e.Status != Valid {
			out = append(out, e)
		}
	}
	return out
}

func wantClean(t *testing.T, r *Result, digests, logs int) {
	t.Helper()
	if p := problems(r); len(p) > 0 {
		t.Errorf("want every object valid, got %d others:", len(p))
		for _, e := range p {
			t.Errorf("  %s %s %s: %s", e.Type, e.Key, e.Status, e.Reason)
		}
	}
	s := r.Summarize()
	if s.Digests.Valid != digests || s.Logs.Valid != logs {
		t.Errorf("valid digests/logs = %d/%d, want %d/%d", s.Digests.Valid, s.Logs.Valid, digests, logs)
	}
}

func wantStatus(t *testing.T, r *Result, key string, st Status, reason string) {
	t.Helper()
	e, ok := byKey(r)[key]
	if !ok {
		t.Fatalf("no entry for %s; entries: %+v", key, problems(r))
	}
	if e.Status != st || !strings.Contains(e.Reason, reason) {
		t.Errorf("%s: got %s %q, want %s containing %q", key, e.Status, e.Reason, st, reason)
	}
}

func TestCleanHistoryWithKeyRotation(t *testing.T) {
	f := newFixture(t)
	ct.AddTrail(f.s, f.ts, false, false, t0.Add(24*time.Hour))
	r := f.run(t, nil)
	wantClean(t, r, 24, 72)
	if r.HasProblem() || r.Incomplete() {
		t.Errorf("HasProblem/Incomplete = %v/%v", r.HasProblem(), r.Incomplete())
	}
	// Key rotation: both keys were used.
	a, b, _ := ct.TestKeys(t)
	seen := map[string]bool{}
	for _, d := range f.digests {
		raw := ct.Gunzip(t, f.s.GetStoredObject(d.Bucket, d.Key).Body)
		var doc struct{ DigestPublicKeyFingerprint string }
		json.Unmarshal(raw, &doc)
		seen[doc.DigestPublicKeyFingerprint] = true
	}
	if !seen[ct.Fingerprint(a)] || !seen[ct.Fingerprint(b)] {
		t.Errorf("the history should be signed with both keys, got %v", seen)
	}
}

func TestTamperedObjects(t *testing.T) {
	_, _, evil := ct.TestKeys(t)
	cases := []struct {
		name   string
		tamper func(f *fixture) string // returns the key expected to be reported
		status Status
		reason string
	}{
		{"log altered", func(f *fixture) string {
			k := f.digests[3].Logs[1]
			f.s.PutObject(f.ts.Bucket, k, ct.Gzip([]byte(`{"Records":[]}`)), nil)
			return k
		}, Invalid, "hash mismatch"},
		{"log not gzip", func(f *fixture) string {
			k := f.digests[4].Logs[0]
			f.s.PutObject(f.ts.Bucket, k, []byte(`{"Records":[]}`), nil)
			return k
		}, Invalid, "bad format"},
		{"log with data after the gzip stream", func(f *fixture) string {
			k := f.digests[5].Logs[0]
			body := f.s.GetStoredObject(f.ts.Bucket, k).Body
			f.s.PutObject(f.ts.Bucket, k, append(append([]byte{}, body...), ct.Gzip([]byte(`{"Records":[{"eventName":"Forged"}]}`))...), nil)
			return k
		}, Invalid, "after the end of the gzip stream"},
		{"log deleted", func(f *fixture) string {
			k := f.digests[6].Logs[2]
			f.s.DeleteObject(f.ts.Bucket, k)
			return k
		}, Missing, "deleted"},
		{"digest altered", func(f *fixture) string {
			d := f.digests[7]
			o := f.s.GetStoredObject(d.Bucket, d.Key)
			raw := strings.Replace(string(ct.Gunzip(t, o.Body)), `"awsAccountId":"111122223333"`, `"awsAccountId":"999999999999"`, 1)
			f.s.PutObject(d.Bucket, d.Key, ct.Gzip([]byte(raw)), o.Metadata)
			return d.Key
		}, Invalid, "signature fails"},
		{"digest not gzip", func(f *fixture) string {
			d := f.digests[8]
			o := f.s.GetStoredObject(d.Bucket, d.Key)
			f.s.PutObject(d.Bucket, d.Key, ct.Gunzip(t, o.Body), o.Metadata)
			return d.Key
		}, Invalid, "bad format"},
		{"digest without signature", func(f *fixture) string {
			d := f.digests[9]
			f.s.PutObject(d.Bucket, d.Key, f.s.GetStoredObject(d.Bucket, d.Key).Body, nil)
			return d.Key
		}, Invalid, "signature fails"},
		{"digest signed with an unknown key", func(f *fixture) string {
			d := f.digests[10]
			o := f.s.GetStoredObject(d.Bucket, d.Key)
			var doc map[string]any
			json.Unmarshal(ct.Gunzip(t, o.Body), &doc)
			doc["digestPublicKeyFingerprint"] = ct.Fingerprint(evil)
			raw, _ := json.Marshal(doc)
			sig, _ := ct.Sign(evil, doc, raw)
			f.s.PutObject(d.Bucket, d.Key, ct.Gzip(raw), map[string]string{"signature": sig, "signature-algorithm": "SHA256withRSA"})
			return d.Key
		}, Invalid, "key unknown"},
		{"digest moved", func(f *fixture) string {
			// A valid digest of another hour put in this one's place.
			d, other := f.digests[11], f.digests[2]
			o := f.s.GetStoredObject(other.Bucket, other.Key)
			f.s.PutObject(d.Bucket, d.Key, o.Body, o.Metadata)
			return d.Key
		}, Invalid, "moved from its original location"},
		{"digest deleted", func(f *fixture) string {
			d := f.digests[13]
			f.s.DeleteObject(d.Bucket, d.Key)
			return d.Key
		}, Missing, "links to it"},
		{"newest digest deleted", func(f *fixture) string {
			d := f.digests[23]
			f.s.DeleteObject(d.Bucket, d.Key)
			return "trail-bucket" // checked below by reason
		}, Missing, "newest digest missing"},
		{"log file slipped in", func(f *fixture) string {
			k := "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01/111122223333_CloudTrail_us-east-1_20260301T0512Z_forgedforgedfor.json.gz"
			f.s.PutObject(f.ts.Bucket, k, ct.Gzip([]byte(`{"Records":[{"eventName":"ConsoleLogin"}]}`)), nil)
			return k
		}, Unlisted, "slipped in"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			ct.AddTrail(f.s, f.ts, false, false, t0.Add(24*time.Hour))
			key := c.tamper(f)
			r := f.run(t, nil)
			if !r.HasProblem() {
				t.Errorf("HasProblem = false, want true")
			}
			if c.name == "newest digest deleted" {
				found := false
				for _, e := range r.Entries {
					if e.Status == Missing && strings.Contains(e.Reason, c.reason) {
						found = true
					}
				}
				if !found {
					t.Errorf("no entry saying %q: %+v", c.reason, problems(r))
				}
				return
			}
			wantStatus(t, r, key, c.status, c.reason)
			// Exactly the tampered object is a problem (a deleted digest
			// also leaves its log files unlisted and unproven).
			for _, e := range r.Entries {
				if e.Status.Problem() && e.Key != key && c.name != "digest deleted" {
					t.Errorf("unexpected problem %s %s %s: %s", e.Type, e.Key, e.Status, e.Reason)
				}
			}
		})
	}
}

func TestGapIsANoticeNotAFailure(t *testing.T) {
	s := awsfake.New(t)
	a, _, _ := ct.TestKeys(t)
	g := ct.New(t, s, ct.NewKey(a, t0.Add(-48*time.Hour), t0.Add(1000*time.Hour)))
	ts := ct.Trail{Name: "main", Home: "us-east-1", Account: acct, Bucket: "trail-bucket"}
	// Logging stopped from t0+8h to t0+13h: the chain starts again with no link.
	g.History(ts, acct, "us-east-1", t0, 8, 2, nil)
	g.History(ts, acct, "us-east-1", t0.Add(13*time.Hour), 11, 2, nil)
	ct.AddTrail(s, ts, false, false, t0.Add(24*time.Hour))
	f := &fixture{s: s, ts: ts}
	r := f.run(t, nil)
	if r.HasProblem() || r.Incomplete() {
		t.Fatalf("a gap is not a problem: %+v", problems(r))
	}
	var gaps []Entry
	for _, e := range r.Entries {
		if e.Type == TypeGap {
			gaps = append(gaps, e)
		}
	}
	if len(gaps) != 1 || gaps[0].Status != Notice || !gaps[0].From.Equal(t0.Add(8*time.Hour)) || !gaps[0].To.Equal(t0.Add(13*time.Hour)) {
		t.Fatalf("gaps = %+v, want one notice from t0+8h to t0+13h", gaps)
	}
}

func TestMultiRegionOrganizationTrailWithPrefixAndBucketElsewhere(t *testing.T) {
	s := awsfake.New(t)
	a, _, _ := ct.TestKeys(t)
	g := ct.New(t, s, ct.NewKey(a, t0.Add(-48*time.Hour), t0.Add(1000*time.Hour)))
	const member = "444455556666"
	ts := ct.Trail{Name: "org-trail", Home: "us-east-1", Account: acct, Org: "o-abc123def4", Bucket: "org-logs", Prefix: "security/ct"}
	s.CreateBucket(ts.Bucket, "eu-west-1") // the bucket lives in another region than the trail
	for _, r := range []string{"us-east-1", "eu-west-1", "ap-southeast-2"} {
		g.History(ts, member, r, t0, 24, 2, nil)
	}
	g.History(ts, acct, "us-east-1", t0, 24, 1, nil) // the management account's own files are not asked for
	ct.AddTrail(s, ts, true, true, t0.Add(24*time.Hour))
	s.Add(awsfake.Route{Service: "organizations", Operation: "DescribeOrganization",
		Body: `{"Organization":{"Id":"o-abc123def4","MasterAccountId":"111122223333"}}`})
	f := &fixture{s: s, ts: ts}
	r := f.run(t, func(o *Options) { o.AccountIDs = []string{member} })
	wantClean(t, r, 72, 144)
	if strings.Join(r.Regions, ",") != "ap-southeast-2,eu-west-1,us-east-1" {
		t.Errorf("regions = %v", r.Regions)
	}
	for _, c := range s.Calls() {
		if c.Service == "s3" && c.Operation != "GetBucketLocation" && c.Region != "eu-west-1" {
			t.Fatalf("S3 %s sent to %s, not the bucket's region", c.Operation, c.Region)
		}
	}
}

func TestSharedBucket(t *testing.T) {
	t.Run("second trail with validation", func(t *testing.T) {
		f := newFixture(t)
		other := f.ts
		other.Name = "second"
		f.g.History(other, acct, "us-east-1", t0, 24, 2, nil)
		ct.AddTrail(f.s, f.ts, false, false, t0.Add(24*time.Hour))
		r := f.run(t, nil)
		wantClean(t, r, 24, 72) // the second trail's files are its own, not slipped in
	})
	t.Run("second trail without validation", func(t *testing.T) {
		f := newFixture(t)
		k := "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01/111122223333_CloudTrail_us-east-1_20260301T0512Z_secondtrailfile.json.gz"
		f.s.PutObject(f.ts.Bucket, k, ct.Gzip([]byte(`{"Records":[]}`)), nil)
		ct.AddTrail(f.s, f.ts, false, false, t0.Add(24*time.Hour), map[string]any{
			"Name": "second", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/second",
			"S3BucketName": f.ts.Bucket, "LogFileValidationEnabled": false})
		r := f.run(t, nil)
		if r.HasProblem() {
			t.Errorf("a file of another trail without validation is not proven tampering: %+v", problems(r))
		}
		wantStatus(t, r, k, Unverified, "trail/second")
	})
}

func TestThrottlingIsRetried(t *testing.T) {
	f := newFixture(t)
	ct.AddTrail(f.s, f.ts, false, false, t0.Add(24*time.Hour))
	slow := &awsfake.ErrorSpec{Status: 503, Code: "SlowDown", Message: "Please reduce your request rate."}
	f.s.Add(
		awsfake.Route{Service: "s3", Operation: "GetObject", Times: 6, Error: slow},
		awsfake.Route{Service: "s3", Operation: "ListObjectsV2", Times: 2, Error: slow},
		awsfake.Route{Service: "cloudtrail", Operation: "ListPublicKeys", Times: 1,
			Error: &awsfake.ErrorSpec{Status: 400, Code: "ThrottlingException", Message: "Rate exceeded"}})
	r := f.run(t, nil)
	wantClean(t, r, 24, 72)
	throttled := 0
	for _, c := range f.s.Calls() {
		if c.Status == 503 {
			throttled++
		}
	}
	if throttled != 8 {
		t.Errorf("throttled answers = %d, want 8", throttled)
	}
}

func TestAccessDeniedIsUnverifiedNotValid(t *testing.T) {
	f := newFixture(t)
	ct.AddTrail(f.s, f.ts, false, false, t0.Add(24*time.Hour))
	k := f.digests[2].Logs[0]
	f.s.Add(awsfake.Route{Service: "s3", Operation: "GetObject", Match: map[string]string{"Key": k},
		Error: &awsfake.ErrorSpec{Status: 403, Code: "AccessDenied", Message: "Access Denied"}})
	r := f.run(t, nil)
	wantStatus(t, r, k, Unverified, "AccessDenied")
	if r.HasProblem() || !r.Incomplete() {
		t.Errorf("HasProblem/Incomplete = %v/%v, want false/true", r.HasProblem(), r.Incomplete())
	}
}

func TestTrailThatCannotBeReadIsAnError(t *testing.T) {
	f := newFixture(t)
	f.s.Add(awsfake.Route{Service: "cloudtrail", Operation: "GetTrail",
		Error: &awsfake.ErrorSpec{Status: 400, Code: "TrailNotFoundException", Message: "Unknown trail"}})
	_, err := Verify(context.Background(), clients(t, f.s), Options{TrailARN: f.ts.ARN(), Start: t0, End: t0.Add(time.Hour)})
	if err == nil || !strings.Contains(err.Error(), "TrailNotFoundException") {
		t.Fatalf("err = %v", err)
	}
}

func TestCacheSkipsDigestsProvenValid(t *testing.T) {
	f := newFixture(t)
	ct.AddTrail(f.s, f.ts, false, false, t0.Add(24*time.Hour))
	path := filepath.Join(t.TempDir(), "cache.json")
	c, err := OpenCache(path)
	if err != nil {
		t.Fatal(err)
	}
	wantClean(t, f.run(t, func(o *Options) { o.Cache = c }), 24, 72)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	before := f.s.Counts()["s3:GetObject"]
	// Alter one digest: its ETag changes, so it is read again and caught.
	d := f.digests[5]
	o := f.s.GetStoredObject(d.Bucket, d.Key)
	f.s.PutObject(d.Bucket, d.Key, ct.Gzip([]byte(strings.Replace(string(ct.Gunzip(t, o.Body)), `"awsAccountId":"111122223333"`, `"awsAccountId":"111122223334"`, 1))), o.Metadata)
	c2, err := OpenCache(path)
	if err != nil || c2.Len() != 24 {
		t.Fatalf("reopened cache: %v, %d digests", err, c2.Len())
	}
	r := f.run(t, func(o *Options) { o.Cache = c2 })
	if got := f.s.Counts()["s3:GetObject"] - before; got != 72+1 {
		t.Errorf("second run read %d objects, want the 72 log files and the one changed digest", got)
	}
	if r.CacheHits != 23 {
		t.Errorf("cache hits = %d, want 23", r.CacheHits)
	}
	wantStatus(t, r, d.Key, Invalid, "signature fails")
}

// TestIndependentCheck verifies a generated history with Go's crypto
// packages directly, written from AWS's documentation without the code under
// test, and compares the verdicts on every digest, so that the package is not
// its own oracle.
func TestIndependentCheck(t *testing.T) {
	f := newFixture(t)
	ct.AddTrail(f.s, f.ts, false, false, t0.Add(24*time.Hour))
	// Alter two digests in ways only the signature shows.
	for _, i := range []int{4, 17} {
		d := f.digests[i]
		o := f.s.GetStoredObject(d.Bucket, d.Key)
		raw := strings.Replace(string(ct.Gunzip(t, o.Body)), `"newestEventTime":"`, `"newestEventTime":"1`, 1)
		f.s.PutObject(d.Bucket, d.Key, ct.Gzip([]byte(raw)), o.Metadata)
	}
	a, b, _ := ct.TestKeys(t)
	pub := map[string][]byte{ct.Fingerprint(a): x509.MarshalPKCS1PublicKey(&a.PublicKey), ct.Fingerprint(b): x509.MarshalPKCS1PublicKey(&b.PublicKey)}
	independent := map[string]bool{}
	for _, d := range f.digests {
		o := f.s.GetStoredObject(d.Bucket, d.Key)
		independent[d.Key] = independentVerify(t, pub, d.Bucket, d.Key, o.Body, o.Metadata["signature"])
	}
	r := f.run(t, nil)
	got := byKey(r)
	for key, ok := range independent {
		if (got[key].Status == Valid) != ok {
			t.Errorf("%s: independent check says valid=%v, logverify says %s (%s)", key, ok, got[key].Status, got[key].Reason)
		}
	}
	if independent[f.digests[4].Key] || independent[f.digests[17].Key] || !independent[f.digests[5].Key] {
		t.Fatalf("the independent check itself is wrong: %v", independent)
	}
}

// TestLogFilesAreStreamed checks that log files go through the hash without
// being held whole: verifying 8 log files of 4 MiB each allocates far less
// than their size (the memory of one verification is bounded by the
// requests in flight, not by the files).
func TestLogFilesAreStreamed(t *testing.T) {
	s := awsfake.New(t)
	a, _, _ := ct.TestKeys(t)
	g := ct.New(t, s, ct.NewKey(a, t0.Add(-48*time.Hour), t0.Add(1000*time.Hour)))
	g.Pad = 4 << 20
	ts := ct.Trail{Name: "main", Home: "us-east-1", Account: acct, Bucket: "trail-bucket"}
	g.History(ts, acct, "us-east-1", t0, 2, 4, nil)
	ct.AddTrail(s, ts, false, false, t0.Add(2*time.Hour))
	f := &fixture{s: s, ts: ts}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := f.run(t, func(o *Options) { o.End = t0.Add(2 * time.Hour); o.Concurrency = 2 })
	runtime.ReadMemStats(&after)
	wantClean(t, r, 2, 8)
	files := 8 * (4 << 20)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("verifying %d MiB of log files allocated %.1f MiB", files>>20, float64(alloc)/(1<<20))
	if alloc > uint64(files/4) {
		t.Errorf("verifying %d MiB of log files allocated %d MiB: files are held, not streamed", files>>20, alloc>>20)
	}
}

// TestPaginatedListing: a day folder with more than 1000 log files is listed
// page by page (continuation tokens), and none is missed or called slipped in.
func TestPaginatedListing(t *testing.T) {
	s := awsfake.New(t)
	a, _, _ := ct.TestKeys(t)
	g := ct.New(t, s, ct.NewKey(a, t0.Add(-48*time.Hour), t0.Add(1000*time.Hour)))
	ts := ct.Trail{Name: "main", Home: "us-east-1", Account: acct, Bucket: "trail-bucket"}
	g.History(ts, acct, "us-east-1", t0, 24, 45, nil)
	k := "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01/111122223333_CloudTrail_us-east-1_20260301T2300Z_zzzzforgedzzzzz.json.gz"
	s.PutObject(ts.Bucket, k, ct.Gzip([]byte(`{"Records":[]}`)), nil) // sorts last: on the second page
	ct.AddTrail(s, ts, false, false, t0.Add(24*time.Hour))
	f := &fixture{s: s, ts: ts}
	r := f.run(t, nil)
	if s := r.Summarize(); s.Logs.Valid != 1080 || s.Digests.Valid != 24 {
		t.Errorf("summary %+v", s)
	}
	wantStatus(t, r, k, Unlisted, "slipped in")
	pages := 0
	for _, c := range s.Calls() {
		if c.Operation == "ListObjectsV2" && c.Params["continuation-token"] != "" {
			pages++
		}
	}
	if pages == 0 {
		t.Error("no continuation page was asked for")
	}
}

// TestBucketRegionFromRedirect: when GetBucketLocation is refused, the
// region S3 names in x-amz-bucket-region is used.
func TestBucketRegionFromRedirect(t *testing.T) {
	f := newFixture(t)
	f.s.CreateBucket(f.ts.Bucket, "ap-south-1")
	f.s.Add(awsfake.Route{Service: "s3", Operation: "GetBucketLocation", Headers: map[string]string{"x-amz-bucket-region": "ap-south-1"},
		Error: &awsfake.ErrorSpec{Status: 403, Code: "AccessDenied", Message: "Access Denied"}})
	ct.AddTrail(f.s, f.ts, false, false, t0.Add(24*time.Hour))
	wantClean(t, f.run(t, nil), 24, 72)
}
