// Package awsfake is a local stand-in for the AWS APIs the collector calls.
// It lets tests drive the real AWS SDK for Go v2 clients against an
// httptest server that answers in each service's own wire protocol.
//
// # Using it
//
//	s := awsfake.New(t)
//	if err := s.LoadDir("testdata/scenarios/compliant"); err != nil {
//		t.Fatal(err)
//	}
//	cfg, _ := config.LoadDefaultConfig(ctx,
//		config.WithRegion("us-east-1"),
//		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")))
//	cfg.HTTPClient = s.HTTPClient() // not config.WithHTTPClient: that fails if AWS_CA_BUNDLE is set
//	cfg.BaseEndpoint = aws.String(s.URL())
//	// S3 must use path-style addressing: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
//
// The region of a request is the SigV4 credential-scope region, i.e. the
// region of the client that sent it: make per-region clients (o.Region = R)
// exactly as against real AWS.
//
// Every request is matched against the routes in the order they were added;
// the first route whose service, region (if set), operation and Match entries
// agree and that has uses left answers it. A request no route answers gets a
// 500 error in the service's protocol and fails the test (t.Errorf naming the
// service, region, operation and parameters): the code under test must make no
// unexpected calls. Note that the SDK retries 500s, so one unexpected SDK call
// is usually reported once per attempt.
//
// One server answers for many accounts: see accounts.go (the account comes
// from the credentials) and organizations.go (a built-in Organizations and
// STS AssumeRole, answering from a model given to SetOrganization).
//
// # Manifest format (routes.json)
//
// A scenario is a directory holding routes.json and the body files it names
// (optionally also routes.<name>.json files, loaded after it in name order, so
// that a feature's answers live in a file of their own):
//
//	{"routes": [
//	  {"service": "sts", "operation": "GetCallerIdentity", "file": "sts/caller.xml"},
//	  {"service": "cloudtrail", "region": "eu-west-1", "operation": "DescribeTrails",
//	   "match": {"includeShadowTrails": "true"}, "file": "cloudtrail/trails-eu-west-1.json"},
//	  {"service": "logs", "operation": "DescribeMetricFilters",
//	   "match": {"logGroupName": "trail-logs", "nextToken": ""}, "file": "logs/filters-1.json"},
//	  {"service": "s3", "operation": "GetBucketPolicy", "match": {"Bucket": "logs-bucket"},
//	   "error": {"status": 404, "code": "NoSuchBucketPolicy", "message": "The bucket policy does not exist"}},
//	  {"service": "s3", "operation": "HeadBucket", "match": {"Bucket": "other"},
//	   "error": {"status": 403, "code": "Forbidden"}, "headers": {"x-amz-bucket-region": "eu-west-1"}},
//	  {"service": "cloudtrail", "operation": "GetTrailStatus", "times": 2,
//	   "error": {"status": 400, "code": "ThrottlingException", "message": "Rate exceeded"}}
//	]}
//
// Fields of a route:
//   - service: cloudtrail, s3, s3control, kms, logs, cloudwatch, iam, sts, sns,
//     account or organizations (CloudWatch is "cloudwatch" although it signs
//     as "monitoring").
//   - account: the caller's account (from the access key, see accounts.go and
//     Credentials); omitted matches any caller.
//   - region: SigV4 credential-scope region; omitted matches any region.
//   - operation: API operation name (DescribeTrails, GetBucketPolicy, HeadBucket, ...).
//   - match: request parameters that must be equal; "" means absent or empty.
//     JSON 1.1 / REST-JSON / CBOR: top-level input members, strings as is,
//     numbers and booleans formatted ("50", "true"), lists and structures as
//     compact JSON (`["ENABLED","ENABLED_BY_DEFAULT"]`; CBOR structures get
//     their keys sorted). Query (iam, sts, sns): form values except Action and
//     Version (e.g. "Filter.member.1": "User", "Marker": ""). S3: "Bucket" from
//     the path-style URL, "Key" for object requests, plus every query value.
//     S3 Control: "AccountId" from the x-amz-account-id header plus query values.
//   - status: HTTP status of a body response (default 200).
//   - file / body: response body, from a file relative to the manifest's
//     directory or inline. Bodies are in the API reference's wire format:
//     JSON for cloudtrail, kms, logs, organizations (JSON 1.1) and account
//     (REST-JSON); XML for iam, sts, sns (Query) and s3, s3control (REST-XML;
//     GetBucketPolicy's body is the policy document itself). CloudWatch speaks
//     Smithy RPC v2 CBOR: write its body as JSON and the server encodes it to
//     CBOR; write timestamps as {"$timestamp": <epoch seconds>} (CBOR tag 1);
//     integers become CBOR integers, other numbers float64. An empty body is
//     sent as {} for JSON and CBOR services.
//   - error: {"status", "code", "message"}: answer with this error rendered in the
//     service's own protocol (status defaults to 400). HEAD responses carry no body,
//     as in S3.
//   - headers: extra response headers, e.g. x-amz-bucket-region.
//   - times: answer at most this many times, then fall through to later routes
//     (e.g. two throttling errors, then a success route).
package awsfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Route answers one kind of request. See the package documentation.
type Route struct {
	Service string `json:"service"`
	// Account, when set, limits the route to requests signed with
	// credentials of that account (see Server.Credentials); omitted
	// matches any caller.
	Account   string            `json:"account,omitempty"`
	Region    string            `json:"region,omitempty"`
	Operation string            `json:"operation"`
	Match     map[string]string `json:"match,omitempty"`
	Status    int               `json:"status,omitempty"`
	File      string            `json:"file,omitempty"`
	Body      string            `json:"body,omitempty"`
	Error     *ErrorSpec        `json:"error,omitempty"`
	Headers   map[string]string `json:"headers,omitempty"`
	Times     int               `json:"times,omitempty"`
}

