package snapshot

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
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
	if !IsProcsnapFile(path) {
		return "it is not a procsnap snapshot"
	}
	return ""
}

// writeNoClobber writes s under a fresh hidden name beside path (keeping path's extensions, which
// choose the format) and moves it to path only if path still does not exist.
func writeNoClobber(path string, s *Snapshot, format string) error {
	dir, base := filepath.Split(path)
	tmp := filepath.Join(dir, "."+rand.Text()[:12]+"."+base)
	if err := WriteFile(tmp, s, format); err != nil {
		return err
	}
	if err := renameNoReplace(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Clean(dir + "."))
}
