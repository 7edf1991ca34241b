package watch

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"
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

// TestSpinSeesExecAfterProgramDirWake: on a wake-up from a program directory (the exec of a
// program dropped in /tmp: the only wake-up a static program gives, before its new command
// line is in place), a child first seen as a copy of its parent is re-read within the same
// tick until it has exec'd; a wake-up from a library directory does not (the loader's opening
// of libc wakes the watch again after the exec). The exec happens while the tick runs: the
// watch's clock makes it when first asked the time after the child is followed (a re-read
// asks it). Each process is re-read so once.
func TestSpinSeesExecAfterProgramDirWake(t *testing.T) {
	for _, tc := range []struct {
		name      string
		execWoken bool
		want      bool
	}{
		{name: "program directory", execWoken: true, want: true},
		{name: "library directory", execWoken: false, want: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			t0 := time.Date(2026, 12, 6, 21, 0, 0, 0, time.UTC)
			var w *Watcher
			execd := false
			now := func() time.Time {
				if w != nil && w.live[500] != nil && !execd {
					execd = true
					fakeProc(t, root, 500, 400, "child", "child", "0", "marker")
				}
				return t0
			}
			w = startFake(t, root, Options{Now: now})

			fakeProc(t, root, 500, 400, "spawner", "spawner", "run")
			setLastPID(t, root, 500)
			w.woken, w.execWoken = true, tc.execWoken
			if err := w.Tick(); err != nil {
				t.Fatal(err)
			}
			if got := hasExec(w.out, 500, "marker"); got != tc.want {
				t.Errorf("exec of pid 500 reported in the waking tick: %v, want %v (events %+v)", got, tc.want, w.out)
			}
		})
	}
	t.Run("once per process", func(t *testing.T) {
		root := t.TempDir()
		now := time.Date(2026, 12, 6, 21, 0, 0, 0, time.UTC)
		w := startFake(t, root, Options{Now: func() time.Time { return now }})
		fakeProc(t, root, 500, 400, "spawner", "spawner", "run")
		setLastPID(t, root, 500)
		w.woken, w.execWoken = true, true
		if err := w.Tick(); err != nil {
			t.Fatal(err)
		}
		if p := w.live[500]; p == nil || !p.spun || !w.preExec(p) {
			t.Fatalf("pid 500 after a tick that re-read it: %+v, want spun and still pre-exec", p)
		}
		// It execs; the next wake-up from a program directory, before its scheduled re-read,
		// does not re-read it again.
		fakeProc(t, root, 500, 400, "child", "child", "0", "marker")
		now = now.Add(10 * time.Microsecond)
		w.out = nil
		w.woken, w.execWoken = false, true
		if err := w.Tick(); err != nil {
			t.Fatal(err)
		}
		if hasExec(w.out, 500, "marker") {
			t.Errorf("pid 500 re-read by a second spin: events %+v", w.out)
		}
	})
}

func hasExec(evs []Event, pid int, marker string) bool {
	return slices.ContainsFunc(evs, func(e Event) bool {
		return e.Kind == KindExec && e.PID == pid && slices.Contains(e.NewCmdline, marker)
	})
}

// TestInExecDir: the inotify events read at once are scanned for one in a program directory,
// each event's length read from its header.
func TestInExecDir(t *testing.T) {
	event := func(wd int32, name string) []byte {
		n := (len(name) + 1 + 15) / 16 * 16 // the kernel pads the name with NULs
		b := make([]byte, 16+n)
		binary.NativeEndian.PutUint32(b[0:], uint32(wd))
		binary.NativeEndian.PutUint32(b[4:], unix.IN_OPEN)
		binary.NativeEndian.PutUint32(b[12:], uint32(n))
		copy(b[16:], name)
		return b
	}
	spin := map[int32]bool{1: false, 2: true}
	for _, tc := range []struct {
		name string
		b    []byte
		want bool
	}{
		{"library only", event(1, "libc.so.6"), false},
		{"program dir", event(2, "dropped"), true},
		{"program dir after a long name", append(event(1, "libsomething-with-a-long-name.so.1"), event(2, "x")...), true},
		{"unknown watch", event(3, "x"), false},
		{"no name", event(2, ""), true},
		{"cut short", event(2, "dropped")[:10], false},
	} {
		if got := inExecDir(tc.b, spin); got != tc.want {
			t.Errorf("%s: inExecDir = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestSpinDirs: the library directories and those of $PATH are not program directories; the
// writable ones are.
func TestSpinDirs(t *testing.T) {
	bin := t.TempDir()
	t.Setenv("PATH", bin)
	tmp, err := filepath.EvalSymlinks(os.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	got := spinDirs([]string{bin, tmp})
	if got[bin] || !got[tmp] {
		t.Errorf("spinDirs = %v, want %s false ($PATH) and %s true", got, bin, tmp)
	}
	for _, d := range inotifyDirs(defaultInotifyDirs) {
		if spinDirs([]string{d})[d] {
			t.Errorf("library directory %s is a program directory", d)
		}
	}
}
