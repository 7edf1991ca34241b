package format

import (
	"bytes"

	"github.com/procsnap/procsnap/snapshot"
)

// The fds of a process record, for the lean YAML reader's record parser
// (decode_yaml_record.go).

const fdItem = "      - fd: "

// fds parses the fd records that follow: "      - fd: N", then "        key: value" lines. It
// counts them first and fills a slice of that size: a scratch slice copied out at the end (as
// ints and strs do) measured 3,000 more page faults (12 MB more RSS) in a diff of two 5,000
// process snapshots.
func (d *leanDecoder) fds(l *lines, out *[]snapshot.FD) bool {
	n := 0
	for rest := l.rest; bytes.HasPrefix(rest, []byte(spaces[:6])); {
		if bytes.HasPrefix(rest, []byte(listItem)) {
			n++
		}
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		rest = rest[i+1:]
	}
	if n == 0 {
		return false
	}
	*out = make([]snapshot.FD, n)
	for i := range *out {
		if !d.fd(l, &(*out)[i]) {
			return false
		}
	}
	return true
}

func (d *leanDecoder) fd(l *lines, fd *snapshot.FD) bool {
	num, ok := bytes.CutPrefix(l.next(), []byte(fdItem))
	if !ok || !parseInt(num, &fd.FD) {
		return false
	}
	last := 0
	for bytes.HasPrefix(l.rest, []byte(spaces[:8])) {
		key, val, ok := keyLine(l.next(), 8)
		if !ok || val == nil {
			return false
		}
		i, known := fdFieldIndex[string(key)]
		if !known || i <= last || !d.fdField(fd, i, val) {
			return false
		}
		last = i
	}
	return true
}

// fdField sets field i (an index into fastFDFields) of fd from val.
func (d *leanDecoder) fdField(fd *snapshot.FD, i int, val []byte) bool {
	switch fastFDFields[i] {
	case "target":
		return d.str(val, &fd.Target)
	case "kind":
		return d.str(val, &fd.Kind)
	case "inode":
		return parseUint(val, &fd.Inode)
	case "flags":
		return d.str(val, &fd.Flags)
	case "cloexec":
		return parseBool(val, &fd.CloExec)
	case "pos":
		return parseInt64(val, &fd.Pos)
	case "mnt_id":
		return parseInt(val, &fd.MntID)
	case "unread":
		return d.str(val, &fd.Unread)
	}
	return false
}
