package watch

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// waitTicks waits (generously, not as a timing assertion) until the watcher has ticked n more
// times, so that what was found empty has been looked at again.
func (r *recorder) waitTicks(t testing.TB, n int64) {
	t.Helper()
	want := r.ticks() + n
	for deadline := time.Now().Add(60 * time.Second); r.ticks() < want; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the watcher did not tick %d times in 60 s", n)
		}
	}
}

// TestLiveMissedCounted starts 100 processes that exit at once. Whatever the scheduling, each
// is either seen (a started event with its PID) or counted: the count of processes or threads
// missed (or still to be looked at) is at least the number of them not seen, and they are all
// among those counted as created.
func TestLiveMissedCounted(t *testing.T) {
	r := startWatch(t, Options{})
	var pids []int
	for range 100 {
		c := exec.Command("/bin/true")
		if err := c.Run(); err != nil {
			t.Fatal(err)
		}
		pids = append(pids, c.Process.Pid)
	}
	r.waitTicks(t, 3)
	r.stop()
	seen := 0
	for _, pid := range pids {
		if slices.ContainsFunc(r.events, func(e Event) bool { return e.Kind == KindStarted && e.PID == pid }) {
			seen++
		}
	}
	c := r.w.counts()
	t.Logf("seen %d of our %d; counts %s", seen, len(pids), c)
	if c.Created < int64(len(pids)) {
		t.Errorf("created %d, want at least our %d processes", c.Created, len(pids))
	}
	if unseen := int64(len(pids) - seen); c.Missed+c.Pending < unseen {
		t.Errorf("missed %d + pending %d, want at least the %d of ours not seen", c.Missed, c.Pending, unseen)
	}
	if c.Processes < int64(seen) {
		t.Errorf("processes seen %d, want at least the %d of ours seen", c.Processes, seen)
	}
	last := r.events[len(r.events)-1]
	if last.Kind != KindStats || last.Interval == nil {
		t.Errorf("last event %+v, want the final stats", last)
	}
	if first := r.events[0]; first.Kind != KindWatching || first.Watching == nil || first.Watching.Processes == 0 {
		t.Errorf("first event %+v, want watching with the processes it starts with", first)
	}
}

// TestLiveDaemonized stages two real daemons: one made by a double fork that leaves it in a
// session whose leader is gone (as start-stop-daemon --background does), one by setsid -f
// (a fork, setsid, exec: it leads its own session). Whatever the watch saw of their
// launchers, each is reported daemonized; and a chain it gives is right: when seen, it runs
// through the launcher; when inferred, it names the launcher or a process of its chain.
func TestLiveDaemonized(t *testing.T) {
	setsid, err := exec.LookPath("setsid")
	if err != nil {
		t.Skip("no setsid")
	}
	for _, tc := range []struct {
		name   string
		script string
		leads  bool
	}{
		{name: "double fork", script: setsid + ` sh -c "sleep M & exit 0" & wait`},
		{name: "setsid -f", script: setsid + ` -f sleep M`, leads: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := startWatch(t, Options{})
			m := marker(t)
			t.Cleanup(func() { killByCmdline(t, m) })
			l := start(t, "sh", "-c", "sleep 0.05; "+strings.ReplaceAll(tc.script, "M", m))
			// Seen before its exec, the daemon still shows its creator's command line, which
			// holds the marker inside an argument.
			hasMarker := func(e *Event) bool {
				return strings.Contains(strings.Join(e.Cmdline, " "), m) || strings.Contains(strings.Join(e.NewCmdline, " "), m)
			}
			// Read while it execs, the daemon's command line may still be empty: then its exec
			// event (or any other about that PID) carries the marker. await holds r.mu.
			ours := func(e *Event) bool {
				if hasMarker(e) {
					return true
				}
				for i := range r.events {
					if o := &r.events[i]; o.PID == e.PID && o.StartTicks == e.StartTicks && hasMarker(o) {
						return true
					}
				}
				return false
			}
			dz, found := r.await(15*time.Second, func(e *Event) bool { return e.Kind == KindDaemonized && ours(e) })
			if !found {
				// The daemon may have been seen only after its adoption, outside the test's
				// descendants that dump shows: show every event that names the marker too.
				t.Fatalf("no daemonized event; saw:\n%s\nand naming %s:\n%s", r.dump(), m, r.dumpIf(hasMarker))
			}
			if leads := dz.NewSID == dz.PID || dz.Summary != "" && strings.Contains(dz.Summary, "leads session"); leads != tc.leads {
				t.Errorf("daemonized %q: leads its session %v, want %v", dz.Summary, leads, tc.leads)
			}
			var chain []int
			for _, a := range dz.Chain {
				chain = append(chain, a.PID)
			}
			t.Logf("chain %v (%s)", chain, dz.ChainHow)
			switch {
			case dz.ChainHow == "seen":
				if !slices.Contains(chain, l.Process.Pid) || !slices.Contains(chain, os.Getpid()) {
					t.Errorf("seen chain %v does not run through the launcher %d and the test %d", chain, l.Process.Pid, os.Getpid())
				}
			case strings.HasPrefix(dz.ChainHow, "inferred:"):
				// An inference is a guess from what was seen, and says from what. Beside other
				// work an unrelated process may fork right before the daemon's PID, and PID
				// order then names it (the documented limit): that is the one way an inferred
				// chain may miss the launcher, so anything else is an error.
				if !strings.Contains(dz.ChainHow, fmt.Sprintf("creator %d ", chain[0])) {
					t.Errorf("inferred chain %v, but chain_how %q names another creator", chain, dz.ChainHow)
				}
				if !slices.Contains(chain, l.Process.Pid) {
					if strings.Contains(dz.ChainHow, "same command line") || !strings.Contains(dz.ChainHow, "pid order") {
						t.Errorf("inferred chain %v (%s) does not name the launcher %d", chain, dz.ChainHow, l.Process.Pid)
					} else {
						t.Logf("PID order named an unrelated neighbour %d, not the launcher %d (another process forked beside the daemon)", chain[0], l.Process.Pid)
					}
				}
			case !strings.HasPrefix(dz.ChainHow, "unknown"):
				t.Errorf("chain_how %q, want seen, inferred: or unknown", dz.ChainHow)
			}
		})
	}
}

