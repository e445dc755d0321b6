package awsfake

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SecurityHub is a stateful stand-in for AWS Security Hub, speaking its
// REST-JSON protocol (signing name "securityhub") on the Server's endpoint.
// Unlike the scripted routes it keeps the findings it is sent, so that a test
// can import, read back, update and import again, as against AWS:
//
//   - BatchImportFindings (POST /findings/import) takes at most 100 findings
//     (more is an InvalidInputException for the whole call, as in AWS) and
//     checks each one the way Security Hub does: the fields ASFF requires, a
//     ProductArn of the caller's default product in the request's partition
//     and region, enum values (severity label, compliance status, record
//     state, resource partition), at most 32 resources. A finding that fails
//     is listed in FailedFindings and the others are imported. Importing an
//     existing finding updates it but keeps its workflow status (only
//     BatchUpdateFindings changes that), except that Security Hub's own rules
//     apply: a finding whose compliance turns PASSED or whose record is
//     ARCHIVED goes from NEW or NOTIFIED to RESOLVED, and a RESOLVED one that
//     fails again, or is active again, goes back to NEW.
//   - GetFindings (POST /findings) with string filters (EQUALS, PREFIX,
//     NOT_EQUALS) on Id, ProductArn, ProductName, AwsAccountId, GeneratorId,
//     RecordState, WorkflowStatus and ComplianceStatus; pages of MaxResults
//     (default 100) with NextToken.
//   - BatchUpdateFindings (PATCH /findings/batchupdate): Workflow.Status of
//     at most 100 findings; unknown ones are UnprocessedFindings.
//
// Throttle makes the next calls fail with 429 TooManyRequestsException, and
// FailImport makes the import of chosen findings fail, for testing retries and
// partial failure.
type SecurityHub struct {
	s        *Server
	mu       sync.Mutex
	account  string
	findings map[string]map[string]any // ProductArn + "\x00" + Id → finding
	order    []string
	throttle int
	failures map[string]*importFailure
	calls    map[string]int
}

type importFailure struct {
	code  string
	times int // -1: always
}

// SecurityHub starts answering Security Hub calls on s for account (the
// caller's account: the account of the default product's ARN).
func (s *Server) SecurityHub(account string) *SecurityHub {
	h := &SecurityHub{s: s, account: account, findings: map[string]map[string]any{},
		failures: map[string]*importFailure{}, calls: map[string]int{}}
	s.mu.Lock()
	if s.services == nil {
		s.services = map[string]http.HandlerFunc{}
	}
	s.services["securityhub"] = h.serveHTTP
	s.mu.Unlock()
	return h
}

// Throttle makes the next n Security Hub calls fail with 429 TooManyRequestsException.
func (h *SecurityHub) Throttle(n int) {
	h.mu.Lock()
	h.throttle = n
	h.mu.Unlock()
}

// FailImport makes the import of the finding with this Id fail with code,
// times times (-1: every time).
func (h *SecurityHub) FailImport(id, code string, times int) {
	h.mu.Lock()
	h.failures[id] = &importFailure{code: code, times: times}
	h.mu.Unlock()
}

// Findings returns the stored findings, in the order they were first imported.
func (h *SecurityHub) Findings() []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]map[string]any, 0, len(h.order))
	for _, k := range h.order {
		out = append(out, h.findings[k])
	}
	return out
}

// Finding returns the stored finding with this Id, or nil.
func (h *SecurityHub) Finding(id string) map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, k := range h.order {
		if h.findings[k]["Id"] == id {
			return h.findings[k]
		}
	}
	return nil
}

// Calls counts the Security Hub calls answered, by operation (throttled ones included).
func (h *SecurityHub) Calls() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]int{}
	for k, v := range h.calls {
		out[k] = v
	}
	return out
}

// shError is a Security Hub error response.
type shError struct {
	status        int
	code, message string
}

