package timeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
	"github.com/procsnap/procsnap/snapshot/capture"
	"github.com/procsnap/procsnap/snapshot/format"
)

var t0 = time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)

// snap is a valid snapshot of host "h" in boot, taken at t, holding init and the given PIDs
// (children of init, start ticks 100*pid).
func snap(boot string, t time.Time, pids ...int) *snapshot.Snapshot {
	s := &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema, Hostname: "h", BootID: boot, TakenAt: t}}
	s.Processes = append(s.Processes, snapshot.Process{PID: 1, StartTicks: 1, State: "S", Comm: "init"})
	for _, pid := range pids {
		s.Processes = append(s.Processes, snapshot.Process{PID: pid, StartTicks: uint64(100 * pid), PPID: 1, State: "S", Comm: "w"})
	}
	s.Header.Counts = s.Count()
	return s
}

// captureDir writes each snapshot as a capture (nil: a file that is not a snapshot) and lists them.
func captureDir(tb testing.TB, snaps ...*snapshot.Snapshot) []capture.Capture {
	tb.Helper()
	dir := tb.TempDir()
	for i, s := range snaps {
		path := filepath.Join(dir, capture.CaptureName("h", t0.Add(time.Duration(i)*time.Minute), 0, "", false))
		if s == nil {
			if err := os.WriteFile(path, []byte("not: [a snapshot\n"), 0o600); err != nil {
				tb.Fatal(err)
			}
			continue
		}
		if err := format.WriteFile(path, s, ""); err != nil {
			tb.Fatal(err)
		}
	}
	cs, err := capture.ListCaptures(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return cs
}

func kinds(iv Interval) []string {
	out := []string{}
	for _, e := range iv.Events {
		out = append(out, e.Kind+" "+strings.TrimSpace(e.Comm))
	}
	return out
}

func TestCompare(t *testing.T) {
	const boot1, boot2 = "0f1e2d3c-aaaa-bbbb-cccc-000000000001", "0f1e2d3c-aaaa-bbbb-cccc-000000000002"
	cs := captureDir(t,
		snap(boot1, t0, 10),
		nil, // unreadable: skipped, noted on the interval that spans it
		snap(boot1, t0.Add(2*time.Minute), 10, 11),
		snap(boot2, t0.Add(3*time.Minute), 10), // rebooted: no events, a note
	)
	var kept []string
	var seen int
	ivs, err := Compare(context.Background(), cs, Options{
		Keep: func(name string, _ *snapshot.Snapshot) { kept = append(kept, name) },
		Each: func(_, _ *snapshot.Snapshot, _ *diff.Result) error { seen++; return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ivs) != 2 || seen != 2 || len(kept) != 3 {
		t.Fatalf("got %d intervals, %d Each calls, %d kept captures; want 2, 2, 3", len(ivs), seen, len(kept))
	}
	if ivs[0].AFile != cs[0].Name || ivs[0].BFile != cs[2].Name {
		t.Errorf("first interval %s → %s, want %s → %s", ivs[0].AFile, ivs[0].BFile, cs[0].Name, cs[2].Name)
	}
	if len(ivs[0].Notes) == 0 || !strings.HasPrefix(ivs[0].Notes[0], "skipped "+cs[1].Name+": ") {
		t.Errorf("first interval notes %q, want the skipped capture first", ivs[0].Notes)
	}
	if diff := cmp.Diff([]string{"started w"}, kinds(ivs[0])); diff != "" {
		t.Errorf("first interval events (-want +got):\n%s", diff)
	}
	if len(ivs[1].Events) != 0 || len(ivs[1].Notes) != 1 || !strings.HasPrefix(ivs[1].Notes[0], "no events: ") ||
		!strings.Contains(ivs[1].Notes[0], diff.ErrBootMismatch.Error()) {
		t.Errorf("interval across the reboot: events %v, notes %q; want none and one reboot note", kinds(ivs[1]), ivs[1].Notes)
	}
}

func TestCompareFilters(t *testing.T) {
	const boot = "0f1e2d3c-aaaa-bbbb-cccc-000000000001"
	cs := captureDir(t, snap(boot, t0, 10, 11), snap(boot, t0.Add(time.Minute), 12))
	ivs, err := Compare(context.Background(), cs, Options{PIDs: []int{12}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"started w"}, kinds(ivs[0])); diff != "" {
		t.Errorf("events of pid 12 (-want +got):\n%s", diff)
	}
}

func TestCompareNeedsTwoReadable(t *testing.T) {
	cs := captureDir(t, snap("0f1e2d3c-aaaa-bbbb-cccc-000000000001", t0), nil)
	_, err := Compare(context.Background(), cs, Options{})
	if !errors.Is(err, snapshot.ErrNoCapture) {
		t.Fatalf("err = %v, want ErrNoCapture", err)
	}
}
