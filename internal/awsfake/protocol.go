package awsfake

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/smithy-go/encoding/cbor"
)

// protocol is an AWS wire protocol.
type protocol int

const (
	protoJSON     protocol = iota // awsJson1_1
	protoRESTJSON                 // restJson1
	protoQuery                    // awsQuery
	protoCBOR                     // smithy rpcv2Cbor
	protoS3                       // restXml, S3 flavour
	protoS3Ctl                    // restXml, S3 Control flavour
)

var serviceProtocols = map[string]protocol{
	"cloudtrail":    protoJSON,
	"kms":           protoJSON,
	"logs":          protoJSON,
	"organizations": protoJSON,
	"account":       protoRESTJSON,
	"cloudwatch":    protoCBOR,
	"iam":           protoQuery,
	"sts":           protoQuery,
	"sns":           protoQuery,
	"s3":            protoS3,
	"s3control":     protoS3Ctl,
}

// queryNamespaces are the XML namespaces of the Query services' responses.
var queryNamespaces = map[string]string{
	"iam": "https://iam.amazonaws.com/doc/2010-05-08/",
	"sts": "https://sts.amazonaws.com/doc/2011-06-15/",
	"sns": "http://sns.amazonaws.com/doc/2010-03-31/",
}

// s3BucketGets maps the subresource of GET /bucket?sub to its operation.
var s3BucketGets = []struct{ sub, op string }{
	{"location", "GetBucketLocation"},
	{"policyStatus", "GetBucketPolicyStatus"},
	{"policy", "GetBucketPolicy"},
	{"acl", "GetBucketAcl"},
	{"publicAccessBlock", "GetPublicAccessBlock"},
	{"versioning", "GetBucketVersioning"},
	{"encryption", "GetBucketEncryption"},
	{"logging", "GetBucketLogging"},
	{"object-lock", "GetObjectLockConfiguration"},
	{"lifecycle", "GetBucketLifecycleConfiguration"},
	{"tagging", "GetBucketTagging"},
	{"ownershipControls", "GetBucketOwnershipControls"},
	{"replication", "GetBucketReplication"},
	{"notification", "GetBucketNotificationConfiguration"},
}

// request is what the router needs to know about an HTTP request.
type request struct {
	method    string
	proto     protocol
	service   string
	region    string
	operation string
	params    map[string]string
	// account is the caller's account, from the access key of the SigV4
	// credentials ("" when the key names none); sessionToken is the
	// X-Amz-Security-Token of temporary credentials.
	account, sessionToken string
}

// parseRequest determines service, region, operation and parameters. It
// always returns a request (as complete as it could be made).
func parseRequest(hr *http.Request) (*request, error) {
	req := &request{method: hr.Method, params: map[string]string{}}
	signing := ""
	req.region, signing = credentialScope(hr.Header.Get("Authorization"))
	switch signing {
	case "monitoring":
		req.service = "cloudwatch"
	case "s3":
		req.service = "s3"
		if strings.HasPrefix(hr.URL.Path, "/v20180820/") || hr.Header.Get("X-Amz-Account-Id") != "" {
			req.service = "s3control"
		}
	default:
		req.service = signing
	}
	p, ok := serviceProtocols[req.service]
	if !ok {
		p = sniffProtocol(hr)
		if req.service == "" {
			req.service = "unknown"
		}
	}
	req.proto = p

	body, err := io.ReadAll(hr.Body)
	if err != nil {
		return req, err
	}
	switch p {
	case protoJSON:
		target := hr.Header.Get("X-Amz-Target")
		req.operation = target[strings.LastIndexByte(target, '.')+1:]
		err = jsonParams(body, req.params)
	case protoRESTJSON:
		path := strings.Trim(hr.URL.Path, "/")
		if path != "" && !strings.Contains(path, "/") {
			req.operation = strings.ToUpper(path[:1]) + path[1:] // POST /listRegions -> ListRegions
		} else {
			req.operation = fmt.Sprintf("Unknown(%s %s)", hr.Method, hr.URL.Path)
		}
		addQuery(hr.URL.Query(), req.params)
		err = jsonParams(body, req.params)
	case protoCBOR:
		if i := strings.LastIndex(hr.URL.Path, "/operation/"); i >= 0 {
			req.operation = hr.URL.Path[i+len("/operation/"):]
		}
		err = cborParams(body, req.params)
	case protoQuery:
		form, perr := url.ParseQuery(string(body))
		if perr != nil {
			err = perr
		}
		req.operation = form.Get("Action")
		form.Del("Action")
		form.Del("Version")
		addQuery(form, req.params)
	case protoS3:
		s3Request(hr, req)
	case protoS3Ctl:
		if hr.Method == http.MethodGet && hr.URL.Path == "/v20180820/configuration/publicAccessBlock" {
			req.operation = "GetPublicAccessBlock"
		} else {
			req.operation = fmt.Sprintf("Unknown(%s %s)", hr.Method, hr.URL.Path)
		}
		addQuery(hr.URL.Query(), req.params)
		req.params["AccountId"] = hr.Header.Get("X-Amz-Account-Id")
	}
	if req.operation == "" {
		req.operation = "Unknown"
	}
	return req, err
}

