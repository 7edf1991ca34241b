package proc

import (
	"bytes"
	"fmt"
	"io/fs"
	"strconv"
	"syscall"
)

// Directory listings (task/, fd/) with getdents(2) and symbolic links with readlink(2), into the
// reader's one reused buffer, parsed without intermediate copies (procfs allocates a string per
// entry).

// readDirNums lists a /proc directory of numbered entries (task/) with getdents(2) into *buf,
// as numbers, in the order the kernel gives them (listDirNums).
func readDirNums(d procDir, name string, buf *[]byte) ([]int, error) {
	dir, err := openDirList(d, name)
	if err != nil {
		return nil, err
	}
	defer dir.close()
	return listDirNums(dir, buf)
}

// listDirNums lists dir, opened with openDirList. An entry that is not a number is an error, as
// in procfs's Proc.FileDescriptors.
func listDirNums(dir procDir, buf *[]byte) ([]int, error) {
	if cap(*buf) < 8192 {
		*buf = make([]byte, 0, 8192)
	}
	b := (*buf)[:cap(*buf)]
	var out []int
	for {
		n, err := rawGetdents(dir.fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "readdirent", Path: dir.path, Err: err}
		}
		if n <= 0 {
			return out, nil
		}
		if out, err = appendDirNums(out, b[:n]); err != nil {
			return nil, fmt.Errorf("%s: %w", dir.path, err)
		}
	}
}

// appendDirNums parses linux_dirent64 records (ino u64, off s64, reclen u16, type u8, name).
func appendDirNums(out []int, b []byte) ([]int, error) {
	for len(b) >= 19 {
		reclen := int(b[16]) | int(b[17])<<8
		if reclen < 19 || reclen > len(b) {
			return out, fmt.Errorf("bad directory record length %d", reclen)
		}
		name := b[19:reclen]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		b = b[reclen:]
		if string(name) == "." || string(name) == ".." {
			continue
		}
		v, err := strconv.ParseUint(string(name), 10, 31)
		if err != nil {
			return out, fmt.Errorf("entry %q is not a number", name)
		}
		out = append(out, int(v))
	}
	return out, nil
}

// readLink reads a symbolic link with one readlink(2) into *buf and returns its target as bytes
// aliasing *buf. Errors are *fs.PathError, as from os.Readlink.
func readLink(d procDir, name string, buf *[]byte) ([]byte, error) {
	if cap(*buf) < 4096 {
		*buf = make([]byte, 0, 4096)
	}
	b := (*buf)[:cap(*buf)]
	for {
		n, err := rawReadlinkAt(d, name, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "readlink", Path: d.join(name), Err: err}
		}
		if n < len(b) {
			return b[:n], nil
		}
		b = make([]byte, 2*len(b)) // a target that fills the buffer may be truncated
		*buf = b[:0]
	}
}
