package logverify

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"
)

// pendingSlack: a log file delivered this close before the newest digest's
// end may be listed by the next digest, not written yet.
const pendingSlack = 15 * time.Minute

// chain walks one stream's digests of this trail, newest last: the link of
// each digest to the previous one (which must exist and match the hash and
// signature the link records), gaps where a chain starts again, and the
// newest digest against the trail's latest digest delivery.
func (v *verifier) chain(l *listing) {
	w := &chainWalk{v: v, l: l, byKey: map[string]*digest{}, linked: map[string]bool{}, complete: l.err == nil}
	for _, d := range l.ours {
		w.byKey[d.Key] = d
	}
	for i, d := range l.ours {
		switch {
		case d.status != Valid:
			// An invalid digest's links prove nothing; the hour it covers cannot be proven.
			l.broken = append(l.broken, [2]time.Time{d.End.Add(-time.Hour), d.End})
		case d.PrevKey == "":
			w.restart(i, d)
		default:
			w.link(i, d)
		}
	}
	w.unlinked()
	w.newest()
	w.report()
}

// chainWalk is the state of one chain's walk: the stream's digests by key,
// those a later digest links to, and the entries found besides the digests'.
type chainWalk struct {
	v        *verifier
	l        *listing
	byKey    map[string]*digest
	linked   map[string]bool
	complete bool // the listing is complete: a partial one proves no deletion
	extra    []Entry
}

// gap records a gap from..to with its entry.
func (w *chainWalk) gap(from, to time.Time, status Status, reason string) {
	w.extra = append(w.extra, Entry{Type: TypeGap, Account: w.l.Account, Region: w.l.Region, Status: status, From: &from, To: &to, Reason: reason})
}

// restart handles digest i that starts a chain (no previous digest): a gap
// since the digest before it, or since the range's start.
func (w *chainWalk) restart(i int, d *digest) {
	l := w.l
	if i > 0 {
		from, to := l.ours[i-1].End, d.Start
		l.gaps = append(l.gaps, [2]time.Time{from, to})
		w.gap(from, to, Notice, fmt.Sprintf("no digests from %s to %s: the chain starts again at %s (logging or log file validation was off)",
			from.Format(time.RFC3339), to.Format(time.RFC3339), d.Key))
	} else if d.Start.After(w.v.o.Start) {
		from, to := w.v.o.Start, d.Start
		l.gaps = append(l.gaps, [2]time.Time{from, to})
		w.gap(from, to, Notice, "the digest chain starts at "+to.Format(time.RFC3339)+" (logging or log file validation was started then)")
	}
}

// link checks digest i's link to the previous digest: present, it must
// match the hash and signature the link records; absent, it was deleted
// (when the listing is complete and it falls in the range).
func (w *chainWalk) link(i int, d *digest) {
	l := w.l
	if p, ok := w.byKey[d.PrevKey]; ok && d.PrevBucket == p.Bucket {
		w.linked[p.Key] = true
		if p.status == Valid && p.Hash != "" && !strings.EqualFold(p.Hash, d.PrevHash) {
			p.status, p.reason = Invalid, "hash mismatch: its SHA-256 is not the previousDigestHashValue of the next digest "+d.Key
		} else if p.status == Valid && p.Signature != "" && !strings.EqualFold(p.Signature, d.PrevSig) {
			p.status, p.reason = Invalid, "signature fails: its signature is not the previousDigestSignature of the next digest "+d.Key
		}
		return
	}
	pn, ok := parseDigestName(d.PrevKey, l.Account, l.Region, w.v.trail.home)
	if !ok || pn.End.Before(w.v.winStart) {
		return // before the range
	}
	if d.PrevBucket != l.bucket {
		w.extra = append(w.extra, Entry{Type: TypeDigest, Bucket: d.PrevBucket, Key: d.PrevKey, Account: l.Account, Region: l.Region, Status: Notice,
			Reason: "the chain continues in another bucket (the trail's bucket changed): earlier digests there are not verified"})
		return
	}
	if !w.complete {
		return
	}
	w.extra = append(w.extra, Entry{Type: TypeDigest, Bucket: d.PrevBucket, Key: d.PrevKey, Account: l.Account, Region: l.Region, Status: Missing,
		Reason: "deleted: the digest " + d.Key + " links to it"})
	from := pn.End.Add(-time.Hour)
	if i > 0 && l.ours[i-1].End.Before(from) {
		from = l.ours[i-1].End
	}
	l.broken = append(l.broken, [2]time.Time{from, pn.End})
	// Earlier digests of the same run are gone too if the present
	// digest before this one is more than an hour older.
	if i > 0 {
		before := l.ours[i-1]
		if !w.linked[before.Key] && pn.End.Sub(before.End) > 90*time.Minute {
			w.gap(before.End, pn.End, Missing, fmt.Sprintf("digests deleted between %s and %s: the chain from %s does not reach %s",
				before.End.Format(time.RFC3339), pn.End.Format(time.RFC3339), d.Key, before.Key))
		}
	}
}

