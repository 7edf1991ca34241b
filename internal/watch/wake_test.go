package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// fakeProc writes the stat, status and cmdline of one process under root.
func fakeProc(t *testing.T, root string, pid, ppid int, comm string, argv ...string) {
	t.Helper()
	dir := filepath.Join(root, fmt.Sprint(pid))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		// Every fake process is in session 1 (a forked child inherits its parent's session).
		"stat":    fmt.Sprintf("%d (%s) S %d %d 1 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 %d 1000 10\n", pid, comm, ppid, ppid, 5000+pid),
		"status":  fmt.Sprintf("Name:\t%s\nTgid:\t%d\nPid:\t%d\nUid:\t1000\t1000\t1000\t1000\n", comm, pid, pid),
		"cmdline": "",
	}
	for _, a := range argv {
		files["cmdline"] += a + "\x00"
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func setLastPID(t *testing.T, root string, pid int) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(root, "loadavg"), fmt.Appendf(nil, "0.00 0.00 0.00 1/100 %d\n", pid), 0o644); err != nil {
		t.Fatal(err)
	}
}

// startFake starts a watcher, without inotify, on a fake proc root holding one process, the
// spawner (pid 400, the last PID).
func startFake(t *testing.T, root string, opts Options) *Watcher {
	t.Helper()
	fakeProc(t, root, 400, 1, "spawner", "spawner", "run")
	setLastPID(t, root, 400)
	opts.Root, opts.NoInotify = root, true
	w, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestWakeRereadsPreExecChildren: a child first seen with its parent's command line (found in
// the middle of its execve) is re-read on the next inotify wake-up even though its first
// scheduled re-read is not due, so an exec followed at once by an exit is not missed; without
// a wake-up it waits for its schedule.
func TestWakeRereadsPreExecChildren(t *testing.T) {
	for _, tc := range []struct {
		name  string
		woken bool
		want  bool
	}{
		{name: "woken", woken: true, want: true},
		{name: "not woken", woken: false, want: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
			w := startFake(t, root, Options{Now: func() time.Time { return now }})

			// The fork: found on a wake-up, still a copy of its parent.
			fakeProc(t, root, 500, 400, "spawner", "spawner", "run")
			setLastPID(t, root, 500)
			w.woken = true
			if err := w.Tick(); err != nil {
				t.Fatal(err)
			}
			if p := w.live[500]; p == nil || !p.young || !w.preExec(p) {
				t.Fatalf("pid 500 after its first sighting: %+v, want young and pre-exec", p)
			}

			// The exec, 10 µs later: before the first scheduled re-read.
			fakeProc(t, root, 500, 400, "child", "child", "0", "marker")
			now = now.Add(10 * time.Microsecond)
			w.out = nil
			w.woken = tc.woken
			if err := w.Tick(); err != nil {
				t.Fatal(err)
			}
			var got bool
			for _, e := range w.out {
				got = got || e.Kind == KindExec && e.PID == 500 && len(e.NewCmdline) == 3 && e.NewCmdline[2] == "marker"
			}
			if got != tc.want {
				t.Errorf("exec of pid 500 reported: %v, want %v (events %+v)", got, tc.want, w.out)
			}
		})
	}
}

// TestProbeKeepsProcessGoneBeforeStatus: a new PID whose cmdline and stat were read but whose
// status is gone (it exited in between, as a process living a millisecond after its exec often
// does) is still reported when stat shows one thread, with its uid unknown; with more threads it
// may be a thread of another process, and it is not.
func TestProbeKeepsProcessGoneBeforeStatus(t *testing.T) {
	for _, tc := range []struct {
		name    string
		threads int
		want    bool
	}{
		{name: "one thread", threads: 1, want: true},
		{name: "two threads", threads: 2, want: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			w := startFake(t, root, Options{})

			fakeProc(t, root, 500, 400, "child", "child", "0", "marker")
			dir := filepath.Join(root, "500")
			stat := fmt.Sprintf("500 (child) R 400 400 400 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 %d 0 5500 1000 10\n", tc.threads)
			if err := os.WriteFile(filepath.Join(dir, "stat"), []byte(stat), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(filepath.Join(dir, "status")); err != nil {
				t.Fatal(err)
			}
			setLastPID(t, root, 500)
			if err := w.Tick(); err != nil {
				t.Fatal(err)
			}
			var started *Event
			for i, e := range w.out {
				if e.Kind == KindStarted && e.PID == 500 {
					started = &w.out[i]
				}
			}
			if (started != nil) != tc.want {
				t.Fatalf("started reported: %v, want %v (events %+v)", started != nil, tc.want, w.out)
			}
			if started != nil && (started.UID != -1 || len(started.Cmdline) != 3 || started.Cmdline[2] != "marker") {
				t.Errorf("started = uid %d cmdline %q, want uid -1 (unknown) and the marker", started.UID, started.Cmdline)
			}
		})
	}
}

// TestDeadProcessIsAnExit: a process whose parent is reaping it shows state X with pgid and sid
// -1 and ppid 0 in its stat. A known process seen so has exited (no setpgid, setsid or
// reparenting), and a new PID seen so is not reported at all.
func TestDeadProcessIsAnExit(t *testing.T) {
	dead := func(pid int) string {
		return fmt.Sprintf("%d (child) X 0 -1 -1 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 0 0 %d 1000 10\n", pid, 5000+pid)
	}
	root := t.TempDir()
	w := startFake(t, root, Options{})
	fakeProc(t, root, 500, 400, "child", "child", "run")
	setLastPID(t, root, 500)
	if err := w.Tick(); err != nil {
		t.Fatal(err)
	}
	// 500 dies; 501 is first seen dead.
	if err := os.WriteFile(filepath.Join(root, "500", "stat"), []byte(dead(500)), 0o644); err != nil {
		t.Fatal(err)
	}
	fakeProc(t, root, 501, 400, "child", "child", "run")
	if err := os.WriteFile(filepath.Join(root, "501", "stat"), []byte(dead(501)), 0o644); err != nil {
		t.Fatal(err)
	}
	setLastPID(t, root, 501)
	w.nextYoung = time.Time{}
	for _, p := range w.young {
		p.nextCheck = time.Time{} // due now
	}
	if err := w.Tick(); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range w.out {
		kinds = append(kinds, fmt.Sprintf("%s %d", e.Kind, e.PID))
	}
	want := []string{"started 500", "exited 500"}
	if !slices.Equal(kinds, want) {
		t.Errorf("events %q, want %q", kinds, want)
	}
}
