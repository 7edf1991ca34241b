package watch

import (
	"fmt"
	"os"
	"path/filepath"
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
		"stat":    fmt.Sprintf("%d (%s) S %d %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 %d 1000 10\n", pid, comm, ppid, ppid, ppid, 5000+pid),
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
			fakeProc(t, root, 400, 1, "spawner", "spawner", "run")
			setLastPID(t, root, 400)
			now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
			w, err := New(Options{Root: root, NoInotify: true, Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if err := w.Start(); err != nil {
				t.Fatal(err)
			}

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
