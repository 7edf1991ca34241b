package snapshot

import (
	"io/fs"
	"syscall"
	"unsafe"
)

// System calls for /proc files that answer at once, made without telling the Go scheduler.
//
// syscall.Open, Read and Readlink call entersyscall/exitsyscall around each call so that another
// goroutine can run on the P if the call blocks. A scan makes about 25 such calls per process,
// each a few microseconds, and the bookkeeping cost more than the calls: strace -c of take on
// 5,000 idle processes counted 133,000 nanosleep and 46,000 futex calls from the runtime beside
// 530,000 opens, reads, readlinks and closes, and take's system time was twice the floor's for
// the same files. The raw calls below keep the P. They are used only for files whose read takes
// no lock another process can hold for long (not cmdline, which waits for the target's mmap
// lock: readCmdlineFile reads it with the ordinary calls).

const atFDCWD = ^uintptr(0x63) // AT_FDCWD, -100

func rawOpen(path string, flags int) (int, error) {
	p, err := syscall.BytePtrFromString(path)
	if err != nil {
		return -1, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	for {
		fd, _, e := syscall.RawSyscall6(syscall.SYS_OPENAT, atFDCWD, uintptr(unsafe.Pointer(p)),
			uintptr(flags|syscall.O_CLOEXEC), 0, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return -1, &fs.PathError{Op: "open", Path: path, Err: e}
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

func rawReadlink(path string, b []byte) (int, error) {
	p, err := syscall.BytePtrFromString(path)
	if err != nil {
		return 0, err
	}
	n, _, e := syscall.RawSyscall6(syscall.SYS_READLINKAT, atFDCWD, uintptr(unsafe.Pointer(p)),
		uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// readLinkString reads a symbolic link under /proc, as os.Readlink does (same *fs.PathError),
// with the raw call.
func readLinkString(path string) (string, error) {
	var buf [256]byte
	b := buf[:]
	for {
		n, err := rawReadlink(path, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return "", &fs.PathError{Op: "readlink", Path: path, Err: err}
		}
		if n < len(b) {
			return string(b[:n]), nil
		}
		b = make([]byte, 2*len(b))
	}
}
