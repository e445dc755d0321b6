// Package config reads and validates trailguard's config file
// (.trailguard.yaml): defaults for eval's flags, disabled checks, severity
// overrides, threshold params and waivers. One job: file → validated Config.
// It knows nothing of OPA or of the CLI library.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/trailguard/trailguard/internal/yamlnode"

	"github.com/trailguard/trailguard/internal/suggest"

	"github.com/trailguard/trailguard/findings"
)

// DefaultFile is read from the working directory when --config is not given.
const DefaultFile = ".trailguard.yaml"

// Defaults are values for eval's flags; a flag given on the command line wins.
type Defaults struct {
	Format        []string       `yaml:"format"`
	FailOn        string         `yaml:"fail_on"`
	FailOnUnknown *bool          `yaml:"fail_on_unknown"`
	Framework     string         `yaml:"framework"`
	Policy        []string       `yaml:"policy"` // relative paths are relative to the config file
	Data          []string       `yaml:"data"`   // relative paths are relative to the config file
	Params        map[string]any `yaml:"params"`
}

// Config is a validated config file.
type Config struct {
	Path     string // the file read; "" for no config
	Defaults Defaults
	// Disable lists check ids (or prefixes ending in "*") whose findings are dropped.
	Disable []string
	// Severity overrides the severity of checks, by exact check id.
	Severity map[string]findings.Severity
	// Params override the checks' thresholds (data.params); defaults.params
	// and --param win over them, in that order.
	Params  map[string]any
	Waivers []findings.Waiver

	lines map[string]int // "disable/ID", "severity/ID", "waiver/i", "params/NAME", "defaults.params/NAME" → line
}

type rawFile struct {
	Defaults Defaults        `yaml:"defaults"`
	Disable  []yaml.Node     `yaml:"disable"`
	Severity yaml.Node       `yaml:"severity"`
	Params   map[string]any  `yaml:"params"`
	Waivers  []rawWaiverNode `yaml:"waivers"`
}

type rawWaiver struct {
	Check    string `yaml:"check"`
	Resource string `yaml:"resource"`
	Reason   string `yaml:"reason"`
	Expires  string `yaml:"expires"`
}

// rawWaiverNode keeps a waiver's line; its keys are checked like the rest.
type rawWaiverNode struct {
	rawWaiver
	line int
}

func (w *rawWaiverNode) UnmarshalYAML(n *yaml.Node) error {
	w.line = n.Line
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a waiver is a mapping with check, resource, reason and expires", n.Line)
	}
	for k := range yamlnode.Keys(n) {
		switch k.Value {
		case "check", "resource", "reason", "expires":
		default:
			return fmt.Errorf("line %d: unknown key %q in a waiver (want check, resource, reason, expires)", k.Line, k.Value)
		}
	}
	return n.Decode(&w.rawWaiver)
}

// Error is an invalid config file; it prints as one line naming the file and,
// when known, the line.
type Error struct {
	Path string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("config %s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("config %s: %s", e.Path, e.Msg)
}

// Load reads the config file at path; path "" reads DefaultFile in the
// working directory if it exists, and returns an empty Config if it does not.
// An explicit path that does not exist is an error.
func Load(path string) (*Config, error) {
	explicit := path != ""
	if !explicit {
		path = DefaultFile
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return &Config{}, nil
		}
		return nil, &Error{Path: path, Msg: err.Error()}
	}
	cfg, err := Parse(data)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Path = path
		}
		return nil, err
	}
	cfg.Path = path
	dir := filepath.Dir(path)
	for _, list := range [][]string{cfg.Defaults.Policy, cfg.Defaults.Data} {
		for i, p := range list {
			if !filepath.IsAbs(p) {
				list[i] = filepath.Join(dir, p)
			}
		}
	}
	return cfg, nil
}

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)
var notFound = regexp.MustCompile(`field (\S+) not found in type \S+`)

// yamlError turns a YAML decoding error into an Error with its line.
func yamlError(err error) *Error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	e := &Error{Msg: msg}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &e.Line)
		e.Msg = m[2]
	}
	e.Msg = notFound.ReplaceAllString(e.Msg, `unknown key "$1"`)
	return e
}

