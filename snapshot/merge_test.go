package snapshot

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// splitShards splits an organization snapshot into n shards as collect
// --org --shard K/N would: the accounts sorted by id, account i in shard
// i mod n + 1, the rest of the document in every shard.
func splitShards(t *testing.T, org Document, n int) []Document {
	t.Helper()
	ids := slices.Sorted(maps.Keys(object(org, "accounts")))
	out := make([]Document, n)
	for k := range n {
		d := clone(t, org)
		accounts := map[string]any{}
		for i, id := range ids {
			if i%n == k {
				accounts[id] = object(org, "accounts")[id]
			}
		}
		d["accounts"] = accounts
		d["shard"] = map[string]any{"index": json.Number(itoa(k + 1)), "count": json.Number(itoa(n))}
		out[k] = d
	}
	return out
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// clone deep-copies a document (numbers stay json.Number).
func clone(t *testing.T, d Document) Document {
	t.Helper()
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	out, err := ParseAny(data)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readOrg(t *testing.T) Document {
	t.Helper()
	doc, err := ReadAnyFile("../testdata/org.json")
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// The shards of an organization merge back into the organization: every
// account's evaluation input is the one of the unsharded snapshot, and the
// merged document is valid.
func TestMergeShardsRebuildsTheOrganization(t *testing.T) {
	org := readOrg(t)
	for _, n := range []int{2, 3, 7} {
		shards := splitShards(t, org, n)
		names := make([]string, n)
		for i := range names {
			names[i] = "shard-" + itoa(i+1) + ".json"
		}
		// The order of the files does not matter.
		slices.Reverse(shards)
		merged, warnings, err := MergeShards(shards, names)
		if err != nil {
			t.Fatalf("%d shards: %v", n, err)
		}
		if err := ValidateOrganization(merged); err != nil {
			t.Fatalf("%d shards: the merged document is invalid: %v", n, err)
		}
		if _, ok := merged["shard"]; ok {
			t.Errorf("%d shards: the merged document still says it is a shard", n)
		}
		// Every shard read the shared resources alike.
		if len(warnings) != 0 {
			t.Errorf("%d shards: warnings %q, want none for identical readings", n, warnings)
		}
		want, got := AccountInputs(org), AccountInputs(merged)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%d shards: the merged accounts' inputs differ from the unsharded snapshot's", n)
		}
		if !reflect.DeepEqual(org["errors"], merged["errors"]) || merged["complete"] != org["complete"] {
			t.Errorf("%d shards: errors %v complete %v, want %v %v", n, merged["errors"], merged["complete"], org["errors"], org["complete"])
		}
	}
}

func TestMergeShardsRefuses(t *testing.T) {
	org := readOrg(t)
	single, err := ReadAnyFile("../testdata/compliant.json")
	if err != nil {
		t.Fatal(err)
	}
	edit := func(d Document, f func(Document)) Document { d = clone(t, d); f(d); return d }
	two := func() []Document { return splitShards(t, org, 2) }
	cases := []struct {
		name string
		docs []Document
		want string
	}{
		{"a single-account snapshot among shards", append(two()[:1], single), "b.json is a single-account snapshot"},
		{"another organization", []Document{two()[0], edit(two()[1], func(d Document) {
			object(d, "organization")["id"] = "o-zzzzzzzzzz"
		})}, "a.json is a snapshot of organization o-7h2kq9x4mz (management account 111111111111) but b.json of organization o-zzzzzzzzzz"},
		{"the organization changed between shards", []Document{two()[0], edit(two()[1], func(d Document) {
			object(object(d, "organization"), "policy_targets")["p-new"] = []any{"r-a1b2"}
		})}, "a.json and b.json saw organization o-7h2kq9x4mz differently"},
		{"a missing shard", splitShards(t, org, 3)[:2], "a.json, b.json: shard 3/3 is missing: merging the organization needs every shard of its collection (collect the missing one with --shard 3/3 and add its file), or give one shard file alone"},
		{"the same shard twice", []Document{two()[0], two()[0]}, "a.json and b.json are both shard 1/2"},
		{"shards of different N", []Document{two()[0], splitShards(t, org, 3)[1]}, "a.json is shard 1/2 but b.json is shard 2/3"},
		{"a shard with an unsharded snapshot", []Document{two()[0], edit(two()[1], func(d Document) { delete(d, "shard") })}, "b.json is not a shard"},
		{"overlapping accounts that differ", []Document{edit(org, func(d Document) {}), edit(org, func(d Document) {
			object(object(d, "accounts"), "222233334444")["name"] = "renamed"
		})}, "account 222233334444 is in both a.json and b.json with different contents"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := MergeShards(c.docs, []string{"a.json", "b.json", "c.json"}[:len(c.docs)])
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v, want one line containing %q", err, c.want)
			}
			// eval and diff (each side) show these errors: no word of one command only.
			if err != nil && strings.Contains(strings.ToLower(err.Error()), "evaluat") {
				t.Errorf("%v: worded for eval, but diff reads its sides with MergeShards too", err)
			}
		})
	}
}

