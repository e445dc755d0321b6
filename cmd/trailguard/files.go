package main

import (
	"os"
	"path/filepath"
)

// inputFiles checks the snapshot files of one reading (eval's arguments, or
// one side of diff), named in errors by what ("eval", "diff --old"): a file
// given twice is refused, by the same name (once cleaned: ./org.json is
// org.json) or by two names of one file (a link, a path through another
// directory). Merging would accept it silently (the same shard twice reads
// as one), hiding a mistake in the command line: a shard meant to be
// another. A file that cannot be read is left to the reader, which says why.
func inputFiles(what string, paths []string) ([]string, error) {
	seen := make(map[string]string, len(paths)) // cleaned path -> as given
	var infos []os.FileInfo
	var named []string
	for _, p := range paths {
		clean := filepath.Clean(p)
		if first, dup := seen[clean]; dup {
			return nil, twice(what, first, p)
		}
		seen[clean] = p
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		for i, other := range infos {
			if os.SameFile(fi, other) {
				return nil, twice(what, named[i], p)
			}
		}
		infos, named = append(infos, fi), append(named, p)
	}
	return paths, nil
}

func twice(what, first, again string) error {
	if first == again {
		return usageError("%s: %s is given twice: give each file once", what, first)
	}
	return usageError("%s: %s and %s are the same file, given twice: give each file once", what, first, again)
}
