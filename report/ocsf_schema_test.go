package report

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// This file validates OCSF events against the OCSF schema at the version
// they claim, offline: testdata/schemas/ocsf-<version>/ holds the schema's
// own files (see its README), which ocsfSchema compiles the way the OCSF
// server does: a class or object extends its parent, "$include" merges the
// attributes of includes and profiles (a profile's attributes belong to it),
// and every attribute takes its type, array-ness and enum from the
// dictionary unless the class or object says otherwise.
//
// ocsfValidate then reports what the OCSF validator reports: attributes the
// class or object does not define, attributes of a profile the event does not
// declare in metadata.profiles, missing required attributes, values of the
// wrong type, enum values the schema does not define, sibling names that do
// not match their id's caption, and class, category and type ids that do not
// agree.

// ocsfAttr is one compiled attribute.
type ocsfAttr struct {
	Type        string // a dictionary type (string_t …) or an object name
	IsArray     bool
	Requirement string
	Profile     string            // the profile the attribute belongs to, if any
	Enum        map[string]string // value → caption
	Sibling     string
}

// ocsfDef is a compiled class or object.
type ocsfDef struct {
	Name  string
	UID   int
	Attrs map[string]*ocsfAttr
}

type ocsfSchema struct {
	dir     string
	version string
	dict    map[string]map[string]any // dictionary attributes
	types   map[string]map[string]any // dictionary types
	files   map[string]string         // "object:name" or "event:name" → file
	objects map[string]*ocsfDef
}

