package format

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"github.com/procsnap/procsnap/snapshot"

	"gopkg.in/yaml.v3"
)

// A lean reader for the YAML layout encodeYAML writes. yaml.v3 builds a node tree of the whole
// document before decoding it, about 25 times the file's size in memory; this reader parses
// each process record straight into the model.
//
// It yields exactly what yaml.v3 would, or declines:
//   - the header, everything before the column-0 line "processes:", is small and goes through
//     yaml.v3 alone, into a struct holding only Header (KnownFields, so a stray key declines);
//   - every line after "processes:" up to the trailer must start with two spaces (or be empty,
//     as yaml.v3 writes the blank lines of a multi-line string, inside a record); records start
//     at lines beginning "  - pid: ". A record is parsed strictly in the writer's layout and field
//     order (parseProcess); one it does not accept is decoded alone by yaml.v3 as a one-item
//     sequence (decodeRecordYAML), which is what the writer itself falls back to;
//   - anything else (no trailer, a line at column 0, a record yaml.v3 rejects alone or that holds
//     an anchor or alias) declines the whole document, and the caller decodes it with yaml.v3 as before,
//     so every error message is yaml.v3's.
//
// Decoding a record alone is equivalent to decoding it in place because nothing in the document
// reaches across records: the header is refused if it holds a directive or a document marker,
// records with anchors or aliases are refused, and a record's lines cannot continue a scalar or
// collection of another (each starts at column 2, below every scalar's and collection's
// indentation). FuzzDecodeLean checks this against yaml.v3.

// leanStats counts how the process records of a document were decoded.
type leanStats struct {
	lean   int // parsed by parseProcess
	chunks int // decoded alone by yaml.v3
}

const (
	processesLine = "processes:\n"
	recordPrefix  = processItem
)

// decodeYAMLLean decodes data into s, which must be zero, when data is in the layout described
// above. When ok is false s holds a partial result: reset it and decode data with yaml.v3.
func decodeYAMLLean(data []byte, s *snapshot.Snapshot) (st leanStats, ok bool) {
	st, ok, _ = decodeYAMLLeanFrom(bufio.NewReader(bytes.NewReader(data)), s, int64(len(data)), len(data), nil)
	return st, ok
}

// maxInternedChecked bounds the strings interned while records are checked and not kept.
const maxInternedChecked = 4096

// decodeYAMLLeanFrom is decodeYAMLLean reading the document from br one record at a time: it
// holds the header, then one record and the first line of the next, never the whole document.
// size is the document's length when known (a regular file), else 0, which bounds how many
// processes the header's count may make room for (growProcesses). limit bounds the document's
// length (br fails beyond), and so how far a buffer grows. err is
// the first error br returned other than io.EOF; ok is then false. It is also false, with an
// error wrapping snapshot.ErrTooLarge, when the records hold too much memory for the bytes read
// (footprint).
//
// It gives what decodeYAMLLean on the whole document gives because every test the record loop
// makes at a record's start, on the whole rest of the document, stops at the next line that
// starts a record: a record is parsed up to the first line not indented by four spaces, and
// comments, recordLen and isTrailer stop at a line starting "  - pid: ". So the loop runs on a
// window holding the record up to and including that next line (or to the end of the input,
// for the last record), and moves on when it reaches that line.
//
// When c is not nil each record is given to c instead of kept: s.Processes is then an empty list
// and one record is in memory at a time. When ok is false c has seen part of the records: reset it.
func decodeYAMLLeanFrom(br *bufio.Reader, s *snapshot.Snapshot, size int64, limit int, c *snapshot.Checker) (st leanStats, ok bool, err error) {
	if !fastFieldsKnown {
		return st, false, nil
	}
	lr := lineReader{br: br, most: limit + 1}
	// The head: the lines before the first line "processes:" that is not the first line. The
	// first line that is not a comment or empty must start "header:" (skipComments in the
	// document cannot stop earlier, at a trailer, since a line other than a newline follows),
	// which is checked before the line is read: a document that does not start so is declined
	// without reading it into memory.
	var head []byte
	header := false
	for {
		if !header {
			if b, _ := br.Peek(len("header:")); len(b) > 0 && b[0] != '#' && b[0] != '\n' {
				if !bytes.HasPrefix(b, []byte("header:")) {
					return st, false, nil
				}
				header = true
			}
		}
		start := len(head)
		var more bool
		if head, more, err = lr.appendLine(head); err != nil {
			return st, false, err
		}
		if start > 0 && string(head[start:]) == processesLine {
			head = head[:start]
			break
		}
		if !more {
			return st, false, nil
		}
	}
	if !header || !decodeHeaderYAML(head, &s.Header) {
		return st, false, nil
	}
	s.Processes = []snapshot.Process{} // growProcesses gives it room at the first record
	if c != nil {
		s.Processes = make([]snapshot.Process, 0, 1) // the one record being checked
	}
	d := newLeanDecoder()
	var fp footprint
	// win holds the lines from the current record on; next is the offset of the line starting
	// the record after it (the last line of win), or -1 when win runs to the end of the input.
	win := head[:0]
	pos, next := 0, 0
	for {
		if pos == next {
			// At the start of the next record: keep it, read up to the one after.
			win = win[:copy(win, win[pos:])]
			if win, next, err = lr.appendRecord(win); err != nil {
				return st, false, err
			}
			pos = 0
		}
		body := win[pos:]
		if len(body) == 0 {
			return st, false, nil // no trailer
		}
		if isTrailer(body) {
			if c != nil {
				s.Processes = s.Processes[:0]
			}
			return st, st.lean+st.chunks > 0, nil
		}
		if rest := skipComments(body); len(rest) < len(body) {
			pos += len(body) - len(rest) // comment lines and blank lines between records
			continue
		}
		if !bytes.HasPrefix(body, []byte(recordPrefix)) {
			return st, false, nil
		}
		if c != nil {
			s.Processes = s.Processes[:0] // the previous record was checked
		}
		s.Processes = growProcesses(s.Processes, s.Header.Counts.Processes, size)
		s.Processes = s.Processes[:len(s.Processes)+1]
		p := &s.Processes[len(s.Processes)-1]
		*p = snapshot.Process{}
		n, lean := d.parseProcess(body, p)
		if rest := skipComments(body[n:]); lean && (bytes.HasPrefix(rest, []byte(recordPrefix)) || isTrailer(rest)) {
			st.lean++
			pos += len(body) - len(rest)
		} else {
			*p = snapshot.Process{}
			n = recordLen(body)
			if n < 0 || !decodeRecordYAML(body[:n], p) {
				return st, false, nil
			}
			st.chunks++
			pos += n
		}
		if err := fp.add(p, lr.read); err != nil {
			return st, false, err
		}
		if c != nil {
			c.Add(p)
			if len(d.interned) > maxInternedChecked {
				clear(d.interned) // nothing is kept to share them with
			}
		}
	}
}