// ErrorSpec is an AWS error rendered in the service's protocol.
type ErrorSpec struct {
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Call records one request the server received.
type Call struct {
	Service, Region, Operation string
	Account                    string // the caller's account ("" when the access key names none)
	Params                     map[string]string
	Status                     int
	Start, End                 time.Time
}

// route is a Route with its body resolved and its use counter.
type route struct {
	Route
	body []byte // wire-format body (already CBOR for cloudwatch)
	used int
	seq  int // order of addition
}

// Server is a fake AWS endpoint. It is safe for concurrent use.
type Server struct {
	t       testing.TB
	srv     *httptest.Server
	latency atomic.Int64 // time.Duration
	reqSeq  atomic.Uint64

	mu       sync.Mutex
	routes   []*route
	index    map[routeKey][]*route // routes by account, service and operation
	calls    []Call
	org      *orgState    // the organization and sessions, when SetOrganization was called
	handlers []handler    // answer what no route answers (handlers.go)
	objects  *objectStore // S3 objects put by tests (objects.go)
	// services are stateful fakes by signing name (see SecurityHub); they
	// answer their service's requests instead of the routes.
	services map[string]http.HandlerFunc
}

// New starts a server that is closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the server's base URL, for aws.Config.BaseEndpoint.
func (s *Server) URL() string { return s.srv.URL }

// HTTPClient returns a client whose dialer sends every host to the server's
// listener, so host prefixes such as S3 Control's "<account-id>." work.
func (s *Server) HTTPClient() *http.Client {
	addr := s.srv.Listener.Addr().String()
	var d net.Dialer
	return &http.Client{Transport: &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     30 * time.Second,
	}}
}

// SetLatency adds d to every response (requests are still served concurrently).
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(d)) }

// Add appends routes. File paths are relative to the current directory. A
// route that cannot be prepared (unknown service, unreadable file, malformed
// body) fails the test.
func (s *Server) Add(routes ...Route) {
	s.t.Helper()
	if err := s.add(".", routes); err != nil {
		s.t.Errorf("awsfake: %v", err)
	}
}

