package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeDaemon writes a process in a fake proc root with its parent, process group and session.
func fakeDaemon(t *testing.T, root string, pid, ppid, sid int, argv ...string) {
	t.Helper()
	fakeProc(t, root, pid, ppid, argv[0], argv...)
	writeFile(t, filepath.Join(root, fmt.Sprint(pid), "stat"),
		fmt.Sprintf("%d (%s) S %d %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 %d 1000 10\n", pid, argv[0], ppid, sid, sid, 5000+pid))
}

// TestInferCreator stages what a loaded host shows of a daemon's launch: the launcher seen,
// the middle process not, and the daemon first seen already adopted by init. The creator is
// inferred from PID order and start times, or from a fork without exec; a process seen
// between them that is not the launcher's rules the PID order out; and the daemon is reported
// daemonized whether or not its creator is known.
func TestInferCreator(t *testing.T) {
	for _, tc := range []struct {
		name    string
		stage   func(t *testing.T, root string) // after the launcher 500 was seen
		how     string                          // prefix of chain_how of the daemon, 502
		creator int                             // first link of its chain
	}{
		{
			name: "middle missed",
			stage: func(t *testing.T, root string) {
				// 501, the middle, is gone; 502 is in the session it made.
				fakeDaemon(t, root, 502, 1, 501, "daemon", "--foreground")
			},
			how: "inferred: creator 500 (launcher, alive) from pid order (500 → 502: 1 PIDs between, 1 of them not seen", creator: 500,
		},
		{
			name: "another process between",
			stage: func(t *testing.T, root string) {
				fakeDaemon(t, root, 501, 400, 1, "other")
				fakeDaemon(t, root, 502, 1, 502, "daemon", "--foreground")
			},
			how: "unknown", creator: 1,
		},
		{
			// 502's session was made by 480, before the launcher: the launcher (in session 1)
			// cannot have forked it, however close their PIDs (an unrelated process forking
			// next to a daemon on a busy host).
			name: "another session",
			stage: func(t *testing.T, root string) {
				fakeDaemon(t, root, 502, 1, 480, "daemon", "--foreground")
			},
			how: "unknown", creator: 1,
		},
		{
			name: "fork without exec",
			stage: func(t *testing.T, root string) {
				fakeDaemon(t, root, 501, 400, 1, "other")
				fakeDaemon(t, root, 502, 1, 502, "launcher", "--daemonize")
				// The launcher exited after its fork: its kept-open stat shows it dead.
				writeFile(t, filepath.Join(root, "500", "stat"), "500 (launcher) X 0 -1 -1 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 0 0 5500 1000 10\n")
			},
			how: "inferred: creator 500 (launcher, exited) from same command line", creator: 500,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			fakeProc(t, root, 1, 0, "init", "init")
			w := startFake(t, root, Options{})
			fakeDaemon(t, root, 500, 400, 1, "launcher", "--daemonize")
			setLastPID(t, root, 500)
			tick(t, w)
			tc.stage(t, root)
			setLastPID(t, root, 502)
			w.out = nil
			tick(t, w)
			var started, daemonized *Event
			for i, e := range w.out {
				switch {
				case e.PID == 502 && e.Kind == KindStarted:
					started = &w.out[i]
				case e.PID == 502 && e.Kind == KindDaemonized:
					daemonized = &w.out[i]
				}
			}
			if started == nil || daemonized == nil {
				t.Fatalf("want started and daemonized for 502, got %+v", w.out)
			}
			for _, e := range []*Event{started, daemonized} {
				if !strings.HasPrefix(e.ChainHow, tc.how) {
					t.Errorf("%s: chain_how %q, want %q...", e.Kind, e.ChainHow, tc.how)
				}
				if len(e.Chain) == 0 || e.Chain[0].PID != tc.creator || e.Chain[0].Inferred != (tc.creator != 1) {
					t.Errorf("%s: chain %+v, want %d first (inferred: %v)", e.Kind, e.Chain, tc.creator, tc.creator != 1)
				}
			}
			if tc.creator == 500 && (len(started.Chain) < 2 || started.Chain[1].PID != 400 || started.Chain[1].Inferred) {
				t.Errorf("chain %+v, want 500 (inferred) then 400 (seen)", started.Chain)
			}
		})
	}
}

