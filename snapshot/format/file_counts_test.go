package format

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/procsnap/procsnap/fixtures/badsnap"
	"github.com/procsnap/procsnap/snapshot"
)

// countsSnapshot has something behind every count: two processes (one a zombie) with three
// threads, two fds, one field unread, and one skipped pid.
func countsSnapshot() *snapshot.Snapshot {
	at := time.Date(2026, 11, 24, 1, 2, 3, 0, time.UTC)
	s := &snapshot.Snapshot{
		Header: snapshot.Header{Schema: snapshot.Schema, TakenAt: at, Hostname: "fixture",
			Skipped: []snapshot.Skipped{{PID: 30, Reason: "vanished"}}},
		Processes: []snapshot.Process{
			{PID: 1, StartTicks: 1, State: "S", Comm: "init", TPGID: -1, PGID: 1, SID: 1, Threads: 2,
				FDs:    []snapshot.FD{{FD: 0, Target: "/dev/null", Kind: snapshot.KindFile}, {FD: 1, Target: "/dev/null", Kind: snapshot.KindFile}},
				Unread: map[string]string{"exe": "permission_denied"}},
			{PID: 20, StartTicks: 20, PPID: 1, PGID: 1, SID: 1, TPGID: -1, State: "Z", Comm: "defunct", Threads: 1},
		},
	}
	s.Header.Counts = s.Count()
	return s
}

// TestLoadRefusesCountsThatContradictTheRecords: a header count of 0 (or left out) while the
// records hold some is refused like any other contradicting count, naming the input and the
// count, in each way a snapshot is decoded: the lean YAML reader, whole-document yaml.v3, JSON,
// and gzip of both. (main accepted all of these: it checked a count only when the header gave a
// non-zero one, and processes and skipped only when one of them was non-zero.) jsonl has no
// header: procsnap does not read it back, and ReadHeader counts its lines.
func TestLoadRefusesCountsThatContradictTheRecords(t *testing.T) {
	counts := []struct {
		name string
		edit func(*snapshot.Snapshot) // leaves the header saying 0 where the records hold some
		want string                   // "" loads
	}{
		{"all agree", func(*snapshot.Snapshot) {}, ""},
		{"no records, no counts", func(s *snapshot.Snapshot) {
			s.Processes, s.Header.Skipped, s.Header.Counts = []snapshot.Process{}, nil, snapshot.Counts{}
		}, ""},
		{"processes", func(s *snapshot.Snapshot) {
			s.Header.Skipped = nil
			s.Header.Counts = s.Count()
			s.Header.Counts.Processes = 0
		}, "header.counts.processes is 0 but the file holds 2"},
		{"no counts at all", func(s *snapshot.Snapshot) { s.Header.Counts = snapshot.Counts{} },
			"header.counts.processes is 0 but the file holds 2"},
		{"skipped", func(s *snapshot.Snapshot) {
			s.Processes = []snapshot.Process{}
			s.Header.Counts = snapshot.Counts{}
		}, "header.counts.skipped is 0 but the file holds 1"},
		{"skipped, with records", func(s *snapshot.Snapshot) { s.Header.Counts.Skipped = 0 },
			"header.counts.skipped is 0 but the file holds 1"},
		{"threads", func(s *snapshot.Snapshot) { s.Header.Counts.Threads = 0 },
			"header.counts.threads is 0 but the file holds 3"},
		{"fds", func(s *snapshot.Snapshot) { s.Header.Counts.FDs = 0 },
			"header.counts.fds is 0 but the file holds 2"},
		{"zombies", func(s *snapshot.Snapshot) { s.Header.Counts.Zombies = 0 },
			"header.counts.zombies is 0 but the file holds 1"},
		{"unread reason left out", func(s *snapshot.Snapshot) { s.Header.Counts.Unread = nil },
			"header.counts.unread.permission_denied is 0 but the file holds 1"},
		{"unread reason the records lack", func(s *snapshot.Snapshot) { s.Header.Counts.Unread["vanished"] = 0 }, ""},
	}
	encode := func(t *testing.T, s *snapshot.Snapshot, format string) []byte {
		t.Helper()
		var b bytes.Buffer
		if err := Encode(&b, s, format); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	// whole moves the header after the records: a document outside the lean layout (a line at
	// column 0 after "processes:"), which yaml.v3 decodes whole.
	whole := func(t *testing.T, s *snapshot.Snapshot) []byte {
		doc := encode(t, s, FormatYAML)
		head, rest, ok := bytes.Cut(doc, []byte("\nprocesses:"))
		if !ok {
			t.Fatalf("no processes line in\n%s", doc)
		}
		rest = bytes.TrimSuffix(rest, []byte(yamlTrailer))
		out := append(append([]byte("processes:"), rest...), head...)
		return append(append(out, '\n'), yamlTrailer...)
	}
	paths := []struct {
		name string
		data func(*testing.T, *snapshot.Snapshot) []byte
		lean string // the YAML path the document takes, checked; "" for JSON and gzip
	}{
		{"yaml lean", func(t *testing.T, s *snapshot.Snapshot) []byte { return encode(t, s, FormatYAML) }, "lean"},
		{"yaml whole", whole, "whole"},
		{"json", func(t *testing.T, s *snapshot.Snapshot) []byte { return encode(t, s, FormatJSON) }, ""},
		{"yaml gzip", func(t *testing.T, s *snapshot.Snapshot) []byte { return badsnap.Gzip(encode(t, s, FormatYAML)) }, ""},
		{"json gzip", func(t *testing.T, s *snapshot.Snapshot) []byte { return badsnap.Gzip(encode(t, s, FormatJSON)) }, ""},
	}
	for _, c := range counts {
		for _, p := range paths {
			t.Run(c.name+"/"+p.name, func(t *testing.T) {
				s := countsSnapshot()
				c.edit(s)
				data := p.data(t, s)
				if want := p.lean; want != "" {
					if len(s.Processes) == 0 {
						want = "whole" // "processes: []" is left to yaml.v3
					}
					var probe snapshot.Snapshot
					if st, ok := decodeYAMLLean(data, &probe); leanPath(st, ok) != want {
						t.Fatalf("the document goes the %s path, want %s:\n%s", leanPath(st, ok), want, data)
					}
				}
				got, err := Decode(bytes.NewReader(data), "in.snap")
				if cerr := CheckStream(bytes.NewReader(data), "in.snap"); fmt.Sprint(cerr) != fmt.Sprint(err) {
					t.Errorf("CheckStream: %v; Decode: %v", cerr, err)
				}
				if c.want == "" {
					if err != nil {
						t.Fatal(err)
					}
					if len(got.Processes) != len(s.Processes) {
						t.Errorf("loaded %d processes, want %d", len(got.Processes), len(s.Processes))
					}
					return
				}
				if err == nil {
					t.Fatalf("loaded; want an error with %q", c.want)
				}
				if msg := err.Error(); !strings.HasPrefix(msg, "in.snap: ") || !strings.Contains(msg, c.want) {
					t.Errorf("error %q does not name the input and contain %q", msg, c.want)
				}
				if !errors.Is(err, snapshot.ErrInvalid) {
					t.Errorf("error %v is not ErrInvalid (exit 2)", err)
				}
			})
		}
	}
}
