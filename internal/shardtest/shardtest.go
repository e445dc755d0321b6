// Package shardtest writes an organization snapshot as the shard files that
// collect --org --shard K/N writes, for tests of reading them back.
package shardtest

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// WriteFiles splits the organization snapshot org into n shards (accounts
// sorted by id, account i in shard i mod n + 1, the rest of the document in
// every shard), writes them to dir/prefix-K.json and returns their paths in
// shard order.
func WriteFiles(tb testing.TB, org map[string]any, n int, dir, prefix string) []string {
	tb.Helper()
	accounts, _ := org["accounts"].(map[string]any)
	ids := slices.Sorted(maps.Keys(accounts))
	paths := make([]string, n)
	for k := range n {
		shard := maps.Clone(org)
		part := map[string]any{}
		for i, id := range ids {
			if i%n == k {
				part[id] = accounts[id]
			}
		}
		shard["accounts"], shard["shard"] = part, map[string]any{"index": k + 1, "count": n}
		data, err := json.Marshal(shard)
		if err != nil {
			tb.Fatal(err)
		}
		paths[k] = filepath.Join(dir, fmt.Sprintf("%s-%d.json", prefix, k+1))
		if err := os.WriteFile(paths[k], data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return paths
}
