package format

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// ErrUnsafePath marks a directory or file procsnap refuses to write in or to because another
// user could swap what it writes for a link to a file of their choosing, or because the path
// holds a device, FIFO or socket that no flag lets procsnap replace.
var ErrUnsafePath = errors.New("unsafe path")

// CheckDir checks a directory procsnap is about to create files in: dir must be a directory
// owned by the caller's euid or by root, and not writable by everyone unless sticky (as /tmp
// is), so that no other user can rename, replace or plant entries in it. If dir is a symbolic
// link it is followed only when the link itself belongs to the caller or root (as the kernel's
// fs.protected_symlinks does in sticky directories), and the directory it leads to is checked.
func CheckDir(dir string) error {
	info, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("directory %s: %w", dir, err)
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		if why := notTrustedOwner(info); why != "" {
			return fmt.Errorf("%w: directory %s is a symbolic link that %s; not followed", ErrUnsafePath, dir, why)
		}
		if info, err = os.Stat(dir); err != nil {
			return fmt.Errorf("directory %s: %w", dir, err)
		}
	}
	if !info.IsDir() {
		return fmt.Errorf("directory %s: %w", dir, syscall.ENOTDIR)
	}
	if why := notTrustedOwner(info); why != "" {
		return fmt.Errorf("%w: directory %s %s (another user could replace what procsnap writes there)", ErrUnsafePath, dir, why)
	}
	if m := info.Mode(); m.Perm()&0o002 != 0 && m&fs.ModeSticky == 0 {
		return fmt.Errorf("%w: directory %s is writable by every user and not sticky (mode %s; chmod +t or o-w)", ErrUnsafePath, dir, m)
	}
	return nil
}

// notTrustedOwner says why info's owner is neither the caller's euid nor root, or "".
func notTrustedOwner(info fs.FileInfo) string {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) == os.Geteuid() || st.Uid == 0 {
		return ""
	}
	return fmt.Sprintf("belongs to uid %d", st.Uid)
}

// OpenAppend opens path for appending, creating it 0600 if missing, as a file procsnap owns:
// a symbolic link at path is never followed (O_NOFOLLOW), a FIFO never blocks the open
// (O_NONBLOCK), and anything but a regular file of the caller's euid with one link (a hard link
// planted to another file) is refused. Check the directory with CheckDir first.
func OpenAppend(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0o600)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("%w: %s is a symbolic link; not followed", ErrUnsafePath, path)
	}
	if errors.Is(err, syscall.ENXIO) {
		return nil, fmt.Errorf("%w: %s is a FIFO", ErrUnsafePath, path)
	}
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	st, _ := info.Sys().(*syscall.Stat_t)
	var why string
	switch {
	case !info.Mode().IsRegular():
		why = "is not a regular file (" + fileKind(info.Mode()) + ")"
	case st != nil && int(st.Uid) != os.Geteuid():
		why = fmt.Sprintf("belongs to uid %d", st.Uid)
	case st != nil && st.Nlink != 1:
		why = fmt.Sprintf("has %d hard links", st.Nlink)
	}
	if why != "" {
		f.Close()
		return nil, fmt.Errorf("%w: %s %s; not appended to", ErrUnsafePath, path, why)
	}
	return f, nil
}

// fileKind names a file type for messages.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular file"
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	}
	return "special file"
}

// RenameNoReplace renames oldpath to newpath unless newpath exists (fs.ErrExist). Where the
// filesystem has no RENAME_NOREPLACE it links and unlinks instead: link(2) never replaces
// newpath and never follows a symlink there either. If the process dies between the two, the
// temporary name is a stale second link that a later capture removes.
func RenameNoReplace(oldpath, newpath string) error {
	return RenameNoReplaceWith(unix.Renameat2, oldpath, newpath)
}

// RenameNoReplaceWith is RenameNoReplace calling renameat2 for renameat2(2), so a test can make
// it fail as on a filesystem without RENAME_NOREPLACE.
func RenameNoReplaceWith(renameat2 func(olddirfd int, oldpath string, newdirfd int, newpath string, flags uint) error,
	oldpath, newpath string) error {
	err := renameat2(unix.AT_FDCWD, oldpath, unix.AT_FDCWD, newpath, unix.RENAME_NOREPLACE)
	if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EOPNOTSUPP) {
		return err
	}
	if err := os.Link(oldpath, newpath); err != nil {
		return err
	}
	os.Remove(oldpath) // published; if this fails, the stale link is cleaned up later
	return nil
}
