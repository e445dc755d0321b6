package logverify

import (
	"bufio"
	"compress/gzip"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// digestFile is the part of a CloudTrail digest file that verification reads
// (AWS documentation, "CloudTrail digest file structure").
type digestFile struct {
	AWSAccountID                string    `json:"awsAccountId"`
	DigestStartTime             string    `json:"digestStartTime"`
	DigestEndTime               string    `json:"digestEndTime"`
	DigestS3Bucket              string    `json:"digestS3Bucket"`
	DigestS3Object              string    `json:"digestS3Object"`
	DigestPublicKeyFingerprint  string    `json:"digestPublicKeyFingerprint"`
	DigestSignatureAlgorithm    string    `json:"digestSignatureAlgorithm"`
	PreviousDigestS3Bucket      *string   `json:"previousDigestS3Bucket"`
	PreviousDigestS3Object      *string   `json:"previousDigestS3Object"`
	PreviousDigestHashValue     *string   `json:"previousDigestHashValue"`
	PreviousDigestHashAlgorithm *string   `json:"previousDigestHashAlgorithm"`
	PreviousDigestSignature     *string   `json:"previousDigestSignature"`
	LogFiles                    []logFile `json:"logFiles"`
}

type logFile struct {
	S3Bucket      string `json:"s3Bucket"`
	S3Object      string `json:"s3Object"`
	HashValue     string `json:"hashValue"`
	HashAlgorithm string `json:"hashAlgorithm"`
}

// signatureAlgorithm is the only algorithm CloudTrail signs digests with.
const signatureAlgorithm = "SHA256withRSA"

// digest is a digest file as read and checked: what the chain walk needs,
// small enough to keep one per digest (and to cache).
type digest struct {
	Bucket     string    `json:"bucket"`
	Key        string    `json:"key"`
	ETag       string    `json:"etag"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Hash       string    `json:"hash"`      // hex SHA-256 of the uncompressed file
	Signature  string    `json:"signature"` // hex, from x-amz-meta-signature
	PrevBucket string    `json:"prev_bucket,omitempty"`
	PrevKey    string    `json:"prev_key,omitempty"`
	PrevHash   string    `json:"prev_hash,omitempty"`
	PrevSig    string    `json:"prev_signature,omitempty"`
	Logs       []logFile `json:"logs"`

	status Status // Valid, Invalid, Missing or Unverified
	reason string
}

// errFormat is a digest that is not gzip-compressed JSON of the documented shape.
var errFormat = errors.New("bad format")

// parseDigest decompresses and decodes a digest file and returns it with the
// hex SHA-256 of its uncompressed content.
func parseDigest(compressed []byte) (*digestFile, string, error) {
	zr, err := gzip.NewReader(strings.NewReader(string(compressed)))
	if err != nil {
		return nil, "", fmt.Errorf("%w: not gzip: %v", errFormat, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, "", fmt.Errorf("%w: gzip: %v", errFormat, err)
	}
	sum := sha256.Sum256(raw)
	var d digestFile
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, "", fmt.Errorf("%w: not JSON: %v", errFormat, err)
	}
	var missing []string
	for name, v := range map[string]string{"digestStartTime": d.DigestStartTime, "digestEndTime": d.DigestEndTime,
		"digestS3Bucket": d.DigestS3Bucket, "digestS3Object": d.DigestS3Object,
		"digestPublicKeyFingerprint": d.DigestPublicKeyFingerprint} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, "", fmt.Errorf("%w: no %s", errFormat, strings.Join(missing, ", "))
	}
	return &d, hex.EncodeToString(sum[:]), nil
}

// stringToSign is the documented signing string: digest end time, S3 path of
// the digest, hex SHA-256 of the uncompressed digest, and the previous
// digest's signature ("null" for the first digest of a chain).
func stringToSign(d *digestFile, hexHash string) []byte {
	prev := "null"
	if d.PreviousDigestSignature != nil {
		prev = *d.PreviousDigestSignature
	}
	return []byte(d.DigestEndTime + "\n" + d.DigestS3Bucket + "/" + d.DigestS3Object + "\n" + hexHash + "\n" + prev)
}

// verifySignature checks an RSA PKCS #1 v1.5 SHA-256 signature (hex) over
// the digest's signing string.
func verifySignature(pub *rsa.PublicKey, d *digestFile, hexHash, hexSig string) error {
	sig, err := hex.DecodeString(hexSig)
	if err != nil {
		return fmt.Errorf("the signature metadata is not hex")
	}
	h := sha256.Sum256(stringToSign(d, hexHash))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig)
}

// parsePublicKey reads a ListPublicKeys value: DER of a PKCS #1
// RSAPublicKey. A SubjectPublicKeyInfo, or either one base64-encoded once
// more (as the AWS CLI decodes it), is accepted too.
func parsePublicKey(v []byte) (*rsa.PublicKey, error) {
	try := func(der []byte) (*rsa.PublicKey, error) {
		if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
			return k, nil
		}
		k, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return nil, err
		}
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("not an RSA key")
		}
		return rk, nil
	}
	k, err := try(v)
	if err == nil {
		return k, nil
	}
	if der, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(string(v))); derr == nil {
		if k, err2 := try(der); err2 == nil {
			return k, nil
		}
	}
	return nil, fmt.Errorf("not a PKCS #1 RSA public key: %v", err)
}

// hashLog streams a gzip-compressed log file through SHA-256 of its
// uncompressed content, without holding it: the hex hash, or errFormat when
// it is not one well-formed gzip stream (bad data, truncation, or data after
// the end of the stream, which CloudTrail never writes).
func hashLog(r io.Reader, st *hashState) (string, error) {
	st.br.Reset(r)
	var err error
	if st.zr == nil {
		st.zr, err = gzip.NewReader(st.br)
	} else {
		err = st.zr.Reset(st.br)
	}
	if err != nil {
		if isReadErr(err) {
			return "", err
		}
		return "", fmt.Errorf("%w: not gzip", errFormat)
	}
	st.zr.Multistream(false)
	h := sha256.New()
	if _, err := io.CopyBuffer(h, st.zr, st.buf); err != nil {
		if isReadErr(err) {
			return "", err
		}
		return "", fmt.Errorf("%w: corrupt gzip data (%v)", errFormat, err)
	}
	if n, err := io.CopyBuffer(io.Discard, st.br, st.buf); err != nil {
		return "", err
	} else if n > 0 {
		return "", fmt.Errorf("%w: %d bytes of unexpected data after the end of the gzip stream", errFormat, n)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashState is the reusable memory of one hashLog at a time: a read buffer,
// a copy buffer and a gzip reader (whose 32 KiB window is the largest part).
// The states are pooled, so memory is bounded by the requests in flight.
type hashState struct {
	br  *bufio.Reader
	zr  *gzip.Reader
	buf []byte
}

var hashStates = sync.Pool{New: func() any {
	return &hashState{br: bufio.NewReaderSize(nil, 16<<10), buf: make([]byte, 16<<10)}
}}

// readError marks an error of the connection (not of the data).
type readError struct{ err error }

func (e readError) Error() string { return e.err.Error() }
func (e readError) Unwrap() error { return e.err }

func isReadErr(err error) bool {
	var re readError
	return errors.As(err, &re)
}

// connReader marks the errors of the underlying body as read errors, so that
// a dropped connection is "could not verify", not "bad format".
type connReader struct{ r io.Reader }

func (c connReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF {
		err = readError{err}
	}
	return n, err
}
