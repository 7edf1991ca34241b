package format

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/procsnap/procsnap/fixtures/badsnap"
	"github.com/procsnap/procsnap/snapshot"
	"gopkg.in/yaml.v3"
)

// bigYAML encodes a valid snapshot of n processes in the layout take writes.
func bigYAML(tb testing.TB, n int) []byte {
	tb.Helper()
	s := &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema, Hostname: "big", TakenAt: t0, BootID: "0f1e2d3c-aaaa-bbbb-cccc-000000000001"}}
	for pid := 1; pid <= n; pid++ {
		s.Processes = append(s.Processes, snapshot.Process{PID: pid, StartTicks: uint64(pid), PPID: pid - 1, PGID: pid, SID: 1,
			State: "S", Threads: 1, Comm: "worker", StartTime: t0.Add(-time.Hour),
			Cmdline: []string{"/usr/bin/worker", "--queue", fmt.Sprintf("q%d", pid), "--verbose"}})
	}
	s.Header.Counts = s.Count()
	return encodeYAMLBytes(tb, s)
}

// allocated returns the bytes f allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestLargeYAMLMemoryBounded: a YAML file larger than MaxWholeYAML costs a small multiple of its
// size whatever its form. With comment lines at column 0 it is read by the lean reader (on main
// one comment line sent it whole through yaml.v3, about 25 times its size); out of the layout
// (an anchor), it is refused, naming why, instead of being decoded whole.
func TestLargeYAMLMemoryBounded(t *testing.T) {
	data := bigYAML(t, 50000)
	if len(data) <= MaxWholeYAML {
		t.Fatalf("the document is %d bytes, not above MaxWholeYAML", len(data))
	}
	commented := append([]byte("# copied from host big\n\n"), data...)
	commented = bytes.Replace(commented, []byte("\n  - pid: 2000\n"), []byte("\n# the interesting part\n  - pid: 2000\n"), 1)
	anchored := bytes.Replace(data, []byte("    comm: worker\n"), []byte("    comm: &w worker\n"), 1)
	for _, c := range []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"comments", commented, ""},
		{"anchor", anchored, "not in the YAML layout procsnap writes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var s *snapshot.Snapshot
			var err error
			got := allocated(func() { s, err = Decode(bytes.NewReader(c.data), c.name+".yaml") })
			if c.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr) || !errors.Is(err, snapshot.ErrInvalid)) {
				t.Fatalf("err = %v, want snapshot.ErrInvalid saying %q", err, c.wantErr)
			}
			if s != nil && len(s.Processes) != 50000 {
				t.Errorf("%d processes, want 50000", len(s.Processes))
			}
			if limit := 6 * uint64(len(c.data)); got > limit {
				t.Errorf("allocated %d MB for a %d MB file, want at most 6 times the file", got>>20, len(c.data)>>20)
			}
		})
	}
}

// TestDenseYAMLOutsideLayoutBounded: a document outside the layout, smaller than MaxWholeYAML but
// of short records ("- {pid: 7}", 4 values in 18 bytes), holds more values than
// maxWholeYAMLNodes: it is refused before yaml.v3 reads it, where yaml.v3 took 100 times its
// size (1.08 GB for 8 MB on main). The same records, fewer, are decoded by yaml.v3.
func TestDenseYAMLOutsideLayoutBounded(t *testing.T) {
	dense := badsnap.FlowRecords(200000)
	if len(dense) > MaxWholeYAML || yamlNodes(dense) <= maxWholeYAMLNodes {
		t.Fatalf("%d bytes, %d values: want at most MaxWholeYAML and more than maxWholeYAMLNodes", len(dense), yamlNodes(dense))
	}
	var err error
	got := allocated(func() { _, err = Decode(bytes.NewReader(dense), "dense.yaml") })
	if err == nil || !errors.Is(err, snapshot.ErrInvalid) || !strings.Contains(err.Error(), "not in the YAML layout procsnap writes") {
		t.Fatalf("err = %v, want snapshot.ErrInvalid saying it is not in the layout", err)
	}
	t.Logf("%d bytes, %d values: refused after allocating %.1f MB", len(dense), yamlNodes(dense), float64(got)/1e6)
	if limit := 6 * uint64(len(dense)); got > limit {
		t.Errorf("allocated %d MB for a %d MB file, want at most 6 times the file", got>>20, len(dense)>>20)
	}
	s, err := Decode(bytes.NewReader(badsnap.FlowRecords(1000)), "small.yaml")
	if err != nil || len(s.Processes) != 1000 {
		t.Fatalf("1,000 flow records: %v", err)
	}
}

// TestYAMLNodesBoundsValues: yamlNodes counts at least the nodes yaml.v3 builds, on the shapes
// procsnap writes and on hand-written ones.
func TestYAMLNodesBoundsValues(t *testing.T) {
	docs := []string{
		badsnap.Valid,
		"a: 1\nb: [1, 2, {c: 3}]\n",
		"- {pid: 1}\n- {pid: 2}\n",
		"x:\n  - a\n  - b: c\n    d: e\n",
		"k: \"a: b, - c\"\n",
	}
	for _, doc := range docs {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(doc), &n); err != nil {
			t.Fatal(err)
		}
		if got, want := yamlNodes([]byte(doc)), countNodes(&n); got < want {
			t.Errorf("yamlNodes = %d, yaml.v3 built %d nodes, of:\n%s", got, want, doc)
		}
	}
}

func countNodes(n *yaml.Node) int {
	c := 0
	if n.Kind != yaml.DocumentNode {
		c = 1
	}
	for _, k := range n.Content {
		c += countNodes(k)
	}
	return c
}