func (h *SecurityHub) serveHTTP(w http.ResponseWriter, hr *http.Request) {
	region, _ := credentialScope(hr.Header.Get("Authorization"))
	op := ""
	switch {
	case hr.Method == http.MethodPost && hr.URL.Path == "/findings/import":
		op = "BatchImportFindings"
	case hr.Method == http.MethodPost && hr.URL.Path == "/findings":
		op = "GetFindings"
	case hr.Method == http.MethodPatch && hr.URL.Path == "/findings/batchupdate":
		op = "BatchUpdateFindings"
	}
	body, err := io.ReadAll(hr.Body)
	h.mu.Lock()
	h.calls[cmp.Or(op, "Unknown")]++
	throttled := h.throttle > 0
	if throttled {
		h.throttle--
	}
	h.mu.Unlock()

	var out any
	var e *shError
	var input map[string]any
	switch {
	case throttled:
		e = &shError{http.StatusTooManyRequests, "TooManyRequestsException", "Rate exceeded"}
	case op == "":
		msg := fmt.Sprintf("awsfake: securityhub: no operation %s %s", hr.Method, hr.URL.Path)
		h.s.t.Errorf("%s", msg)
		e = &shError{http.StatusNotFound, "ResourceNotFoundException", msg}
	case err != nil || json.Unmarshal(body, &input) != nil:
		e = &shError{http.StatusBadRequest, "InvalidInputException", "the request body is not JSON"}
	default:
		h.mu.Lock()
		switch op {
		case "BatchImportFindings":
			out, e = h.batchImport(region, input)
		case "GetFindings":
			out, e = h.getFindings(input)
		case "BatchUpdateFindings":
			out, e = h.batchUpdate(input)
		}
		h.mu.Unlock()
	}

	w.Header().Set("x-amzn-RequestId", fmt.Sprintf("5ec0a000-0000-4000-8000-%012d", h.s.reqSeq.Add(1)))
	w.Header().Set("Content-Type", "application/json")
	if e != nil {
		w.Header().Set("x-amzn-ErrorType", e.code)
		b, _ := json.Marshal(map[string]string{"Code": e.code, "Message": e.message})
		w.WriteHeader(e.status)
		w.Write(b)
		return
	}
	b, _ := json.Marshal(out)
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// shMaxBatch is the most findings BatchImportFindings and BatchUpdateFindings take.
const shMaxBatch = 100

// partitionOfRegion is the partition a region belongs to.
func partitionOfRegion(region string) string {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	}
	return "aws"
}

func (h *SecurityHub) batchImport(region string, in map[string]any) (any, *shError) {
	fs, _ := in["Findings"].([]any)
	if len(fs) == 0 || len(fs) > shMaxBatch {
		return nil, &shError{http.StatusBadRequest, "InvalidInputException",
			fmt.Sprintf("Findings: %d findings; BatchImportFindings takes from 1 to %d", len(fs), shMaxBatch)}
	}
	type failed struct{ Id, ErrorCode, ErrorMessage string }
	var failures []failed
	ok := 0
	for _, raw := range fs {
		f, _ := raw.(map[string]any)
		id, _ := f["Id"].(string)
		if fail := h.failures[id]; fail != nil && fail.times != 0 {
			if fail.times > 0 {
				fail.times--
			}
			failures = append(failures, failed{id, fail.code, "the finding could not be imported"})
			continue
		}
		if msg := h.invalid(region, f); msg != "" {
			failures = append(failures, failed{id, "InvalidInput", msg})
			continue
		}
		h.store(f)
		ok++
	}
	return map[string]any{"SuccessCount": ok, "FailedCount": len(failures), "FailedFindings": failures}, nil
}

