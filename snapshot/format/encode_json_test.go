package format

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestJSONLWriterBytes: jsonl through the record writer is what one json.Encoder (HTML not
// escaped) wrote line by line, for every field of the model.
func TestJSONLWriterBytes(t *testing.T) {
	s := fullSnapshot(t)
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	line := jsonlLine{Schema: s.Header.Schema, Host: s.Header.Hostname, BootID: s.Header.BootID, TakenAt: s.Header.TakenAt}
	for i := range s.Processes {
		line.Process = &s.Processes[i]
		if err := enc.Encode(&line); err != nil {
			t.Fatal(err)
		}
	}
	var got bytes.Buffer
	if err := Encode(&got, s, FormatJSONL); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want.String(), got.String()); d != "" {
		t.Errorf("(-json.Encoder +record writer):\n%s", d)
	}
}

// TestRecordWriterReleasesHugeBuffers: a record larger than 1 MiB does not leave its buffer to
// the records after it.
func TestRecordWriterReleasesHugeBuffers(t *testing.T) {
	rw := newRecordWriter("", "", true)
	var out bytes.Buffer
	if err := rw.write(&out, string(bytes.Repeat([]byte("x"), 2<<20))); err != nil {
		t.Fatal(err)
	}
	if rw.buf.Cap() != 0 {
		t.Errorf("buffer of %d bytes kept after a 2 MiB record", rw.buf.Cap())
	}
	if out.Len() != 2<<20+2 {
		t.Errorf("wrote %d bytes, want %d", out.Len(), 2<<20+2)
	}
}
