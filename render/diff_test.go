package render

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
)

func sampleResult() *diff.Result {
	at := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	fd := 3
	return &diff.Result{
		A:       diff.Side{TakenAt: at, Hostname: "db1", Processes: 2},
		B:       diff.Side{TakenAt: at.Add(90 * time.Second), Hostname: "db1", Processes: 3},
		Elapsed: 90 * time.Second, ElapsedSeconds: 90,
		Swapped: true, Notes: []string{"B was taken before A: the snapshots were swapped"},
		Events: []diff.Event{
			{Kind: diff.KindStarted, PID: 620, StartTicks: 6200, Comm: "pgbouncer", PPID: 1,
				Summary: "started 620 (pgbouncer), child of 1 (systemd, init); likely created by 600 (pgbouncer), score 6.91: fd 3=socket:[7001], leads its process group 600"},
			{Kind: diff.KindFDInherited, PID: 620, StartTicks: 6200, Comm: "pgbouncer", FD: &fd, Target: "socket:[7001]",
				Summary: "fd 3 → socket:[7001] shares creator's fd 3 (600 pgbouncer)"},
		},
		Zombies: diff.ZombieReport{
			Parents: []diff.ZombieParent{{PID: 500, Comm: "server", State: "S", Wchan: "do_select", SigChld: "default", Zombies: 3, Lingering: 3, NotReaping: true}},
			Summary: "3 zombies under 1 parent; not reaping for at least 1m30s: 500 (server)",
		},
	}
}

func TestDiff(t *testing.T) {
	empty := sampleResult()
	empty.Events, empty.Zombies, empty.Notes, empty.Swapped = []diff.Event{}, diff.ZombieReport{Summary: "no zombies"}, nil, false
	cases := []struct {
		name   string
		res    *diff.Result
		format string
	}{
		{"table", sampleResult(), FormatTable},
		{"table_empty", empty, FormatTable},
		{"jsonl", sampleResult(), FormatJSONL},
		{"jsonl_empty", empty, FormatJSONL},
		{"json", sampleResult(), FormatJSON},
		{"yaml", sampleResult(), FormatYAML},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Diff(&buf, tc.res, tc.format); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "diff_"+tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./render -update)", err)
			}
			if d := cmp.Diff(string(want), buf.String()); d != "" {
				t.Errorf("%s (-want +got):\n%s", path, d)
			}
		})
	}
}

func TestDiffUnknownFormat(t *testing.T) {
	var buf bytes.Buffer
	err := Diff(&buf, sampleResult(), "xml")
	if !errors.Is(err, snapshot.ErrUnknownFormat) {
		t.Fatalf("Diff(xml) = %v, want ErrUnknownFormat", err)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q for an unknown format", buf.String())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestDiffWriteError(t *testing.T) {
	for _, f := range DiffFormats {
		if err := Diff(failWriter{}, sampleResult(), f); err == nil {
			t.Errorf("%s: a failing writer gave no error", f)
		}
	}
}
