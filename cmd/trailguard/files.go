package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/trailguard/trailguard/diff"
)

// inputFiles returns the snapshot files of one reading (eval's arguments,
// or one side of diff) named by args, and checks them; errors (exit 2) are
// one line that starts with what ("eval", "diff --old").
//
// An argument with a glob meta-character (*, ? or [) that names no file is
// a pattern, for when the shell does not expand it (quoted, or on a system
// whose shell does not): it stands for the files it matches (filepath.Glob),
// sorted, and matching none is an error. Any other argument is a file name,
// as it is.
//
// Only an argument that is "-" itself stands for standard input (and is
// returned as "-"): a file named - that a pattern matches is returned as
// ./- (on Windows .\-), so that the readers, for which "-" is standard
// input, read that file.
//
// A file given twice is refused, by the same name (once cleaned:
// ./org.json is org.json) or by two names of one file (a link, a path
// through another directory): merging would accept it silently (the same
// shard twice reads as one), hiding a mistake in the command line, such as
// a shard meant to be another. A file that cannot be read is left to the
// reader, which says why.
func inputFiles(what string, args []string) ([]string, error) {
	var paths, from []string // each file, and the argument that named it
	for _, a := range args {
		matches, err := expand(what, a)
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			paths, from = append(paths, m), append(from, a)
		}
	}
	seen := make(map[string]int, len(paths)) // cleaned path -> index in paths
	var stats []os.FileInfo
	var statted []int // index in paths of each stats entry
	for i, p := range paths {
		if p == stdin {
			continue // not a file: the command says where it may stand
		}
		clean := filepath.Clean(p)
		if j, dup := seen[clean]; dup {
			return nil, twice(what, paths[j], from[j], p, from[i])
		}
		seen[clean] = i
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		for k, other := range stats {
			if os.SameFile(fi, other) {
				j := statted[k]
				return nil, twice(what, paths[j], from[j], p, from[i])
			}
		}
		stats, statted = append(stats, fi), append(statted, i)
	}
	return paths, nil
}

// globMeta are the characters that make an argument a pattern.
const globMeta = "*?["

// stdin is the argument that stands for standard input, for eval as for
// each side of diff (diff.Sources reads it).
const stdin = diff.Stdin

// expand returns the files argument a names: itself, or the files its
// pattern matches, sorted.
func expand(what, a string) ([]string, error) {
	if !strings.ContainsAny(a, globMeta) {
		return []string{a}, nil
	}
	if _, err := os.Lstat(a); err == nil {
		return []string{a}, nil // a file whose name has a meta-character
	}
	matches, err := filepath.Glob(a)
	if err != nil {
		return nil, usageError("%s: %s is not a valid file pattern (%v)", what, a, err)
	}
	if len(matches) == 0 {
		return nil, usageError("%s: %s matches no file", what, a)
	}
	slices.Sort(matches)
	for i, m := range matches {
		if m == stdin { // a file named -, in the current directory
			matches[i] = "." + string(filepath.Separator) + m
		}
	}
	return matches, nil
}

// twice is the error for file p given twice, first as q; from says which
// argument named each (a pattern, or the file itself).
func twice(what, q, qFrom, p, pFrom string) error {
	var patterns []string
	for _, f := range [][2]string{{q, qFrom}, {p, pFrom}} {
		if f[0] != f[1] && !slices.Contains(patterns, f[1]) {
			patterns = append(patterns, f[1])
		}
	}
	by := ""
	if len(patterns) > 0 {
		by = " (matched by " + strings.Join(patterns, " and ") + ")"
	}
	if q == p {
		return usageError("%s: %s is given twice%s: give each file once", what, p, by)
	}
	return usageError("%s: %s and %s are the same file, given twice%s: give each file once", what, q, p, by)
}
