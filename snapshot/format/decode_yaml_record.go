package format

import (
	"bytes"

	"github.com/procsnap/procsnap/snapshot"
)

// The strict record parser of the lean YAML reader (decode_yaml_fast.go). It accepts a record
// only in the layout appendProcess writes: "  - pid: N", then one "    key: value" or "    key:"
// line per field, fields in fastProcessFields order (strictly increasing, so a duplicate key is
// refused), lists as "      - item" lines, maps as "      key: value" lines in sorted key order,
// fds as "      - fd: N" followed by "        key: value" lines in fastFDFields order. Any field
// may be absent, as yaml.v3 allows; an empty list or map, a comment, a flow collection, a block
// scalar or a trailing space is refused.

// Indices into fastProcessFields; TestLeanFieldIndices checks that they agree.
const (
	ypPID = iota
	ypStartTicks
	ypStartTime
	ypPPID
	ypPGID
	ypSID
	ypTPGID
	ypTTYNr
	ypTTY
	ypChildren
	ypState
	ypKthread
	ypThreads
	ypLiveTIDs
	ypTracerPID
	ypWchan
	ypStack
	ypComm
	ypExe
	ypExeDeleted
	ypCmdline
	ypCwd
	ypUID
	ypEUID
	ypGID
	ypEGID
	ypSigCaught
	ypSigIgnored
	ypSigBlocked
	ypSigChld
	ypNSpid
	ypNSpgid
	ypNSsid
	ypNamespaces
	ypCgroup
	ypCgroupV1
	ypAuditLoginUID
	ypAuditSessionID
	ypFDs
	ypUnread
)

// processFieldIndex and fdFieldIndex map a key to its index in fastProcessFields and
// fastFDFields.
var (
	processFieldIndex = fieldIndex(fastProcessFields)
	fdFieldIndex      = fieldIndex(fastFDFields)
)

func fieldIndex(names []string) map[string]int {
	m := make(map[string]int, len(names))
	for i, n := range names {
		m[n] = i
	}
	return m
}

// lines walks the lines of the processes section.
type lines struct{ rest []byte }

// next returns the next line without its newline and moves past it.
func (l *lines) next() []byte {
	line := l.rest
	if i := bytes.IndexByte(l.rest, '\n'); i >= 0 {
		line, l.rest = l.rest[:i], l.rest[i+1:]
	} else {
		l.rest = nil
	}
	return line
}

// count returns how many of the lines that follow start with prefix, up to the first that
// does not.
func (l *lines) count(prefix string) int {
	n := 0
	for rest := l.rest; bytes.HasPrefix(rest, []byte(prefix)); n++ {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			return n + 1
		}
		rest = rest[i+1:]
	}
	return n
}

// keyLine splits "<indent spaces>key: value" or "<indent spaces>key:" into key and value
// (nil for the second form). The key is lower-case letters, '_' and digits after the first
// (cgroup_v1); map keys are further held to plainKey.
func keyLine(line []byte, indent int) (key, val []byte, ok bool) {
	if len(line) <= indent || !bytes.HasPrefix(line, []byte(spaces[:indent])) {
		return nil, nil, false
	}
	line = line[indent:]
	i := 0
	for i < len(line) && (line[i] >= 'a' && line[i] <= 'z' || line[i] == '_' || i > 0 && line[i] >= '0' && line[i] <= '9') {
		i++
	}
	if i == 0 || i == len(line) || line[i] != ':' {
		return nil, nil, false
	}
	key, rest := line[:i], line[i+1:]
	if len(rest) == 0 {
		return key, nil, true
	}
	if len(rest) < 2 || rest[0] != ' ' {
		return nil, nil, false
	}
	return key, rest[1:], true
}

const spaces = "        "

// parseProcess parses the record at the start of body into p (zero), up to the first line that
// does not start with four spaces, reporting whether it was in the layout and how many bytes it
// took.
func (d *leanDecoder) parseProcess(body []byte, p *snapshot.Process) (int, bool) {
	l := lines{rest: body}
	if !d.process(&l, p) {
		return 0, false
	}
	return len(body) - len(l.rest), true
}

func (d *leanDecoder) process(l *lines, p *snapshot.Process) bool {
	pid, ok := bytes.CutPrefix(l.next(), []byte(recordPrefix))
	if !ok || !parseInt(pid, &p.PID) {
		return false
	}
	last := ypPID
	for bytes.HasPrefix(l.rest, []byte(spaces[:4])) {
		key, val, ok := keyLine(l.next(), 4)
		if !ok {
			return false
		}
		i, known := processFieldIndex[string(key)]
		if !known || i <= last {
			return false
		}
		last = i
		if val != nil {
			ok = d.processScalar(p, i, val)
		} else {
			ok = d.processCollection(l, p, i)
		}
		if !ok {
			return false
		}
	}
	return true
}

