package bundles

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/keys"
	"github.com/open-policy-agent/opa/v1/loader"
)

// DefaultKeyID is the key id of a bundle signed or verified without --key-id,
// as with `opa build --signing-key`.
const DefaultKeyID = "default"

// LoadOptions configure Load.
type LoadOptions struct {
	// Tests also loads *_test.rego modules (for `trailguard test`).
	Tests bool
	// VerificationKey is a PEM public key (or a file holding one). When set,
	// every policy path must be a bundle signed with the matching private key.
	VerificationKey string
	// KeyID is the key id the bundle's signature names (default DefaultKeyID).
	KeyID string
	// Algorithm is the signature algorithm (default RS256).
	Algorithm string
}

// Loaded is what Load read: one Source per policy path, and the data files merged.
type Loaded struct {
	Sources []Source
	Data    map[string]any
}

// Load reads custom policies and data. A policy path is a directory of .rego
// files (searched recursively; JSON and YAML files in it are data, mounted at
// their directory as `opa test DIR` does), a single .rego file, or an OPA
// bundle (.tar.gz). A data path is a JSON or YAML file merged at data's root;
// its values override those of the policies' data files (a clash between two
// policy paths is an error).
// Module names are the files' paths (bundle.tar.gz/path/in/bundle.rego for a
// bundle), so errors point at file:line.
func Load(policyPaths, dataPaths []string, opts LoadOptions) (*Loaded, error) {
	out := &Loaded{Data: map[string]any{}}
	var vc *bundle.VerificationConfig
	if opts.VerificationKey != "" {
		var err error
		if vc, err = verificationConfig(opts); err != nil {
			return nil, err
		}
	}
	var plain []string
	for _, p := range policyPaths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", p, errors.Unwrap(err))
		}
		switch {
		case !fi.IsDir() && isBundleFile(p):
			src, data, err := loadBundle(p, vc, opts.Tests)
			if err != nil {
				return nil, err
			}
			out.Sources = append(out.Sources, src)
			if err := mergeData(out.Data, data, p); err != nil {
				return nil, err
			}
			continue
		case vc != nil:
			return nil, fmt.Errorf("policy %s: not a bundle (.tar.gz): with --verification-key every policy must be a signed bundle", p)
		case !fi.IsDir() && filepath.Ext(p) != ".rego":
			return nil, fmt.Errorf("policy %s: not a directory, a .rego file or a bundle (.tar.gz)", p)
		}
		plain = append(plain, p)
	}
	for _, p := range dataPaths {
		switch strings.ToLower(filepath.Ext(p)) {
		case ".json", ".yaml", ".yml":
		default:
			return nil, fmt.Errorf("data %s: not a JSON or YAML file", p)
		}
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("data %s: %w", p, errors.Unwrap(err))
		}
	}
	for _, p := range plain {
		src, data, err := loadFiles(p, opts.Tests)
		if err != nil {
			return nil, err
		}
		if len(src.Modules) == 0 {
			return nil, fmt.Errorf("policy %s: no .rego files", p)
		}
		out.Sources = append(out.Sources, src)
		if err := mergeData(out.Data, data, p); err != nil {
			return nil, err
		}
	}
	for _, p := range dataPaths {
		_, data, err := loadFiles(p, false)
		if err != nil {
			return nil, err
		}
		if err := mergeAt(out.Data, data, p, nil, true); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func isBundleFile(p string) bool {
	return strings.HasSuffix(p, ".tar.gz") || strings.HasSuffix(p, ".tgz")
}

// loadFiles reads a directory or file with OPA's loader (the same rules as
// `opa test PATH`): .rego files are modules, JSON and YAML files data.
func loadFiles(p string, tests bool) (Source, map[string]any, error) {
	res, err := loader.NewFileLoader().
		WithRegoVersion(ast.RegoV1).
		WithProcessAnnotation(true).
		Filtered([]string{p}, func(abspath string, info os.FileInfo, _ int) bool {
			if info.IsDir() {
				return strings.HasPrefix(info.Name(), ".") && info.Name() != "." && info.Name() != ".."
			}
			return skipFile(info.Name(), tests)
		})
	if err != nil {
		return Source{}, nil, loadError(err)
	}
	src := Source{Name: p, Modules: map[string]string{}}
	for _, f := range res.Modules {
		src.Modules[f.Name] = string(f.Raw)
	}
	return src, res.Documents, nil
}

// skipFile reports whether a file in a policy directory is not loaded.
func skipFile(name string, tests bool) bool {
	if strings.HasSuffix(name, "_test.rego") {
		return !tests
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".rego", ".json", ".yaml", ".yml":
		return false
	}
	return true
}

// loadBundle reads an OPA bundle with OPA's bundle reader, verifying its
// signature when vc is set.
func loadBundle(p string, vc *bundle.VerificationConfig, tests bool) (Source, map[string]any, error) {
	f, err := os.Open(p)
	if err != nil {
		return Source{}, nil, fmt.Errorf("bundle %s: %w", p, errors.Unwrap(err))
	}
	defer f.Close()
	r := bundle.NewCustomReader(bundle.NewTarballLoaderWithBaseURL(f, p)).
		WithRegoVersion(ast.RegoV1).
		WithProcessAnnotations(true).
		WithCapabilities(capabilities())
	if vc != nil {
		r = r.WithBundleVerificationConfig(vc)
	} else {
		r = r.WithSkipBundleVerification(true)
	}
	b, err := r.Read()
	if err != nil {
		if vc != nil {
			return Source{}, nil, fmt.Errorf("bundle %s: refused: %s", p, oneLine(err.Error()))
		}
		return Source{}, nil, fmt.Errorf("bundle %s: %s", p, oneLine(loadError(err).Error()))
	}
	src := Source{Name: p, Modules: map[string]string{}}
	for _, m := range b.Modules {
		if !tests && strings.HasSuffix(m.Path, "_test.rego") {
			continue
		}
		name := p + "/" + strings.TrimPrefix(m.Path, "/")
		src.Modules[name] = string(m.Raw)
	}
	return src, b.Data, nil
}

func verificationConfig(opts LoadOptions) (*bundle.VerificationConfig, error) {
	id := opts.KeyID
	if id == "" {
		id = DefaultKeyID
	}
	alg := opts.Algorithm
	if alg == "" {
		alg = "RS256"
	}
	kc, err := keys.NewKeyConfig(opts.VerificationKey, alg, "")
	if err != nil {
		return nil, fmt.Errorf("--verification-key: %w", err)
	}
	return bundle.NewVerificationConfig(map[string]*keys.Config{id: kc}, id, "", nil), nil
}

// loadError turns the loader's errors (parse errors among them) into one line naming file:line.
func loadError(err error) error {
	var le loader.Errors
	if errors.As(err, &le) && len(le) > 0 {
		var all []string
		for _, e := range le {
			all = append(all, astErrors(e)...)
		}
		return &PolicyError{Msg: all[0], All: all}
	}
	all := astErrors(err)
	return &PolicyError{Msg: all[0], All: all}
}

// mergeData merges src into dst; a value defined twice is an error naming from.
func mergeData(dst, src map[string]any, from string) error {
	return mergeAt(dst, src, from, nil, false)
}

// mergeAt merges src into dst at path; with override, src's values replace dst's.
func mergeAt(dst, src map[string]any, from string, path []string, override bool) error {
	for _, k := range sortedKeys(src) {
		v := src[k]
		here := append(slices.Clone(path), k)
		old, exists := dst[k]
		if !exists {
			dst[k] = v
			continue
		}
		om, ok1 := old.(map[string]any)
		nm, ok2 := v.(map[string]any)
		if (!ok1 || !ok2) && override {
			dst[k] = v
			continue
		}
		if !ok1 || !ok2 {
			return fmt.Errorf("%s: data.%s is already defined by another policy or data file", from, strings.Join(here, "."))
		}
		if err := mergeAt(om, nm, from, here, override); err != nil {
			return err
		}
	}
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
