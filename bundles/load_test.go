package bundles

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/util"

	"github.com/trailguard/trailguard/policies"
)

const acmeDir = "examples/acme"

func TestLoad(t *testing.T) {
	tmp := t.TempDir()
	notRego := filepath.Join(tmp, "x.txt")
	os.WriteFile(notRego, []byte("x"), 0o600)
	clash := filepath.Join(tmp, "clash")
	os.MkdirAll(clash, 0o755)
	os.WriteFile(filepath.Join(clash, "data.json"), []byte(`{"acme": {"organization": {"cost_centre_tag": "cc"}}}`), 0o600)
	os.WriteFile(filepath.Join(clash, "p.rego"), []byte("package clash\n"), 0o600)
	tests := []struct {
		name     string
		policies []string
		data     []string
		opts     LoadOptions
		modules  []string // base names, sorted
		wantErr  string
	}{
		{"directory skips tests", []string{acmeDir}, nil, LoadOptions{}, []string{"full_access_security_admin_only.rego", "trail_bucket_in_log_archive.rego", "trail_cost_centre_tag.rego"}, ""},
		{"directory with tests", []string{acmeDir}, nil, LoadOptions{Tests: true}, nil, ""},
		{"single file", []string{acmeDir + "/checks/trail_cost_centre_tag.rego"}, []string{acmeDir + "/data.json"}, LoadOptions{}, []string{"trail_cost_centre_tag.rego"}, ""},
		{"missing", []string{filepath.Join(tmp, "nope")}, nil, LoadOptions{}, nil, "no such file or directory"},
		{"not rego", []string{notRego}, nil, LoadOptions{}, nil, "not a directory, a .rego file or a bundle"},
		{"data not JSON", []string{acmeDir}, []string{notRego}, LoadOptions{}, nil, "not a JSON or YAML file"},
		{"data clash", []string{acmeDir, clash}, nil, LoadOptions{}, nil, "data.acme.organization.cost_centre_tag is already defined"},
		{"verification needs bundles", []string{acmeDir}, nil, LoadOptions{VerificationKey: "-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n"}, nil, "not a bundle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Load(tt.policies, tt.data, tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, src := range got.Sources {
				for name := range src.Modules {
					names = append(names, filepath.Base(name))
				}
			}
			slices.Sort(names)
			if tt.modules != nil && !reflect.DeepEqual(names, tt.modules) {
				t.Errorf("modules = %v, want %v", names, tt.modules)
			}
			if tt.opts.Tests && len(names) != 6 {
				t.Errorf("modules = %v, want checks and tests", names)
			}
			if got.Data["acme"] == nil {
				t.Errorf("data.json not mounted at data's root: %v", got.Data)
			}
		})
	}
}

func TestEngineData(t *testing.T) {
	loaded, err := Load([]string{acmeDir}, nil, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	b, _ := policies.FS.ReadFile("trailguard/fixtures/compliant/data.json")
	if err := util.UnmarshalJSON(b, &doc); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		opts   Options
		status string
	}{
		{"bundle data", Options{Data: loaded.Data}, "FAIL"},
		{"overridden", Options{Data: map[string]any{"acme": map[string]any{"organization": map[string]any{
			"log_archive_account_id": "111122223333",
		}}}}, "PASS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "overridden" {
				data := map[string]any{}
				mergeData(data, loaded.Data, "a")
				mergeAt(data, tt.opts.Data, "b", nil, true)
				tt.opts.Data = data
			}
			tt.opts.Params = map[string]any{"min_log_retention_days": 1}
			e, err := New(context.Background(), tt.opts, loaded.Sources...)
			if err != nil {
				t.Fatal(err)
			}
			fs, err := e.Eval(context.Background(), doc)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if f.CheckID == "ACME-CT-001" && string(f.Status) != tt.status {
					t.Errorf("ACME-CT-001 = %s, want %s", f.Status, tt.status)
				}
			}
		})
	}
}

func TestBuildRoots(t *testing.T) {
	var buf bytes.Buffer
	if err := Build(acmeDir, &buf, BuildOptions{Revision: "r1"}); err != nil {
		t.Fatal(err)
	}
	if got := minimalRoots([]string{"acme/checks/a", "acme-x", "acme", "b/c", "b/c_test"}); !reflect.DeepEqual(got, []string{"acme", "acme-x", "b/c", "b/c_test"}) {
		t.Errorf("minimalRoots = %v", got)
	}
	path := filepath.Join(t.TempDir(), "b.tar.gz")
	os.WriteFile(path, buf.Bytes(), 0o600)
	loaded, err := Load([]string{path}, nil, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(loaded.Sources[0].Modules); n != 3 {
		t.Errorf("bundle loaded %d modules, want the 3 checks", n)
	}
	if loaded.Data["acme"] == nil {
		t.Errorf("bundle data not loaded: %v", loaded.Data)
	}
}
