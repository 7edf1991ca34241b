package snapshot

import (
	"bytes"
	"fmt"
	"io/fs"
	"strconv"
	"syscall"

	"github.com/prometheus/procfs"
)

// Lean readers of the /proc files that procfs reads through os.Open, io.ReadAll and fmt.Fscan.
// Each reads into the reader's one reused buffer and parses without intermediate copies. On
// every file the kernel writes they give exactly what the procfs call gives (the tests compare
// both on live processes); they differ only on input the kernel never writes (stat fields that
// do not parse as numbers are not checked when procsnap does not record them).

// statFields is how many fields after comm procfs's Proc.Stat scans (state to cguest_time).
const statFields = 42

// readStatLean reads /proc/PID/stat and fills the identity, tree and life fields, as
// readStat does through procfs.
func readStatLean(dir string, pid int, buf *[]byte, btime uint64, userHZ int64, out *Process) error {
	data, err := readWhole(dir+"/stat", buf)
	if err != nil {
		return err
	}
	st, err := parseStatLean(pid, data)
	if err != nil {
		return fmt.Errorf("%s/stat: %w", dir, err)
	}
	fillStat(&st, btime, userHZ, out)
	return nil
}

// parseStatLean parses the content of /proc/PID/stat: "pid (comm) state ppid ...". comm runs to
// the last ')' since it may itself contain parentheses and spaces.
func parseStatLean(pid int, data []byte) (procfs.ProcStat, error) {
	s := procfs.ProcStat{PID: pid}
	l, r := bytes.IndexByte(data, '('), bytes.LastIndexByte(data, ')')
	if l < 0 || r < l {
		return procfs.ProcStat{}, fmt.Errorf("unexpected format, couldn't extract comm %q", data)
	}
	s.Comm = string(data[l+1 : r])
	rest := data[r+1:]
	var field [statFields][]byte
	n := 0
	for n < statFields {
		for len(rest) > 0 && isStatSpace(rest[0]) {
			rest = rest[1:]
		}
		if len(rest) == 0 {
			break
		}
		end := 0
		for end < len(rest) && !isStatSpace(rest[end]) {
			end++
		}
		field[n], rest = rest[:end], rest[end:]
		n++
	}
	if n < statFields {
		return procfs.ProcStat{}, fmt.Errorf("stat has %d fields after comm, want %d", n, statFields)
	}
	var errs [8]error
	s.State = string(field[0])
	s.PPID, errs[0] = atoiBytes(field[1])
	s.PGRP, errs[1] = atoiBytes(field[2])
	s.Session, errs[2] = atoiBytes(field[3])
	s.TTY, errs[3] = atoiBytes(field[4])
	s.TPGID, errs[4] = atoiBytes(field[5])
	var flags uint64
	flags, errs[5] = strconv.ParseUint(string(field[6]), 10, 64)
	s.Flags = uint(flags)
	s.NumThreads, errs[6] = atoiBytes(field[17])
	s.Starttime, errs[7] = strconv.ParseUint(string(field[19]), 10, 64)
	for _, err := range errs {
		if err != nil {
			return procfs.ProcStat{}, err
		}
	}
	return s, nil
}

func isStatSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

// atoiBytes is strconv.Atoi without the string conversion (the compiler does not allocate for
// string(b) passed straight to a function that does not keep it).
func atoiBytes(b []byte) (int, error) {
	return strconv.Atoi(string(b))
}

// readCmdline reads /proc/PID/cmdline as procfs's Proc.CmdLine does: NUL-separated arguments,
// trailing NULs trimmed; nil for an empty file (kernel threads, zombies).
func readCmdline(dir string, buf *[]byte) ([]string, error) {
	data, err := readCmdlineFile(dir+"/cmdline", buf)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, nil
	}
	data = bytes.TrimRight(data, "\x00")
	out := make([]string, 0, bytes.Count(data, []byte{0})+1)
	for {
		i := bytes.IndexByte(data, 0)
		if i < 0 {
			return append(out, string(data)), nil
		}
		out = append(out, string(data[:i]))
		data = data[i+1:]
	}
}

// readWchanLean reads /proc/PID/wchan as procfs's Proc.Wchan does: "" for "0" or empty.
func readWchanLean(dir string, buf *[]byte) (string, error) {
	data, err := readWhole(dir+"/wchan", buf)
	if err != nil {
		return "", err
	}
	if len(data) == 0 || (len(data) == 1 && data[0] == '0') {
		return "", nil
	}
	return string(data), nil
}

// readDirNums lists a /proc directory of numbered entries (fd/, task/) with getdents(2) into
// *buf, as numbers, in the order the kernel gives them. An entry that is not a number is an error,
// as in procfs's Proc.FileDescriptors.
func readDirNums(path string, buf *[]byte) ([]int, error) {
	fd, err := rawOpen(path, syscall.O_RDONLY|syscall.O_DIRECTORY)
	if err != nil {
		return nil, err
	}
	defer rawClose(fd)
	if cap(*buf) < 8192 {
		*buf = make([]byte, 0, 8192)
	}
	b := (*buf)[:cap(*buf)]
	var out []int
	for {
		n, err := rawGetdents(fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "readdirent", Path: path, Err: err}
		}
		if n <= 0 {
			return out, nil
		}
		if out, err = appendDirNums(out, b[:n]); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
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
func readLink(path string, buf *[]byte) ([]byte, error) {
	if cap(*buf) < 4096 {
		*buf = make([]byte, 0, 4096)
	}
	b := (*buf)[:cap(*buf)]
	for {
		n, err := rawReadlink(path, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "readlink", Path: path, Err: err}
		}
		if n < len(b) {
			return b[:n], nil
		}
		b = make([]byte, 2*len(b)) // a target that fills the buffer may be truncated
		*buf = b[:0]
	}
}
