package logverify

import (
	"bytes"
	"compress/gzip"
	"context"
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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/trailguard/trailguard/internal/awsfake"
)

// The generator writes CloudTrail histories into the fake server's S3 store,
// as CloudTrail does: hourly digests per region, each listing the log files
// delivered in its hour, chained to the previous digest and signed (RSA
// PKCS #1 v1.5, SHA-256) with test key pairs whose public halves the fake's
// ListPublicKeys returns.

// testKey is a signing key pair of the fake CloudTrail.
type testKey struct {
	priv        *rsa.PrivateKey
	fingerprint string
	from, to    time.Time
}

var (
	keysOnce sync.Once
	keyA     *rsa.PrivateKey
	keyB     *rsa.PrivateKey
	keyEvil  *rsa.PrivateKey
)

func testKeys(t testing.TB) (a, b, evil *rsa.PrivateKey) {
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

func fingerprint(k *rsa.PrivateKey) string {
	sum := md5.Sum(x509.MarshalPKCS1PublicKey(&k.PublicKey))
	return hex.EncodeToString(sum[:])
}

// trailSpec is where a generated trail writes.
type trailSpec struct {
	Name, Home, Account, Org, Bucket, Prefix string
}

func (ts trailSpec) arn() string {
	return fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", ts.Home, ts.Account, ts.Name)
}

func (ts trailSpec) base(account string) string {
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
type gen struct {
	t    testing.TB
	s    *awsfake.Server
	keys []testKey
	seq  int
}

func newGen(t testing.TB, s *awsfake.Server, keys ...testKey) *gen {
	g := &gen{t: t, s: s, keys: keys}
	var pks []awsfake.PublicKey
	for _, k := range keys {
		pks = append(pks, awsfake.PublicKey{Fingerprint: k.fingerprint, Value: x509.MarshalPKCS1PublicKey(&k.priv.PublicKey),
			ValidityStart: k.from, ValidityEnd: k.to})
	}
	s.SetPublicKeys("", pks)
	return g
}

func (g *gen) keyAt(t time.Time) testKey {
	for _, k := range g.keys {
		if !t.Before(k.from) && t.Before(k.to) {
			return k
		}
	}
	g.t.Fatalf("no test key valid at %s", t)
	return testKey{}
}

// chainState is the end of a digest chain, to link the next digest to.
type chainState struct {
	bucket, key, hash, sig string
}

// digestRec is a generated digest.
type digestRec struct {
	Bucket, Key string
	End         time.Time
	Logs        []string
}

// history writes hours of hourly digests, from start, with logs log files
// each, for account in region. It returns the digests written and the chain
// end (pass it back to continue the chain; nil starts a new chain).
func (g *gen) history(ts trailSpec, account, region string, start time.Time, hours, logs int, prev *chainState) ([]digestRec, *chainState) {
	var out []digestRec
	base := ts.base(account)
	for h := 0; h < hours; h++ {
		end := start.Add(time.Duration(h+1) * time.Hour)
		begin := end.Add(-time.Hour)
		type lf struct {
			S3Bucket, S3Object, HashValue, HashAlgorithm, NewestEventTime, OldestEventTime string
		}
		var files []map[string]any
		var keys []string
		for i := 0; i < logs; i++ {
			g.seq++
			at := begin.Add(time.Duration(i+1) * time.Hour / time.Duration(logs+1)).Truncate(time.Minute)
			key := fmt.Sprintf("%sCloudTrail/%s/%s/%s_CloudTrail_%s_%s_%08dabcdEFGH.json.gz",
				base, region, at.Format("2006/01/02"), account, region, at.Format("20060102T1504Z"), g.seq)
			raw := fmt.Appendf(nil, `{"Records":[{"eventVersion":"1.09","eventTime":"%s","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"%s","requestID":"%d"}]}`,
				at.Format(time.RFC3339), region, g.seq)
			sum := sha256.Sum256(raw)
			g.s.PutObject(ts.Bucket, key, gz(raw), nil)
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
			"digestS3Bucket": ts.Bucket, "digestS3Object": dkey, "digestPublicKeyFingerprint": k.fingerprint,
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
		sig, hash := sign(k.priv, doc, raw)
		g.s.PutObject(ts.Bucket, dkey, gz(raw), map[string]string{"signature": sig, "signature-algorithm": "SHA256withRSA"})
		prev = &chainState{bucket: ts.Bucket, key: dkey, hash: hash, sig: sig}
		out = append(out, digestRec{Bucket: ts.Bucket, Key: dkey, End: end, Logs: keys})
	}
	return out, prev
}

// sign signs a digest as CloudTrail does; written from the documentation,
// independently of the code under test.
func sign(k *rsa.PrivateKey, doc map[string]any, raw []byte) (sigHex, hashHex string) {
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

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func gunzip(t testing.TB, b []byte) []byte {
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
func addTrail(s *awsfake.Server, ts trailSpec, multi, org bool, latest time.Time, others ...map[string]any) {
	tr := map[string]any{"Name": ts.Name, "TrailARN": ts.arn(), "HomeRegion": ts.Home, "S3BucketName": ts.Bucket,
		"IsMultiRegionTrail": multi, "IsOrganizationTrail": org, "LogFileValidationEnabled": true}
	if ts.Prefix != "" {
		tr["S3KeyPrefix"] = ts.Prefix
	}
	body, _ := json.Marshal(map[string]any{"Trail": tr})
	s.Add(awsfake.Route{Service: "cloudtrail", Operation: "GetTrail", Match: map[string]string{"Name": ts.arn()}, Body: string(body)})
	status := map[string]any{"IsLogging": true}
	if !latest.IsZero() {
		status["LatestDigestDeliveryTime"] = latest.Unix()
	}
	body, _ = json.Marshal(status)
	s.Add(awsfake.Route{Service: "cloudtrail", Operation: "GetTrailStatus", Match: map[string]string{"Name": ts.arn()}, Body: string(body)})
	body, _ = json.Marshal(map[string]any{"trailList": append([]map[string]any{tr}, others...)})
	s.Add(awsfake.Route{Service: "cloudtrail", Operation: "DescribeTrails", Body: string(body)})
}

// clients returns SDK clients aimed at the fake, with a fast retryer.
func clients(t testing.TB, s *awsfake.Server) Clients {
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")),
		config.WithSharedConfigFiles([]string{}), config.WithSharedCredentialsFiles([]string{}),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 5
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
				o.RateLimiter = noRateLimit{}
			})
		}))
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTPClient = s.HTTPClient()
	cfg.BaseEndpoint = aws.String(s.URL())
	return NewClients(cfg, true)
}

type noRateLimit struct{}

func (noRateLimit) GetToken(context.Context, uint) (func() error, error) {
	return func() error { return nil }, nil
}
func (noRateLimit) AddTokens(uint) error { return nil }
