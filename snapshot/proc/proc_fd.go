package proc

import (
	"bytes"
	"github.com/procsnap/procsnap/snapshot"
	"os"
	"strconv"
	"strings"
)

// oCloexec is O_CLOEXEC as fdinfo's octal flags word shows it.
const oCloexec = 0o2000000

// readFDs lists /proc/PID/fd (listDirNums: getdents into one buffer, as procfs's
// FileDescriptors lists it but without os.Open's poller calls) and, for each descriptor, reads
// its link target and /proc/PID/fdinfo/N by number, in fd/ (the listed descriptor) and fdinfo/
// held open, so each name is looked up in one directory rather than walked from /proc.
// procfs's FileDescriptorTargets turns a failed readlink into "" and FileDescriptorsInfo drops
// unreadable fds, so each descriptor is read here and keeps its error as FD.Unread. The error
// returned is the listing's; per-fd failures are in the records.
func readFDs(d procDir, buf *[]byte) ([]snapshot.FD, error) {
	fdDir, err := openDirList(d, "fd")
	if err != nil {
		return nil, err
	}
	defer fdDir.close()
	nums, err := listDirNums(fdDir, buf)
	if err != nil {
		return nil, err
	}
	if len(nums) == 0 {
		return []snapshot.FD{}, nil
	}
	// Without an fdinfo/ to open (a broken tree), each descriptor's fdinfo is looked up by
	// path, and fails on its own: the links are kept.
	infoDir, infoPrefix := d, "fdinfo/"
	if dir, err := openDir(d, "fdinfo"); err == nil {
		defer dir.close()
		infoDir, infoPrefix = dir, ""
	}
	out := make([]snapshot.FD, 0, len(nums))
	for _, n := range nums {
		name := strconv.Itoa(n)
		fd := snapshot.FD{FD: n}
		link, err := readLink(fdDir, name, buf)
		if err != nil {
			if isVanished(err) {
				continue // closed between listing and reading: not open at this moment
			}
			fd.Unread = reasonOf(err)
			out = append(out, fd)
			continue
		}
		target := validText(string(link))
		fd.Target = target
		fd.Kind, fd.Inode = classifyTarget(target)
		data, err := readWhole(infoDir, infoPrefix+name, buf)
		if err != nil {
			if isVanished(err) {
				if _, lerr := os.Lstat(fdDir.join(name)); lerr != nil {
					continue // closed after the readlink
				}
				err = errAbsent // the fd is still there but its fdinfo is not
			}
			fd.Unread = reasonOf(err)
		} else if err := parseFDInfo(data, &fd); err != nil {
			fd.Unread = reasonOf(err)
		}
		out = append(out, fd)
	}
	return out, nil
}

// classifyTarget derives the kind of a descriptor, and its inode where the target carries one,
// from its /proc/PID/fd link text.
func classifyTarget(t string) (kind string, inode uint64) {
	switch {
	case strings.HasPrefix(t, "socket:["):
		return snapshot.KindSocket, bracketInode(t)
	case strings.HasPrefix(t, "pipe:["):
		return snapshot.KindPipe, bracketInode(t)
	case strings.HasPrefix(t, "anon_inode:"):
		return snapshot.KindAnonInode, 0
	case strings.HasPrefix(t, "/"):
		return snapshot.KindFile, 0
	}
	return snapshot.KindOther, bracketInode(t)
}

func bracketInode(t string) uint64 {
	i := strings.IndexByte(t, '[')
	j := strings.LastIndexByte(t, ']')
	if i < 0 || j <= i {
		return 0
	}
	n, err := strconv.ParseUint(t[i+1:j], 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// parseFDInfo parses /proc/PID/fdinfo/N ("pos:", "flags:", "mnt_id:", "ino:" lines) into fd.
// A missing flags line leaves Flags empty and is reported as malformed.
func parseFDInfo(data []byte, fd *snapshot.FD) error {
	var haveFlags bool
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		key, val, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			continue
		}
		v := string(bytes.TrimSpace(val))
		var err error
		switch string(key) {
		case "pos":
			fd.Pos, err = strconv.ParseInt(v, 10, 64)
		case "flags":
			var f uint64
			if f, err = strconv.ParseUint(v, 8, 64); err == nil {
				fd.Flags, fd.CloExec, haveFlags = v, f&oCloexec != 0, true
			}
		case "mnt_id":
			fd.MntID, err = strconv.Atoi(v)
		case "ino":
			var ino uint64
			if ino, err = strconv.ParseUint(v, 10, 64); err == nil {
				fd.Inode = ino
			}
		}
		if err != nil {
			return errMalformedf("fdinfo %s: %q", key, v)
		}
	}
	if !haveFlags {
		return errMalformedf("fdinfo has no flags line")
	}
	return nil
}
