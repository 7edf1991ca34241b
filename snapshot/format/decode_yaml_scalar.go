package format

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// Scalars of the lean YAML reader (decode_yaml_layout.go), each accepted only in a form whose
// meaning to yaml.v3 is certain: integers in canonical decimal, true and false, a timestamp as
// time.RFC3339Nano writes it, and strings that are plain (plainScalar), single-quoted or
// double-quoted on one line. Anything else declines the record.

// yamlTimestamp is the first layout yaml.v3 tries for a plain scalar that starts "dddd-"; a
// time it parses is what yaml.v3 decodes into a time.Time field.
const yamlTimestamp = "2006-1-2T15:4:5.999999999Z07:00"

// leanDecoder holds the state of one lean decode.
type leanDecoder struct {
	// interned holds strings, so that the thousands of "02", "/dev/null", "file" and
	// "permission_denied" of a snapshot share one copy each.
	interned map[string]string
	scratch  []byte // unescaped quoted scalars
	// Scratch slices for lists, copied out at their final size.
	intBuf []int
	strBuf []string
	// Maps given out, by their lines (decode_yaml_record.go).
	uintMaps map[string]map[string]uint64
	strMaps  map[string]map[string]string
}

func newLeanDecoder() *leanDecoder {
	return &leanDecoder{interned: make(map[string]string, 1024),
		uintMaps: map[string]map[string]uint64{}, strMaps: map[string]map[string]string{}}
}

// maxInterned bounds the length of an interned string: longer ones (command lines, long
// paths) rarely repeat.
const maxInterned = 64

func (d *leanDecoder) intern(b []byte) string {
	if len(b) > maxInterned {
		return string(b)
	}
	if s, ok := d.interned[string(b)]; ok {
		return s
	}
	s := string(b)
	d.interned[s] = s
	return s
}

// str decodes the string scalar val into out.
func (d *leanDecoder) str(val []byte, out *string) bool {
	if len(val) == 0 {
		return false
	}
	b, ok := val, false
	switch val[0] {
	case '\'':
		b, ok = d.singleQuoted(val)
	case '"':
		b, ok = d.doubleQuoted(val)
	default:
		ok = plainScalar(b)
	}
	if ok {
		*out = d.intern(b)
	}
	return ok
}

// plainScalar reports whether yaml.v3 reads b, a plain scalar that is the rest of a line in
// block context, as the string b: it starts with no indicator (or with '-', '?' or ':' before a
// non-space), holds no ": ", " #" or tab, does not end in a space or ':', has only characters
// printable allows, and is not a word yaml.v3 reads as null. (Other words, "true" or "0x1F",
// still decode into a string field as written.)
func plainScalar(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	switch b[0] {
	case '-', '?', ':':
		if len(b) == 1 || b[1] == ' ' {
			return false
		}
	case ' ', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	}
	if last := b[len(b)-1]; last == ' ' || last == ':' {
		return false
	}
	for i := 0; i < len(b); {
		switch c := b[i]; {
		case c == ':' && b[i+1] == ' ', c == ' ' && b[i+1] == '#', c == '\t':
			return false
		case c >= 0x20 && c < 0x7f:
			i++
			continue
		}
		n := printable(b[i:])
		if n == 0 {
			return false
		}
		i += n
	}
	switch string(b) {
	case "~", "null", "Null", "NULL":
		return false
	}
	return true
}

// singleQuoted returns the content of the single-quoted scalar val, which must be the whole of
// val.
func (d *leanDecoder) singleQuoted(val []byte) ([]byte, bool) {
	if len(val) < 2 || val[len(val)-1] != '\'' {
		return nil, false
	}
	d.scratch = d.scratch[:0]
	for i := 1; i < len(val)-1; {
		c := val[i]
		if c == '\'' {
			if val[i+1] != '\'' || i+1 == len(val)-1 {
				return nil, false
			}
			d.scratch = append(d.scratch, '\'')
			i += 2
			continue
		}
		n := printable(val[i:])
		if n == 0 {
			return nil, false
		}
		d.scratch = append(d.scratch, val[i:i+n]...)
		i += n
	}
	return d.scratch, true
}

