package bundles

import (
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"go.yaml.in/yaml/v3"

	"github.com/trailguard/trailguard/internal/suggest"
	"github.com/trailguard/trailguard/internal/yamlnode"
)

// OPA reads the METADATA keys it knows and ignores the rest, so a misspelled
// key (`remediaton:`, `custom.severty`) would silently drop what it meant to
// say. metadataKeyErrors reads each METADATA block's YAML again and reports
// every key that is neither OPA's nor one of a check's custom keys.

// opaKeys are the METADATA keys OPA defines.
var opaKeys = []string{"scope", "title", "description", "related_resources", "authors", "organizations", "schemas", "entrypoint", "custom"}

// customKeys are the keys of a check's custom: block, and of its nested objects.
var customKeys = map[string][]string{
	"":            {"id", "severity", "resource_type", "remediation", "frameworks"},
	"remediation": {"console", "cli"},
}

// metadataKeyErrors reports unknown keys in the METADATA blocks of module m
// (source text src, file name file). The custom: keys are checked only in a
// block that declares custom.id (a check's).
func metadataKeyErrors(file, src string, m *ast.Module) []string {
	lines := strings.Split(src, "\n")
	var errs []string
	for _, a := range m.Annotations {
		if a.Location == nil || a.Location.Row < 1 || a.Location.Row > len(lines) {
			continue
		}
		first := a.Location.Row // the "# METADATA" line
		var block []string
		for i := first; i < len(lines); i++ {
			l := strings.TrimSpace(lines[i])
			if !strings.HasPrefix(l, "#") {
				break
			}
			block = append(block, strings.TrimPrefix(strings.TrimPrefix(l, "#"), " "))
		}
		var doc yaml.Node
		if yaml.Unmarshal([]byte(strings.Join(block, "\n")), &doc) != nil || len(doc.Content) == 0 {
			continue // OPA has already refused a block that is not YAML
		}
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			continue
		}
		at := func(n *yaml.Node) string { return fmt.Sprintf("%s:%d", file, first+n.Line) }
		for k := range yamlnode.Keys(root) {
			if slices.Contains(opaKeys, k.Value) {
				continue
			}
			hint := ""
			switch c := suggest.Closest(k.Value, append(slices.Clone(opaKeys), customKeys[""]...)); {
			case slices.Contains(opaKeys, c):
				hint = " (did you mean " + c + "?)"
			case c != "":
				hint = " (did you mean custom." + c + "? it belongs under custom:)"
			}
			errs = append(errs, fmt.Sprintf("%s: unknown METADATA key %q%s", at(k), k.Value, hint))
		}
		if _, isCheck := a.Custom["id"]; !isCheck {
			continue
		}
		custom := yamlnode.Get(root, "custom")
		errs = append(errs, unknownKeys(custom, "custom", customKeys[""], at)...)
		errs = append(errs, unknownKeys(yamlnode.Get(custom, "remediation"), "custom.remediation", customKeys["remediation"], at)...)
	}
	return errs
}

func unknownKeys(n *yaml.Node, where string, known []string, at func(*yaml.Node) string) []string {
	var errs []string
	for k := range yamlnode.Keys(n) {
		if !slices.Contains(known, k.Value) {
			hint := suggest.Hint(k.Value, known)
			if hint == "" {
				hint = " (known: " + strings.Join(known, ", ") + ")"
			}
			errs = append(errs, fmt.Sprintf("%s: unknown METADATA key %s.%s%s", at(k), where, k.Value, hint))
		}
	}
	return errs
}
