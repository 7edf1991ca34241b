package format

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/fixtures/badsnap"
	"github.com/procsnap/procsnap/snapshot"
)

// decodeWholeYAML is how decode read a YAML document before it read one record at a time: the
// whole document in memory, then the same checks in the same order. It is the reference the
// streaming decode is held to.
func decodeWholeYAML(data []byte, name string) (*snapshot.Snapshot, error) {
	if why := byteOrderMark(data); why != "" {
		return nil, fmt.Errorf("%s: %w: %s; procsnap writes UTF-8 without one", name, snapshot.ErrInvalid, why)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: %w: file is empty", name, snapshot.ErrInvalid)
	}
	var s snapshot.Snapshot
	if err := unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w: %s", name, snapshot.ErrInvalid, oneLine(err))
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &s, nil
}

// streamInputs are YAML documents for TestDecodeStreamMatchesWhole: valid ones, every bad file
// of the hostile fixtures, hand edits the lean reader declines in one record or in the whole
// document, and every prefix of a valid snapshot.
func streamInputs(t *testing.T) map[string][]byte {
	at := time.Date(2026, 11, 24, 1, 2, 3, 4, time.UTC)
	every := &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema, TakenAt: at,
		Counts: snapshot.Counts{Processes: 1}}, Processes: []snapshot.Process{everyField(at)}}
	awkward := encodeYAMLBytes(t, awkwardSnapshot())
	valid := []byte(badsnap.Valid)
	in := map[string][]byte{
		"valid":   valid,
		"awkward": awkward,
		"every":   encodeYAMLBytes(t, every),
		// One record in flow style: decoded alone by yaml.v3.
		"flow record": bytes.Replace(valid, []byte("  - pid: 1\n"), []byte("  - {pid: 1, comm: x}\n  - pid: 1\n"), 1),
		// A comment inside a record, and blank lines between records.
		"comments": bytes.ReplaceAll(valid, []byte("\n  - pid: "), []byte("\n# c\n\n  - pid: ")),
		// Outside the layout: a line at column 0 inside the processes.
		"column 0":  bytes.Replace(valid, []byte("\n  - pid: "), []byte("\nx: 1\n  - pid: "), 1),
		"no header": bytes.Replace(valid, []byte("header:"), []byte("heady:"), 1),
		"leading":   append([]byte("# a comment\n\n"), valid...),
		"spaces":    append([]byte("   \n\t\n"), valid...),
		"json":      append(bytes.Repeat([]byte(" "), 5000), badsnap.ValidJSON...),
		"blank":     []byte(" \n\t\n\u0085\n"),
		"bom":       append([]byte{0xef, 0xbb, 0xbf}, valid...),
		"trailer":   append(append([]byte(yamlTrailer), '\n'), valid...),
		"after":     append(append([]byte{}, valid...), "x: 1\n"...),
		"no eol":    bytes.TrimSuffix(valid, []byte("\n")),
		"eols":      append(append([]byte{}, valid...), "\n\n\n"...),
	}
	for _, c := range badsnap.Cases() {
		// The alias bombs take yaml.v3 seconds each to refuse; TestLoadBadFiles loads them.
		if f, gz := FormatFromPath(c.File); f == FormatYAML && !gz && !strings.Contains(c.Name, "alias bomb") {
			in["bad "+c.Name] = c.Data
		}
	}
	// Every prefix is loaded by TestLoadTruncatedEverywhere; here every 13th, and each of the
	// last 64 bytes (the trailer and the record before it).
	for n := range len(valid) {
		if n%13 == 0 || n > len(valid)-64 {
			in[fmt.Sprintf("cut %d", n)] = valid[:n]
		}
	}
	seeds, err := filepath.Glob("testdata/fuzz/FuzzDecodeLean/*")
	if err != nil || len(seeds) == 0 {
		t.Fatalf("no fuzz seeds: %v", err)
	}
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// "go test fuzz v1", then []byte("..."), then bool(...): the document is the quoted value.
		doc, records, ok := fuzzSeed(string(data))
		if !ok {
			t.Fatalf("%s: not a seed of (data []byte, records bool)", p)
		}
		if records {
			doc = append(append([]byte(fuzzHeader), doc...), yamlTrailer...)
		}
		in["seed "+filepath.Base(p)] = doc
	}
	return in
}