// TestInferCreatorCgroup: a launcher in another cgroup than the daemon is ruled out, but one
// that reads as the root of every hierarchy while the daemon's does not is not: a task in the
// middle of its exit reads so (a launcher's shell, on a live host, a few ms before its exit
// was seen, made 2 of 5 setsid -f daemons "creator unknown").
func TestInferCreatorCgroup(t *testing.T) {
	for _, tc := range []struct {
		name, launcher, how string
	}{
		{"same cgroup", "1:cpu:/\n0::/user/a\n", "inferred: creator 500"},
		{"another cgroup", "1:cpu:/\n0::/user/b\n", "unknown"},
		{"root while exiting", "1:cpu:/\n0::/\n", "inferred: creator 500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			fakeProc(t, root, 1, 0, "init", "init")
			w := startFake(t, root, Options{})
			fakeDaemon(t, root, 500, 400, 1, "launcher", "--daemonize")
			writeFile(t, filepath.Join(root, "500", "cgroup"), tc.launcher)
			setLastPID(t, root, 500)
			tick(t, w)
			fakeDaemon(t, root, 502, 1, 501, "daemon", "--foreground")
			writeFile(t, filepath.Join(root, "502", "cgroup"), "1:cpu:/\n0::/user/a\n")
			setLastPID(t, root, 502)
			w.out = nil
			tick(t, w)
			for _, e := range w.out {
				if e.PID == 502 && e.Kind == KindDaemonized {
					if !strings.HasPrefix(e.ChainHow, tc.how) {
						t.Errorf("chain_how %q, want %q...", e.ChainHow, tc.how)
					}
					return
				}
			}
			t.Fatalf("no daemonized event for 502: %+v", w.out)
		})
	}
}

// TestInferCreatorSharedPipe: a daemon (480, adopted by init, in the session of a middle 470
// that was never seen) holds a pipe. PID order alone names 460, the closest process before it
// with only unseen PIDs between them. When the launcher 450 alone holds that pipe too, it is
// the creator; when 460 holds it as well (a pipe a whole job shares), the pipe says nothing.
func TestInferCreatorSharedPipe(t *testing.T) {
	for _, tc := range []struct {
		name    string
		holders []int
		want    int
		pipe    bool
	}{
		{name: "launcher alone", holders: []int{450}, want: 450, pipe: true},
		{name: "launcher and another", holders: []int{450, 460}, want: 460},
		{name: "nobody", want: 460},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			w := startFake(t, root, Options{})
			fakeProc(t, root, 450, 400, "launcher", "launcher")
			fakeProc(t, root, 460, 400, "other", "other")
			fakeDaemon(t, root, 480, 1, 470, "daemon")
			for _, pid := range append([]int{480}, tc.holders...) {
				fd := filepath.Join(root, fmt.Sprint(pid), "fd")
				for name, target := range map[string]string{"0": "/dev/null", "1": "pipe:[77]", "2": "/dev/pts/0"} {
					symlink(t, target, filepath.Join(fd, name))
				}
			}
			setLastPID(t, root, 480)
			if err := w.Tick(); err != nil {
				t.Fatal(err)
			}
			d := w.live[480]
			if d == nil || !d.adoptedAtBirth {
				t.Fatalf("daemon: %+v, want first seen adopted", d)
			}
			if d.parent.PID != tc.want || strings.Contains(d.inferred, "pipe:[77]") != tc.pipe {
				t.Errorf("creator %d (%s), want %d, pipe named: %v", d.parent.PID, d.inferred, tc.want, tc.pipe)
			}
		})
	}
}

// symlink makes link point to target, creating link's directory.
func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkShareCreator is the cost shareCreator adds to each process first seen adopted, on
// this host: the benchmark's own process as the daemon, the living processes within
// maxSharePIDGap before it as the candidates whose descriptors are read.
func BenchmarkShareCreator(b *testing.B) {
	w, err := New(Options{NoInotify: true})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	p := w.live[os.Getpid()]
	if p == nil {
		b.Fatal("own process not seen")
	}
	n := 0
	for _, c := range w.live {
		if c.key.PID < p.key.PID && c.key.PID >= p.key.PID-maxSharePIDGap {
			n++
		}
	}
	for b.Loop() {
		w.shareCreator(p)
	}
	b.ReportMetric(float64(min(n, maxShareReads)), "candidates")
}
