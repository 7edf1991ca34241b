package proc

import (
	"io/fs"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// System calls for /proc files that answer at once, made without telling the Go scheduler.
//
// syscall.Open, Read and Readlink call entersyscall/exitsyscall around each call so that another
// goroutine can run on the P if the call blocks. A scan makes about 25 such calls per process,
// each a few microseconds, and the bookkeeping cost more than the calls: the runtime's own
// nanosleep and futex calls beside them, and system time well above the floor's for the same
// files (README, "Measurements behind the code"). The raw calls below keep the P. They are
// used only for files whose read takes no lock another process can hold for long (not
// cmdline, which waits for the target's mmap lock: readCmdlineFile reads it with the ordinary
// calls).

// procDir is a directory that the *at system calls resolve names in: an open descriptor, and
// the path it was opened from, for error messages. atCWD resolves names as paths, so the path
// form of every reader below is its *at form on atCWD.
type procDir struct {
	fd   int
	path string
}

var atCWD = procDir{fd: unix.AT_FDCWD}

// join is the path of name in d, for error messages.
func (d procDir) join(name string) string {
	switch {
	case d.path == "":
		return name
	case name == ".":
		return d.path
	}
	return d.path + "/" + name
}

// openDir opens the directory name in d with O_PATH, for the *at calls. On /proc/PID the
// descriptor names one life of the process, not the PID: once that process is reaped every name
// looked up through it fails with ESRCH, even when the PID has been reused, so the files read
// through one procDir always belong to one process.
func openDir(d procDir, name string) (procDir, error) {
	return openDirFlags(d, name, unix.O_PATH)
}

// openDirList opens the directory name in d for reading, so that it can be both listed
// (listDirNums) and used for the *at calls.
func openDirList(d procDir, name string) (procDir, error) {
	return openDirFlags(d, name, syscall.O_RDONLY)
}

func openDirFlags(d procDir, name string, flags int) (procDir, error) {
	fd, err := rawOpenAt(d, name, flags|syscall.O_DIRECTORY)
	if err != nil {
		return procDir{}, err
	}
	return procDir{fd: fd, path: d.join(name)}, nil
}

func (d procDir) close() { rawClose(d.fd) }

// cString makes name a NUL-terminated string in tmp, without allocating when it fits.
func cString(name string, tmp []byte) (*byte, error) {
	if len(name) < len(tmp) && strings.IndexByte(name, 0) < 0 {
		copy(tmp, name)
		tmp[len(name)] = 0
		return &tmp[0], nil
	}
	return syscall.BytePtrFromString(name)
}

func rawOpenAt(d procDir, name string, flags int) (int, error) {
	var tmp [128]byte
	p, err := cString(name, tmp[:])
	if err != nil {
		return -1, &fs.PathError{Op: "open", Path: d.join(name), Err: err}
	}
	for {
		fd, _, e := syscall.RawSyscall6(syscall.SYS_OPENAT, uintptr(d.fd), uintptr(unsafe.Pointer(p)),
			uintptr(flags|syscall.O_CLOEXEC), 0, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return -1, &fs.PathError{Op: "open", Path: d.join(name), Err: e}
		}
		return int(fd), nil
	}
}

func rawRead(fd int, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	n, _, e := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

func rawClose(fd int) {
	syscall.RawSyscall(syscall.SYS_CLOSE, uintptr(fd), 0, 0)
}

func rawGetdents(fd int, b []byte) (int, error) {
	n, _, e := syscall.RawSyscall(syscall.SYS_GETDENTS64, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

func rawReadlinkAt(d procDir, name string, b []byte) (int, error) {
	var tmp [128]byte
	p, err := cString(name, tmp[:])
	if err != nil {
		return 0, err
	}
	n, _, e := syscall.RawSyscall6(syscall.SYS_READLINKAT, uintptr(d.fd), uintptr(unsafe.Pointer(p)),
		uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// readLinkString reads a symbolic link under /proc, as os.Readlink does (same *fs.PathError),
// with the raw call.
func readLinkString(d procDir, name string) (string, error) {
	var buf [256]byte
	b := buf[:]
	for {
		n, err := rawReadlinkAt(d, name, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return "", &fs.PathError{Op: "readlink", Path: d.join(name), Err: err}
		}
		if n < len(b) {
			return string(b[:n]), nil
		}
		b = make([]byte, 2*len(b))
	}
}
