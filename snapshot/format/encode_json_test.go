package format

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/snapshot"
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

// TestProcessJSONWriter: a json document through the process writer is what json.Encoder with
// SetIndent("", "  ") writes for the whole snapshot, for every field of the model (a field the
// generated writer does not know fails here), strings that need escaping (invalid UTF-8 among
// them), and empty, nil and absent collections.
func TestProcessJSONWriter(t *testing.T) {
	if !jsonWriterComplete() {
		// The output below is still right (encoding/json writes every record), but slower.
		t.Error("the JSON process writer does not write every field of the model: records go through encoding/json; run go generate ./snapshot/format")
	}
	full := fullSnapshot(t)
	full.Processes[1].Cmdline = []string{"bad \xff utf-8", "\x00\x1f\x7f", "\u2029<a&b>"}
	full.Processes[1].Unread = map[string]string{}
	sparse := &snapshot.Snapshot{Header: full.Header, Processes: []snapshot.Process{{PID: 1, Comm: "init"}, {PID: 2, Children: []int{}}}}
	for name, s := range map[string]*snapshot.Snapshot{"full": full, "sparse": sparse,
		"no processes": {Header: full.Header}, "empty processes": {Header: full.Header, Processes: []snapshot.Process{}}} {
		t.Run(name, func(t *testing.T) {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			if err := enc.Encode(s); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := Encode(&got, s, FormatJSON); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want.String(), got.String()); d != "" {
				t.Errorf("(-json.Encoder +process writer):\n%s", d)
			}
		})
	}
}

// TestProcessJSONWriterRefusesWhatEncodingJSONRefuses: a start time encoding/json cannot write
// (year 10000) fails the json and jsonl encodings with encoding/json's error.
func TestProcessJSONWriterRefusesWhatEncodingJSONRefuses(t *testing.T) {
	s := fullSnapshot(t)
	s.Processes[1].StartTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	_, want := json.Marshal(&s.Processes[1])
	if want == nil {
		t.Fatal("encoding/json accepted year 10000")
	}
	for _, format := range []string{FormatJSON, FormatJSONL} {
		if err := Encode(io.Discard, s, format); err == nil || err.Error() != want.Error() {
			t.Errorf("%s: error %v, want %v", format, err, want)
		}
	}
}
