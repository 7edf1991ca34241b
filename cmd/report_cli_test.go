package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/procsnap/procsnap/snapshot/capture"
	snapformat "github.com/procsnap/procsnap/snapshot/format"

	"github.com/procsnap/procsnap/internal/watch"
	"github.com/procsnap/procsnap/snapshot"
)

// tinySnapshot is a host of init and one process, taken at t; zombie makes pid 20 a zombie.
func tinySnapshot(t time.Time, zombie bool) *snapshot.Snapshot {
	st := "S"
	if zombie {
		st = "Z"
	}
	s := &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema, TakenAt: t, Hostname: "tiny",
		BootID: "b0", PIDNamespace: "pid:[1]", UserHZ: 100}, Processes: []snapshot.Process{
		{PID: 1, StartTicks: 1, PGID: 1, SID: 1, State: "S", Comm: "init", Threads: 1},
		{PID: 20, StartTicks: 5, PPID: 1, PGID: 20, SID: 20, State: st, Comm: "job", Threads: 1},
	}}
	s.Header.Counts.Processes = 2
	return s
}

func writeSnap(t *testing.T, path string, s *snapshot.Snapshot) {
	t.Helper()
	s.Header.Counts = s.Count() // as take sets them
	if err := snapformat.WriteFile(path, s, ""); err != nil {
		t.Fatal(err)
	}
}

// reportInputs writes, under a temporary directory, two snapshot files, a capture directory and
// a watch --record directory of three captures, and a capture directory holding one capture.
func reportInputs(t *testing.T) (dir, a, b, caps, rec, one string) {
	t.Helper()
	t0 := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	dir = t.TempDir()
	a, b = filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	writeSnap(t, a, tinySnapshot(t0, false))
	writeSnap(t, b, tinySnapshot(t0.Add(time.Minute), true))
	caps = filepath.Join(dir, "caps")
	rec = filepath.Join(dir, "rec")
	for _, d := range []string{caps, rec} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for i, z := range []bool{false, true, true} {
		at := t0.Add(time.Duration(i) * time.Minute)
		writeSnap(t, filepath.Join(caps, capture.CaptureName("tiny", at, 0, "yaml", false)), tinySnapshot(at, z))
		writeSnap(t, filepath.Join(rec, "snapshot-"+at.Format("20060102T150405.000000000Z")+".json.gz"), tinySnapshot(at, z))
	}
	if err := os.WriteFile(filepath.Join(rec, watch.EventsFile), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	one = filepath.Join(dir, "one")
	if err := os.Mkdir(one, 0o700); err != nil {
		t.Fatal(err)
	}
	writeSnap(t, filepath.Join(one, capture.CaptureName("tiny", t0, 0, "yaml", false)), tinySnapshot(t0, false))
	return dir, a, b, caps, rec, one
}

// TestReportInputs runs report in process on each kind of input and on bad command lines.
func TestReportInputs(t *testing.T) {
	dir, a, b, caps, rec, one := reportInputs(t)
	out := filepath.Join(dir, "r.html")
	for _, tc := range []struct {
		name string
		args []string
		code ExitCode
		want string // on the page, or in stderr when code is not ExitOK
	}{
		{"two files", []string{a, b}, ExitOK, "snapshots " + a + " and " + b},
		{"two files newest first", []string{b, a}, ExitOK, "snapshots " + a + " and " + b},
		{"capture directory", []string{caps}, ExitOK, "3 snapshots · capture directory"},
		{"since", []string{caps, "--from", "2026-11-24T01:01:00Z"}, ExitOK, "2 snapshots · capture directory"},
		{"watch record directory", []string{rec}, ExitOK, "watch --record directory"},
		{"no output", []string{caps, "-o", ""}, ExitUsage, "needs -o FILE"},
		{"one capture", []string{one}, ExitUsage, "a report needs two"},
		{"one file", []string{a}, ExitUsage, "two snapshot files or one directory"},
		{"selection with files", []string{a, b, "--since", "1h"}, ExitUsage, "use report DIR"},
		{"missing file", []string{a, filepath.Join(dir, "nope.yaml")}, ExitUsage, "nope.yaml"},
		{"unwritable output", []string{caps, "-o", filepath.Join(dir, "no", "such", "r.html")}, ExitFailure, "writing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(out)
			args := append([]string{"report", "-o", out}, tc.args...)
			code, stdout, stderr := captureMain(t, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, stderr)
			}
			if tc.code != ExitOK {
				if !strings.Contains(stderr, tc.want) {
					t.Errorf("stderr %q lacks %q", stderr, tc.want)
				}
				if _, err := os.Stat(out); err == nil {
					t.Errorf("a failed report left %s", out)
				}
				return
			}
			if strings.TrimSpace(stdout) != out {
				t.Errorf("stdout %q, want the path", stdout)
			}
			assertPerm(t, out, 0o600)
			page, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(page), tc.want) {
				t.Errorf("page lacks %q", tc.want)
			}
			if !strings.Contains(string(page), "zombie of parent 1 init") {
				t.Errorf("page does not show job 20 as a zombie of init")
			}
		})
	}
}
