package format_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/procsnap/procsnap/fixtures/badsnap"
	"github.com/procsnap/procsnap/snapshot"
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

// TestCheckMemoryIsTheInput: checking a file allocates at most a small multiple of its size,
// whatever the number of records (one record is kept at a time); loading it builds the model
// (README: Checking snapshot files).
func TestCheckMemoryIsTheInput(t *testing.T) {
	for _, json := range []bool{false, true} {
		data := badsnap.ShortRecords(50000, json, 200)
		name := fmt.Sprintf("short.json=%v", json)
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

// TestDenseRecordsRefused: a file whose records would hold more than MaxFootprintRatio times its
// size in memory (plus FootprintSlack) is refused as too large by every reader, YAML (lean or
// yaml.v3), JSON, gzip, Load, Decode and Check alike, and loading it allocates at most a small
// multiple of that bound: on main a 16 MB file of one-line records took 1.9 GB to load. A small
// file of the same shape loads.
func TestDenseRecordsRefused(t *testing.T) {
	const n = 200000
	yamlDoc, jsonDoc := badsnap.ShortRecords(n, false, 0), badsnap.ShortRecords(n, true, 0)
	// The same records in flow style, outside the lean reader's layout: decoded by yaml.v3.
	flow := badsnap.FlowRecords(n / 4)
	dir := t.TempDir()
	for _, c := range []struct {
		name, file string
		plain      []byte
		gzip       bool
	}{
		{"yaml", "a.yaml", yamlDoc, false},
		{"json", "a.json", jsonDoc, false},
		{"yaml flow (yaml.v3)", "a.yaml", flow, false},
		{"yaml gzip", "a.yaml.gz", yamlDoc, true},
		{"json gzip", "a.json.gz", jsonDoc, true},
	} {
		data := c.plain
		if c.gzip {
			data = badsnap.Gzip(c.plain)
		}
		t.Run(c.name, func(t *testing.T) {
			var err error
			alloc := format.Allocated(func() { _, err = format.Decode(bytes.NewReader(data), c.file) })
			if !errors.Is(err, snapshot.ErrTooLarge) || !strings.Contains(err.Error(), "records that short are not procsnap's") {
				t.Fatalf("Decode: %v, want ErrTooLarge naming the records", err)
			}
			if cerr := format.CheckStream(bytes.NewReader(data), c.file); fmt.Sprint(cerr) != fmt.Sprint(err) {
				t.Errorf("CheckStream: %v\nDecode:      %v", cerr, err)
			}
			if c.name != "yaml flow (yaml.v3)" { // Load reads a file as Decode does; yaml.v3 is slow under -race
				p := writeFile(t, dir, c.file, data)
				if _, lerr := format.Load(p); !errors.Is(lerr, snapshot.ErrTooLarge) {
					t.Errorf("Load: %v, want ErrTooLarge", lerr)
				}
			}
			// The bound weighs the records against the bytes decoded, after gunzip.
			bound := uint64(format.MaxFootprintRatio*len(c.plain) + format.FootprintSlack)
			t.Logf("%d bytes (%d decoded): Decode allocated %.1f MB (%.1fx the bytes decoded) before refusing: %v", len(data),
				len(c.plain), float64(alloc)/1e6, float64(alloc)/float64(len(c.plain)), err)
			if c.name != "yaml flow (yaml.v3)" && alloc > 2*bound {
				t.Errorf("Decode allocated %d bytes, more than twice the footprint bound %d", alloc, bound)
			}
		})
	}
	for _, json := range []bool{false, true} {
		if _, err := format.Decode(bytes.NewReader(badsnap.ShortRecords(1000, json, 0)), "small"); err != nil {
			t.Errorf("1,000 one-line records (json %v): %v, want loaded", json, err)
		}
	}
}