// Parse reads and validates a config document. Unknown keys are errors.
func Parse(data []byte) (*Config, error) {
	var raw rawFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) { // io.EOF: an empty file
		return nil, yamlError(err)
	}
	cfg := &Config{Defaults: raw.Defaults, Params: raw.Params, Severity: map[string]findings.Severity{}, lines: map[string]int{}}
	paramLines(data, cfg.lines)
	if d := raw.Defaults; d.FailOn != "" && !strings.EqualFold(d.FailOn, "none") {
		if _, err := findings.ParseSeverity(d.FailOn); err != nil {
			return nil, &Error{Msg: "defaults.fail_on: " + err.Error()}
		}
	}
	for _, n := range raw.Disable {
		if n.Kind != yaml.ScalarNode || strings.TrimSpace(n.Value) == "" {
			return nil, &Error{Line: n.Line, Msg: "disable: want a list of check ids"}
		}
		cfg.Disable = append(cfg.Disable, n.Value)
		cfg.lines["disable/"+n.Value] = n.Line
	}
	if raw.Severity.Kind != 0 {
		if raw.Severity.Kind != yaml.MappingNode {
			return nil, &Error{Line: raw.Severity.Line, Msg: "severity: want a mapping of check id to severity"}
		}
		c := raw.Severity.Content
		for i := 0; i+1 < len(c); i += 2 {
			sev, err := findings.ParseSeverity(c[i+1].Value)
			if err != nil || c[i+1].Kind != yaml.ScalarNode {
				return nil, &Error{Line: c[i+1].Line, Msg: fmt.Sprintf("severity of %s: unknown severity %q (want one of critical, high, medium, low, info)", c[i].Value, c[i+1].Value)}
			}
			cfg.Severity[c[i].Value] = sev
			cfg.lines["severity/"+c[i].Value] = c[i].Line
		}
	}
	for i, w := range raw.Waivers {
		switch {
		case strings.TrimSpace(w.Check) == "":
			return nil, &Error{Line: w.line, Msg: "waiver without check"}
		case strings.TrimSpace(w.Reason) == "":
			return nil, &Error{Line: w.line, Msg: fmt.Sprintf("waiver of %s without reason", w.Check)}
		case w.Expires == "":
			return nil, &Error{Line: w.line, Msg: fmt.Sprintf("waiver of %s without expires (YYYY-MM-DD)", w.Check)}
		}
		if _, err := time.Parse(time.DateOnly, w.Expires); err != nil {
			return nil, &Error{Line: w.line, Msg: fmt.Sprintf("waiver of %s: expires %q is not a date YYYY-MM-DD", w.Check, w.Expires)}
		}
		resource := w.Resource
		if resource == "" {
			resource = "*"
		}
		cfg.Waivers = append(cfg.Waivers, findings.Waiver{Check: w.Check, Resource: resource, Reason: strings.TrimSpace(w.Reason), Expires: w.Expires})
		cfg.lines[fmt.Sprintf("waiver/%d", i)] = w.line
	}
	return cfg, nil
}

// CheckIDs verifies that every check id the config names (in disable,
// severity and waivers) is one of ids; call it once the policies are loaded.
func (c *Config) CheckIDs(ids []string) error {
	if c == nil || c.Path == "" && len(c.lines) == 0 {
		return nil
	}
	matchesAny := func(pattern string) bool {
		for _, id := range ids {
			if findings.MatchCheckID(pattern, id) {
				return true
			}
		}
		return false
	}
	unknown := func(where, id string, line int) error {
		return &Error{Path: c.Path, Line: line, Msg: fmt.Sprintf("%s: unknown check id %q (see trailguard policies)", where, id)}
	}
	for _, id := range c.Disable {
		if !matchesAny(id) {
			return unknown("disable", id, c.lines["disable/"+id])
		}
	}
	sevIDs := make([]string, 0, len(c.Severity))
	for id := range c.Severity {
		sevIDs = append(sevIDs, id)
	}
	sort.Slice(sevIDs, func(i, j int) bool { return c.lines["severity/"+sevIDs[i]] < c.lines["severity/"+sevIDs[j]] })
	for _, id := range sevIDs {
		if !slices.Contains(ids, id) {
			return unknown("severity", id, c.lines["severity/"+id])
		}
	}
	for i, w := range c.Waivers {
		if !matchesAny(w.Check) {
			return unknown("waiver", w.Check, c.lines[fmt.Sprintf("waiver/%d", i)])
		}
	}
	return nil
}