// processScalar sets the scalar field i of p from val.
func (d *leanDecoder) processScalar(p *snapshot.Process, i int, val []byte) bool {
	switch i {
	case ypStartTicks:
		return parseUint(val, &p.StartTicks)
	case ypStartTime:
		return parseTime(val, &p.StartTime)
	case ypKthread:
		return parseBool(val, &p.Kthread)
	case ypExeDeleted:
		return parseBool(val, &p.ExeDeleted)
	case ypAuditLoginUID:
		return parseUint32Ptr(val, &p.AuditLoginUID)
	case ypAuditSessionID:
		return parseUint32Ptr(val, &p.AuditSessionID)
	}
	if n := processInt(p, i); n != nil {
		return parseInt(val, n)
	}
	if s := processString(p, i); s != nil {
		return d.str(val, s)
	}
	return false
}

func processInt(p *snapshot.Process, i int) *int {
	switch i {
	case ypPPID:
		return &p.PPID
	case ypPGID:
		return &p.PGID
	case ypSID:
		return &p.SID
	case ypTPGID:
		return &p.TPGID
	case ypTTYNr:
		return &p.TTYNr
	case ypThreads:
		return &p.Threads
	case ypTracerPID:
		return &p.TracerPID
	case ypUID:
		return &p.UID
	case ypEUID:
		return &p.EUID
	case ypGID:
		return &p.GID
	case ypEGID:
		return &p.EGID
	}
	return nil
}

func processString(p *snapshot.Process, i int) *string {
	switch i {
	case ypTTY:
		return &p.TTY
	case ypState:
		return &p.State
	case ypWchan:
		return &p.Wchan
	case ypComm:
		return &p.Comm
	case ypExe:
		return &p.Exe
	case ypCwd:
		return &p.Cwd
	case ypSigCaught:
		return &p.SigCaught
	case ypSigIgnored:
		return &p.SigIgnored
	case ypSigBlocked:
		return &p.SigBlocked
	case ypSigChld:
		return &p.SigChld
	case ypCgroup:
		return &p.Cgroup
	}
	return nil
}

// processCollection parses the lines of the list or map field i of p.
func (d *leanDecoder) processCollection(l *lines, p *snapshot.Process, i int) bool {
	switch i {
	case ypChildren:
		return d.ints(l, &p.Children)
	case ypNSpid:
		return d.ints(l, &p.NSpid)
	case ypNSpgid:
		return d.ints(l, &p.NSpgid)
	case ypNSsid:
		return d.ints(l, &p.NSsid)
	case ypLiveTIDs:
		return d.ints(l, &p.LiveTIDs)
	case ypCgroupV1:
		return d.strs(l, &p.CgroupV1)
	case ypStack:
		return d.strs(l, &p.Stack)
	case ypCmdline:
		return d.strs(l, &p.Cmdline)
	case ypNamespaces:
		return d.uintMap(l, &p.Namespaces)
	case ypUnread:
		return d.strMap(l, &p.Unread)
	case ypFDs:
		return d.fds(l, &p.FDs)
	}
	return false
}

const listItem = "      - "

// ints and strs parse the "      - item" lines that follow into the decoder's scratch slice,
// then copy it into a slice of the right size: no pass to count, no growth.
func (d *leanDecoder) ints(l *lines, out *[]int) bool {
	buf := d.intBuf[:0]
	defer func() { d.intBuf = buf }()
	for bytes.HasPrefix(l.rest, []byte(listItem)) {
		buf = append(buf, 0)
		if !parseInt(l.next()[len(listItem):], &buf[len(buf)-1]) {
			return false
		}
	}
	*out = exactCopy(buf)
	return len(buf) > 0
}

func (d *leanDecoder) strs(l *lines, out *[]string) bool {
	buf := d.strBuf[:0]
	defer func() { d.strBuf = buf }()
	for bytes.HasPrefix(l.rest, []byte(listItem)) {
		buf = append(buf, "")
		if !d.str(l.next()[len(listItem):], &buf[len(buf)-1]) {
			return false
		}
	}
	*out = exactCopy(buf)
	return len(buf) > 0
}

// exactCopy returns a copy of s with no spare capacity, or nil for an empty s.
func exactCopy[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	out := make([]T, len(s))
	copy(out, s)
	return out
}

// mapLines calls set for each "      key: value" line that follows, requiring plain keys in
// strictly increasing order, as yaml.v3 writes a map (and so no duplicates).
func (d *leanDecoder) mapLines(l *lines, set func(key string, val []byte) bool) bool {
	var last string
	for bytes.HasPrefix(l.rest, []byte(spaces[:6])) {
		key, val, ok := keyLine(l.next(), 6)
		if !ok || val == nil || last != "" && string(key) <= last {
			return false
		}
		if last = d.intern(key); !plainKey(last) || !set(last, val) {
			return false
		}
	}
	return last != ""
}

func (d *leanDecoder) uintMap(l *lines, out *map[string]uint64) bool {
	m := make(map[string]uint64, l.count(spaces[:6]))
	*out = m
	return d.mapLines(l, func(k string, val []byte) bool {
		var v uint64
		if !parseUint(val, &v) {
			return false
		}
		m[k] = v
		return true
	})
}

func (d *leanDecoder) strMap(l *lines, out *map[string]string) bool {
	m := make(map[string]string, l.count(spaces[:6]))
	*out = m
	return d.mapLines(l, func(k string, val []byte) bool {
		var v string
		if !d.str(val, &v) {
			return false
		}
		m[k] = v
		return true
	})
}
