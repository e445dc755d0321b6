package bundles

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/internal/atomicfile"
)

// ScaffoldOptions configure Scaffold.
type ScaffoldOptions struct {
	Dir           string // where to write NAME.rego and NAME_test.rego
	PackagePrefix string // e.g. acme.checks (default custom.checks)
	ID            string // the check id (default PREFIX-NAME, upper case)
	Severity      string // default medium
}

var (
	checkNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	packageRE   = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)
)

// Scaffold writes a new check NAME and its tests from a template: METADATA
// filled in, the schema annotation, a findings rule over input.trails, and a
// passing and a failing test built from the fixtures. It returns the files
// written and never overwrites one.
func Scaffold(name string, opts ScaffoldOptions) ([]string, error) {
	name = strings.ReplaceAll(name, "-", "_")
	if !checkNameRE.MatchString(name) || strings.HasSuffix(name, "_test") {
		return nil, fmt.Errorf("check name %q: use lower case letters, digits and _ (e.g. trail_owner_tag)", name)
	}
	if opts.PackagePrefix == "" {
		opts.PackagePrefix = "custom.checks"
	}
	if !packageRE.MatchString(opts.PackagePrefix) {
		return nil, fmt.Errorf("package prefix %q: use dotted lower-case names (e.g. acme.checks)", opts.PackagePrefix)
	}
	if opts.ID == "" {
		org := strings.Split(opts.PackagePrefix, ".")[0]
		opts.ID = strings.ToUpper(org + "-" + strings.ReplaceAll(name, "_", "-"))
	}
	if opts.Severity == "" {
		opts.Severity = "medium"
	}
	if _, err := findings.ParseSeverity(opts.Severity); err != nil {
		return nil, err
	}
	if opts.Dir == "" {
		opts.Dir = "."
	}
	vars := map[string]string{
		"Name":     name,
		"Package":  opts.PackagePrefix + "." + name,
		"ID":       opts.ID,
		"Severity": opts.Severity,
	}
	files := []struct{ path, tmpl string }{
		{filepath.Join(opts.Dir, name+".rego"), checkTemplate},
		{filepath.Join(opts.Dir, name+"_test.rego"), testTemplate},
	}
	for _, f := range files {
		if _, err := os.Stat(f.path); err == nil {
			return nil, fmt.Errorf("%s already exists", f.path)
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for _, f := range files {
		var b strings.Builder
		if err := template.Must(template.New("").Parse(f.tmpl)).Execute(&b, vars); err != nil {
			return written, err
		}
		if err := atomicfile.Write(f.path, 0o644, func(w io.Writer) error { _, err := io.WriteString(w, b.String()); return err }); err != nil {
			return written, fmt.Errorf("open %s: %w", f.path, atomicfile.Cause(err))
		}
		written = append(written, f.path)
	}
	return written, nil
}

const checkTemplate = `# METADATA
# title: Trails carry an owner tag
# description: |
#   TODO: say why this matters and what is checked. This scaffold checks that
#   every trail has a non-empty "owner" tag, so that someone answers for it.
#   A trail whose tags could not be read is UNKNOWN, never PASS.
# scope: package
# schemas:
#   - input: schema.snapshot
# custom:
#   id: {{.ID}}
#   severity: {{.Severity}}
#   resource_type: AwsCloudTrailTrail
#   remediation:
#     console: CloudTrail console > Trails > choose the trail > Tags > Edit > Add tag owner = <team> > Save changes.
#     cli: aws cloudtrail add-tags --resource-id <trail-arn> --tags-list Key=owner,Value=<team>
#   frameworks:
#     internal: ["TODO-1"]
package {{.Package}}

import data.trailguard.lib.result
import data.trailguard.lib.snapshot

findings contains result.pass(arn, trail.home_region, msg) if {
	some arn, trail in input.trails
	owner := trail.tags.owner
	owner != ""
	msg := sprintf("the trail is owned by %s", [owner])
}

findings contains result.fail(arn, trail.home_region, "the trail has no owner tag") if {
	some arn, trail in input.trails
	is_object(trail.tags)
	object.get(trail.tags, "owner", "") == ""
}

findings contains result.unknown(arn, trail.home_region, snapshot.missing("tags", arn)) if {
	some arn, trail in input.trails
	not is_object(object.get(trail, "tags", null))
}
`

const testTemplate = `package {{.Package}}_test

import data.{{.Package}}.findings
import data.trailguard.fixtures

test_pass_when_trail_has_owner if {
	{f.status | some f in findings} == {"PASS"} with input as fixtures.compliant
}

test_fail_when_owner_tag_missing if {
	snapshot := fixtures.with_value(["trails", fixtures.trail_arn, "tags"], {})
	{f.status | some f in findings} == {"FAIL"} with input as snapshot
}

test_unknown_when_tags_not_collected if {
	snapshot := fixtures.without(["trails", fixtures.trail_arn, "tags"])
	{f.status | some f in findings} == {"UNKNOWN"} with input as snapshot
}
`
