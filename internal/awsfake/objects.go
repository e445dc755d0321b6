package awsfake

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// S3 objects
//
// Besides fixed routes, the server holds S3 buckets and objects that tests
// put with PutObject. Requests no route answers are served from them:
//
//   - ListObjectsV2 (prefix, delimiter, start-after, max-keys, continuation
//     tokens: at most 1000 keys a page, as S3);
//   - GetObject, with ETag, Last-Modified and the object's user metadata as
//     x-amz-meta-* headers (CloudTrail digests carry x-amz-meta-signature and
//     x-amz-meta-signature-algorithm); NoSuchKey (404) for an absent key;
//   - HeadObject, and GetBucketLocation for a bucket made with CreateBucket.
//
// A bucket given a region with CreateBucket answers requests signed for
// another region with 301 PermanentRedirect and x-amz-bucket-region, as S3
// does (the SDK never follows it). Routes come first, so a route with
// "times" can throttle object requests before the store answers them, e.g.
// {"service": "s3", "operation": "GetObject", "times": 3,
// "error": {"status": 503, "code": "SlowDown", "message": "Please reduce your request rate."}}.

// Object is one stored S3 object.
type Object struct {
	Body         []byte
	Metadata     map[string]string // user metadata, without the x-amz-meta- prefix
	LastModified time.Time
	ETag         string // quoted, as S3 sends it; PutObject sets the MD5 of Body
}

type bucket struct {
	region  string
	objects map[string]*Object
	keys    []string // sorted; nil when it must be rebuilt
}

type objectStore struct {
	mu      sync.RWMutex
	buckets map[string]*bucket
}

func (s *Server) store() *objectStore {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.objects == nil {
		s.objects = &objectStore{buckets: map[string]*bucket{}}
		o := s.objects
		s.handlers = append(s.handlers, o.serve)
	}
	return s.objects
}

// CreateBucket makes an empty bucket in region ("" answers any region).
func (s *Server) CreateBucket(name, region string) {
	st := s.store()
	st.mu.Lock()
	defer st.mu.Unlock()
	if b, ok := st.buckets[name]; ok {
		b.region = region
		return
	}
	st.buckets[name] = &bucket{region: region, objects: map[string]*Object{}}
}

// PutObject stores an object (creating its bucket, in no region, if needed).
func (s *Server) PutObject(bucketName, key string, body []byte, metadata map[string]string) {
	sum := md5.Sum(body)
	s.PutObjectWith(bucketName, key, &Object{Body: body, Metadata: metadata,
		LastModified: time.Now().UTC(), ETag: `"` + hex.EncodeToString(sum[:]) + `"`})
}

// PutObjectWith stores o as is.
func (s *Server) PutObjectWith(bucketName, key string, o *Object) {
	st := s.store()
	st.mu.Lock()
	defer st.mu.Unlock()
	b, ok := st.buckets[bucketName]
	if !ok {
		b = &bucket{objects: map[string]*Object{}}
		st.buckets[bucketName] = b
	}
	if _, exists := b.objects[key]; !exists {
		b.keys = nil
	}
	b.objects[key] = o
}

// DeleteObject removes an object; it reports whether there was one.
func (s *Server) DeleteObject(bucketName, key string) bool {
	st := s.store()
	st.mu.Lock()
	defer st.mu.Unlock()
	b, ok := st.buckets[bucketName]
	if !ok {
		return false
	}
	if _, ok := b.objects[key]; !ok {
		return false
	}
	delete(b.objects, key)
	b.keys = nil
	return true
}

// GetStoredObject returns a stored object (nil if there is none).
func (s *Server) GetStoredObject(bucketName, key string) *Object {
	st := s.store()
	st.mu.RLock()
	defer st.mu.RUnlock()
	if b, ok := st.buckets[bucketName]; ok {
		return b.objects[key]
	}
	return nil
}