// printable returns the length of the character at the start of b if yaml.v3 reads it as
// itself inside a quoted scalar on one line, else 0: a tab, printable ASCII, or a UTF-8 encoded
// rune yaml.v3 allows that is not one of its line breaks (NEL, LS, PS) or a byte order mark.
func printable(b []byte) int {
	c := b[0]
	if c < utf8.RuneSelf {
		if c == '\t' || c >= 0x20 && c <= 0x7e {
			return 1
		}
		return 0
	}
	r, n := utf8.DecodeRune(b)
	switch {
	case r == utf8.RuneError && n == 1, r < 0xa0, r == 0x2028, r == 0x2029, r == 0xfeff,
		r >= 0xd800 && r <= 0xdfff, r == 0xfffe, r == 0xffff:
		return 0
	}
	return n
}

// doubleQuoted returns the content of the double-quoted scalar val, which must be the whole of
// val.
func (d *leanDecoder) doubleQuoted(val []byte) ([]byte, bool) {
	if len(val) < 2 || val[len(val)-1] != '"' {
		return nil, false
	}
	d.scratch = d.scratch[:0]
	for i := 1; i < len(val)-1; {
		switch c := val[i]; c {
		case '"':
			return nil, false
		case '\\':
			n := d.escape(val[i+1 : len(val)-1])
			if n == 0 {
				return nil, false
			}
			i += 1 + n
		default:
			n := printable(val[i:])
			if n == 0 {
				return nil, false
			}
			d.scratch = append(d.scratch, val[i:i+n]...)
			i += n
		}
	}
	return d.scratch, true
}

// escapes maps the one-character escapes of a double-quoted scalar to what yaml.v3 reads.
var escapes = map[byte]string{'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", '\t': "\t", 'n': "\n",
	'v': "\v", 'f': "\f", 'r': "\r", 'e': "\x1b", ' ': " ", '"': "\"", '\'': "'", '\\': "\\",
	'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029"}

// escape appends the character escaped by b (what follows a backslash) to the scratch buffer,
// returning how many bytes of b it used, or 0 when yaml.v3 would refuse it.
func (d *leanDecoder) escape(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	if s, ok := escapes[b[0]]; ok {
		d.scratch = append(d.scratch, s...)
		return 1
	}
	var n int
	switch b[0] {
	case 'x':
		n = 2
	case 'u':
		n = 4
	case 'U':
		n = 8
	default:
		return 0
	}
	if len(b) < 1+n {
		return 0
	}
	v, err := strconv.ParseUint(string(b[1:1+n]), 16, 32)
	if err != nil || v >= 0xd800 && v <= 0xdfff || v > 0x10ffff {
		return 0
	}
	d.scratch = utf8.AppendRune(d.scratch, rune(v))
	return 1 + n
}

// canonicalInt reports whether b is an integer in canonical decimal: an optional '-' (when neg
// is allowed), then "0" or digits without a leading zero, and not "-0".
func canonicalInt(b []byte, neg bool) bool {
	if neg && len(b) > 1 && b[0] == '-' {
		b = b[1:]
		if b[0] == '0' {
			return false
		}
	}
	if len(b) == 0 || len(b) > 1 && b[0] == '0' {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func parseInt64(b []byte, out *int64) bool {
	if !canonicalInt(b, true) {
		return false
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	*out = v
	return err == nil
}

func parseInt(b []byte, out *int) bool {
	var v int64
	if !parseInt64(b, &v) || int64(int(v)) != v {
		return false
	}
	*out = int(v)
	return true
}

func parseUint(b []byte, out *uint64) bool {
	if !canonicalInt(b, false) {
		return false
	}
	v, err := strconv.ParseUint(string(b), 10, 64)
	*out = v
	return err == nil
}

// parseUint32Ptr parses a uint32 into a new value: out of range declines, as yaml.v3 refuses it.
func parseUint32Ptr(b []byte, out **uint32) bool {
	var v uint64
	if !parseUint(b, &v) || v > 1<<32-1 {
		return false
	}
	x := uint32(v)
	*out = &x
	return true
}

func parseBool(b []byte, out *bool) bool {
	switch string(b) {
	case "true":
		*out = true
	case "false":
		*out = false
	default:
		return false
	}
	return true
}

// parseTime parses a plain timestamp as yaml.v3 does, accepting only the characters
// time.RFC3339Nano writes, so that the scalar is certainly plain and certainly a timestamp.
func parseTime(b []byte, out *time.Time) bool {
	if len(b) < 5 || b[4] != '-' || b[len(b)-1] == ':' {
		return false
	}
	for i, c := range b {
		digit := c >= '0' && c <= '9'
		if i < 4 && !digit || !digit && c != '-' && c != 'T' && c != ':' && c != '.' && c != 'Z' && c != '+' {
			return false
		}
	}
	t, err := time.Parse(yamlTimestamp, string(b))
	if err != nil {
		return false
	}
	*out = t
	return true
}