// lineReader reads the lines of a document into buffers that grow to at most most bytes (beyond
// what a line needs): doubling, so that reading a line of n bytes allocates about 2n in all (the
// growth of append, a quarter at a time, allocated 6 times the limit for an endless line).
type lineReader struct {
	br   *bufio.Reader
	most int
	read int64 // the bytes read so far
}

// appendLine appends the next line, with its newline if it has one, to dst. more is false at the
// end of the input.
func (lr *lineReader) appendLine(dst []byte) (_ []byte, more bool, err error) {
	for {
		frag, err := lr.br.ReadSlice('\n')
		lr.read += int64(len(frag))
		if need := len(dst) + len(frag); need > cap(dst) {
			grown := make([]byte, len(dst), max(need, min(2*cap(dst), lr.most)))
			copy(grown, dst)
			dst = grown
		}
		dst = append(dst, frag...)
		switch {
		case err == nil:
			return dst, true, nil
		case errors.Is(err, bufio.ErrBufferFull):
		case errors.Is(err, io.EOF):
			return dst, false, nil
		default:
			return dst, false, err
		}
	}
}

// appendRecord appends to win, which holds nothing or the first line of a record, the lines up
// to and including the next line that starts a record, and returns that line's offset, or -1
// when the input ended first.
func (lr *lineReader) appendRecord(win []byte) (_ []byte, next int, err error) {
	for {
		start := len(win)
		var more bool
		if win, more, err = lr.appendLine(win); err != nil {
			return win, -1, err
		}
		if start > 0 && bytes.HasPrefix(win[start:], []byte(recordPrefix)) {
			return win, start, nil
		}
		if start == 0 && len(win) > 0 && win[0] != '#' && win[0] != '\n' && !bytes.HasPrefix(win, []byte(recordPrefix)) {
			// Neither a record, a comment nor a blank line: the record loop declines it whatever
			// follows, so the rest of a document outside the layout is not read into win.
			return win, -1, nil
		}
		if !more {
			return win, -1, nil
		}
	}
}

// skipComments returns b after the comment lines (a '#' at column 0) and empty lines it starts
// with, up to the trailer. After a record the lean reader parsed they are nothing to YAML: none
// of its scalars spans lines. (recordLen keeps them in a record decoded by yaml.v3, where a
// quoted string may span them.)
func skipComments(b []byte) []byte {
	for len(b) > 0 && (b[0] == '#' || b[0] == '\n') && !isTrailer(b) {
		end := bytes.IndexByte(b, '\n')
		if end < 0 {
			return b[len(b):]
		}
		b = b[end+1:]
	}
	return b
}

