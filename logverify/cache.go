package logverify

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"

	"github.com/trailguard/trailguard/internal/atomicfile"
)

// Cache remembers the digests proven valid, keyed by bucket, key and ETag, so
// that a later run need not download them again. An object that changed has
// another ETag and is verified afresh. The file is JSON; Save replaces it
// atomically.
type Cache struct {
	path    string
	mu      sync.Mutex
	digests map[string]*digest
	dirty   bool
}

type cacheFile struct {
	Version int       `json:"version"`
	Digests []*digest `json:"digests"`
}

// OpenCache reads the cache file at path; a file that does not exist is an empty cache.
func OpenCache(path string) (*Cache, error) {
	c := &Cache{path: path, digests: map[string]*digest{}}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the cache: %w", err)
	}
	var f cacheFile
	if err := json.Unmarshal(raw, &f); err != nil || f.Version != 1 {
		return nil, fmt.Errorf("the cache %s is not a trailguard verify-logs cache (delete it to start afresh)", path)
	}
	for _, d := range f.Digests {
		c.digests[cacheKey(d.Bucket, d.Key, d.ETag)] = d
	}
	return c, nil
}

func cacheKey(bucket, key, etag string) string { return bucket + "\x00" + key + "\x00" + etag }

func (c *Cache) get(bucket, key, etag string) *digest {
	if etag == "" {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.digests[cacheKey(bucket, key, etag)]
}

func (c *Cache) put(d *digest) {
	if d.ETag == "" {
		return
	}
	cp := *d
	c.mu.Lock()
	c.digests[cacheKey(d.Bucket, d.Key, d.ETag)] = &cp
	c.dirty = true
	c.mu.Unlock()
}

// Len is the number of digests remembered.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.digests)
}

// Save writes the cache if it changed.
func (c *Cache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty {
		return nil
	}
	f := cacheFile{Version: 1}
	for _, d := range c.digests {
		f.Digests = append(f.Digests, d)
	}
	raw, err := json.Marshal(f)
	if err != nil {
		return err
	}
	err = atomicfile.Write(c.path, 0o600, func(w io.Writer) error { _, err := w.Write(raw); return err })
	if err != nil {
		return fmt.Errorf("writing the cache %s: %w", c.path, err)
	}
	c.dirty = false
	return nil
}