// unlinked marks invalid a present digest no later digest links to, though
// the next one links to another present digest: it is not part of the chain.
func (w *chainWalk) unlinked() {
	ours := w.l.ours
	for i, d := range ours {
		if i == len(ours)-1 || w.linked[d.Key] || d.status != Valid {
			continue
		}
		next := ours[i+1]
		if next.status != Valid || next.PrevKey == "" || next.PrevKey == d.Key {
			continue
		}
		if _, ok := w.byKey[next.PrevKey]; ok {
			d.status, d.reason = Invalid, "not part of the chain: no later digest links to it"
		}
	}
}

// newest checks the newest present digest against the trail's latest digest
// delivery (GetTrailStatus), allowing for delivery delay.
func (w *chainWalk) newest() {
	l, v := w.l, w.v
	for i := len(l.ours) - 1; i >= 0; i-- {
		if l.ours[i].status != Missing {
			l.newest = l.ours[i].End
			break
		}
	}
	if v.latestDelivery.IsZero() || !w.complete {
		return
	}
	until, slack := v.latestDelivery, homeSlack
	if l.Region != v.trail.home {
		slack = otherSlack
	}
	if v.o.End.Before(until) {
		until, slack = v.o.End, otherSlack
	}
	if until.Sub(v.o.Start) <= slack || !l.newest.Before(until.Add(-slack)) {
		return
	}
	if l.newest.IsZero() {
		// Deleted, or the trail (or its validation) did not exist
		// then: nothing tells the two apart, nothing is proven.
		w.extra = append(w.extra, Entry{Type: TypeRegion, Bucket: l.bucket, Key: l.digestFolder(), Account: l.Account, Region: l.Region, Status: Unverified,
			Reason: fmt.Sprintf("no digest of this trail in the range, though CloudTrail delivered digests until %s: deleted, or the trail or its log file validation did not exist then",
				v.latestDelivery.Format(time.RFC3339))})
		return
	}
	w.extra = append(w.extra, Entry{Type: TypeDigest, Bucket: l.bucket, Key: l.digestFolder(), Account: l.Account, Region: l.Region, Status: Missing,
		Reason: fmt.Sprintf("newest digest missing: CloudTrail delivered digests until %s (GetTrailStatus LatestDigestDeliveryTime) but the newest present ends at %s",
			v.latestDelivery.Format(time.RFC3339), l.newest.Format(time.RFC3339))})
}

// report adds the stream's entries: each digest, the other trails' digests
// that failed, then the entries the walk found.
func (w *chainWalk) report() {
	l := w.l
	for _, d := range l.ours {
		w.v.add(Entry{Type: TypeDigest, Bucket: d.Bucket, Key: d.Key, Account: l.Account, Region: l.Region, Status: d.status, Reason: d.reason})
	}
	for _, d := range l.others {
		if d.status != Valid {
			w.v.add(Entry{Type: TypeDigest, Bucket: d.Bucket, Key: d.Key, Account: l.Account, Region: l.Region, Status: Notice,
				Reason: "digest of another trail writing to this bucket: " + string(d.status) + ": " + d.reason})
		}
	}
	for _, e := range w.extra {
		w.v.add(e)
	}
}

// logTask is one log file to check, and the digest that lists it.
type logTask struct {
	l  *listing
	d  *digest
	lf logFile
}

