// Package cthistory writes CloudTrail log and digest histories into the fake
// AWS server (internal/awsfake), for tests and benchmarks: hourly digests per
// region, each listing the log files delivered in its hour, chained to the
// previous digest and signed (RSA PKCS #1 v1.5 with SHA-256 over the
// documented signing string) with test key pairs whose public halves the
// fake's ListPublicKeys returns. It is written from AWS's documentation,
// independently of the verifier it feeds.
package cthistory

import (
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/trailguard/trailguard/internal/awsfake"
)

// The generator writes CloudTrail histories into the fake server's S3 store,
// as CloudTrail does: hourly digests per region, each listing the log files
// delivered in its hour, chained to the previous digest and signed (RSA
// PKCS #1 v1.5, SHA-256) with test key pairs whose public halves the fake's
// ListPublicKeys returns.

// Key is a signing key pair of the fake CloudTrail.
type Key struct {
	Priv        *rsa.PrivateKey
	Fingerprint string
	From, To    time.Time // validity, as ListPublicKeys reports it
}

// NewKey is a signing key valid from..to, named by its fingerprint.
func NewKey(priv *rsa.PrivateKey, from, to time.Time) Key {
	return Key{Priv: priv, Fingerprint: Fingerprint(priv), From: from, To: to}
}

var (
	keysOnce sync.Once
	keyA     *rsa.PrivateKey
	keyB     *rsa.PrivateKey
	keyEvil  *rsa.PrivateKey
)

func TestKeys(t testing.TB) (a, b, evil *rsa.PrivateKey) {
	keysOnce.Do(func() {
		for _, k := range []**rsa.PrivateKey{&keyA, &keyB, &keyEvil} {
			var err error
			if *k, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
				panic(err)
			}
		}
	})
	return keyA, keyB, keyEvil
}

func Fingerprint(k *rsa.PrivateKey) string {
	sum := md5.Sum(x509.MarshalPKCS1PublicKey(&k.PublicKey))
	return hex.EncodeToString(sum[:])
}

// Trail is where a generated trail writes.
type Trail struct {
	Name, Home, Account, Org, Bucket, Prefix string
}

func (ts Trail) ARN() string {
	return fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", ts.Home, ts.Account, ts.Name)
}

func (ts Trail) base(account string) string {
	return accountBaseForTest(ts.Prefix, ts.Org, account)
}

// accountBaseForTest is written out again here so that the generator does
// not depend on the code under test for the layout.
func accountBaseForTest(prefix, org, account string) string {
	b := "AWSLogs/"
	if org != "" {
		b += org + "/"
	}
	b += account + "/"
	if prefix != "" {
		b = prefix + "/" + b
	}
	return b
}

// gen writes histories into a fake server.
type Gen struct {
	t    testing.TB
	s    *awsfake.Server
	keys []Key
	seq  int
	// Pad adds this many bytes of random hex to each log file's record
	// (large log files, for memory tests).
	Pad int
}

func New(t testing.TB, s *awsfake.Server, keys ...Key) *Gen {
	g := &Gen{t: t, s: s, keys: keys}
	var pks []awsfake.PublicKey
	for _, k := range keys {
		pks = append(pks, awsfake.PublicKey{Fingerprint: k.Fingerprint, Value: x509.MarshalPKCS1PublicKey(&k.Priv.PublicKey),
			ValidityStart: k.From, ValidityEnd: k.To})
	}
	s.SetPublicKeys("", pks)
	return g
}

func (g *Gen) keyAt(t time.Time) Key {
	for _, k := range g.keys {
		if !t.Before(k.From) && t.Before(k.To) {
			return k
		}
	}
	g.t.Fatalf("no test key valid at %s", t)
	return Key{}
}

// Chain is the end of a digest chain, to link the next digest to.
type Chain struct {
	bucket, key, hash, sig string
}

// Digest is a generated digest.
type Digest struct {
	Bucket, Key string
	End         time.Time
	Logs        []string
}

