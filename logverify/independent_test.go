package logverify

import (
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"io"
	"testing"
)

// independentVerify checks one digest file the way AWS's documentation
// describes ("Custom implementations of CloudTrail log file integrity
// validation"), using only the standard library: decompress, hash the
// uncompressed bytes, build the signing string from the JSON fields, verify
// the RSA PKCS #1 v1.5 SHA-256 signature with the key the fingerprint names.
func independentVerify(t *testing.T, keys map[string][]byte, bucket, key string, body []byte, sigHex string) bool {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return false
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return false
	}
	var doc map[string]any
	if json.Unmarshal(raw, &doc) != nil {
		return false
	}
	if doc["digestS3Bucket"] != bucket || doc["digestS3Object"] != key {
		return false
	}
	der, ok := keys[doc["digestPublicKeyFingerprint"].(string)]
	if !ok {
		return false
	}
	pub, err := x509.ParsePKCS1PublicKey(der)
	if err != nil {
		t.Fatal(err)
	}
	prev, _ := doc["previousDigestSignature"].(string)
	if prev == "" {
		prev = "null"
	}
	h := sha256.New()
	h.Write(raw)
	msg := doc["digestEndTime"].(string) + "\n" + bucket + "/" + key + "\n" + hex.EncodeToString(h.Sum(nil)) + "\n" + prev
	sig, err := hex.DecodeString(sigHex)
	if err != nil {
		return false
	}
	m := sha256.Sum256([]byte(msg))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, m[:], sig) == nil
}