// credentialScope returns region and signing name from a SigV4 Authorization
// header: "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/s3/aws4_request, ...".
func credentialScope(auth string) (region, service string) {
	i := strings.Index(auth, "Credential=")
	if i < 0 {
		return "", ""
	}
	cred := auth[i+len("Credential="):]
	if j := strings.IndexAny(cred, ", "); j >= 0 {
		cred = cred[:j]
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return "", ""
	}
	return parts[2], parts[3]
}

func sniffProtocol(hr *http.Request) protocol {
	switch {
	case hr.Header.Get("Smithy-Protocol") != "":
		return protoCBOR
	case hr.Header.Get("X-Amz-Target") != "":
		return protoJSON
	case strings.HasPrefix(hr.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		return protoQuery
	}
	return protoRESTJSON
}

func s3Request(hr *http.Request, req *request) {
	q := hr.URL.Query()
	addQuery(q, req.params)
	path := strings.TrimPrefix(hr.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	if bucket != "" {
		req.params["Bucket"] = bucket
	}
	if key != "" {
		req.params["Key"] = key
	}
	op := ""
	switch {
	case bucket == "" && hr.Method == http.MethodGet:
		op = "ListBuckets"
	case key != "" && hr.Method == http.MethodGet:
		op = "GetObject"
	case key != "" && hr.Method == http.MethodHead:
		op = "HeadObject"
	case hr.Method == http.MethodHead:
		op = "HeadBucket"
	case hr.Method == http.MethodGet:
		for _, g := range s3BucketGets {
			if q.Has(g.sub) {
				op = g.op
				break
			}
		}
		if op == "" && q.Get("list-type") == "2" {
			op = "ListObjectsV2"
		} else if op == "" && len(q) == 0 {
			op = "ListObjects"
		}
	}
	if op == "" {
		op = fmt.Sprintf("Unknown(%s %s)", hr.Method, hr.URL.RequestURI())
	}
	req.operation = op
}

func addQuery(v url.Values, params map[string]string) {
	for k, vs := range v {
		params[k] = strings.Join(vs, ",")
	}
}

// jsonParams adds the top-level members of a JSON object body.
func jsonParams(body []byte, params map[string]string) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("request body: %w", err)
	}
	for k, raw := range m {
		var v any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return err
		}
		switch v := v.(type) {
		case nil:
		case string:
			params[k] = v
		case json.Number:
			params[k] = v.String()
		case bool:
			params[k] = strconv.FormatBool(v)
		default:
			var b bytes.Buffer
			if err := json.Compact(&b, raw); err != nil {
				return err
			}
			params[k] = b.String()
		}
	}
	return nil
}

