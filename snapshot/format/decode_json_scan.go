package format

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The token level of the JSON reader (decode_json.go): it reads a stream through a fixed buffer
// and returns one token at a time, strings unescaped as encoding/json unescapes them (invalid
// UTF-8 and lone surrogates become U+FFFD), integers only in the form encoding/json writes them.

// jsonScanner reads JSON tokens from r.
type jsonScanner struct {
	r    io.Reader
	buf  []byte
	pos  int   // next unread byte of buf
	off  int64 // stream offset of buf[0]
	rerr error // what ended reading (io.EOF included); sticky
	tok  []byte
}

// errJSONEOF is the end of the stream in the middle of the document.
var errJSONEOF = errors.New("truncated: unexpected end of JSON")

func newJSONScanner(r io.Reader) *jsonScanner {
	return &jsonScanner{r: r, buf: make([]byte, 0, 64<<10)}
}

// fill reads the next block once buf is consumed; it reports false at the end of the stream or
// on a read error (rerr).
func (s *jsonScanner) fill() bool {
	for s.rerr == nil {
		s.off += int64(len(s.buf))
		n, err := s.r.Read(s.buf[:cap(s.buf)])
		s.buf, s.pos, s.rerr = s.buf[:n], 0, err
		if n > 0 {
			return true
		}
	}
	return false
}

// offset is the stream offset of the next unread byte.
func (s *jsonScanner) offset() int64 { return s.off + int64(s.pos) }

// eofErr is the error for an end of input where more was needed: the read error if reading
// failed, else truncation.
func (s *jsonScanner) eofErr() error {
	if s.rerr != nil && !errors.Is(s.rerr, io.EOF) {
		return s.rerr
	}
	return errJSONEOF
}

// peek skips white space and returns the next byte without consuming it.
func (s *jsonScanner) peek() (byte, error) {
	for {
		for ; s.pos < len(s.buf); s.pos++ {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\n', '\r':
			default:
				return c, nil
			}
		}
		if !s.fill() {
			return 0, s.eofErr()
		}
	}
}

// atEnd reports whether nothing but white space is left.
func (s *jsonScanner) atEnd() (bool, error) {
	_, err := s.peek()
	if errors.Is(err, errJSONEOF) {
		return true, nil
	}
	return false, err
}

func (s *jsonScanner) syntaxErr(c byte, context string) error {
	return fmt.Errorf("invalid character %s %s", quoteChar(c), context)
}

func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	q := strconv.Quote(string(rune(c)))
	return "'" + q[1:len(q)-1] + "'"
}

// expect consumes the next byte after white space, which must be c.
func (s *jsonScanner) expect(c byte, context string) error {
	got, err := s.peek()
	if err != nil {
		return err
	}
	if got != c {
		return s.syntaxErr(got, context)
	}
	s.pos++
	return nil
}

