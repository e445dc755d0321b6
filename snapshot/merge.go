package snapshot

import (
	"cmp"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// Merging shards. A large organization is collected on N machines, each with
// `collect --org --shard K/N`, each writing an organization snapshot of its
// share of the accounts. MergeShards puts them back together into the one
// organization snapshot that an unsharded collection would have written, so
// that evaluation, reports and --fail-on see the whole organization.
//
// The files must be organization snapshots of the same organization (same id
// and management account, same partition) that saw the organization alike
// (the same OU tree, accounts, policies and targets: a change between the
// shards' collections would give accounts judged against different SCPs).
// When one of them says it is a shard, all must, of the same N, with every
// shard from 1 to N exactly once. An account may appear in several files
// only with the same content (the same file given twice); different content
// means the shards overlap, and is refused. A single-account snapshot cannot
// be merged with anything.
//
// The merged document has every account of every file; the shared resources
// of all files (a resource read by several shards is taken from the most
// recently collected one, later files winning ties), with the errors about
// resources that no file could read; every organization-level error;
// complete only when every file is; and collected_at of the earliest file
// (its data is at least that old).
//
// A shared resource that several files read differently (its bucket policy
// changed between two shards' collections, say) is still taken from the
// newest file, but not silently: the merge returns a warning for it, one
// line naming the resource and the files with their collection times, for
// the command to show. Identical readings are no warning.

// ShardInfo says which shard of a sharded organization collection a snapshot is.
type ShardInfo struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// ReadFiles reads and validates the snapshot files at paths (ReadAnyFile)
// and merges them (MergeShards) into one document: one file is returned as
// it is, several must be the shards of one organization collection. eval and
// diff read their snapshot files with it, so that both merge alike. The
// warnings are MergeShards'.
func ReadFiles(paths ...string) (Document, []string, error) {
	docs := make([]Document, len(paths))
	for i, p := range paths {
		doc, err := ReadAnyFile(p)
		if err != nil {
			return nil, nil, err
		}
		docs[i] = doc
	}
	return MergeShards(docs, paths)
}

// MergeShards merges the organization snapshots docs, read from the files
// names (same order, for errors), into one. One document is returned as it
// is, whatever its kind. Errors are one line naming the files, worded for
// every command that reads several files (eval, and each side of diff,
// which prefixes "diff --old: " or "diff --new: "), and so are the warnings:
// one line per shared resource that the files read differently (see above).
func MergeShards(docs []Document, names []string) (Document, []string, error) {
	if len(docs) == 1 {
		return docs[0], nil, nil
	}
	if len(docs) == 0 {
		return nil, nil, fmt.Errorf("no snapshot to merge")
	}
	merged, err := mergeShards(docs, names)
	if err != nil {
		return nil, nil, err
	}
	shared, warnings := mergeShared(docs, names)
	if shared != nil {
		merged["shared"] = shared
	} else {
		delete(merged, "shared")
	}
	return merged, warnings, nil
}

// mergeShards checks that docs are the shards of one organization
// collection and merges all but their shared resources.
func mergeShards(docs []Document, names []string) (Document, error) {
	for i, d := range docs {
		if !IsOrganization(d) {
			return nil, fmt.Errorf("%s is a single-account snapshot: several snapshot files must all be shards of one organization snapshot (collect --org --shard K/N); give a single-account snapshot as the only file", names[i])
		}
	}
	first := docs[0]
	orgID, mgmt := OrgIdentity(first)
	for i, d := range docs[1:] {
		id, m := OrgIdentity(d)
		if id != orgID || m != mgmt {
			return nil, fmt.Errorf("%s is a snapshot of organization %s (management account %s) but %s of organization %s (management account %s): shards must come from one organization", names[0], orgID, mgmt, names[i+1], id, m)
		}
		if p, q := str(first, "partition"), str(d, "partition"); p != q {
			return nil, fmt.Errorf("%s was collected in partition %q but %s in %q: shards must come from one organization", names[0], p, names[i+1], q)
		}
		if !reflect.DeepEqual(first["organization"], d["organization"]) {
			return nil, fmt.Errorf("%s and %s saw organization %s differently (its OU tree, accounts, policies or their targets changed between the two collections): collect every shard again", names[0], names[i+1], orgID)
		}
	}
	if err := checkShards(docs, names); err != nil {
		return nil, err
	}

	merged := Document{}
	for k, v := range first {
		merged[k] = v
	}
	delete(merged, "shard")
	accounts := map[string]any{}
	from := map[string]int{} // account id -> index of the file it came from
	var errs []any
	complete := true
	earliest := str(first, "collected_at")
	for i, d := range docs {
		for id, a := range object(d, "accounts") {
			if j, seen := from[id]; seen {
				if !reflect.DeepEqual(accounts[id], a) {
					return nil, fmt.Errorf("account %s is in both %s and %s with different contents: the shards overlap (collect them with the same --shard N and the same filters)", id, names[j], names[i])
				}
				continue
			}
			accounts[id], from[id] = a, i
		}
		for _, e := range list(d, "errors") {
			if !slices.ContainsFunc(errs, func(x any) bool { return reflect.DeepEqual(x, e) }) {
				errs = append(errs, e)
			}
		}
		if c, _ := d["complete"].(bool); !c {
			complete = false
		}
		if at := str(d, "collected_at"); at != "" && (earliest == "" || at < earliest) {
			earliest = at
		}
	}
	merged["accounts"] = accounts
	if errs == nil {
		errs = []any{}
	}
	merged["errors"] = errs
	if _, ok := first["complete"]; ok || !complete {
		merged["complete"] = complete
	}
	if earliest != "" {
		merged["collected_at"] = earliest
	}
	return merged, nil
}

// checkShards checks the shard numbers: none, or all of one N, each of 1..N once.
func checkShards(docs []Document, names []string) error {
	shards := make([]*ShardInfo, len(docs))
	some := -1
	for i, d := range docs {
		s := object(d, "shard")
		if s == nil {
			continue
		}
		shards[i] = &ShardInfo{Index: integer(s["index"]), Count: integer(s["count"])}
		if some < 0 {
			some = i
		}
	}
	if some < 0 {
		return nil
	}
	n := shards[some].Count
	seen := map[int]int{}
	for i, s := range shards {
		switch {
		case s == nil:
			return fmt.Errorf("%s is shard %d/%d but %s is not a shard (collected without --shard): merge only the N files of one sharded collection", names[some], shards[some].Index, n, names[i])
		case s.Count != n:
			return fmt.Errorf("%s is shard %d/%d but %s is shard %d/%d: the shards must be collected with the same N", names[some], shards[some].Index, n, names[i], s.Index, s.Count)
		}
		if j, dup := seen[s.Index]; dup {
			return fmt.Errorf("%s and %s are both shard %d/%d", names[j], names[i], s.Index, n)
		}
		seen[s.Index] = i
	}
	var missing []string
	for k := 1; k <= n; k++ {
		if _, ok := seen[k]; !ok {
			missing = append(missing, fmt.Sprintf("%d/%d", k, n))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: shard %s is missing: merging the organization needs every shard of its collection (collect the missing one with --shard %s and add its file), or give one shard file alone to judge its own accounts only", strings.Join(names, ", "), strings.Join(missing, ", "), missing[0])
	}
	return nil
}

// mergeShared merges the shared resources of docs, read from the files
// names: a resource read by several shards is taken from the most recently
// collected one (later files winning ties), with a warning when the
// readings differ; errors about a resource some shard read are dropped.
func mergeShared(docs []Document, names []string) (map[string]any, []string) {
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	// Oldest first, so that the newest reading is written last and wins.
	slices.SortStableFunc(order, func(a, b int) int {
		return strings.Compare(str(docs[a], "collected_at"), str(docs[b], "collected_at"))
	})
	out := map[string]any{}
	readings := map[sharedKey][]int{} // the files that read each resource, oldest first
	var errs []any
	found := false
	for _, i := range order {
		s := object(docs[i], "shared")
		if s == nil {
			continue
		}
		found = true
		for kind, v := range s {
			m, ok := v.(map[string]any)
			if kind == "errors" || !ok {
				continue
			}
			dst, _ := out[kind].(map[string]any)
			if dst == nil {
				dst = map[string]any{}
				out[kind] = dst
			}
			for key := range m {
				k := sharedKey{kind, key}
				readings[k] = append(readings[k], i)
			}
			maps.Copy(dst, m)
		}
		for _, e := range list(s, "errors") {
			if !slices.ContainsFunc(errs, func(x any) bool { return reflect.DeepEqual(x, e) }) {
				errs = append(errs, e)
			}
		}
	}
	if !found {
		return nil, nil
	}
	if errs != nil {
		kept := []any{}
		for _, e := range errs {
			res := str(asObject(e), "resource")
			read := false
			for kind, v := range out {
				if m, ok := v.(map[string]any); ok && kind != "errors" {
					if _, ok := m[res]; ok && res != "" {
						read = true
					}
				}
			}
			if !read {
				kept = append(kept, e)
			}
		}
		out["errors"] = kept
	}
	return out, differingReadings(docs, names, readings)
}

// sharedKey names a shared resource: its kind ("buckets") and its key.
type sharedKey struct{ kind, key string }

// sharedKinds names each kind of shared resource in warnings.
var sharedKinds = map[string]string{
	"buckets":    "bucket",
	"kms_keys":   "KMS key",
	"log_groups": "log group",
	"alarms":     "alarm",
	"sns_topics": "SNS topic",
}

// differingReadings returns one warning per shared resource whose readings
// (by the files readings lists, oldest first: the last one is kept) are not
// all the same, sorted by kind and key.
func differingReadings(docs []Document, names []string, readings map[sharedKey][]int) []string {
	var warnings []string
	keys := slices.SortedFunc(maps.Keys(readings), func(a, b sharedKey) int {
		return cmp.Or(strings.Compare(a.kind, b.kind), strings.Compare(a.key, b.key))
	})
	for _, k := range keys {
		files := readings[k]
		reading := func(i int) any { return object(object(docs[i], "shared"), k.kind)[k.key] }
		newest := files[len(files)-1]
		if !slices.ContainsFunc(files, func(i int) bool { return !reflect.DeepEqual(reading(i), reading(newest)) }) {
			continue
		}
		var read []string
		for _, i := range files {
			at := str(docs[i], "collected_at")
			if at == "" {
				at = "at an unknown time"
			}
			read = append(read, fmt.Sprintf("%s (collected %s)", names[i], at))
		}
		kind := sharedKinds[k.kind]
		if kind == "" {
			kind = k.kind
		}
		warnings = append(warnings, fmt.Sprintf("shared %s %s was read differently by %s: using the newest reading, %s's", kind, k.key, strings.Join(read, ", "), names[newest]))
	}
	return warnings
}

func list(m map[string]any, k string) []any { l, _ := m[k].([]any); return l }

func asObject(v any) map[string]any { m, _ := v.(map[string]any); return m }

// integer reads a JSON number (json.Number or float64) as an int; 0 if not one.
func integer(v any) int {
	switch n := v.(type) {
	case interface{ Int64() (int64, error) }:
		i, _ := n.Int64()
		return int(i)
	case float64:
		return int(n)
	case int:
		return n
	}
	return 0
}