// cborParams adds the top-level members of a CBOR map body.
func cborParams(body []byte, params map[string]string) error {
	if len(body) == 0 {
		return nil
	}
	v, err := cbor.Decode(body)
	if err != nil {
		return fmt.Errorf("request body: %w", err)
	}
	m, ok := v.(cbor.Map)
	if !ok {
		return fmt.Errorf("request body is CBOR %T, not a map", v)
	}
	for k, mv := range m {
		switch g := cborToGo(mv).(type) {
		case nil:
		case string:
			params[k] = g
		case uint64, int64, bool:
			params[k] = fmt.Sprint(g)
		case float64:
			params[k] = strconv.FormatFloat(g, 'g', -1, 64)
		default:
			b, err := json.Marshal(g)
			if err != nil {
				return err
			}
			params[k] = string(b)
		}
	}
	return nil
}

func cborToGo(v cbor.Value) any {
	switch v := v.(type) {
	case cbor.String:
		return string(v)
	case cbor.Uint:
		return uint64(v)
	case cbor.NegInt:
		return -int64(v) // the decoder has already applied the -1 bias
	case cbor.Float32:
		return float64(v)
	case cbor.Float64:
		return float64(v)
	case cbor.Bool:
		return bool(v)
	case cbor.Slice:
		return []byte(v)
	case *cbor.Tag:
		return cborToGo(v.Value)
	case cbor.List:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = cborToGo(e)
		}
		return out
	case cbor.Map:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = cborToGo(e)
		}
		return out
	}
	return nil // Nil, Undefined
}

// encodeBody validates a route's success body and converts it to the wire
// format (JSON -> CBOR for cloudwatch).
func encodeBody(p protocol, op string, body []byte) ([]byte, error) {
	switch p {
	case protoJSON, protoRESTJSON:
		if len(bytes.TrimSpace(body)) == 0 {
			return []byte("{}"), nil
		}
		if !json.Valid(body) {
			return nil, fmt.Errorf("body is not valid JSON")
		}
	case protoCBOR:
		if len(bytes.TrimSpace(body)) == 0 {
			return cbor.Encode(cbor.Map{}), nil
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("body is not valid JSON: %w", err)
		}
		cv, err := jsonToCBOR(v)
		if err != nil {
			return nil, err
		}
		return cbor.Encode(cv), nil
	case protoQuery, protoS3, protoS3Ctl:
		if p == protoS3 && op == "GetBucketPolicy" {
			return body, nil // the policy document itself
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return body, nil
		}
		dec := xml.NewDecoder(bytes.NewReader(body))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("body is not well-formed XML: %w", err)
			}
		}
	}
	return body, nil
}

// jsonToCBOR converts a decoded JSON value (numbers as json.Number) to CBOR.
// {"$timestamp": n} becomes tag 1 (epoch seconds).
func jsonToCBOR(v any) (cbor.Value, error) {
	switch v := v.(type) {
	case nil:
		return &cbor.Nil{}, nil
	case bool:
		return cbor.Bool(v), nil
	case string:
		return cbor.String(v), nil
	case json.Number:
		return jsonNumberToCBOR(v)
	case []any:
		out := make(cbor.List, len(v))
		for i, e := range v {
			c, err := jsonToCBOR(e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[string]any:
		if ts, ok := v["$timestamp"]; ok && len(v) == 1 {
			n, ok := ts.(json.Number)
			if !ok {
				return nil, fmt.Errorf("$timestamp must be a number of epoch seconds, got %v", ts)
			}
			c, err := jsonNumberToCBOR(n)
			if err != nil {
				return nil, err
			}
			return &cbor.Tag{ID: 1, Value: c}, nil
		}
		out := make(cbor.Map, len(v))
		for k, e := range v {
			c, err := jsonToCBOR(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = c
		}
		return out, nil
	}
	return nil, fmt.Errorf("unexpected JSON value %T", v)
}

func jsonNumberToCBOR(n json.Number) (cbor.Value, error) {
	s := n.String()
	if !strings.ContainsAny(s, ".eE") {
		if strings.HasPrefix(s, "-") {
			i, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return nil, err
			}
			return cbor.NegInt(uint64(-i)), nil // encoder applies the -1 bias
		}
		u, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil, err
		}
		return cbor.Uint(u), nil
	}
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) {
		return nil, fmt.Errorf("number %s: out of range", s)
	}
	return cbor.Float64(f), nil
}