// LoadDir appends the routes of dir/routes.json ({"routes": [Route, ...]}),
// then those of every dir/routes.<name>.json in name order (so that a feature
// adds its answers to a scenario in a file of its own); their File paths are
// relative to dir. Unknown JSON fields are an error.
func (s *Server) LoadDir(dir string) error {
	extra, err := filepath.Glob(filepath.Join(dir, "routes.*.json"))
	if err != nil {
		return fmt.Errorf("awsfake: %w", err)
	}
	sort.Strings(extra)
	for _, manifest := range append([]string{filepath.Join(dir, "routes.json")}, extra...) {
		if err := s.loadManifest(dir, manifest); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) loadManifest(dir, manifest string) error {
	raw, err := os.ReadFile(manifest)
	if err != nil {
		return fmt.Errorf("awsfake: %w", err)
	}
	var m struct {
		Routes []Route `json:"routes"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("awsfake: %s: %w", manifest, err)
	}
	if err := s.add(dir, m.Routes); err != nil {
		return fmt.Errorf("awsfake: %s: %w", dir, err)
	}
	return nil
}

func (s *Server) add(dir string, routes []Route) error {
	prepared := make([]*route, 0, len(routes))
	for i, r := range routes {
		p, err := prepare(dir, r)
		if err != nil {
			return fmt.Errorf("route %d (%s %s): %w", i, r.Service, r.Operation, err)
		}
		prepared = append(prepared, p)
	}
	s.mu.Lock()
	for _, r := range prepared {
		r.seq = len(s.routes)
		s.routes = append(s.routes, r)
		if s.index == nil {
			s.index = map[routeKey][]*route{}
		}
		k := routeKey{r.Account, r.Service, r.Operation}
		s.index[k] = append(s.index[k], r)
	}
	s.mu.Unlock()
	return nil
}

func prepare(dir string, r Route) (*route, error) {
	proto, ok := serviceProtocols[r.Service]
	if !ok {
		return nil, fmt.Errorf("unknown service %q", r.Service)
	}
	if r.Operation == "" {
		return nil, fmt.Errorf("no operation")
	}
	if r.File != "" && r.Body != "" {
		return nil, fmt.Errorf("both file and body")
	}
	if r.Error != nil && (r.File != "" || r.Body != "") {
		return nil, fmt.Errorf("both error and a body")
	}
	body := []byte(r.Body)
	if r.File != "" {
		b, err := os.ReadFile(filepath.Join(dir, r.File))
		if err != nil {
			return nil, err
		}
		body = b
	}
	if r.Error == nil {
		b, err := encodeBody(proto, r.Operation, body)
		if err != nil {
			return nil, err
		}
		body = b
	}
	return &route{Route: r, body: body}, nil
}

// Calls returns every request seen, in arrival order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.calls))
	copy(out, s.calls)
	return out
}

// Counts returns the number of requests per "service:Operation".
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, c := range s.calls {
		out[c.Service+":"+c.Operation]++
	}
	return out
}

// Unused returns the routes that have not answered any request (a helper
// for scenario tests that want every route to be exercised).
func (s *Server) Unused() []Route {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Route
	for _, r := range s.routes {
		if r.used == 0 {
			out = append(out, r.Route)
		}
	}
	return out
}

// match reports whether r answers req.
func (r *route) match(req *request) bool {
	if r.Service != req.service || r.Operation != req.operation {
		return false
	}
	if r.Account != "" && r.Account != req.account {
		return false
	}
	if r.Region != "" && r.Region != req.region {
		return false
	}
	if r.Times > 0 && r.used >= r.Times {
		return false
	}
	for k, v := range r.Match {
		if req.params[k] != v {
			return false
		}
	}
	return true
}

func (s *Server) serveHTTP(w http.ResponseWriter, hr *http.Request) {
	_, signing := credentialScope(hr.Header.Get("Authorization"))
	s.mu.Lock()
	service := s.services[signing]
	s.mu.Unlock()
	if service != nil {
		service(w, hr)
		return
	}
	start := time.Now()
	req, parseErr := parseRequest(hr)
	reqID := fmt.Sprintf("a0f4ce00-0000-4000-8000-%012d", s.reqSeq.Add(1))

	req.account, req.sessionToken = callerAccount(hr)

	s.mu.Lock()
	var hit *route
	if parseErr == nil {
		hit = s.lookup(req)
		if hit != nil {
			hit.used++
		}
	}
	var builtin *answer
	if parseErr == nil && hit == nil {
		builtin = s.answerBuiltin(req)
	}
	idx := len(s.calls)
	s.calls = append(s.calls, Call{Service: req.service, Region: req.region, Operation: req.operation,
		Account: req.account, Params: req.params, Start: start})
	s.mu.Unlock()

	if d := time.Duration(s.latency.Load()); d > 0 {
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-hr.Context().Done():
			timer.Stop()
		}
	}

	var status int
	switch {
	case parseErr != nil:
		msg := fmt.Sprintf("awsfake: cannot parse %s %s request: %v", req.service, req.operation, parseErr)
		s.t.Errorf("%s", msg)
		status = writeError(w, req, reqID, nil, ErrorSpec{Status: 500, Code: "AwsFakeBadRequest", Message: msg})
	case hit == nil && builtin != nil && builtin.err != nil:
		status = writeError(w, req, reqID, nil, *builtin.err)
	case hit == nil && builtin != nil:
		status = writeBody(w, req, reqID, &route{body: builtin.body})
	case hit == nil && s.handle(w, req, reqID, &status):
	case hit == nil:
		msg := fmt.Sprintf("awsfake: no route for service=%s region=%s operation=%s params=%s",
			req.service, req.region, req.operation, formatParams(req.params))
		s.t.Errorf("%s", msg)
		status = writeError(w, req, reqID, nil, ErrorSpec{Status: 500, Code: "AwsFakeNoRoute", Message: msg})
	case hit.Error != nil:
		status = writeError(w, req, reqID, hit.Headers, *hit.Error)
	default:
		status = writeBody(w, req, reqID, hit)
	}

	s.mu.Lock()
	s.calls[idx].Status = status
	s.calls[idx].End = time.Now()
	s.mu.Unlock()
}

// routeKey indexes routes: the first route that matches a request is the
// earliest added among the caller's account's routes and the routes for any
// account, of the request's service and operation.
type routeKey struct{ account, service, operation string }

// lookup returns the route that answers req, or nil. s.mu is held.
func (s *Server) lookup(req *request) *route {
	var hit *route
	keys := []routeKey{{"", req.service, req.operation}}
	if req.account != "" {
		keys = append(keys, routeKey{req.account, req.service, req.operation})
	}
	for _, k := range keys {
		for _, r := range s.index[k] {
			if hit != nil && r.seq > hit.seq {
				break
			}
			if r.match(req) {
				hit = r
				break
			}
		}
	}
	return hit
}

func formatParams(p map[string]string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%q", k, p[k])
	}
	b.WriteByte('}')
	return b.String()
}
