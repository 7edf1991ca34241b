package proc

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// validText returns s unchanged when it is valid UTF-8, and otherwise with each byte that is not
// part of a valid UTF-8 sequence written as \xNN. /proc hands out raw bytes (comm, cmdline, link
// targets); JSON can only carry UTF-8 and would replace such bytes with U+FFFD while YAML would
// switch to !!binary, so without this a YAML and a JSON copy of one snapshot would differ.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && size == 1 {
			fmt.Fprintf(&b, `\x%02x`, s[0])
		} else {
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
	return b.String()
}

func validTexts(ss []string) []string {
	for i, s := range ss {
		ss[i] = validText(s)
	}
	return ss
}
