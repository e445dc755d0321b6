package bundles

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
)

// BuildOptions configure Build.
type BuildOptions struct {
	Revision   string // the manifest's revision
	SigningKey string // PEM private key (or a file holding one); empty: unsigned
	SigningAlg string // signature algorithm (default RS256)
	KeyID      string // key id written in the signature (default DefaultKeyID)
}

// Build writes the policies and data in dir as a standard OPA bundle (a
// .tar.gz with a .manifest whose roots are derived from the packages and the
// data, and the revision), signed when a signing key is given. The policies
// are compiled with the built-in ones first, so a bundle that would not load
// is never written. Tests (*_test.rego) are kept so that `opa test` can run them.
func Build(dir string, w io.Writer, opts BuildOptions) error {
	loaded, err := Load([]string{dir}, nil, LoadOptions{Tests: true})
	if err != nil {
		return err
	}
	src := loaded.Sources[0]
	checked := Source{Name: src.Name, Modules: map[string]string{}}
	for name, raw := range src.Modules {
		if !strings.HasSuffix(name, "_test.rego") {
			checked.Modules[name] = raw
		}
	}
	builtin, err := Builtin()
	if err != nil {
		return fmt.Errorf("reading built-in policies: %w", err)
	}
	c, err := compile([]Source{builtin, checked})
	if err != nil {
		return err
	}
	if _, err := readChecks(c); err != nil {
		return err
	}

	b := bundle.Bundle{Data: loaded.Data}
	var roots []string
	for _, name := range sortedKeys(src.Modules) {
		rel, err := filepath.Rel(dir, name)
		if err != nil {
			rel = name
		}
		rel = "/" + filepath.ToSlash(rel)
		m, err := ast.ParseModuleWithOpts(name, src.Modules[name], ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			return &PolicyError{Msg: astErrors(err)[0], All: astErrors(err)}
		}
		b.Modules = append(b.Modules, bundle.ModuleFile{URL: rel, Path: rel, Raw: []byte(src.Modules[name]), Parsed: m})
		roots = append(roots, packageRoot(m.Package.Path))
	}
	for k := range loaded.Data {
		roots = append(roots, k)
	}
	roots = minimalRoots(roots)
	b.Manifest.Roots = &roots
	b.Manifest.Revision = opts.Revision
	b.SetRegoVersion(ast.RegoV1)
	if err := b.FormatModulesWithOptions(bundle.BundleFormatOptions{RegoVersion: ast.RegoV1, PreserveModuleRegoVersion: true}); err != nil {
		return fmt.Errorf("formatting modules: %w", err)
	}
	if opts.SigningKey != "" {
		keyID := opts.KeyID
		if keyID == "" {
			keyID = DefaultKeyID
		}
		if err := b.GenerateSignature(bundle.NewSigningConfig(opts.SigningKey, opts.SigningAlg, ""), keyID, false); err != nil {
			return fmt.Errorf("signing the bundle: %w", err)
		}
	}
	return bundle.NewWriter(w).Write(b)
}

// packageRoot turns data.acme.checks.x into the bundle root "acme/checks/x".
func packageRoot(pkg ast.Ref) string {
	parts := make([]string, 0, len(pkg)-1)
	for _, t := range pkg[1:] {
		s, ok := t.Value.(ast.String)
		if !ok {
			break
		}
		parts = append(parts, string(s))
	}
	return strings.Join(parts, "/")
}

// minimalRoots drops every root that another root contains, so that no two overlap.
func minimalRoots(roots []string) []string {
	slices.Sort(roots)
	roots = slices.Compact(roots)
	var out []string
	for _, r := range roots {
		if !slices.ContainsFunc(out, func(o string) bool { return strings.HasPrefix(r, o+"/") }) {
			out = append(out, r)
		}
	}
	return out
}
