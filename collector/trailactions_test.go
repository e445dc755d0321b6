package collector

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailguard/trailguard/policies"
)

// TestTrailActionsMatchRego keeps trailActions equal to the checks' list of the
// CloudTrail actions that blind a trail (lib/cloudtrail_actions.rego), lower-cased.
func TestTrailActionsMatchRego(t *testing.T) {
	const file = "trailguard/lib/cloudtrail_actions.rego"
	src, err := fs.ReadFile(policies.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ast.ParseModuleWithOpts(file, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string][]string{}
	for _, r := range m.Rules {
		arr, ok := r.Head.Value.Value.(*ast.Array)
		if !ok {
			continue
		}
		var names []string
		arr.Foreach(func(term *ast.Term) {
			s, _ := term.Value.(ast.String)
			names = append(names, strings.ToLower(string(s)))
		})
		lists[r.Head.Ref().String()] = names
	}
	want := slices.Concat(lists["trail_actions"], lists["event_data_store_actions"])
	if len(lists["trail_actions"]) == 0 || len(lists["event_data_store_actions"]) == 0 {
		t.Fatalf("%s: trail_actions or event_data_store_actions is not a literal list (found %v)", file, lists)
	}
	if !slices.Equal(trailActions, want) {
		t.Errorf("collector trailActions = %q, %s lists %q", trailActions, file, want)
	}
}