// TestLiveWakeOnExecInWritableDir: the default directories include those anyone can write to
// and run from, and an exec of a program copied there wakes the watch (an exec opens the
// program: one IN_OPEN in its directory, all a static binary makes).
func TestLiveWakeOnExecInWritableDir(t *testing.T) {
	dirs := inotifyDirs(nil)
	for _, d := range []string{"/tmp", "/var/tmp", "/dev/shm"} {
		if r, err := filepath.EvalSymlinks(d); err == nil && !slices.Contains(dirs, r) {
			t.Errorf("default inotify directories %v lack %s", dirs, r)
		}
	}
	dir := t.TempDir()
	src, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Skip("no /bin/true")
	}
	prog := filepath.Join(dir, "dropped")
	if err := os.WriteFile(prog, src, 0o755); err != nil {
		t.Fatal(err)
	}
	r := startWatch(t, Options{InotifyDirs: []string{dir}})
	before := r.w.wakeups.Load()
	if err := exec.Command(prog).Run(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); r.w.wakeups.Load() == before; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no inotify wake-up after running %s", prog)
		}
	}
}

// TestLiveCreatorSharesPipe stages a double fork whose middle is gone before the watch looks:
// the launcher L, a bash, reads from a process substitution <(setsid sh -c "sleep M &"), whose
// process (the middle) calls setsid, starts the daemon D in the background and exits, reaped
// by L at once; D, adopted, holds the write end of the pipe L holds the read end of. An
// unrelated process U is started between L and the middle, so PID order names U (the closest
// process before D, with an unseen PID between them). The watch ticks once, after all that:
// D is first seen adopted, and the pipe it shares with L alone names L its creator.
func TestLiveCreatorSharesPipe(t *testing.T) {
	if testing.Short() {
		t.Skip("real-kernel test")
	}
	setsid, err := exec.LookPath("setsid")
	if err != nil {
		t.Skip("no setsid")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	w, err := New(Options{NoInotify: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	m := marker(t)
	t.Cleanup(func() { killByCmdline(t, m) })
	l := exec.Command(bash, "-c", `read go; exec 3< <(`+setsid+` sh -c "sleep `+m+` &"); read end`)
	in, err := l.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		_ = l.Wait()
	})
	u := start(t, "sleep", "300")
	if _, err := in.Write([]byte("go\n")); err != nil {
		t.Fatal(err)
	}
	// D: the process running sleep M, once the middle (the leader of D's session) is gone.
	var d sighting
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the daemon was not started, or its middle not reaped, in 30 s")
		}
		d = findByArg(t, m)
		if _, err := os.Stat("/proc/" + strconv.Itoa(d.SID)); d.PID != 0 && d.SID != d.PID && os.IsNotExist(err) {
			break
		}
	}
	if err := w.Tick(); err != nil {
		t.Fatal(err)
	}
	var started *Event
	for i, e := range w.out {
		if e.Kind == KindStarted && e.PID == d.PID {
			started = &w.out[i]
		}
	}
	if started == nil {
		t.Fatalf("no started event for the daemon %d; events %+v", d.PID, w.out)
	}
	t.Logf("L %d, U %d, middle %d, D %d: chain_how %q", l.Process.Pid, u.Process.Pid, d.SID, d.PID, started.ChainHow)
	if len(started.Chain) == 0 || started.Chain[0].PID != l.Process.Pid || !strings.Contains(started.ChainHow, " pipe:[") {
		t.Errorf("daemon's chain %+v (%s), want its launcher %d first, from the pipe they share", started.Chain, started.ChainHow, l.Process.Pid)
	}
}

// findByArg returns the process whose command line holds arg as argv[1] (zero if none).
func findByArg(t testing.TB, arg string) sighting {
	t.Helper()
	var buf []byte
	pids, err := listPIDs("/proc", &buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		if a := splitCmdline(b); err != nil || len(a) < 2 || a[1] != arg {
			continue
		}
		st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		var s sighting
		if err == nil && parseStat(st, &s) == nil {
			return s
		}
	}
	return sighting{}
}
