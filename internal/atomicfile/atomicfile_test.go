package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A failed write leaves the old content and no temporary file.
	boom := errors.New("boom")
	err := Write(path, 0o644, func(w io.Writer) error { io.WriteString(w, "partial"); return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("after a failed write: %q, want old", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left behind: %v", entries)
	}
	// A successful write replaces it, with the permissions asked for.
	if err := Write(path, 0o644, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	st, _ := os.Stat(path)
	if string(b) != "new" || st.Mode().Perm() != 0o644 {
		t.Errorf("after a write: %q %v, want new -rw-r--r--", b, st.Mode().Perm())
	}
}

func TestCreateCommitAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snap.json")
	// Abort leaves nothing behind; Abort after Commit and a second Commit do nothing.
	f, err := Create(path, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "partial")
	f.Abort()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("after Abort: %v", entries)
	}
	f, err = Create(path, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the target exists before Commit: %v", err)
	}
	io.WriteString(f, "whole")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort()
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	st, _ := os.Stat(path)
	if string(b) != "whole" || st.Mode().Perm() != 0o600 {
		t.Errorf("after Commit: %q %v, want whole -rw-------", b, st.Mode().Perm())
	}
	// A directory that does not exist fails at Create, naming only the cause.
	_, err = Create(filepath.Join(dir, "missing", "x.json"), 0o644)
	if !errors.Is(err, fs.ErrNotExist) || Cause(err).Error() != "no such file or directory" {
		t.Errorf("Create in a missing directory: %v (cause %v)", err, Cause(err))
	}
	// A rename onto a directory fails at Commit and leaves no temporary file.
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	f, err = Create(sub, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err == nil {
		t.Error("Commit onto a directory succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("files left behind: %v", entries)
	}
}
