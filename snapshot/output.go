package snapshot

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

	"golang.org/x/sys/unix"
)

// ErrRefuseReplace marks an output path that already holds something procsnap did not write.
var ErrRefuseReplace = errors.New("refusing to replace")

// WriteOutput writes s to path as WriteFile does (atomic, 0600), but never clobbers what procsnap
// did not create, which matters in a directory others can write (/tmp):
//   - nothing at path: the file is published with RENAME_NOREPLACE, so a file or symlink planted
//     at path meanwhile is neither followed nor replaced (the write fails with "file exists");
//   - a regular file owned by the caller's euid that starts like a procsnap snapshot: replaced
//     atomically, as a new snapshot of the same name is expected to be;
//   - anything else (a symlink, another file, another user's file, a directory, a device):
//     ErrRefuseReplace, unless force. With force a symlink is replaced, never followed.
func WriteOutput(path string, s *Snapshot, format string, force bool) error {
	if force {
		return WriteFile(path, s, format)
	}
	exists, err := CheckOutput(path)
	if err != nil {
		return err
	}
	if !exists {
		return writeNoClobber(path, s, format)
	}
	return WriteFile(path, s, format)
}

// CheckOutput reports whether path exists, and ErrRefuseReplace when WriteOutput without force
// would refuse it; take calls it before reading /proc so that a refusal comes at once.
func CheckOutput(path string) (exists bool, err error) {
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	}
	if why := notOurs(path, info); why != "" {
		return true, fmt.Errorf("%w %s: %s (use --force to replace it)", ErrRefuseReplace, path, why)
	}
	return true, nil
}

// notOurs says why the existing file at path is not a snapshot procsnap may replace, or "".
func notOurs(path string, info fs.FileInfo) string {
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		return "it is a symbolic link"
	case !info.Mode().IsRegular():
		return "it is not a regular file"
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Sprintf("it belongs to uid %d", st.Uid)
	}
	if !startsLikeSnapshot(path) {
		return "it is not a procsnap snapshot"
	}
	return ""
}

// startsLikeSnapshot reports whether the first 4 KiB of the regular file at path (after gunzip)
// hold a procsnap schema line. It opens with O_NOFOLLOW and O_NONBLOCK, so a symlink or FIFO
// swapped in meanwhile is not followed or waited on.
func startsLikeSnapshot(path string) bool {
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
	return bytes.Contains(head[:n], []byte(`schema: procsnap/v`)) || bytes.Contains(head[:n], []byte(`"schema": "procsnap/v`))
}

// writeNoClobber writes s under a fresh hidden name beside path (keeping path's extensions, which
// choose the format) and moves it to path only if path still does not exist.
func writeNoClobber(path string, s *Snapshot, format string) error {
	dir, base := filepath.Split(path)
	tmp := filepath.Join(dir, "."+rand.Text()[:12]+"."+base)
	if err := WriteFile(tmp, s, format); err != nil {
		return err
	}
	if err := renameNoClobber(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Clean(dir + "."))
}

// renameNoClobber renames oldpath to newpath unless newpath exists (fs.ErrExist). Where the
// filesystem lacks RENAME_NOREPLACE it links and unlinks: link(2) never replaces newpath and
// never follows a symlink there either.
func renameNoClobber(oldpath, newpath string) error {
	err := unix.Renameat2(unix.AT_FDCWD, oldpath, unix.AT_FDCWD, newpath, unix.RENAME_NOREPLACE)
	if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EOPNOTSUPP) {
		if err != nil {
			return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
		}
		return nil
	}
	if err := os.Link(oldpath, newpath); err != nil {
		return err
	}
	return os.Remove(oldpath)
}
