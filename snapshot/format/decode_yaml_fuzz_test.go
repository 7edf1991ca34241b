package format

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/procsnap/procsnap/snapshot"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/fixtures/badsnap"
)

// checkLeanAgrees decodes data with the lean reader, with yaml.v3 alone (unmarshalYAML) and
// with unmarshal (unless data is JSON), and fails tb unless (1) whatever the lean reader accepts, yaml.v3 decodes
// without error into a reflect.DeepEqual snapshot and (2) unmarshal returns what yaml.v3 alone
// returns, error or snapshot. It returns the lean reader's stats and verdict.
func checkLeanAgrees(tb testing.TB, data []byte) (leanStats, bool) {
	tb.Helper()
	var lean, ref, got snapshot.Snapshot
	st, ok := decodeYAMLLean(data, &lean)
	refErr := unmarshalYAML(data, &ref)
	if ok {
		if refErr != nil {
			tb.Fatalf("lean reader accepted (%+v) what yaml.v3 rejects: %v\n%s", st, refErr, data)
		}
		if !reflect.DeepEqual(lean, ref) {
			tb.Fatalf("lean reader (%+v) and yaml.v3 disagree (-yaml.v3 +lean):\n%s\n%s",
				st, cmp.Diff(ref, lean), data)
		}
	}
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		return st, ok // unmarshal reads JSON
	}
	err := unmarshal(data, &got)
	switch {
	case (err == nil) != (refErr == nil) || err != nil && err.Error() != refErr.Error():
		tb.Fatalf("unmarshal returned %v, yaml.v3 alone %v\n%s", err, refErr, data)
	case err == nil && !reflect.DeepEqual(got, ref):
		tb.Fatalf("unmarshal and yaml.v3 alone disagree (-yaml.v3 +unmarshal):\n%s", cmp.Diff(ref, got))
	}
	return st, ok
}

// encodeYAMLBytes is Encode's YAML, as a file holds it.
func encodeYAMLBytes(tb testing.TB, s *snapshot.Snapshot) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := Encode(&b, s, FormatYAML); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// fuzzHeader and yamlTrailer wrap the records of FuzzDecodeLean's inputs that hold records only.
const fuzzHeader = "header:\n  schema: procsnap/v1.1\n  counts:\n    processes: 1\nprocesses:\n"

// processesSection returns what follows "processes:\n" in doc, without the trailer.
func processesSection(doc []byte) []byte {
	_, after, _ := bytes.Cut(doc, []byte("\nprocesses:\n"))
	return bytes.TrimSuffix(after, []byte(yamlTrailer))
}

// FuzzDecodeLean checks the lean YAML reader against yaml.v3 (checkLeanAgrees) on any input:
// a whole document, or (records set) the records of one, which it wraps in a header and the
// trailer so that the fuzzer spends its mutations on what the record parser reads. The seed
// corpus in testdata/fuzz/FuzzDecodeLean holds both kinds.
func FuzzDecodeLean(f *testing.F) {
	at := time.Date(2026, 11, 24, 1, 2, 3, 4, time.UTC)
	for _, s := range []*snapshot.Snapshot{awkwardSnapshot(), {Header: snapshot.Header{Schema: snapshot.Schema, TakenAt: at,
		Counts: snapshot.Counts{Processes: 1}}, Processes: []snapshot.Process{everyField(at)}}} {
		doc := encodeYAMLBytes(f, s)
		f.Add(doc, false)
		f.Add(processesSection(doc), true)
	}
	f.Add([]byte(badsnap.Valid), false)
	f.Add(processesSection([]byte(badsnap.Valid)), true)
	f.Fuzz(func(t *testing.T, data []byte, records bool) {
		if records {
			data = append(append([]byte(fuzzHeader), data...), yamlTrailer...)
		}
		checkLeanAgrees(t, data)
	})
}