// verifyLogs hashes every log file the digests of this trail list, in
// parallel, streaming each through gzip and SHA-256.
func (v *verifier) verifyLogs(ctx context.Context, ls []*listing) {
	var tasks []logTask
	seen := map[string]bool{}
	for _, l := range ls {
		l.listedBy, l.accounted = map[string]string{}, map[string]bool{}
		// Digests proven valid first: a log file listed by a valid digest
		// and by an invalid one (a moved copy) is proven by the valid one.
		ours := slices.Clone(l.ours)
		sort.SliceStable(ours, func(i, j int) bool { return ours[i].status == Valid && ours[j].status != Valid })
		for _, d := range ours {
			if d.Hash == "" {
				continue
			}
			for _, lf := range d.Logs {
				l.listedBy[lf.S3Object] = d.Key
				if id := lf.S3Bucket + "/" + lf.S3Object; !seen[id] {
					seen[id] = true
					tasks = append(tasks, logTask{l, d, lf})
				}
			}
		}
		for _, d := range l.others {
			if d.status == Valid {
				for _, lf := range d.Logs {
					l.accounted[lf.S3Object] = true
				}
			}
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(v.o.Concurrency)
	var done atomic.Int64
	for _, t := range tasks {
		g.Go(func() error {
			s, reason := v.checkLog(gctx, t.lf)
			if t.d.status != Valid {
				if s == Valid {
					s = Unverified
				}
				reason = strings.TrimPrefix(reason+"; ", "; ") + "listed only by the digest " + t.d.Key + ", which is " + string(t.d.status)
			}
			v.add(Entry{Type: TypeLog, Bucket: t.lf.S3Bucket, Key: t.lf.S3Object, Account: t.l.Account, Region: t.l.Region, Status: s, Reason: reason})
			v.progress("log files", int(done.Add(1)), len(tasks))
			return nil
		})
	}
	g.Wait()
}

func (v *verifier) checkLog(ctx context.Context, lf logFile) (Status, string) {
	if lf.HashAlgorithm != "" && lf.HashAlgorithm != "SHA-256" {
		return Unverified, "the digest names hash algorithm " + lf.HashAlgorithm
	}
	v.requests.Add(1)
	out, err := v.c.S3(v.bucketRegion).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(lf.S3Bucket), Key: aws.String(lf.S3Object)})
	if err != nil {
		return objectError(err)
	}
	defer out.Body.Close()
	st := hashStates.Get().(*hashState)
	sum, err := hashLog(connReader{out.Body}, st)
	st.br.Reset(nil)
	hashStates.Put(st)
	switch {
	case err != nil && isReadErr(err):
		return Unverified, "could not read: " + errText(err)
	case err != nil:
		return Invalid, err.Error()
	case !strings.EqualFold(sum, lf.HashValue):
		return Invalid, "hash mismatch: the file was altered after delivery"
	}
	return Valid, ""
}

// unlisted reports the log files in a stream's folders, in the time range,
// that no digest lists.
func (v *verifier) unlisted(l *listing) {
	if l.err != nil {
		return
	}
	covered := l.newest
	if !v.latestDelivery.IsZero() {
		lat := v.latestDelivery
		if l.Region != v.trail.home {
			lat = lat.Add(-time.Hour)
		}
		if lat.After(covered) {
			covered = lat
		}
	}
	for _, key := range l.logKeys {
		if _, ok := l.listedBy[key]; ok || l.accounted[key] {
			continue
		}
		t, _ := logNameTime(key)
		e := Entry{Type: TypeLog, Bucket: l.bucket, Key: key, Account: l.Account, Region: l.Region}
		switch {
		case t.After(covered.Add(-pendingSlack)):
			e.Status, e.Reason = Notice, "not yet covered: delivered after the newest digest"
		case inGap(l.broken, t):
			e.Status, e.Reason = Unverified, "no valid digest covers its hour: the digest of that hour is invalid or missing"
		case inGap(l.gaps, t):
			e.Status, e.Reason = Unverified, "no digest lists it: it was delivered during a gap in the digest chain, when log file validation or logging was off"
		case len(v.sharers) > 0:
			e.Status, e.Reason = Unverified, "no digest of this trail lists it, and "+strings.Join(v.sharers, ", ")+" writes to the same bucket and prefix without log file validation"
		default:
			e.Status, e.Reason = Unlisted, "slipped in: no digest lists it"
		}
		v.add(e)
	}
}

func inGap(gaps [][2]time.Time, t time.Time) bool {
	for _, g := range gaps {
		if !t.Before(g[0].Add(-pendingSlack)) && !t.After(g[1].Add(pendingSlack)) {
			return true
		}
	}
	return false
}
