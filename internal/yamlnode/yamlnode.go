// Package yamlnode reads YAML mappings node by node, for the messages that
// need a key's line (config files, METADATA blocks).
package yamlnode

import (
	"iter"

	"go.yaml.in/yaml/v3"
)

// Keys yields the key and value nodes of mapping n in order; nothing when n
// is nil or not a mapping.
func Keys(n *yaml.Node) iter.Seq2[*yaml.Node, *yaml.Node] {
	return func(yield func(k, v *yaml.Node) bool) {
		if n == nil || n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !yield(n.Content[i], n.Content[i+1]) {
				return
			}
		}
	}
}

// Get is the value of key in mapping n, nil when n is nil, not a mapping, or
// has no such key.
func Get(n *yaml.Node, key string) *yaml.Node {
	for k, v := range Keys(n) {
		if k.Value == key {
			return v
		}
	}
	return nil
}