func (o *objectStore) serve(w http.ResponseWriter, req *request, reqID string) (int, bool) {
	if req.service != "s3" {
		return 0, false
	}
	switch req.operation {
	case "ListObjectsV2", "GetObject", "HeadObject", "GetBucketLocation":
	default:
		return 0, false
	}
	name := req.params["Bucket"]
	o.mu.Lock() // write lock: listing may sort the keys
	defer o.mu.Unlock()
	b, ok := o.buckets[name]
	if !ok {
		return writeError(w, req, reqID, nil, ErrorSpec{Status: 404, Code: "NoSuchBucket", Message: "The specified bucket does not exist"}), true
	}
	if req.operation == "GetBucketLocation" {
		loc := b.region
		if loc == "us-east-1" {
			loc = ""
		}
		body := fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">%s</LocationConstraint>`, xmlEscape(loc))
		return writeRaw(w, req, reqID, nil, "application/xml", body), true
	}
	if b.region != "" && req.region != b.region {
		return writeError(w, req, reqID, map[string]string{"x-amz-bucket-region": b.region}, ErrorSpec{Status: 301, Code: "PermanentRedirect",
			Message: "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint."}), true
	}
	switch req.operation {
	case "ListObjectsV2":
		return writeRaw(w, req, reqID, nil, "application/xml", b.list(name, req.params)), true
	default:
		obj, ok := b.objects[req.params["Key"]]
		if !ok {
			return writeError(w, req, reqID, nil, ErrorSpec{Status: 404, Code: "NoSuchKey", Message: "The specified key does not exist."}), true
		}
		h := map[string]string{
			"ETag":          obj.ETag,
			"Last-Modified": obj.LastModified.UTC().Format(http.TimeFormat),
		}
		for k, v := range obj.Metadata {
			h["x-amz-meta-"+k] = v
		}
		return writeRaw(w, req, reqID, h, "application/octet-stream", obj.Body), true
	}
}

// list answers ListObjectsV2. Continuation tokens are the base64 of the last
// key returned, opaque to the client.
func (b *bucket) list(name string, p map[string]string) []byte {
	if b.keys == nil {
		b.keys = make([]string, 0, len(b.objects))
		for k := range b.objects {
			b.keys = append(b.keys, k)
		}
		sort.Strings(b.keys)
	}
	prefix, delim := p["prefix"], p["delimiter"]
	after := p["start-after"]
	if tok := p["continuation-token"]; tok != "" {
		raw, _ := base64.RawURLEncoding.DecodeString(tok)
		if string(raw) > after {
			after = string(raw)
		}
	}
	maxKeys := 1000
	if m, err := strconv.Atoi(p["max-keys"]); err == nil && m >= 0 && m < maxKeys {
		maxKeys = m
	}
	type content struct {
		Key          string
		LastModified string
		ETag         string
		Size         int
		StorageClass string
	}
	type commonPrefix struct{ Prefix string }
	res := struct {
		XMLName               xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
		Name                  string
		Prefix                string
		Delimiter             string `xml:",omitempty"`
		MaxKeys               int
		KeyCount              int
		IsTruncated           bool
		ContinuationToken     string `xml:",omitempty"`
		NextContinuationToken string `xml:",omitempty"`
		StartAfter            string `xml:",omitempty"`
		Contents              []content
		CommonPrefixes        []commonPrefix
	}{Name: name, Prefix: prefix, Delimiter: delim, MaxKeys: maxKeys,
		ContinuationToken: p["continuation-token"], StartAfter: p["start-after"]}
	i := sort.SearchStrings(b.keys, prefix)
	if after >= prefix {
		i = sort.Search(len(b.keys), func(j int) bool { return b.keys[j] > after })
	}
	last := ""
	for ; i < len(b.keys); i++ {
		k := b.keys[i]
		if !strings.HasPrefix(k, prefix) {
			break
		}
		if res.KeyCount == maxKeys {
			res.IsTruncated = true
			res.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(last))
			break
		}
		if delim != "" {
			if j := strings.Index(k[len(prefix):], delim); j >= 0 {
				cp := k[:len(prefix)+j+len(delim)]
				res.CommonPrefixes = append(res.CommonPrefixes, commonPrefix{cp})
				res.KeyCount++
				// Skip every key under this common prefix.
				i = sort.SearchStrings(b.keys, cp+"\U0010FFFF") - 1
				last = b.keys[i]
				continue
			}
		}
		o := b.objects[k]
		res.Contents = append(res.Contents, content{Key: k, LastModified: o.LastModified.UTC().Format("2006-01-02T15:04:05.000Z"),
			ETag: o.ETag, Size: len(o.Body), StorageClass: "STANDARD"})
		res.KeyCount++
		last = k
	}
	out, _ := xml.Marshal(res)
	return append([]byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"), out...)
}

// writeRaw writes a success body with the given headers.
func writeRaw(w http.ResponseWriter, req *request, reqID string, headers map[string]string, ctype string, body []byte) int {
	setCommon(w, req, reqID, headers)
	if req.method != http.MethodHead || len(body) > 0 {
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(http.StatusOK)
	if req.method != http.MethodHead {
		w.Write(body)
	}
	return http.StatusOK
}
