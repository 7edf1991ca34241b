package format

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/procsnap/procsnap/snapshot"
)

// ErrRefuseReplace marks an output path that already holds something procsnap did not write.
var ErrRefuseReplace = errors.New("refusing to replace")

// WriteOutput writes s to path as WriteFile does (atomic, 0600), but never clobbers what procsnap
// did not create, which matters in a directory others can write (/tmp):
//   - nothing at path: the file is published with RENAME_NOREPLACE, so a file or symlink planted
//     at path meanwhile is neither followed nor replaced (the write fails with "file exists");
//   - a regular file owned by the caller's euid that starts like a procsnap snapshot: replaced
//     atomically, as a new snapshot of the same name is expected to be;
//   - a symlink, another file, another user's file: ErrRefuseReplace, unless force. With force
//     a symlink is replaced, never followed;
//   - a directory, device, FIFO or socket: ErrUnsafePath, even with force.
//
// The directory of path must pass CheckDir.
func WriteOutput(path string, s *snapshot.Snapshot, format string, force bool) error {
	exists, err := CheckOutput(path, force)
	if err != nil {
		return err
	}
	if !exists {
		return writeNoClobber(path, s, format)
	}
	return WriteFile(path, s, format)
}

// CheckOutput checks path's directory (CheckDir) and reports whether path exists, with
// ErrRefuseReplace when WriteOutput without force would refuse it and ErrUnsafePath when it
// would refuse it whatever force says; take calls it before reading /proc so that a refusal
// comes at once.
func CheckOutput(path string, force bool) (exists bool, err error) {
	if err := CheckDir(filepath.Dir(path)); err != nil {
		return false, err
	}
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	}
	if m := info.Mode(); !m.IsRegular() && m&fs.ModeSymlink == 0 {
		return true, fmt.Errorf("refusing to replace %s: it is a %s (%w: not even --force replaces it)", path, fileKind(m), ErrUnsafePath)
	}
	if force {
		return true, nil
	}
	if why := notOurs(path, info); why != "" {
		return true, fmt.Errorf("%w %s: %s (use --force to replace it)", ErrRefuseReplace, path, why)
	}
	return true, nil
}

// notOurs says why the existing file at path is not a snapshot procsnap may replace, or "".
func notOurs(path string, info fs.FileInfo) string {
	if info.Mode()&fs.ModeSymlink != 0 {
		return "it is a symbolic link"
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Sprintf("it belongs to uid %d", st.Uid)
	}
	if !IsProcsnapFile(path) {
		return "it is not a procsnap snapshot"
	}
	return ""
}

// writeNoClobber writes s under a fresh hidden name beside path (keeping path's extensions, which
// choose the format) and moves it to path only if path still does not exist.
func writeNoClobber(path string, s *snapshot.Snapshot, format string) error {
	dir, base := filepath.Split(path)
	tmp := filepath.Join(dir, "."+rand.Text()[:12]+"."+base)
	if err := WriteFile(tmp, s, format); err != nil {
		return err
	}
	if err := RenameNoReplace(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return SyncDir(filepath.Clean(dir + "."))
}

// procsnapMarker starts the schema of every snapshot and jsonl line procsnap writes.
var procsnapMarker = []byte(`procsnap/v`)

// IsProcsnapFile reports whether path is a regular file (not followed if a symlink) whose first
// 4 KiB, after gunzip when compressed, contain a procsnap schema string: the check retention
// makes before removing a file.
func IsProcsnapFile(path string) bool {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return false
	}
	br := bufio.NewReader(f)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return false
		}
		defer zr.Close()
		r = zr
	}
	head := make([]byte, 4096)
	n, _ := io.ReadFull(r, head)
	return bytes.Contains(head[:n], procsnapMarker)
}
