package format

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/procsnap/procsnap/snapshot"
	"github.com/procsnap/procsnap/snapshot/proc"
)

// TestFootprintOfTakes: the files take writes are far from the footprint bound, in every format
// and shape of this host's snapshot: with fds, without, and kernel threads alone (the shortest
// records take writes). Each file is loaded, and its records weigh at most half the bound.
func TestFootprintOfTakes(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the live /proc")
	}
	full, err := proc.Take(context.Background(), proc.TakeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	noFDs, err := proc.Take(context.Background(), proc.TakeOptions{NoFDs: true})
	if err != nil {
		t.Fatal(err)
	}
	kthreads := *noFDs
	kthreads.Processes = slices.DeleteFunc(slices.Clone(noFDs.Processes), func(p snapshot.Process) bool { return !p.Kthread })
	kthreads.Header.Skipped = nil
	kthreads.Header.Counts = kthreads.Count()
	if len(kthreads.Processes) == 0 {
		t.Log("no kernel threads visible here: that shape is not measured")
	}
	for _, c := range []struct {
		name string
		s    *snapshot.Snapshot
	}{{"with fds", full}, {"no fds", noFDs}, {"kernel threads", &kthreads}} {
		for _, f := range []string{FormatYAML, FormatJSON} {
			var b bytes.Buffer
			if err := Encode(&b, c.s, f); err != nil {
				t.Fatal(err)
			}
			size := b.Len()
			got, err := Decode(&b, c.name)
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, f, err)
			}
			held := 0
			for i := range got.Processes {
				held += processSize + processFootprint(&got.Processes[i])
			}
			ratio := float64(held) / float64(size)
			t.Logf("%s, %s: %d processes, %d bytes, records hold %d bytes: %.2f times the file", c.name, f,
				len(got.Processes), size, held, ratio)
			if ratio > maxFootprintRatio/2 {
				t.Errorf("%s, %s: records hold %.2f times the file: within a factor 2 of the bound (%d) that refuses a file",
					c.name, f, ratio, maxFootprintRatio)
			}
		}
	}
}

// TestFootprintCountsWhatIsHeld: the footprint of a record grows with each kind of field it
// holds, by at least the bytes of the strings and elements added.
func TestFootprintCountsWhatIsHeld(t *testing.T) {
	one := uint32(1)
	cases := []struct {
		name string
		set  func(p *snapshot.Process)
		min  int
	}{
		{"string", func(p *snapshot.Process) { p.Comm = "0123456789" }, 10},
		{"ints", func(p *snapshot.Process) { p.Children = make([]int, 10) }, 80},
		{"strings", func(p *snapshot.Process) { p.Cmdline = []string{"0123456789", "ab"} }, 2*16 + 12},
		{"pointer", func(p *snapshot.Process) { p.AuditLoginUID = &one }, 4},
		{"map", func(p *snapshot.Process) { p.Namespaces = map[string]uint64{"pid": 1, "net": 2} }, 2 * (3 + 16 + 8)},
		{"string map", func(p *snapshot.Process) { p.Unread = map[string]string{"fds": "permission_denied"} }, 3 + 17 + 32},
		{"fds", func(p *snapshot.Process) {
			p.FDs = []snapshot.FD{{Target: "/dev/null", Kind: "file"}, {Target: "pipe:[1]", Unread: "vanished"}}
		}, 2*fdSize + 9 + 4 + 8 + 8},
	}
	for _, c := range cases {
		var p snapshot.Process
		if n := processFootprint(&p); n != 0 {
			t.Fatalf("an empty record holds %d bytes beyond its struct, want 0", n)
		}
		c.set(&p)
		if n := processFootprint(&p); n < c.min {
			t.Errorf("%s: footprint %d, want at least %d", c.name, n, c.min)
		}
	}
}
