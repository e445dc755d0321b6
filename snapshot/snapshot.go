// Package snapshot reads snapshot documents and checks them against the
// schema that ships with the binary, so that evaluation only ever sees a
// document of the version and shape the policies were written for.
package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/trailguard/trailguard/schema"
)

// Document is a parsed snapshot: JSON objects as map[string]any, numbers as json.Number.
type Document = map[string]any

// ReadFile reads and validates the single-account snapshot at path. Errors
// name the file and, where it applies, the line and column or the JSON pointer
// of the problem. An organization snapshot is refused with a clear error: use
// ReadAnyFile where both kinds are accepted.
func ReadFile(path string) (Document, error) {
	doc, err := ReadAnyFile(path)
	if err != nil {
		return nil, err
	}
	if IsOrganization(doc) {
		return nil, fmt.Errorf("%s: an organization snapshot (kind %q), where a single-account snapshot is expected", path, OrgSnapshotKind)
	}
	return doc, nil
}

// ReadAnyFile reads and validates the snapshot at path, a single-account
// snapshot or an organization snapshot (IsOrganization tells which), each
// against its own schema.
func ReadAnyFile(path string) (Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading snapshot: %w", err)
	}
	doc, err := ParseAny(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}

// ReadAny reads and validates a snapshot of either kind from r (e.g.
// `collect --org | eval -`); name stands for the file in errors.
func ReadAny(r io.Reader, name string) (Document, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading snapshot from %s: %w", name, err)
	}
	doc, err := ParseAny(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return doc, nil
}

// Parse decodes and validates a single-account snapshot document.
func Parse(data []byte) (Document, error) {
	doc, err := ParseAny(data)
	if err != nil {
		return nil, err
	}
	if IsOrganization(doc) {
		return nil, fmt.Errorf("an organization snapshot (kind %q), where a single-account snapshot is expected", OrgSnapshotKind)
	}
	return doc, nil
}

// IsOrganization tells whether doc is an organization snapshot.
func IsOrganization(doc Document) bool { return doc["kind"] == OrgSnapshotKind }

// ParseAny decodes and validates a snapshot document of either kind.
func ParseAny(data []byte) (Document, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("not a snapshot: the file is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := position(data, dec.InputOffset())
		return nil, fmt.Errorf("%d:%d: not a snapshot: unexpected data after the JSON document", line, col)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not a snapshot: the document is a JSON %s, not an object", jsonKind(v))
	}
	if err := checkVersion(doc); err != nil {
		return nil, err
	}
	validate := Validate
	switch kind := doc["kind"]; kind {
	case nil:
	case OrgSnapshotKind:
		validate = ValidateOrganization
	default:
		return nil, fmt.Errorf("not a trailguard snapshot: kind %v is unknown (want %q, or no kind for a single-account snapshot)", kind, OrgSnapshotKind)
	}
	if err := validate(doc); err != nil {
		return nil, err
	}
	return doc, nil
}

func checkVersion(doc Document) error {
	raw, ok := doc["schema_version"]
	if !ok {
		return errors.New("not a trailguard snapshot: schema_version is missing")
	}
	version, ok := raw.(string)
	if !ok {
		return fmt.Errorf("schema_version must be a string, got %v", raw)
	}
	if version != schema.Version {
		return fmt.Errorf("schema_version %q is not supported: this trailguard reads version %q", version, schema.Version)
	}
	return nil
}

// pointerEscaper escapes a JSON Pointer reference token (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

var printer = message.NewPrinter(language.English)

// Schema URLs: each document's $id, so that the organization schema's
// relative references ("snapshot-1.json#/definitions/...") resolve.
const (
	snapshotURL     = "https://trailguard.dev/schema/snapshot-1.json"
	organizationURL = "https://trailguard.dev/schema/organization-1.json"
)

var compiledSchemas = sync.OnceValues(func() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	for url, raw := range map[string][]byte{snapshotURL: schema.Snapshot, organizationURL: schema.Organization} {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		if err := c.AddResource(url, doc); err != nil {
			return nil, err
		}
	}
	out := map[string]*jsonschema.Schema{}
	for _, url := range []string{snapshotURL, organizationURL} {
		s, err := c.Compile(url)
		if err != nil {
			return nil, err
		}
		out[url] = s
	}
	return out, nil
})

func compiled() (*jsonschema.Schema, error) {
	m, err := compiledSchemas()
	return m[snapshotURL], err
}

// ValidateOrganization checks doc against the organization snapshot JSON
// Schema (whose accounts' snapshots follow the snapshot schema) and reports
// the first problem with its JSON pointer.
func ValidateOrganization(doc Document) error {
	m, err := compiledSchemas()
	if err != nil {
		return fmt.Errorf("compiling the organization snapshot schema: %w", err)
	}
	err = m[organizationURL].Validate(doc)
	var verr *jsonschema.ValidationError
	if errors.As(err, &verr) {
		return fmt.Errorf("does not match the organization snapshot schema: %s", describe(verr))
	}
	return err
}

// Validate checks doc against the snapshot JSON Schema and reports the first
// problem with its JSON pointer.
func Validate(doc Document) error {
	s, err := compiled()
	if err != nil {
		return fmt.Errorf("compiling the snapshot schema: %w", err)
	}
	err = s.Validate(doc)
	var verr *jsonschema.ValidationError
	if errors.As(err, &verr) {
		return fmt.Errorf("does not match the snapshot schema: %s", describe(verr))
	}
	return err
}

// describe returns the deepest, first validation error as "at /pointer: message".
func describe(e *jsonschema.ValidationError) string {
	for len(e.Causes) > 0 {
		e = e.Causes[0]
	}
	var ptr strings.Builder
	for _, tok := range e.InstanceLocation {
		ptr.WriteString("/" + pointerEscaper.Replace(tok))
	}
	if ptr.Len() == 0 {
		ptr.WriteString("/")
	}
	return fmt.Sprintf("at %s: %s", ptr.String(), e.ErrorKind.LocalizedString(printer))
}

func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := position(data, int64(len(data)))
		return fmt.Errorf("%d:%d: invalid JSON: unexpected end of file (truncated?)", line, col)
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return fmt.Errorf("%d:%d: invalid JSON: %s", line, col, syn.Error())
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		return fmt.Errorf("%d:%d: invalid JSON: %s", line, col, typ.Error())
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

// position converts a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