func loadOCSFSchema(t *testing.T, version string) *ocsfSchema {
	t.Helper()
	dir := filepath.Join("testdata", "schemas", "ocsf-"+version)
	s := &ocsfSchema{dir: dir, files: map[string]string{}, objects: map[string]*ocsfDef{}}
	var v struct{ Version string }
	s.readJSON(t, "version.json", &v)
	s.version = v.Version
	var d struct {
		Attributes map[string]map[string]any
		Types      struct{ Attributes map[string]map[string]any }
	}
	s.readJSON(t, "dictionary.json", &d)
	s.dict, s.types = d.Attributes, d.Types.Attributes
	for _, kind := range []string{"objects", "events"} {
		err := filepath.WalkDir(filepath.Join(dir, kind), func(p string, e os.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(p, ".json") {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			var h struct{ Name string }
			s.readJSON(t, rel, &h)
			s.files[strings.TrimSuffix(kind, "s")+":"+h.Name] = rel
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func (s *ocsfSchema) readJSON(t *testing.T, rel string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.dir, rel))
	if err != nil {
		t.Fatalf("OCSF schema: %v (vendor the file from the ocsf-schema repository at tag %s)", err, filepath.Base(s.dir))
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("OCSF schema %s: %v", rel, err)
	}
}

// rawDef is a class, object, include or profile file.
type rawDef struct {
	Name       string
	UID        int
	Meta       string
	Extends    string
	Attributes map[string]json.RawMessage
}

// compile builds the class or object kind:name with its parents and includes.
func (s *ocsfSchema) compile(t *testing.T, kind, name string) *ocsfDef {
	t.Helper()
	rel, ok := s.files[kind+":"+name]
	if !ok {
		t.Fatalf("OCSF schema: no %s %q in %s", kind, name, s.dir)
	}
	var raw rawDef
	s.readJSON(t, rel, &raw)
	def := &ocsfDef{Name: name, UID: raw.UID, Attrs: map[string]*ocsfAttr{}}
	if raw.Extends != "" {
		parent := s.compile(t, kind, raw.Extends)
		for k, a := range parent.Attrs {
			c := *a
			c.Enum = maps.Clone(a.Enum)
			def.Attrs[k] = &c
		}
	}
	s.merge(t, def, raw.Attributes, "")
	return def
}

// merge adds attrs (of a file, or of an included profile when profile is set) to def.
func (s *ocsfSchema) merge(t *testing.T, def *ocsfDef, attrs map[string]json.RawMessage, profile string) {
	t.Helper()
	if inc, ok := attrs["$include"]; ok {
		var paths []string
		if err := json.Unmarshal(inc, &paths); err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			var raw rawDef
			s.readJSON(t, p, &raw)
			prof := profile
			if raw.Meta == "profile" {
				prof = raw.Name
			}
			s.merge(t, def, raw.Attributes, prof)
		}
	}
	for name, msg := range attrs {
		if name == "$include" {
			continue
		}
		var over map[string]any
		if err := json.Unmarshal(msg, &over); err != nil {
			t.Fatal(err)
		}
		a, ok := def.Attrs[name]
		if !ok {
			a = s.dictAttr(t, name)
			def.Attrs[name] = a
		}
		if r, ok := over["requirement"].(string); ok {
			a.Requirement = r
		}
		if p, ok := over["profile"].(string); ok {
			a.Profile = p
		} else if profile != "" {
			a.Profile = profile
		}
		if typ, ok := over["type"].(string); ok {
			a.Type = typ
		}
		if e, ok := over["enum"].(map[string]any); ok {
			for k, v := range e {
				caption, _ := v.(map[string]any)["caption"].(string)
				a.Enum[k] = caption
			}
		}
	}
}

// dictAttr is name as the dictionary defines it.
func (s *ocsfSchema) dictAttr(t *testing.T, name string) *ocsfAttr {
	t.Helper()
	d, ok := s.dict[name]
	if !ok {
		t.Fatalf("OCSF schema: attribute %q is not in the dictionary", name)
	}
	a := &ocsfAttr{Enum: map[string]string{}}
	a.Type, _ = d["type"].(string)
	a.IsArray, _ = d["is_array"].(bool)
	a.Sibling, _ = d["sibling"].(string)
	if e, ok := d["enum"].(map[string]any); ok {
		for k, v := range e {
			a.Enum[k], _ = v.(map[string]any)["caption"].(string)
		}
	}
	return a
}

func (s *ocsfSchema) object(t *testing.T, name string) *ocsfDef {
	t.Helper()
	if d, ok := s.objects[name]; ok {
		return d
	}
	d := s.compile(t, "object", name)
	s.objects[name] = d
	return d
}

// baseType follows a dictionary type to the type JSON values are checked by.
func (s *ocsfSchema) baseType(typ string) string {
	for range 5 {
		def, ok := s.types[typ]
		if !ok {
			return typ
		}
		next, _ := def["type"].(string)
		if next == "" {
			return typ
		}
		typ = next
	}
	return typ
}

// ocsfValidate validates one event of class (a class name such as
// compliance_finding) and returns every problem found.
func (s *ocsfSchema) validate(t *testing.T, class string, event map[string]any) []string {
	t.Helper()
	var errs []string
	meta, _ := event["metadata"].(map[string]any)
	if v, _ := meta["version"].(string); v != s.version {
		errs = append(errs, fmt.Sprintf("metadata.version is %q, the schema is %s", v, s.version))
	}
	profiles := map[string]bool{}
	if ps, ok := meta["profiles"].([]any); ok {
		for _, p := range ps {
			name, _ := p.(string)
			if !s.profileExists(name) {
				errs = append(errs, fmt.Sprintf("metadata.profiles: unknown profile %q", name))
			}
			profiles[name] = true
		}
	}
	def := s.compile(t, "event", class)
	var cats struct {
		Attributes map[string]struct {
			UID     int
			Caption string
		}
	}
	s.readJSON(t, "categories.json", &cats)
	cat := cats.Attributes[s.categoryOf(t, class)]
	categoryUID := cat.UID
	if got, _ := event["category_name"].(string); got != cat.Caption {
		errs = append(errs, fmt.Sprintf("category_name is %q, category %d is %q", got, categoryUID, cat.Caption))
	}
	wantClass := categoryUID*1000 + def.UID
	// What the OCSF server generates for a class: its own class, category
	// and type ids, named by their captions.
	var h struct{ Caption string }
	s.readJSON(t, s.files["event:"+class], &h)
	def.Attrs["class_uid"].Enum[strconv.Itoa(wantClass)] = h.Caption
	def.Attrs["category_uid"].Enum[strconv.Itoa(categoryUID)] = cat.Caption
	typeEnum := map[string]string{}
	for id, activity := range def.Attrs["activity_id"].Enum {
		n, _ := strconv.Atoi(id)
		typeEnum[strconv.Itoa(wantClass*100+n)] = h.Caption + ": " + activity
	}
	def.Attrs["type_uid"].Enum = typeEnum
	if got := asInt(event["class_uid"]); got != wantClass {
		errs = append(errs, fmt.Sprintf("class_uid is %d, %s is %d", got, class, wantClass))
	}
	if got := asInt(event["category_uid"]); got != categoryUID {
		errs = append(errs, fmt.Sprintf("category_uid is %d, want %d", got, categoryUID))
	}
	if got, want := asInt(event["type_uid"]), wantClass*100+asInt(event["activity_id"]); got != want {
		errs = append(errs, fmt.Sprintf("type_uid is %d, want class_uid*100+activity_id = %d", got, want))
	}
	s.check(t, def, event, "", profiles, &errs)
	return errs
}

func (s *ocsfSchema) profileExists(name string) bool {
	_, err := os.Stat(filepath.Join(s.dir, "profiles", name+".json"))
	return err == nil
}

// categoryOf is the category a class file names.
func (s *ocsfSchema) categoryOf(t *testing.T, class string) string {
	var h struct{ Category string }
	s.readJSON(t, s.files["event:"+class], &h)
	return h.Category
}

func asInt(v any) int {
	f, _ := v.(float64)
	return int(f)
}

func (s *ocsfSchema) check(t *testing.T, def *ocsfDef, obj map[string]any, path string, profiles map[string]bool, errs *[]string) {
	t.Helper()
	add := func(format string, a ...any) { *errs = append(*errs, fmt.Sprintf(format, a...)) }
	for _, name := range slices.Sorted(maps.Keys(def.Attrs)) {
		a := def.Attrs[name]
		if _, ok := obj[name]; !ok && a.Requirement == "required" && (a.Profile == "" || profiles[a.Profile]) {
			add("%s%s: required by %s but missing", path, name, def.Name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		v := obj[name]
		p := path + name
		a, ok := def.Attrs[name]
		if !ok {
			add("%s: %s has no attribute %q", p, def.Name, name)
			continue
		}
		if a.Profile != "" && !profiles[a.Profile] {
			add("%s: attribute of the %q profile, which metadata.profiles does not declare", p, a.Profile)
		}
		if a.IsArray {
			items, ok := v.([]any)
			if !ok {
				add("%s: want an array", p)
				continue
			}
			for i, item := range items {
				s.checkValue(t, a, item, fmt.Sprintf("%s[%d]", p, i), profiles, errs)
			}
		} else {
			s.checkValue(t, a, v, p, profiles, errs)
		}
		if len(a.Enum) > 0 {
			id := strconv.Itoa(asInt(v))
			caption, ok := a.Enum[id]
			if !ok {
				add("%s: %s is not one of the values the schema defines (%v)", p, id, slices.Sorted(maps.Keys(a.Enum)))
			} else if sib, ok := obj[a.Sibling].(string); ok && a.Sibling != "" && id != "99" && sib != caption {
				add("%s%s: %q does not match the caption %q of %s %s", path, a.Sibling, sib, caption, name, id)
			}
		}
	}
}

func (s *ocsfSchema) checkValue(t *testing.T, a *ocsfAttr, v any, p string, profiles map[string]bool, errs *[]string) {
	t.Helper()
	add := func(format string, args ...any) { *errs = append(*errs, fmt.Sprintf(format, args...)) }
	switch typ := s.baseType(a.Type); typ {
	case "string_t":
		if _, ok := v.(string); !ok {
			add("%s: want a string, got %T", p, v)
		}
	case "integer_t", "long_t":
		if f, ok := v.(float64); !ok || f != float64(int64(f)) {
			add("%s: want an integer, got %v", p, v)
		}
	case "float_t":
		if _, ok := v.(float64); !ok {
			add("%s: want a number, got %T", p, v)
		}
	case "boolean_t":
		if _, ok := v.(bool); !ok {
			add("%s: want a boolean, got %T", p, v)
		}
	case "json_t":
	case "object":
		if _, ok := v.(map[string]any); !ok {
			add("%s: want an object, got %T", p, v)
		}
	default:
		if _, isType := s.types[typ]; isType {
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			add("%s: want a %s object, got %T", p, typ, v)
			return
		}
		s.check(t, s.object(t, typ), m, p+".", profiles, errs)
	}
}

// TestOCSFValidAgainstSchema validates every event of every shipped example
// against the OCSF schema at the version the events claim.
func TestOCSFValidAgainstSchema(t *testing.T) {
	s := loadOCSFSchema(t, ocsfVersion)
	reports := map[string]Report{"sample": sample(), "waived": waivedSample(),
		"govcloud": func() Report { r := sample(); r.Partition = "aws-us-gov"; return r }()}
	for _, snap := range goldenSnapshots {
		reports[snap] = evaluate(t, snap)
	}
	for name, r := range reports {
		t.Run(name, func(t *testing.T) {
			var events []map[string]any
			if err := json.Unmarshal(render(t, "ocsf", r), &events); err != nil {
				t.Fatal(err)
			}
			if len(events) != len(r.Findings) {
				t.Fatalf("%d events for %d findings", len(events), len(r.Findings))
			}
			for i, e := range events {
				if errs := s.validate(t, "compliance_finding", e); len(errs) > 0 {
					t.Fatalf("event %d is not valid OCSF %s:\n%s", i, s.version, strings.Join(errs, "\n"))
				}
			}
		})
	}
}

// TestOCSFValidatorRejects proves the validator says no to what the OCSF
// validator refuses, the undeclared cloud profile first.
func TestOCSFValidatorRejects(t *testing.T) {
	s := loadOCSFSchema(t, ocsfVersion)
	fresh := func() map[string]any {
		var events []map[string]any
		if err := json.Unmarshal(render(t, "ocsf", sample()), &events); err != nil {
			t.Fatal(err)
		}
		return events[0]
	}
	if errs := s.validate(t, "compliance_finding", fresh()); len(errs) > 0 {
		t.Fatalf("the unmodified event is invalid: %v", errs)
	}
	tests := []struct {
		name   string
		change func(e map[string]any)
		want   string
	}{
		{"no cloud profile", func(e map[string]any) { delete(e["metadata"].(map[string]any), "profiles") }, `"cloud" profile`},
		{"unknown attribute", func(e map[string]any) { e["verdict"] = "bad" }, `no attribute "verdict"`},
		{"missing required", func(e map[string]any) { delete(e, "finding_info") }, "finding_info: required"},
		{"required in object", func(e map[string]any) { delete(e["compliance"].(map[string]any), "standards") }, "compliance.standards: required"},
		{"enum", func(e map[string]any) { e["compliance"].(map[string]any)["status_id"] = 7.0 }, "compliance.status_id: 7 is not one of"},
		{"sibling caption", func(e map[string]any) { e["status"] = "Open" }, `"Open" does not match the caption`},
		{"type", func(e map[string]any) { e["time"] = "yesterday" }, "time: want an integer"},
		{"object type", func(e map[string]any) { e["cloud"] = "AWS" }, "want a cloud object"},
		{"version", func(e map[string]any) { e["metadata"].(map[string]any)["version"] = "1.1.0" }, "metadata.version"},
		{"type_uid", func(e map[string]any) { e["type_uid"] = 200399.0 }, "type_uid is 200399"},
		{"unknown profile", func(e map[string]any) {
			e["metadata"].(map[string]any)["profiles"] = []any{"cloud", "trailguard"}
		}, `unknown profile "trailguard"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := fresh()
			tt.change(e)
			errs := strings.Join(s.validate(t, "compliance_finding", e), "\n")
			if !strings.Contains(errs, tt.want) {
				t.Fatalf("errors %q lack %q", errs, tt.want)
			}
		})
	}
}