// str reads a string token (after white space) and returns its unescaped bytes, valid until the
// next call. escaped tells whether it held an escape.
func (s *jsonScanner) str() (b []byte, escaped bool, err error) {
	if err := s.expect('"', "looking for beginning of string"); err != nil {
		return nil, false, err
	}
	// Fast path: the whole string is in buf, without escapes, control or non-ASCII bytes.
	for i := s.pos; i < len(s.buf); i++ {
		c := s.buf[i]
		if c == '"' {
			b, s.pos = s.buf[s.pos:i], i+1
			return b, false, nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
	}
	return s.strSlow()
}

// strSlow reads the rest of a string into s.tok, across buffer refills.
func (s *jsonScanner) strSlow() ([]byte, bool, error) {
	raw := s.tok[:0]
	escaped := false
	for {
		if s.pos == len(s.buf) && !s.fill() {
			return nil, false, s.eofErr()
		}
		c := s.buf[s.pos]
		switch {
		case c == '"':
			s.pos++
			s.tok = raw
			out, ok := unquoteJSON(raw)
			if !ok {
				return nil, false, errors.New("invalid escape in string")
			}
			return out, escaped, nil
		case c < 0x20:
			return nil, false, s.syntaxErr(c, "in string literal")
		case c == '\\':
			escaped = true
			raw = append(raw, c)
			s.pos++
			if s.pos == len(s.buf) && !s.fill() {
				return nil, false, s.eofErr()
			}
			raw = append(raw, s.buf[s.pos]) // so that \" does not end the string
			s.pos++
		default:
			raw = append(raw, c)
			s.pos++
		}
	}
}

// unquoteJSON unescapes the contents of a JSON string in place (the result is never longer), as
// encoding/json does.
func unquoteJSON(b []byte) ([]byte, bool) {
	w := 0
	for r := 0; r < len(b); {
		c := b[r]
		switch {
		case c == '\\':
			if r+1 >= len(b) {
				return nil, false
			}
			r++
			switch e := b[r]; e {
			case '"', '\\', '/':
				b[w] = e
			case 'b':
				b[w] = '\b'
			case 'f':
				b[w] = '\f'
			case 'n':
				b[w] = '\n'
			case 'r':
				b[w] = '\r'
			case 't':
				b[w] = '\t'
			case 'u':
				rr, n := unicodeEscape(b[r-1:])
				if n == 0 {
					return nil, false
				}
				w += utf8.EncodeRune(b[w:], rr)
				r += n - 1
				continue
			default:
				return nil, false
			}
			w++
			r++
		case c < utf8.RuneSelf:
			b[w] = c
			w++
			r++
		default:
			rr, n := utf8.DecodeRune(b[r:])
			r += n
			if rr == utf8.RuneError && n == 1 {
				// U+FFFD takes 3 bytes where the invalid byte took 1: too long to write in
				// place, so the rest goes through a copy.
				return unquoteCopy(b[:w], b[r:])
			}
			w += copy(b[w:], b[r-n:r])
		}
	}
	return b[:w], true
}

// unquoteCopy is unquoteJSON for a string holding invalid UTF-8: done is what is unescaped so
// far, before an invalid byte, and rest what follows that byte.
func unquoteCopy(done, rest []byte) ([]byte, bool) {
	out := append([]byte(nil), done...)
	out = utf8.AppendRune(out, utf8.RuneError)
	tail, ok := unquoteJSON(append([]byte(nil), rest...))
	if !ok {
		return nil, false
	}
	return append(out, tail...), true
}

// unicodeEscape decodes the \uXXXX escape at the start of b, with its low surrogate if it is a
// high one, and returns the rune and the bytes it took (0: malformed). A lone surrogate is
// U+FFFD, as in encoding/json.
func unicodeEscape(b []byte) (rune, int) {
	r1 := hex4(b)
	if r1 < 0 {
		return 0, 0
	}
	if !utf16.IsSurrogate(r1) {
		return r1, 6
	}
	if r2 := hex4(b[6:]); r2 >= 0 {
		if dec := utf16.DecodeRune(r1, r2); dec != utf8.RuneError {
			return dec, 12
		}
	}
	return utf8.RuneError, 6
}

// hex4 decodes "\uXXXX" at the start of b, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range b[2:6] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// word reads the run of bytes that can make up a number or a literal (true, false, null),
// after white space, into s.tok.
func (s *jsonScanner) word() ([]byte, error) {
	if _, err := s.peek(); err != nil {
		return nil, err
	}
	w := s.tok[:0]
	for {
		if s.pos == len(s.buf) && !s.fill() {
			if s.rerr != nil && !errors.Is(s.rerr, io.EOF) {
				return nil, s.rerr
			}
			break
		}
		c := s.buf[s.pos]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '+' || c == '.') {
			break
		}
		if len(w) >= 64 {
			return nil, errors.New("number or literal longer than 64 bytes")
		}
		w = append(w, c)
		s.pos++
	}
	s.tok = w
	if len(w) == 0 {
		return nil, s.syntaxErr(s.buf[s.pos], "looking for beginning of value")
	}
	return w, nil
}

// intForm reports whether w is an integer as encoding/json writes one: -?(0|[1-9][0-9]*),
// without "-0".
func intForm(w []byte) bool {
	d := w
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
	}
	if len(d) == 0 || d[0] == '0' && (len(d) > 1 || len(w) > 1) {
		return false
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// jsonNumber reports whether w is a number in JSON's grammar.
func jsonNumber(w []byte) bool {
	i := 0
	if i < len(w) && w[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(w) && w[i] >= '0' && w[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(w) && w[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(w) && w[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(w) && (w[i] == 'e' || w[i] == 'E') {
		i++
		if i < len(w) && (w[i] == '+' || w[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(w)
}
