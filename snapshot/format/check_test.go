package format_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/procsnap/procsnap/fixtures/badsnap"
	"github.com/procsnap/procsnap/snapshot/format"
)

// TestCheckAnswersAsLoad: Check, which validate uses and which keeps no records, gives the answer
// Load gives, to the byte, on every hostile file and on the valid ones.
func TestCheckAnswersAsLoad(t *testing.T) {
	dir := t.TempDir()
	files := []badsnap.Case{{Name: "valid", File: "valid.yaml", Data: []byte(badsnap.Valid)},
		{Name: "valid json", File: "valid.json", Data: []byte(badsnap.ValidJSON)},
		{Name: "valid gzip", File: "valid.yaml.gz", Data: badsnap.Gzip([]byte(badsnap.Valid))}}
	for _, c := range append(files, badsnap.Cases()...) {
		t.Run(c.Name, func(t *testing.T) {
			p := writeFile(t, dir, c.File, c.Data)
			_, err := format.Load(p)
			if cerr := format.Check(p); fmt.Sprint(cerr) != fmt.Sprint(err) {
				t.Errorf("Check: %v\nLoad:  %v", cerr, err)
			}
		})
	}
}

// TestCheckTruncatedEverywhere: on every prefix of a valid file in each format, CheckStream and
// Decode agree, error for error.
func TestCheckTruncatedEverywhere(t *testing.T) {
	for name, data := range map[string][]byte{"valid.yaml": []byte(badsnap.Valid), "valid.json": []byte(badsnap.ValidJSON),
		"valid.yaml.gz": badsnap.Gzip([]byte(badsnap.Valid))} {
		for n := range len(data) + 1 {
			_, err := format.Decode(bytes.NewReader(data[:n]), name)
			if cerr := format.CheckStream(bytes.NewReader(data[:n]), name); fmt.Sprint(cerr) != fmt.Sprint(err) {
				t.Fatalf("%s cut at %d: CheckStream: %v; Decode: %v", name, n, cerr, err)
			}
		}
	}
}

// tinyRecords is a valid snapshot of n processes whose records hold their pid alone: the input
// that costs the most model per byte (a Process takes 568 bytes, its record 12).
func tinyRecords(n int, json bool) []byte {
	var b strings.Builder
	if json {
		fmt.Fprintf(&b, `{"header":{"schema":"procsnap/v1.2","counts":{"processes":%d}},"processes":[`, n)
		for pid := 1; pid <= n; pid++ {
			if pid > 1 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"pid":%d}`, pid)
		}
		b.WriteString("]}\n")
		return []byte(b.String())
	}
	fmt.Fprintf(&b, "header:\n  schema: procsnap/v1.2\n  counts:\n    processes: %d\nprocesses:\n", n)
	for pid := 1; pid <= n; pid++ {
		fmt.Fprintf(&b, "  - pid: %d\n", pid)
	}
	b.WriteString("# end of procsnap snapshot\n")
	return []byte(b.String())
}

// TestCheckMemoryIsTheInput: checking a file allocates at most a small multiple of its size,
// whatever the number of records (one record is kept at a time); loading it builds the model,
// many times the size of a file of tiny records (README: Checking snapshot files).
func TestCheckMemoryIsTheInput(t *testing.T) {
	for _, json := range []bool{false, true} {
		data := tinyRecords(200000, json)
		name := fmt.Sprintf("tiny.json=%v", json)
		var checkErr, loadErr error
		check := format.Allocated(func() { checkErr = format.CheckStream(bytes.NewReader(data), name) })
		load := format.Allocated(func() { _, loadErr = format.Decode(bytes.NewReader(data), name) })
		if checkErr != nil || loadErr != nil {
			t.Fatalf("%s: Check: %v; Decode: %v", name, checkErr, loadErr)
		}
		t.Logf("%s, %d bytes: Check allocated %.1f MB (%.1fx), Decode %.1f MB (%.1fx)", name, len(data),
			float64(check)/1e6, float64(check)/float64(len(data)), float64(load)/1e6, float64(load)/float64(len(data)))
		if limit := 4 * uint64(len(data)); check > limit {
			t.Errorf("%s: Check allocated %d bytes for a file of %d, want at most %d", name, check, len(data), limit)
		}
	}
}