// isTrailer reports whether b is the trailer line followed by nothing but newlines.
func isTrailer(b []byte) bool {
	rest, ok := bytes.CutPrefix(b, []byte(yamlTrailer[:len(yamlTrailer)-1]))
	return ok && len(bytes.TrimLeft(rest, "\n")) == 0
}

// recordLen returns the length of the record at the start of body: its first line and every
// line after it that starts with two spaces but not with "  - pid: ", or is empty (yaml.v3
// does not indent the blank lines of a multi-line string). It returns -1 when the record is
// not followed by another or by the trailer, or when a line YAML starts at one of its other
// line breaks is not indented either.
func recordLen(body []byte) int {
	for pos := 0; pos < len(body); {
		line := body[pos:]
		if pos > 0 && (bytes.HasPrefix(line, []byte(recordPrefix)) || isTrailer(line)) {
			return pos
		}
		if !bytes.HasPrefix(line, []byte("  ")) && line[0] != '\n' && line[0] != '#' {
			return -1
		}
		end := bytes.IndexByte(line, '\n')
		if end < 0 || !breaksIndented(line[:end]) {
			return -1
		}
		pos += end + 1
	}
	return -1
}

// breaksIndented reports whether each line break other than '\n' that YAML sees in line ('\r',
// NEL, LS, PS; yaml.v3 writes a raw LS inside a quoted string) is followed by another break, the
// end of the line, or two spaces.
func breaksIndented(line []byte) bool {
	for i := 0; i < len(line); i++ {
		n := yamlBreak(line[i:])
		if n == 0 {
			continue
		}
		rest := line[i+n:]
		if len(rest) > 0 && yamlBreak(rest) == 0 && !bytes.HasPrefix(rest, []byte("  ")) {
			return false
		}
		i += n - 1
	}
	return true
}

// yamlBreak returns the length of the line break other than '\n' at the start of b, or 0.
func yamlBreak(b []byte) int {
	switch {
	case b[0] == '\r':
		return 1
	case bytes.HasPrefix(b, []byte("\u0085")):
		return 2
	case bytes.HasPrefix(b, []byte("\u2028")), bytes.HasPrefix(b, []byte("\u2029")):
		return 3
	}
	return 0
}

// decodeHeaderYAML decodes head, the part of a document before "processes:", with yaml.v3.
// It declines a head with a directive or a document marker at the start of a line (alone,
// "...\n" would end the only document, and a %TAG directive changes what tags in the records
// mean) or with an alias (yaml.v3 limits aliasing by a ratio over the whole document).
func decodeHeaderYAML(head []byte, h *snapshot.Header) bool {
	if headerMarkers(head) {
		return false
	}
	var doc struct {
		Header snapshot.Header `yaml:"header"`
	}
	if n, err := parseYAMLChecked(head, &doc); err != nil || hasAlias(n) {
		return false
	}
	dec := yaml.NewDecoder(bytes.NewReader(head))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return false
	}
	*h = doc.Header
	return true
}

// headerMarkers reports whether a line of head (as YAML breaks lines: at '\n', '\r', NEL, LS or
// PS) starts with "---", "..." or "%".
func headerMarkers(head []byte) bool {
	for len(head) > 0 {
		if bytes.HasPrefix(head, []byte("---")) || bytes.HasPrefix(head, []byte("...")) || head[0] == '%' {
			return true
		}
		n := 0
		for n < len(head) && head[n] != '\n' && yamlBreak(head[n:]) == 0 {
			n++
		}
		if n == len(head) {
			break
		}
		head = head[n+max(1, yamlBreak(head[n:])):]
	}
	return false
}

// decodeRecordYAML decodes rec, one record of the "processes:" sequence, with yaml.v3 as a
// one-item sequence. It declines a record that yaml.v3 rejects, that holds more than one item,
// a float where an integer belongs (checkYAMLInts), or that uses an alias: yaml.v3 limits aliasing by a ratio over the whole document, which a record
// alone does not show.
func decodeRecordYAML(rec []byte, p *snapshot.Process) bool {
	var one []snapshot.Process
	if n, err := parseYAMLChecked(rec, &one); err != nil || hasAlias(n) {
		return false
	}
	dec := yaml.NewDecoder(bytes.NewReader(rec))
	dec.KnownFields(true)
	if err := dec.Decode(&one); err != nil || len(one) != 1 {
		return false
	}
	*p = one[0]
	return true
}

func hasAlias(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return true
	}
	for _, c := range n.Content {
		if hasAlias(c) {
			return true
		}
	}
	return false
}
