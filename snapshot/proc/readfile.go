package proc

import (
	"io/fs"
	"syscall"
)

// readWhole reads a /proc file in one pass into *buf (grown as needed, reused across calls).
// /proc sizes lie, so it reads until the end rather than trusting Stat. The returned slice aliases
// *buf and is valid until the next call with the same buffer.
//
// The end is a read that returns less than asked: the files readWhole serves (stat, status, wchan,
// stack, fdinfo/N) are single-record seq_files, whose show() writes the whole file into a buffer
// that grows until it fits, so one read returns all of it unless the caller's buffer is full
// (procps's file2str relies on the same). That saves the read that would return 0, a quarter of
// the system calls of a scan. Multi-record seq_files (task/TID/children) can stop a read short at
// a page boundary, and cmdline is not a seq_file: they have readers of their own below.
func readWhole(d procDir, name string, buf *[]byte) ([]byte, error) {
	return readFile(d, name, buf, shortIsEnd, false)
}

// readRecords reads a multi-record seq_file of short records (task/TID/children: "PID "). Such
// a read stops short only when the next record would overflow the kernel's page-sized buffer,
// so a read that returns less than asked and less than a page minus the longest record is the
// end, and the read that would return 0 is saved (one system call per process in a scan).
func readRecords(d procDir, name string, buf *[]byte) ([]byte, error) {
	return readFile(d, name, buf, 4096-16, false)
}

// readCmdlineFile reads /proc/PID/cmdline with the ordinary system calls: reading it waits for
// the target's mmap lock, which a process can hold for long (see sysraw.go). cmdline is not a
// seq_file, but its read (get_mm_cmdline) copies page after page until the caller's buffer is
// full or the arguments end, and a title set over them (setproctitle) is at most a page; so a
// short read is the end here too, and the read that would return 0 is saved.
func readCmdlineFile(d procDir, name string, buf *[]byte) ([]byte, error) {
	return readFile(d, name, buf, shortIsEnd, true)
}

// shortIsEnd makes readFile take any short read for the end (single-record seq_files).
const shortIsEnd = int(^uint(0) >> 1)

// readFile calls open, read and close directly: os.Open also tries to register each file with the
// poller (two fcntl and an epoll_ctl call, a finalizer and three allocations), which for a scan of
// 5,000 processes was a third of the system calls. Errors are *fs.PathError, as os.Open and
// os.File.Read return them. A read shorter than asked and than endBelow bytes ends the file; with
// endBelow 0 only a read of 0 does.
func readFile(d procDir, name string, buf *[]byte, endBelow int, mayBlock bool) ([]byte, error) {
	open, read, closeFD := rawOpenAt, rawRead, rawClose
	if mayBlock {
		open = func(d procDir, name string, _ int) (int, error) { return openRead(d, name) }
		read, closeFD = syscall.Read, func(fd int) { syscall.Close(fd) }
	}
	fd, err := open(d, name, syscall.O_RDONLY)
	if err != nil {
		return nil, err
	}
	defer closeFD(fd)
	b := (*buf)[:0]
	if cap(b) < 4096 {
		b = make([]byte, 0, 4096)
	}
	for {
		want := cap(b) - len(b)
		n, err := read(fd, b[len(b):cap(b)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			*buf = b
			return nil, &fs.PathError{Op: "read", Path: d.join(name), Err: err}
		}
		if n <= 0 {
			break
		}
		b = b[:len(b)+n]
		if n < want && n < endBelow {
			break
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
	*buf = b
	return b, nil
}

// openRead opens name in d read-only and close-on-exec, retrying on EINTR.
func openRead(d procDir, name string) (int, error) {
	for {
		fd, err := syscall.Openat(d.fd, name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return -1, &fs.PathError{Op: "open", Path: d.join(name), Err: err}
		}
		return fd, nil
	}
}