// setCommon sets request-id headers and the route's extra headers.
func setCommon(w http.ResponseWriter, req *request, reqID string, extra map[string]string) {
	h := w.Header()
	if req.proto == protoS3 || req.proto == protoS3Ctl {
		id := strings.ToUpper(strings.ReplaceAll(reqID, "-", ""))
		h.Set("x-amz-request-id", id[len(id)-16:])
		h.Set("x-amz-id-2", "awsfake/"+reqID)
	} else {
		h.Set("x-amzn-RequestId", reqID)
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		h.Set(k, extra[k])
	}
}

func contentType(p protocol, op string) string {
	switch p {
	case protoJSON:
		return "application/x-amz-json-1.1"
	case protoRESTJSON:
		return "application/json"
	case protoCBOR:
		return "application/cbor"
	case protoQuery:
		return "text/xml"
	}
	if op == "GetBucketPolicy" {
		return "application/json"
	}
	return "application/xml"
}

func writeBody(w http.ResponseWriter, req *request, reqID string, r *route) int {
	setCommon(w, req, reqID, r.Headers)
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	if req.proto == protoCBOR {
		w.Header().Set("smithy-protocol", "rpc-v2-cbor")
	}
	if len(r.body) > 0 && req.method != http.MethodHead {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", contentType(req.proto, req.operation))
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(r.body)))
	}
	w.WriteHeader(status)
	if req.method != http.MethodHead {
		w.Write(r.body)
	}
	return status
}

// writeError renders e in the request's protocol and returns the status.
func writeError(w http.ResponseWriter, req *request, reqID string, extra map[string]string, e ErrorSpec) int {
	setCommon(w, req, reqID, extra)
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	h := w.Header()
	var body []byte
	switch req.proto {
	case protoJSON:
		h.Set("x-amzn-ErrorType", e.Code)
		body, _ = json.Marshal(map[string]string{"__type": e.Code, "message": e.Message})
	case protoRESTJSON:
		h.Set("x-amzn-ErrorType", e.Code)
		body, _ = json.Marshal(map[string]string{"message": e.Message})
	case protoCBOR:
		h.Set("smithy-protocol", "rpc-v2-cbor")
		// CloudWatch is awsQueryCompatible: AWS also sends the Query error code.
		h.Set("x-amzn-query-error", e.Code+";"+fault(status))
		body = cbor.Encode(cbor.Map{"__type": cbor.String(e.Code), "message": cbor.String(e.Message)})
	case protoQuery:
		body = fmt.Appendf(nil, `<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			queryNamespaces[req.service], fault(status), xmlEscape(e.Code), xmlEscape(e.Message), reqID)
	case protoS3:
		body = fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId><HostId>%s</HostId></Error>`,
			xmlEscape(e.Code), xmlEscape(e.Message), h.Get("x-amz-request-id"), xmlEscape(h.Get("x-amz-id-2")))
	case protoS3Ctl:
		body = fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<ErrorResponse><Error><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId><HostId>%s</HostId></ErrorResponse>`,
			xmlEscape(e.Code), xmlEscape(e.Message), h.Get("x-amz-request-id"), xmlEscape(h.Get("x-amz-id-2")))
	}
	if req.method == http.MethodHead {
		body = nil
	}
	if len(body) > 0 {
		if h.Get("Content-Type") == "" {
			h.Set("Content-Type", contentType(req.proto, ""))
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	w.Write(body)
	return status
}

func fault(status int) string {
	if status >= 500 {
		return "Receiver"
	}
	return "Sender"
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
