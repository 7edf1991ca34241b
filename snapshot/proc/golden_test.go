package proc_test

import (
	"bytes"
	"context"
	"flag"
	"github.com/procsnap/procsnap/snapshot/format"
	"github.com/procsnap/procsnap/snapshot/proc"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/fixtures/fakeproc"
	"github.com/procsnap/procsnap/snapshot"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// pinnedNow is the taken_at of every fixture snapshot.
var pinnedNow = time.Date(2026, 11, 24, 1, 2, 3, 456789000, time.FixedZone("CET", 3600))

// takeFixture takes a snapshot of a fake /proc scenario and blanks what depends on the machine
// and the run (taker ids, scan duration, the temporary root), so the result is reproducible.
func takeFixture(t testing.TB, scenario string, opts proc.TakeOptions) *snapshot.Snapshot {
	t.Helper()
	root := fakeproc.Root(t, scenario)
	opts.Root = root
	opts.Now = func() time.Time { return pinnedNow }
	if opts.Version == "" {
		opts.Version = "test"
	}
	s, err := proc.Take(context.Background(), opts)
	if err != nil {
		t.Fatalf("Take(%s): %v", scenario, err)
	}
	s.Header.TakerPID, s.Header.TakerUID, s.Header.TakerEUID = 0, 0, 0
	s.Header.ScanDurationNS = 0
	s.Header.ProcRoot = "fixtures/proc/" + scenario
	for i, n := range s.Header.Notes {
		s.Header.Notes[i] = strings.ReplaceAll(n, root, s.Header.ProcRoot)
	}
	return s
}

// TestGolden takes every fixture scenario and compares the YAML with testdata/NAME.golden.
func TestGolden(t *testing.T) {
	for _, name := range fakeproc.Scenarios(t) {
		t.Run(name, func(t *testing.T) {
			s := takeFixture(t, name, proc.TakeOptions{})
			var buf bytes.Buffer
			if err := format.Encode(&buf, s, format.FormatYAML); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", golden, diff)
			}
		})
	}
}