// Apply drops the findings of disabled checks, applies the severity
// overrides, then the waivers as of day today (YYYY-MM-DD).
func (c *Config) Apply(fs []findings.Finding, today string) []findings.Finding {
	if c == nil {
		return fs
	}
	out := make([]findings.Finding, 0, len(fs))
	for _, f := range fs {
		if c.Disabled(f.CheckID) {
			continue
		}
		if sev, ok := c.Severity[f.CheckID]; ok {
			f.Severity = sev
		}
		out = append(out, f)
	}
	return findings.ApplyWaivers(out, c.Waivers, today)
}

// Disabled reports whether check id is disabled.
func (c *Config) Disabled(id string) bool {
	for _, d := range c.Disable {
		if findings.MatchCheckID(d, id) {
			return true
		}
	}
	return false
}

// Checks returns checks without the disabled ones and with the severity overrides.
func (c *Config) Checks(checks []findings.Check) []findings.Check {
	if c == nil {
		return checks
	}
	out := make([]findings.Check, 0, len(checks))
	for _, ch := range checks {
		if c.Disabled(ch.ID) {
			continue
		}
		if sev, ok := c.Severity[ch.ID]; ok {
			ch.Severity = sev
		}
		out = append(out, ch)
	}
	return out
}

// paramLines records the line of every key under params and defaults.params.
func paramLines(data []byte, lines map[string]int) {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return
	}
	root := doc.Content[0]
	for prefix, n := range map[string]*yaml.Node{"params": yamlnode.Get(root, "params"), "defaults.params": yamlnode.Get(yamlnode.Get(root, "defaults"), "params")} {
		for k := range yamlnode.Keys(n) {
			lines[prefix+"/"+k.Value] = k.Line
		}
	}
}

// CheckParams verifies the thresholds the config sets (params and
// defaults.params) against known, the thresholds the loaded checks read and
// their defaults; call it once the policies are loaded.
func (c *Config) CheckParams(known map[string]any) error {
	if c == nil {
		return nil
	}
	for _, section := range []struct {
		name   string
		params map[string]any
	}{{"params", c.Params}, {"defaults.params", c.Defaults.Params}} {
		names := make([]string, 0, len(section.params))
		for n := range section.params {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool {
			return c.lines[section.name+"/"+names[i]] < c.lines[section.name+"/"+names[j]]
		})
		for _, n := range names {
			if err := CheckParam(n, section.params[n], known); err != nil {
				return &Error{Path: c.Path, Line: c.lines[section.name+"/"+n], Msg: section.name + ": " + err.Error()}
			}
		}
	}
	return nil
}

// CheckParam verifies one threshold: its name must be one of known, and its
// value a number when the default is a number.
func CheckParam(name string, value any, known map[string]any) error {
	def, ok := known[name]
	if !ok {
		names := make([]string, 0, len(known))
		for n := range known {
			names = append(names, n)
		}
		sort.Strings(names)
		hint := suggest.Hint(name, names)
		if hint == "" {
			hint = " (known: " + strings.Join(names, ", ") + ")"
		}
		return fmt.Errorf("unknown threshold %q%s", name, hint)
	}
	if isNumber(def) && !isNumber(value) {
		return fmt.Errorf("%s must be a number (default %v), not %q", name, def, fmt.Sprint(value))
	}
	return nil
}

func isNumber(v any) bool {
	switch v.(type) {
	case int, int64, uint64, float64, float32, json.Number:
		return true
	}
	return false
}