// fuzzSeed reads a seed file of FuzzDecodeLean.
func fuzzSeed(file string) (doc []byte, records, ok bool) {
	lines := strings.Split(strings.TrimSpace(file), "\n")
	if len(lines) != 3 {
		return nil, false, false
	}
	var s string
	if _, err := fmt.Sscanf(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"), "%q", &s); err != nil {
		return nil, false, false
	}
	return []byte(s), lines[2] == "bool(true)", true
}

// TestDecodeStreamMatchesWhole: reading a YAML document one record at a time gives what reading
// it whole gave, the same snapshot or the same error, whether its size is known, it arrives a
// byte at a time (standard input, a pipe) or gzip-compressed.
func TestDecodeStreamMatchesWhole(t *testing.T) {
	for name, data := range streamInputs(t) {
		want, wantErr := decodeWholeYAML(data, "f")
		var zipped bytes.Buffer
		zw := gzip.NewWriter(&zipped)
		if _, err := zw.Write(data); err != nil || zw.Close() != nil {
			t.Fatal(err)
		}
		for _, r := range []struct {
			how  string
			r    io.Reader
			size int64
		}{
			{"sized", bytes.NewReader(data), int64(len(data))},
			{"bytewise", iotest.OneByteReader(bytes.NewReader(data)), 0},
			{"gzip", bytes.NewReader(zipped.Bytes()), int64(zipped.Len())},
		} {
			if len(data) == 0 && r.how == "gzip" {
				continue // an empty gzip member is not an empty file
			}
			got, err := decode(r.r, "f", MaxFileSize, r.size)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("%s, %s: error %v, want %v", name, r.how, err, wantErr)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s, %s: (-whole +stream):\n%s", name, r.how, d)
			}
		}
	}
}

// TestYAMLMapsShared: as in JSON (TestJSONMapsShared), processes whose maps are equal in content
// get one map from the lean reader; others their own.
func TestYAMLMapsShared(t *testing.T) {
	s := fullSnapshot(t) // processes 0 and 2 are equal but for the pid
	s.Processes[1].Namespaces = map[string]uint64{"a_key": 1, "b_key": 2}
	var got snapshot.Snapshot
	if st, ok := decodeYAMLLean(encodeYAMLBytes(t, s), &got); !ok || st.chunks > 0 {
		t.Fatalf("the lean reader declined the document or a record of it (%+v)", st)
	}
	if d := cmp.Diff(s, &got); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	for _, c := range []struct {
		name string
		ptr  func(i int) uintptr
	}{
		{"namespaces", func(i int) uintptr { return reflect.ValueOf(got.Processes[i].Namespaces).Pointer() }},
		{"unread", func(i int) uintptr { return reflect.ValueOf(got.Processes[i].Unread).Pointer() }},
	} {
		if c.ptr(0) == 0 {
			t.Fatalf("process 0 has no %s", c.name)
		}
		if c.ptr(0) != c.ptr(2) {
			t.Errorf("equal %s of two processes are two maps", c.name)
		}
	}
	if reflect.ValueOf(got.Processes[0].Namespaces).Pointer() == reflect.ValueOf(got.Processes[1].Namespaces).Pointer() {
		t.Error("different namespaces share a map")
	}
}

// TestDecodeRereadsOnlyFiles: a document the lean reader declines is read again from the start
// only from a regular file; from a pipe its bytes are kept. Both decode it.
func TestDecodeRereadsOnlyFiles(t *testing.T) {
	// An anchor in the header: valid YAML outside the layout, decoded whole by yaml.v3.
	doc := bytes.Replace([]byte(badsnap.Valid), []byte("header:\n"), []byte("header: &h\n"), 1)
	want, wantErr := decodeWholeYAML(doc, "f")
	if wantErr != nil || bytes.Equal(doc, []byte(badsnap.Valid)) {
		t.Fatalf("the document does not load outside the layout: %v", wantErr)
	}
	var lean snapshot.Snapshot
	if _, ok := decodeYAMLLean(doc, &lean); ok {
		t.Fatal("the lean reader takes the document")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "f.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(doc); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	go func() {
		_, _ = pw.Write(doc)
		pw.Close()
	}()
	for _, c := range []struct {
		name  string
		r     *os.File
		again bool
	}{{"file", f, true}, {"pipe", pr, false}} {
		if got := rereadable(c.r); got != c.again {
			t.Errorf("%s: rereadable = %v, want %v", c.name, got, c.again)
		}
		got, err := decode(c.r, "f", MaxFileSize, 0)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Errorf("%s: error %v, want %v", c.name, err, wantErr)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: (-whole +stream):\n%s", c.name, d)
		}
	}
}