// history writes hours of hourly digests, from start, with logs log files
// each, for account in region. It returns the digests written and the chain
// end (pass it back to continue the chain; nil starts a new chain).
func (g *Gen) History(ts Trail, account, region string, start time.Time, hours, logs int, prev *Chain) ([]Digest, *Chain) {
	var out []Digest
	base := ts.base(account)
	for h := 0; h < hours; h++ {
		end := start.Add(time.Duration(h+1) * time.Hour)
		begin := end.Add(-time.Hour)
		var files []map[string]any
		var keys []string
		for i := 0; i < logs; i++ {
			g.seq++
			at := begin.Add(time.Duration(i+1) * time.Hour / time.Duration(logs+1)).Truncate(time.Minute)
			key := fmt.Sprintf("%sCloudTrail/%s/%s/%s_CloudTrail_%s_%s_%08dabcdEFGH.json.gz",
				base, region, at.Format("2006/01/02"), account, region, at.Format("20060102T1504Z"), g.seq)
			pad := make([]byte, g.Pad/2)
			rand.Read(pad)
			raw := fmt.Appendf(nil, `{"Records":[{"eventVersion":"1.09","eventTime":"%s","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"%s","requestID":"%d","pad":"%x"}]}`,
				at.Format(time.RFC3339), region, g.seq, pad)
			sum := sha256.Sum256(raw)
			g.s.PutObject(ts.Bucket, key, Gzip(raw), nil)
			files = append(files, map[string]any{"s3Bucket": ts.Bucket, "s3Object": key, "hashValue": hex.EncodeToString(sum[:]),
				"hashAlgorithm": "SHA-256", "newestEventTime": at.Format(time.RFC3339), "oldestEventTime": at.Format(time.RFC3339)})
			keys = append(keys, key)
		}
		if files == nil {
			files = []map[string]any{}
		}
		dkey := fmt.Sprintf("%sCloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_%s_%s_%s.json.gz",
			base, region, end.Format("2006/01/02"), account, region, ts.Name, ts.Home, end.Format("20060102T150405Z"))
		k := g.keyAt(end)
		doc := map[string]any{
			"awsAccountId": account, "digestStartTime": begin.Format(time.RFC3339), "digestEndTime": end.Format(time.RFC3339),
			"digestS3Bucket": ts.Bucket, "digestS3Object": dkey, "digestPublicKeyFingerprint": k.Fingerprint,
			"digestSignatureAlgorithm": "SHA256withRSA", "newestEventTime": end.Format(time.RFC3339), "oldestEventTime": begin.Format(time.RFC3339),
			"previousDigestS3Bucket": nil, "previousDigestS3Object": nil, "previousDigestHashValue": nil,
			"previousDigestHashAlgorithm": nil, "previousDigestSignature": nil, "logFiles": files,
		}
		if prev != nil {
			doc["previousDigestS3Bucket"], doc["previousDigestS3Object"] = prev.bucket, prev.key
			doc["previousDigestHashValue"], doc["previousDigestHashAlgorithm"] = prev.hash, "SHA-256"
			doc["previousDigestSignature"] = prev.sig
		}
		raw, _ := json.Marshal(doc)
		sig, hash := Sign(k.Priv, doc, raw)
		g.s.PutObject(ts.Bucket, dkey, Gzip(raw), map[string]string{"signature": sig, "signature-algorithm": "SHA256withRSA"})
		prev = &Chain{bucket: ts.Bucket, key: dkey, hash: hash, sig: sig}
		out = append(out, Digest{Bucket: ts.Bucket, Key: dkey, End: end, Logs: keys})
	}
	return out, prev
}

// sign signs a digest as CloudTrail does; written from the documentation,
// independently of the code under test.
func Sign(k *rsa.PrivateKey, doc map[string]any, raw []byte) (sigHex, hashHex string) {
	sum := sha256.Sum256(raw)
	hashHex = hex.EncodeToString(sum[:])
	prev := "null"
	if p, ok := doc["previousDigestSignature"].(string); ok {
		prev = p
	}
	msg := fmt.Sprintf("%s\n%s/%s\n%s\n%s", doc["digestEndTime"], doc["digestS3Bucket"], doc["digestS3Object"], hashHex, prev)
	h := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, h[:])
	if err != nil {
		panic(err)
	}
	return hex.EncodeToString(sig), hashHex
}

func Gzip(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func Gunzip(t testing.TB, b []byte) []byte {
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := out.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// addTrail adds the GetTrail, GetTrailStatus and DescribeTrails routes of a trail.
func AddTrail(s *awsfake.Server, ts Trail, multi, org bool, latest time.Time, others ...map[string]any) {
	tr := map[string]any{"Name": ts.Name, "TrailARN": ts.ARN(), "HomeRegion": ts.Home, "S3BucketName": ts.Bucket,
		"IsMultiRegionTrail": multi, "IsOrganizationTrail": org, "LogFileValidationEnabled": true}
	if ts.Prefix != "" {
		tr["S3KeyPrefix"] = ts.Prefix
	}
	body, _ := json.Marshal(map[string]any{"Trail": tr})
	s.Add(awsfake.Route{Service: "cloudtrail", Operation: "GetTrail", Match: map[string]string{"Name": ts.ARN()}, Body: string(body)})
	status := map[string]any{"IsLogging": true}
	if !latest.IsZero() {
		status["LatestDigestDeliveryTime"] = latest.Unix()
	}
	body, _ = json.Marshal(status)
	s.Add(awsfake.Route{Service: "cloudtrail", Operation: "GetTrailStatus", Match: map[string]string{"Name": ts.ARN()}, Body: string(body)})
	body, _ = json.Marshal(map[string]any{"trailList": append([]map[string]any{tr}, others...)})
	s.Add(awsfake.Route{Service: "cloudtrail", Operation: "DescribeTrails", Body: string(body)})
}