// invalid says why Security Hub would refuse f, or "".
func (h *SecurityHub) invalid(region string, f map[string]any) string {
	for _, k := range []string{"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "CreatedAt", "UpdatedAt", "Title", "Description"} {
		if s, _ := f[k].(string); s == "" {
			return k + " is required"
		}
	}
	want := fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", partitionOfRegion(region), region, h.account, h.account)
	if f["ProductArn"] != want {
		return fmt.Sprintf("ProductArn %v is not the default product of account %s in %s (%s)", f["ProductArn"], h.account, region, want)
	}
	for _, k := range []string{"CreatedAt", "UpdatedAt"} {
		if _, err := time.Parse(time.RFC3339, f[k].(string)); err != nil {
			return k + " is not an ISO 8601 timestamp"
		}
	}
	if len(f["Title"].(string)) > 256 || len(f["Description"].(string)) > 1024 {
		return "Title or Description too long"
	}
	sev := func(path string, v any) string {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		if l, ok := m["Label"]; ok && !slices.Contains([]any{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}, l) {
			return fmt.Sprintf("%s.Label %v is not a severity label", path, l)
		}
		return ""
	}
	if msg := sev("Severity", f["Severity"]); msg != "" {
		return msg
	}
	if fpf, ok := f["FindingProviderFields"].(map[string]any); ok {
		if msg := sev("FindingProviderFields.Severity", fpf["Severity"]); msg != "" {
			return msg
		}
	}
	if _, hasSev := f["Severity"]; !hasSev {
		if fpf, _ := f["FindingProviderFields"].(map[string]any); fpf["Severity"] == nil {
			return "Severity or FindingProviderFields.Severity is required"
		}
	}
	if c, ok := f["Compliance"].(map[string]any); ok {
		if s, ok := c["Status"]; ok && !slices.Contains([]any{"PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"}, s) {
			return fmt.Sprintf("Compliance.Status %v is not one of PASSED, WARNING, FAILED, NOT_AVAILABLE", s)
		}
	}
	if s, ok := f["RecordState"]; ok && s != "ACTIVE" && s != "ARCHIVED" {
		return fmt.Sprintf("RecordState %v", s)
	}
	rs, _ := f["Resources"].([]any)
	if len(rs) == 0 || len(rs) > 32 {
		return "Resources must hold 1 to 32 resources"
	}
	for i, r := range rs {
		m, _ := r.(map[string]any)
		if s, _ := m["Type"].(string); s == "" {
			return fmt.Sprintf("Resources[%d].Type is required", i)
		}
		if s, _ := m["Id"].(string); s == "" {
			return fmt.Sprintf("Resources[%d].Id is required", i)
		}
		if p, ok := m["Partition"]; ok && p != partitionOfRegion(region) {
			return fmt.Sprintf("Resources[%d].Partition %v is not the partition of %s", i, p, region)
		}
	}
	return ""
}

// store imports f, applying Security Hub's workflow rules to an update.
func (h *SecurityHub) store(f map[string]any) {
	key := f["ProductArn"].(string) + "\x00" + f["Id"].(string)
	old, exists := h.findings[key]
	status := func(m map[string]any, obj, field string) string {
		o, _ := m[obj].(map[string]any)
		s, _ := o[field].(string)
		return s
	}
	workflow := cmp.Or(status(f, "Workflow", "Status"), "NEW")
	if exists {
		workflow = cmp.Or(status(old, "Workflow", "Status"), "NEW")
		oldCompliance, newCompliance := status(old, "Compliance", "Status"), status(f, "Compliance", "Status")
		oldRecord, newRecord := cmp.Or(old["RecordState"], any("ACTIVE")), cmp.Or(f["RecordState"], any("ACTIVE"))
		switch {
		case (workflow == "NEW" || workflow == "NOTIFIED") &&
			((newCompliance == "PASSED" && oldCompliance != "PASSED") || (newRecord == "ARCHIVED" && oldRecord != "ARCHIVED")):
			workflow = "RESOLVED"
		case workflow == "RESOLVED" &&
			((oldCompliance == "PASSED" && newCompliance != "PASSED" && newCompliance != "") || (oldRecord == "ARCHIVED" && newRecord == "ACTIVE")):
			workflow = "NEW"
		}
		// Fields the provider may not change keep their first value.
		f["CreatedAt"] = old["CreatedAt"]
	} else {
		h.order = append(h.order, key)
	}
	if _, ok := f["RecordState"]; !ok {
		f["RecordState"] = "ACTIVE"
	}
	f["Workflow"] = map[string]any{"Status": workflow}
	f["WorkflowState"] = workflow
	h.findings[key] = f
}