// Unsharded organization snapshots of disjoint parts (collect --org --ou A,
// --ou B) merge too, and the same account may appear twice only unchanged.
func TestMergeUnshardedParts(t *testing.T) {
	org := readOrg(t)
	parts := splitShards(t, org, 2)
	for _, p := range parts {
		delete(p, "shard")
	}
	parts = append(parts, clone(t, parts[0])) // the same file given twice
	merged, _, err := MergeShards(parts, []string{"a.json", "b.json", "a-again.json"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(AccountInputs(org), AccountInputs(merged)) {
		t.Error("the merged parts differ from the whole")
	}
}

// A resource read by several shards is taken from the newest collection;
// an error about it from a shard that could not read it is dropped.
func TestMergeSharedResources(t *testing.T) {
	org := readOrg(t)
	shards := splitShards(t, org, 2)
	const bucket = "aws-cloudtrail-logs-333344445555-7c41e9d2"
	shards[0]["collected_at"] = "2026-11-24T07:00:00Z"
	object(object(object(shards[0], "shared"), "buckets"), bucket)["name"] = "newest"
	shards[1]["collected_at"] = "2026-11-24T06:30:00Z"
	delete(object(object(shards[1], "shared"), "buckets"), bucket)
	object(shards[1], "shared")["errors"] = []any{
		map[string]any{"service": "s3", "operation": "GetBucketPolicy", "resource": bucket, "code": "AccessDenied"},
		map[string]any{"service": "s3", "operation": "GetBucketPolicy", "resource": "other-bucket", "code": "AccessDenied"},
	}
	merged, warnings, err := MergeShards([]Document{shards[1], shards[0]}, []string{"b.json", "a.json"})
	if err != nil {
		t.Fatal(err)
	}
	shared := object(merged, "shared")
	if got := str(object(object(shared, "buckets"), bucket), "name"); got != "newest" {
		t.Errorf("bucket taken from the older shard: name %q", got)
	}
	errs := list(shared, "errors")
	if len(errs) != 1 || str(asObject(errs[0]), "resource") != "other-bucket" {
		t.Errorf("shared errors %v, want only the one about other-bucket", errs)
	}
	if got := merged["collected_at"]; got != "2026-11-24T06:30:00Z" {
		t.Errorf("collected_at %v, want the earliest shard's", got)
	}
	// The bucket was read by one shard only, the key and the log group
	// alike by both: nothing was read differently.
	if len(warnings) != 0 {
		t.Errorf("warnings %q, want none", warnings)
	}
}

// A shared resource that shards read differently is still taken from the
// newest collection, but not silently: one warning per resource names it
// and the files with their collection times, oldest first, and says whose
// reading is used. Identical readings are no warning.
func TestMergeSharedDifferingReadings(t *testing.T) {
	const (
		bucket = "aws-cloudtrail-logs-333344445555-7c41e9d2"
		key    = "arn:aws:kms:us-east-1:333344445555:key/1d7f3b9e-5c2a-4e8d-a6f0-3b9c7e1d5a24"
		group  = "arn:aws:logs:us-east-1:111111111111:log-group:aws-cloudtrail-logs-111111111111-0a9d3c6e"
	)
	org := readOrg(t)
	reading := func(d Document, kind, name string) map[string]any {
		return object(object(object(d, "shared"), kind), name)
	}
	// Each case edits the shards (a.json, b.json, c.json), collected at
	// 07:00, 06:30 and 07:00 unless it changes that.
	cases := []struct {
		name   string
		n      int
		edit   func(s []Document)
		want   []string
		newest map[string]string // kind -> the file whose reading the merge must keep
	}{
		{"identical readings", 3, func([]Document) {}, nil, nil},
		{"the bucket's versioning changed between two collections", 2, func(s []Document) {
			reading(s[1], "buckets", bucket)["versioning"] = map[string]any{"status": "Suspended"}
		}, []string{
			"shared bucket " + bucket + " was read differently by b.json (collected 2026-11-24T06:30:00Z), a.json (collected 2026-11-24T07:00:00Z): using the newest reading, a.json's",
		}, map[string]string{"buckets": "a.json"}},
		{"the newest shard read the key differently from the two others", 3, func(s []Document) {
			s[2]["collected_at"] = "2026-11-24T08:00:00Z"
			reading(s[2], "kms_keys", key)["rotation_enabled"] = false
		}, []string{
			"shared KMS key " + key + " was read differently by b.json (collected 2026-11-24T06:30:00Z), a.json (collected 2026-11-24T07:00:00Z), c.json (collected 2026-11-24T08:00:00Z): using the newest reading, c.json's",
		}, map[string]string{"kms_keys": "c.json"}},
		{"two resources, the later file winning a tie", 3, func(s []Document) {
			reading(s[0], "log_groups", group)["retention_in_days"] = json.Number("30")
			reading(s[2], "buckets", bucket)["exists"] = false
		}, []string{
			"shared bucket " + bucket + " was read differently by b.json (collected 2026-11-24T06:30:00Z), a.json (collected 2026-11-24T07:00:00Z), c.json (collected 2026-11-24T07:00:00Z): using the newest reading, c.json's",
			"shared log group " + group + " was read differently by b.json (collected 2026-11-24T06:30:00Z), a.json (collected 2026-11-24T07:00:00Z), c.json (collected 2026-11-24T07:00:00Z): using the newest reading, c.json's",
		}, map[string]string{"buckets": "c.json", "log_groups": "c.json"}},
	}
	names := []string{"a.json", "b.json", "c.json"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			shards := splitShards(t, org, c.n)
			for i, at := range []string{"2026-11-24T07:00:00Z", "2026-11-24T06:30:00Z", "2026-11-24T07:00:00Z"}[:c.n] {
				shards[i]["collected_at"] = at
			}
			c.edit(shards)
			files := map[string]Document{}
			for i, s := range shards {
				files[names[i]] = clone(t, s)
			}
			merged, warnings, err := MergeShards(shards, names[:c.n])
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(warnings, c.want) {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warnings, "\n"), strings.Join(c.want, "\n"))
			}
			for kind, file := range c.newest {
				for name, got := range object(object(merged, "shared"), kind) {
					if want := reading(files[file], kind, name); !reflect.DeepEqual(got, any(want)) {
						t.Errorf("shared %s %s: not %s's reading, the newest", kind, name, file)
					}
				}
			}
			if err := ValidateOrganization(merged); err != nil {
				t.Errorf("the merged document is invalid: %v", err)
			}
		})
	}
}
