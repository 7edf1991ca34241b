package format

import (
	"bytes"

	"github.com/procsnap/procsnap/snapshot"
)

// The strict record parser of the lean YAML reader (decode_yaml_layout.go). It accepts a record
// only in the layout appendProcess writes: "  - pid: N", then one "    key: value" or "    key:"
// line per field, fields in processFields order (strictly increasing, so a duplicate key is
// refused), lists as "      - item" lines, maps as "      key: value" lines in sorted key order,
// fds as "      - fd: N" followed by "        key: value" lines in fdFields order. Any field
// may be absent, as yaml.v3 allows; an empty list or map, a comment, a flow collection, a block
// scalar or a trailing space is refused. The per-record code (which key is which field, of
// which type) is generated from the model's yaml tags into yaml_records_gen.go; this file holds
// the primitives it calls.

// nextField returns the index of key in names after last, or -1: a record's keys come in the
// order of names, so the search starts where the previous key was found and a key out of order
// or repeated is not found.
func nextField(names []string, last int, key []byte) int {
	for i := last + 1; i < len(names); i++ {
		if names[i] == string(key) {
			return i
		}
	}
	return -1
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

// keyLine splits "<indent>key: value" or "<indent>key:" into key and value (nil for the second
// form). The key is lower-case letters, '_' and digits after the first (cgroup_v1); map keys are
// further held to plainKey.
func keyLine(line []byte, indent string) (key, val []byte, ok bool) {
	if len(line) <= len(indent) || !bytes.HasPrefix(line, []byte(indent)) {
		return nil, nil, false
	}
	line = line[len(indent):]
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

// ints and strs parse the "<item>entry" lines that follow (item is "      - ") into the
// decoder's scratch slice, then copy it into a slice of the right size: no pass to count, no
// growth.
func (d *leanDecoder) ints(l *lines, item string, out *[]int) bool {
	buf := d.intBuf[:0]
	defer func() { d.intBuf = buf }()
	for bytes.HasPrefix(l.rest, []byte(item)) {
		buf = append(buf, 0)
		if !parseInt(l.next()[len(item):], &buf[len(buf)-1]) {
			return false
		}
	}
	*out = exactCopy(buf)
	return len(buf) > 0
}

func (d *leanDecoder) strs(l *lines, item string, out *[]string) bool {
	buf := d.strBuf[:0]
	defer func() { d.strBuf = buf }()
	for bytes.HasPrefix(l.rest, []byte(item)) {
		buf = append(buf, "")
		if !d.str(l.next()[len(item):], &buf[len(buf)-1]) {
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

// mapLines calls set for each "<indent>key: value" line that follows, requiring plain keys in
// strictly increasing order, as yaml.v3 writes a map (and so no duplicates).
func (d *leanDecoder) mapLines(l *lines, indent string, set func(key string, val []byte) bool) bool {
	var last string
	for bytes.HasPrefix(l.rest, []byte(indent)) {
		key, val, ok := keyLine(l.next(), indent)
		if !ok || val == nil || last != "" && string(key) <= last {
			return false
		}
		if last = d.intern(key); !plainKey(last) || !set(last, val) {
			return false
		}
	}
	return last != ""
}

// Maps are shared as the JSON reader shares them (decode_json_maps.go): a map whose lines are
// the same as those of one read earlier in the document is not built again, the process gets
// the earlier map (most processes of a host share their namespaces). The lines are the key:
// the same lines decode to the same map. The bounds are the JSON reader's.

// block returns the lines that follow and start with indent, as they are.
func (l *lines) block(indent string) []byte {
	n := 0
	for bytes.HasPrefix(l.rest[n:], []byte(indent)) {
		i := bytes.IndexByte(l.rest[n:], '\n')
		if i < 0 {
			return l.rest
		}
		n += i + 1
	}
	return l.rest[:n]
}

// sharedMap sets *out to the map read earlier from the lines raw, skipping them, if there is one.
func sharedMap[V any](l *lines, seen map[string]map[string]V, raw []byte, out *map[string]V) bool {
	m, ok := seen[string(raw)]
	if ok {
		*out = m
		l.rest = l.rest[len(raw):]
	}
	return ok
}

// keepMap records m as the map of the lines raw, within the bounds.
func keepMap[V any](seen map[string]map[string]V, raw []byte, m map[string]V) {
	if len(raw) <= maxSharedMapSig && len(seen) < maxSharedMapsPer {
		seen[string(raw)] = m
	}
}

func (d *leanDecoder) uintMap(l *lines, indent string, out *map[string]uint64) bool {
	raw := l.block(indent)
	if sharedMap(l, d.uintMaps, raw, out) {
		return len(raw) > 0
	}
	m := make(map[string]uint64, l.count(indent))
	*out = m
	ok := d.mapLines(l, indent, func(k string, val []byte) bool {
		var v uint64
		if !parseUint(val, &v) {
			return false
		}
		m[k] = v
		return true
	})
	if ok {
		keepMap(d.uintMaps, raw, m)
	}
	return ok
}

func (d *leanDecoder) strMap(l *lines, indent string, out *map[string]string) bool {
	raw := l.block(indent)
	if sharedMap(l, d.strMaps, raw, out) {
		return len(raw) > 0
	}
	m := make(map[string]string, l.count(indent))
	*out = m
	ok := d.mapLines(l, indent, func(k string, val []byte) bool {
		var v string
		if !d.str(val, &v) {
			return false
		}
		m[k] = v
		return true
	})
	if ok {
		keepMap(d.strMaps, raw, m)
	}
	return ok
}

// countItems counts the items of the list of records that follows, whose "- " lines start with
// indent: the reader fills a slice of that size. A scratch slice copied out at the end (as ints
// and strs do) would touch a second copy of every fd list, the bulk of a snapshot.
func countItems(l *lines, indent string) int {
	n := 0
	for rest := l.rest; bytes.HasPrefix(rest, []byte(indent)); {
		if bytes.HasPrefix(rest[len(indent):], []byte("- ")) {
			n++
		}
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		rest = rest[i+1:]
	}
	return n
}
