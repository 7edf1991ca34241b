package format

import (
	"bytes"
	"encoding/json"
	"testing"
	"testing/iotest"

	"github.com/procsnap/procsnap/snapshot"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzDecodeJSON checks the token-level reader against encoding/json: whatever it accepts,
// encoding/json (with DisallowUnknownFields) accepts into the same snapshot; it gives the same
// answer through a one-byte reader as through a whole buffer; and what it loads is written and
// read back unchanged.
func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(validJSONForTests))
	f.Add(stdJSON(f, fullSnapshot(f)))
	for _, s := range []string{`{}`, `{"header":{"schema":"procsnap/v1"},"processes":[]}`, `{"processes":null}`,
		`{"header":{"counts":{"unread":{"a":1}}},"header":{}}`, `{"processes":[{"pid":-0}]}`,
		`{"processes":[{"comm":"\ud83d\ude00\u00e9\"\\"}]}`, `{"processes":[{"start_time":"2026-01-01T00:00:00Z"}]}`,
		`{"processes":[{"cgroup_v1":[]}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got snapshot.Snapshot
		err := decodeJSON(bytes.NewReader(data), &got, int64(len(data)))
		var slow snapshot.Snapshot
		errSlow := decodeJSON(iotest.OneByteReader(bytes.NewReader(data)), &slow, 0)
		if (err == nil) != (errSlow == nil) {
			t.Fatalf("whole buffer: %v; one byte at a time: %v", err, errSlow)
		}
		if err != nil {
			if bytes.ContainsAny([]byte(err.Error()), "\r\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		if d := cmp.Diff(&got, &slow); d != "" {
			t.Fatalf("one byte at a time differs (-whole +one byte):\n%s", d)
		}
		want, errStd := stdDecode(data)
		if errStd != nil {
			t.Fatalf("the reader accepted what encoding/json refuses (%v)", errStd)
		}
		if d := cmp.Diff(want, &got); d != "" {
			t.Fatalf("(-encoding/json +reader):\n%s", d)
		}
		var buf bytes.Buffer
		if err := encodeJSON(&buf, &got); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(buf.Bytes()) {
			t.Fatalf("the writer wrote invalid JSON:\n%s", buf.Bytes())
		}
		var again snapshot.Snapshot
		if err := decodeJSON(&buf, &again, 0); err != nil {
			t.Fatalf("what the reader loaded does not load again after the writer: %v", err)
		}
		// omitempty lists (cgroup_v1) are written only when they hold something, as encoding/json
		// does: an empty one read back is absent, the same snapshot.
		if d := cmp.Diff(&got, &again, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("write and read back changed it (-first +again):\n%s", d)
		}
	})
}
