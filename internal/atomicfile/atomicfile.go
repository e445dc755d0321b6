// Package atomicfile writes a file so that readers see the old content or the
// whole new content, never a part: the content goes to a temporary file in the
// same directory, which is renamed over the target only when writing succeeded.
// Every file trailguard writes for the user (reports, snapshots, docs,
// bundles, caches) goes through it.
package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// File is a file being written: writes go to a temporary file beside the
// target, which Commit renames into place and Abort removes. Creating it
// before a long computation makes a path that cannot be written fail at once.
type File struct {
	tmp  *os.File
	path string
}

// Create starts writing path with the permissions perm; nothing is at path
// until Commit.
func Create(path string, perm os.FileMode) (*File, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, err
	}
	if err := tmp.Chmod(perm); err != nil { // CreateTemp makes 0600
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	return &File{tmp: tmp, path: path}, nil
}

// Path is the file's target path.
func (f *File) Path() string { return f.path }

// Write writes to the temporary file.
func (f *File) Write(p []byte) (int, error) { return f.tmp.Write(p) }

// Commit closes the temporary file and renames it to the target; on failure
// it removes it and leaves the target as it was. Commit and Abort after a
// Commit do nothing.
func (f *File) Commit() error {
	if f.tmp == nil {
		return nil
	}
	tmp := f.tmp
	f.tmp = nil
	err := tmp.Close()
	if err == nil {
		err = os.Rename(tmp.Name(), f.path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// Abort removes the temporary file, unless it was committed.
func (f *File) Abort() {
	if f.tmp != nil {
		f.tmp.Close()
		os.Remove(f.tmp.Name())
		f.tmp = nil
	}
}

// Write calls write with a temporary file beside path and renames it to path
// when write and the close succeed; on failure the temporary file is removed
// and path is left as it was.
func Write(path string, perm os.FileMode, write func(io.Writer) error) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// Cause is the cause of a file error without the file names, which are the
// temporary file's, not the one the user gave.
func Cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