func (h *SecurityHub) getFindings(in map[string]any) (any, *shError) {
	filters, _ := in["Filters"].(map[string]any)
	field := func(f map[string]any, name string) string {
		switch name {
		case "WorkflowStatus":
			w, _ := f["Workflow"].(map[string]any)
			s, _ := w["Status"].(string)
			return s
		case "ComplianceStatus":
			c, _ := f["Compliance"].(map[string]any)
			s, _ := c["Status"].(string)
			return s
		}
		s, _ := f[name].(string)
		return s
	}
	var matched []map[string]any
	for _, k := range h.order {
		f := h.findings[k]
		keep := true
		for name, raw := range filters {
			if !slices.Contains([]string{"Id", "ProductArn", "ProductName", "AwsAccountId", "GeneratorId", "RecordState", "WorkflowStatus", "ComplianceStatus"}, name) {
				return nil, &shError{http.StatusBadRequest, "InvalidInputException", "awsfake: unsupported filter " + name}
			}
			conds, _ := raw.([]any)
			any1 := false
			for _, c := range conds {
				m, _ := c.(map[string]any)
				v, _ := m["Value"].(string)
				got := field(f, name)
				switch m["Comparison"] {
				case "EQUALS":
					any1 = any1 || got == v
				case "PREFIX":
					any1 = any1 || strings.HasPrefix(got, v)
				case "NOT_EQUALS":
					any1 = any1 || got != v
				default:
					return nil, &shError{http.StatusBadRequest, "InvalidInputException", fmt.Sprintf("awsfake: unsupported comparison %v", m["Comparison"])}
				}
			}
			keep = keep && any1
		}
		if keep {
			matched = append(matched, f)
		}
	}
	max := 100
	if m, ok := in["MaxResults"].(float64); ok {
		if m < 1 || m > 100 {
			return nil, &shError{http.StatusBadRequest, "InvalidInputException", "MaxResults must be from 1 to 100"}
		}
		max = int(m)
	}
	start := 0
	if tok, _ := in["NextToken"].(string); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "page-"))
		if err != nil || n > len(matched) {
			return nil, &shError{http.StatusBadRequest, "InvalidInputException", "invalid NextToken"}
		}
		start = n
	}
	end := min(start+max, len(matched))
	out := map[string]any{"Findings": matched[start:end]}
	if end < len(matched) {
		out["NextToken"] = "page-" + strconv.Itoa(end)
	}
	return out, nil
}

func (h *SecurityHub) batchUpdate(in map[string]any) (any, *shError) {
	ids, _ := in["FindingIdentifiers"].([]any)
	if len(ids) == 0 || len(ids) > shMaxBatch {
		return nil, &shError{http.StatusBadRequest, "InvalidInputException",
			fmt.Sprintf("FindingIdentifiers: %d; BatchUpdateFindings takes from 1 to %d", len(ids), shMaxBatch)}
	}
	wf, _ := in["Workflow"].(map[string]any)
	status, _ := wf["Status"].(string)
	if status != "" && !slices.Contains([]string{"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"}, status) {
		return nil, &shError{http.StatusBadRequest, "InvalidInputException", "Workflow.Status " + status}
	}
	type ident struct{ Id, ProductArn string }
	type unprocessed struct {
		FindingIdentifier       ident
		ErrorCode, ErrorMessage string
	}
	processed, failed := []ident{}, []unprocessed{}
	for _, raw := range ids {
		m, _ := raw.(map[string]any)
		id := ident{}
		id.Id, _ = m["Id"].(string)
		id.ProductArn, _ = m["ProductArn"].(string)
		f, ok := h.findings[id.ProductArn+"\x00"+id.Id]
		if !ok {
			failed = append(failed, unprocessed{id, "FindingNotFound", "no such finding"})
			continue
		}
		if status != "" {
			f["Workflow"] = map[string]any{"Status": status}
			f["WorkflowState"] = status
		}
		processed = append(processed, id)
	}
	return map[string]any{"ProcessedFindings": processed, "UnprocessedFindings": failed}, nil
}
