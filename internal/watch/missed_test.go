package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeThread makes tid a thread of tgid in a fake proc root: reachable as /proc/TID, with
// Tgid naming its process, as the kernel shows it.
func fakeThread(t *testing.T, root string, tid, tgid int) {
	t.Helper()
	fakeProc(t, root, tid, 1, "worker", "worker")
	// Started now, in ticks since boot: a thread older than the previous tick held its TID
	// before, and is not counted as created.
	start := time.Since(bootWallTime()) * userHZ / time.Second
	writeFile(t, filepath.Join(root, fmt.Sprint(tid), "stat"),
		fmt.Sprintf("%d (worker) S 1 1 1 0 -1 4194368 0 0 0 0 0 0 0 0 20 0 2 0 %d 1000 10\n", tid, start))
	status := fmt.Sprintf("Name:\tworker\nTgid:\t%d\nPid:\t%d\nUid:\t1000\t1000\t1000\t1000\n", tgid, tid)
	writeFile(t, filepath.Join(root, fmt.Sprint(tid), "status"), status)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func tick(t *testing.T, w *Watcher) {
	t.Helper()
	if err := w.Tick(); err != nil {
		t.Fatal(err)
	}
}

// TestMissedCount: every PID between two readings of last_pid is counted once, as a process
// seen, a thread seen, or missed; a PID empty at the first look but filled at the next one
// (a fork that was not yet in /proc) is seen, not missed; a PID held by a process already
// followed was skipped by the kernel and not counted; after pid_max the kernel resumes at 300.
func TestMissedCount(t *testing.T) {
	for _, tc := range []struct {
		name   string
		pidMax int
		setup  func(t *testing.T, root string) (last int) // the state at the first tick
		later  func(t *testing.T, root string)            // before the second tick
		want   Counts
	}{
		{
			name: "process, thread, empty, late, process",
			setup: func(t *testing.T, root string) int {
				fakeProc(t, root, 401, 400, "child", "child")
				fakeThread(t, root, 402, 401)
				// 403 and 404: nothing there yet.
				fakeProc(t, root, 405, 400, "child", "child")
				return 405
			},
			later: func(t *testing.T, root string) { fakeProc(t, root, 404, 400, "late", "late") },
			want:  Counts{Created: 5, Processes: 3, Threads: 1, Missed: 1},
		},
		{
			name: "wrap at pid_max",
			// 400 (followed, so skipped) wraps: 401..999 then 300..302.
			pidMax: 1000,
			setup: func(t *testing.T, root string) int {
				fakeProc(t, root, 999, 400, "child", "child")
				fakeProc(t, root, 300, 400, "child", "child")
				return 302
			},
			want: Counts{Created: 599 + 3, Processes: 2, Missed: 599 + 3 - 2},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			if tc.pidMax > 0 {
				if err := os.MkdirAll(filepath.Join(root, "sys", "kernel"), 0o755); err != nil {
					t.Fatal(err)
				}
				writeFile(t, filepath.Join(root, "sys", "kernel", "pid_max"), fmt.Sprintln(tc.pidMax))
			}
			w := startFake(t, root, Options{})
			setLastPID(t, root, tc.setup(t, root))
			tick(t, w)
			if tc.later != nil {
				tc.later(t, root)
			}
			tick(t, w) // the re-probe of what was empty
			got := w.counts()
			got.HostCreated, got.LateTicks, got.MaxLateNS = 0, 0, 0 // no /proc/stat in the fake
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("counts (-want +got):\n%s", d)
			}
		})
	}
}

// TestStatsEvent: a stats event comes every StatsEvery with the interval's counts, and the
// next interval starts from zero.
func TestStatsEvent(t *testing.T) {
	root := t.TempDir()
	now := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	w := startFake(t, root, Options{StatsEvery: time.Second, Now: func() time.Time { return now }})
	setLastPID(t, root, 403) // 401..403: nothing there
	tick(t, w)
	now = now.Add(1100 * time.Millisecond)
	w.out = nil
	tick(t, w)
	var stats []*Interval
	for _, e := range w.out {
		if e.Kind == KindStats {
			stats = append(stats, e.Interval)
		}
	}
	if len(stats) != 1 {
		t.Fatalf("stats events %d, want 1: %+v", len(stats), w.out)
	}
	if iv := stats[0]; iv.Created != 3 || iv.Missed != 3 || !iv.To.Equal(now) {
		t.Errorf("interval %+v, want 3 created, 3 missed, up to now", iv)
	}
	now = now.Add(1100 * time.Millisecond)
	w.out = nil
	tick(t, w)
	if len(w.out) != 1 || w.out[0].Interval == nil || w.out[0].Interval.Created != 0 || w.out[0].Interval.Missed != 0 {
		t.Errorf("second interval %+v, want nothing created or missed", w.out)
	}
	if s := stats[0].String(); !strings.HasPrefix(s, "missed 3 of 3 processes or threads created in this PID namespace (100.0%)") {
		t.Errorf("summary %q", s)
	}
}

// TestZombieOrder: a zombie that lingers is reported became_zombie then exited; one reaped
// before it lingered only exited.
func TestZombieOrder(t *testing.T) {
	zombie := "500 (child) Z 400 400 1 0 -1 4227140 0 0 0 0 0 0 0 0 20 0 1 0 5500 0 0\n"
	for _, tc := range []struct {
		name  string
		reap  bool
		kinds []string
	}{
		{name: "lingers", kinds: []string{KindBecameZombie, KindExited}},
		{name: "reaped at once", reap: true, kinds: []string{KindExited}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			now := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
			w := startFake(t, root, Options{ZombieAfter: 100 * time.Millisecond, Now: func() time.Time { return now }})
			fakeProc(t, root, 500, 400, "child", "child")
			setLastPID(t, root, 500)
			tick(t, w)
			writeFile(t, filepath.Join(root, "500", "stat"), zombie)
			var kinds []string
			for range 3 {
				now = now.Add(60 * time.Millisecond)
				for _, p := range w.young {
					p.nextCheck = now // due
				}
				w.out = nil
				tick(t, w)
				for _, e := range w.out {
					if e.PID == 500 {
						kinds = append(kinds, e.Kind)
					}
				}
				if tc.reap { // what a kept-open stat shows while its parent reaps it
					writeFile(t, filepath.Join(root, "500", "stat"), "500 (child) X 0 -1 -1 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 0 0 5500 1000 10\n")
				}
			}
			if !slices.Equal(kinds, tc.kinds) {
				t.Errorf("events %q, want %q", kinds, tc.kinds)
			}
		})
	}
}
