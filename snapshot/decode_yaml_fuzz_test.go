package snapshot

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/fixtures/badsnap"
)

// checkLeanAgrees decodes data with the lean reader, with yaml.v3 alone (unmarshalYAML) and
// with unmarshal (unless data is JSON), and fails tb unless (1) whatever the lean reader accepts, yaml.v3 decodes
// without error into a reflect.DeepEqual snapshot and (2) unmarshal returns what yaml.v3 alone
// returns, error or snapshot. It returns the lean reader's stats and verdict.
func checkLeanAgrees(tb testing.TB, data []byte) (leanStats, bool) {
	tb.Helper()
	var lean, ref, got Snapshot
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
func encodeYAMLBytes(tb testing.TB, s *Snapshot) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := Encode(&b, s, FormatYAML); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// FuzzDecodeLean checks the lean YAML reader against yaml.v3 (checkLeanAgrees) on any input.
// Its seed corpus in testdata/fuzz/FuzzDecodeLean holds whole snapshots, which the fuzzer
// mutates into records the lean reader must either decode as yaml.v3 does or decline.
func FuzzDecodeLean(f *testing.F) {
	at := time.Date(2026, 11, 24, 1, 2, 3, 4, time.UTC)
	for _, s := range []*Snapshot{awkwardSnapshot(), {Header: Header{Schema: Schema, TakenAt: at,
		Counts: Counts{Processes: 1}}, Processes: []Process{everyField(at)}}} {
		f.Add(encodeYAMLBytes(f, s))
	}
	f.Add([]byte(badsnap.Valid))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLeanAgrees(t, data)
	})
}
