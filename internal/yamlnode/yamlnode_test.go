package yamlnode

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestGetAndKeys(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("a: 1\nb:\n  c: 2\n  d: 3\nlist: [x]\n"), &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	if v := Get(Get(root, "b"), "d"); v == nil || v.Value != "3" || v.Line != 4 {
		t.Errorf("b.d = %+v, want 3 on line 4", v)
	}
	for _, miss := range []*yaml.Node{Get(root, "z"), Get(Get(root, "list"), "x"), Get(nil, "a"), Get(Get(root, "z"), "a")} {
		if miss != nil {
			t.Errorf("missing key or non-mapping: got %+v, want nil", miss)
		}
	}
	var keys []string
	for k := range Keys(root) {
		keys = append(keys, k.Value)
		if k.Value == "b" {
			break
		}
	}
	if len(keys) != 2 || keys[0] != "a" || keys[1] != "b" {
		t.Errorf("keys until b = %v, want [a b]", keys)
	}
	for range Keys(Get(root, "list")) {
		t.Error("Keys of a sequence yielded a pair")
	}
}
