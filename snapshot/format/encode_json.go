package format

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/procsnap/procsnap/snapshot"
)

// encodeJSON writes s as one indented JSON document, byte for byte what
// json.NewEncoder(w) with SetIndent("", "  ") writes for the whole Snapshot, but one record at a
// time: the header, encoded by encoding/json, then each process, appended by the process
// writer (json_records_gen.go) into one reused buffer. Memory is one record, not the
// document (encoding/json marshals the whole document, then indents a second copy of it).
func encodeJSON(w io.Writer, s *snapshot.Snapshot) error {
	rw := newRecordWriter("    ", "  ", true)
	if _, err := io.WriteString(w, "{\n  \"header\": "); err != nil {
		return err
	}
	rw.enc.SetIndent("  ", "  ")
	if err := rw.write(w, &s.Header); err != nil {
		return err
	}
	switch {
	case s.Processes == nil:
		_, err := io.WriteString(w, ",\n  \"processes\": null\n}\n")
		return err
	case len(s.Processes) == 0:
		_, err := io.WriteString(w, ",\n  \"processes\": []\n}\n")
		return err
	}
	if _, err := io.WriteString(w, ",\n  \"processes\": [\n    "); err != nil {
		return err
	}
	rw.enc.SetIndent("    ", "  ")
	a := newJSONAppender("    ", "  ", true)
	for i := range s.Processes {
		if i > 0 {
			if _, err := io.WriteString(w, ",\n    "); err != nil {
				return err
			}
		}
		if err := a.writeRecord(w, rw, &s.Processes[i], nil, &s.Processes[i]); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "\n  ]\n}\n")
	return err
}

// writeRecord writes p through the process writer (json_records_gen.go), or v, the same
// record, through rw when that writer declines it, so that the error is encoding/json's.
func (a *jsonAppender) writeRecord(w io.Writer, rw *recordWriter, p *snapshot.Process, head func() bool, v any) error {
	b := a.record(p, head)
	if b == nil {
		return rw.writeLine(w, v, a.prefix == "" && a.indent == "")
	}
	if a.prefix == "" && a.indent == "" {
		b = append(b, '\n')
		a.b = b
	}
	_, err := w.Write(b)
	return err
}

// recordWriter encodes one value at a time with encoding/json into a buffer it reuses, and
// copies it to a writer without encoding/json's trailing newline. Every JSON procsnap writes
// record by record (json documents, jsonl lines) goes through it.
type recordWriter struct {
	buf bytes.Buffer
	enc *json.Encoder
}

// newRecordWriter returns a recordWriter that indents as json.Encoder.SetIndent(prefix, indent)
// does, or writes compact JSON when both are empty, and escapes <, > and & when escapeHTML is
// set (as encoding/json does by default).
func newRecordWriter(prefix, indent string, escapeHTML bool) *recordWriter {
	rw := &recordWriter{}
	rw.enc = json.NewEncoder(&rw.buf)
	rw.enc.SetEscapeHTML(escapeHTML)
	if prefix != "" || indent != "" {
		rw.enc.SetIndent(prefix, indent)
	}
	return rw
}

// write encodes v and writes it to w without a trailing newline.
func (rw *recordWriter) write(w io.Writer, v any) error {
	return rw.writeLine(w, v, false)
}

// writeLine encodes v and writes it to w, with encoding/json's trailing newline when newline
// is set.
func (rw *recordWriter) writeLine(w io.Writer, v any, newline bool) error {
	rw.buf.Reset()
	if err := rw.enc.Encode(v); err != nil {
		return err
	}
	b := rw.buf.Bytes()
	if !newline {
		b = bytes.TrimSuffix(b, []byte("\n"))
	}
	_, err := w.Write(b)
	rw.release()
	return err
}

// release drops a buffer that one huge record (a 100 MB command line) grew, so that it is not
// kept for the records after it.
func (rw *recordWriter) release() {
	if rw.buf.Cap() > 1<<20 {
		rw.buf = bytes.Buffer{}
	}
}
