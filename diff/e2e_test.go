package diff

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"

	snapproc "github.com/procsnap/procsnap/snapshot/proc"

	"golang.org/x/sys/unix"

	"github.com/procsnap/procsnap/fixtures/stage"
	"github.com/procsnap/procsnap/snapshot"
)

// expectation lists the event kinds a staged process must get (each at least once) and the
// only other kinds it may get.
type expectation struct {
	what     string
	pid      int
	required []string
	allowed  []string
}

// helperProc is a re-exec of the test binary playing a helper role (main_test.go).
type helperProc struct {
	pid    int
	in     io.WriteCloser
	out    *bufio.Scanner
	cmd    *exec.Cmd
	killed bool
}

func startHelper(t *testing.T, role string, args ...string) *helperProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), helperEnv+"="+role)
	return runHelper(t, cmd)
}

// startHelperStager starts "stager hold" with a control channel, as a child of the test.
func startHelperStager(t *testing.T, stager string) *helperProc {
	t.Helper()
	h := runHelper(t, exec.Command(stager, "hold"))
	var pid int
	h.line(t, "ready pid=%d", &pid)
	return h
}

// kill kills and reaps the helper now.
func (h *helperProc) kill(t *testing.T) {
	t.Helper()
	h.killed = true
	if err := h.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = h.cmd.Wait()
}

func runHelper(t *testing.T, cmd *exec.Cmd) *helperProc {
	t.Helper()
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &helperProc{pid: cmd.Process.Pid, in: in, out: bufio.NewScanner(out), cmd: cmd}
	t.Cleanup(func() {
		_ = in.Close()
		if h.killed {
			return
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("helper %v: %v", cmd.Args, err)
		}
	})
	return h
}

func (h *helperProc) line(t *testing.T, format string, args ...any) {
	t.Helper()
	if !h.out.Scan() {
		t.Fatalf("helper %d ended early: %v", h.pid, h.out.Err())
	}
	if _, err := fmt.Sscanf(h.out.Text(), format, args...); err != nil {
		t.Fatalf("helper %d said %q: %v", h.pid, h.out.Text(), err)
	}
}

// takeOf photographs the given PIDs (and pid 1 and the test process), then drops the
// restriction from the header: for the diff, the world is the staged processes.
func takeOf(t *testing.T, pids []int) *snapshot.Snapshot {
	t.Helper()
	pids = append(slices.Clone(pids), 1, os.Getpid(), syscall.Getpgrp())
	if sid, err := unix.Getsid(0); err == nil {
		pids = append(pids, sid) // so that "session leader gone" is not an artefact of the PID list
	}
	s, err := snapproc.Take(context.Background(), snapproc.TakeOptions{PIDs: pids, NoStack: true})
	if err != nil {
		t.Fatalf("Take: %v", err)
	}
	s.Header.Options.PIDs = nil
	return s
}

// killLater kills pid at cleanup if it is still the process with this start.
func killLater(t *testing.T, pid int) {
	t.Helper()
	st := stage.MustStat(t, pid)
	t.Cleanup(func() {
		if s, err := stage.ReadStat(pid); err == nil && s.StartTicks == st.StartTicks {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
}

// scene is every staged process of the end-to-end test.
type scene struct {
	execer, leaker, setsider, setpgider, stopper, continuer, exiter, zombieMaker, attachee *stage.Proc
	zparent, rparent, started, daemon, creator                                             *stage.Proc
	leakedFD, rzombie, initOrphan, subMid, subOrphan                                       int
	zombies                                                                                []int
	reap                                                                                   func()
	mid, sub, tracer                                                                       *helperProc
}

// stageBefore stages what must exist when A is taken.
func stageBefore(t *testing.T) *scene {
	t.Helper()
	sc := &scene{}
	sc.execer = stage.Sleeper(t)
	sc.leaker, sc.leakedFD = stage.LeakedFD(t)
	sc.setsider = stage.Sleeper(t)
	sc.setpgider = stage.Sleeper(t)
	sc.stopper = stage.Sleeper(t)
	sc.continuer = stage.Stopped(t)
	sc.exiter = stage.Sleeper(t)
	sc.zombieMaker = stage.Sleeper(t)
	sc.attachee = stage.Sleeper(t)
	sc.zparent, sc.zombies = stage.Zombies(t, 3)
	sc.rparent, sc.rzombie, sc.reap = stage.ReapedZombie(t)

	// An orphan-to-be under a plain parent (init adopts it), and one under a subreaper.
	stager := stage.Stager(t)
	sc.mid = startHelperStager(t, stager)
	fmt.Fprintln(sc.mid.in, "fork hold -noctl")
	sc.mid.line(t, "child pid=%d", &sc.initOrphan)
	killLater(t, sc.initOrphan)
	sc.sub = startHelper(t, "subreaper", stager)
	sc.sub.line(t, "ready mid=%d orphan=%d", &sc.subMid, &sc.subOrphan)
	return sc
}

func (sc *scene) before() []int {
	pids := []int{sc.execer.PID, sc.leaker.PID, sc.setsider.PID, sc.setpgider.PID, sc.stopper.PID,
		sc.continuer.PID, sc.exiter.PID, sc.zombieMaker.PID, sc.attachee.PID, sc.zparent.PID, sc.rparent.PID,
		sc.rzombie, sc.mid.pid, sc.initOrphan, sc.sub.pid, sc.subMid, sc.subOrphan}
	return append(pids, sc.zombies...)
}

// transition makes everything happen between A and B.
func (sc *scene) transition(t *testing.T) {
	t.Helper()
	sc.execer.Exec(t, "/bin/sleep", "600")
	sc.leaker.Exec(t, "/bin/sleep", "600")
	sc.setsider.Setsid(t)
	sc.setpgider.Setpgid(t)
	sc.stopper.Stop(t)
	sc.continuer.Continue(t)
	sc.exiter.Kill(t)
	if err := syscall.Kill(sc.zombieMaker.PID, syscall.SIGKILL); err != nil { // not reaped: a zombie
		t.Fatal(err)
	}
	stage.WaitFor(t, "zombie", func() (bool, error) {
		s, err := stage.ReadStat(sc.zombieMaker.PID)
		return err == nil && s.State == "Z", err
	})
	sc.reap()
	sc.tracer = startHelper(t, "attach", fmt.Sprint(sc.attachee.PID))
	sc.tracer.line(t, "ready")
	sc.mid.kill(t)
	stage.WaitFor(t, "init orphan adopted", func() (bool, error) {
		s, err := stage.ReadStat(sc.initOrphan)
		return err == nil && s.PPID != sc.mid.pid, err
	})
	fmt.Fprintln(sc.sub.in, "kill-mid")
	sc.sub.line(t, "ok")
	sc.started = stage.Sleeper(t)
	sc.daemon, sc.creator = stage.DoubleFork(t)
}

func (sc *scene) after() []int {
	return append(sc.before(), sc.tracer.pid, sc.started.PID, sc.daemon.PID, sc.creator.PID)
}

// expectations lists the kinds each staged process must get, and the only others it may get.
func (sc *scene) expectations() []expectation {
	expect := []expectation{
		{"exec", sc.execer.PID, []string{KindExec}, []string{KindFDClosed}},
		{"exec leaking fd 3", sc.leaker.PID, []string{KindExec, KindFDLeaked, KindFDClosed}, nil},
		{"setsid", sc.setsider.PID, []string{KindSetsid}, []string{KindTTYChanged}},
		{"setpgid", sc.setpgider.PID, []string{KindSetpgid}, nil},
		{"SIGSTOP", sc.stopper.PID, []string{KindStopped}, nil},
		{"SIGCONT", sc.continuer.PID, []string{KindContinued}, nil},
		{"exit", sc.exiter.PID, []string{KindExited}, nil},
		{"became zombie", sc.zombieMaker.PID, []string{KindBecameZombie}, nil},
		{"ptrace attach", sc.attachee.PID, []string{KindTraced, KindStopped}, nil},
		{"zombie parent", sc.zparent.PID, nil, nil},
		{"reaping parent", sc.rparent.PID, nil, nil},
		{"reaped zombie", sc.rzombie, []string{KindReaped}, nil},
		{"orphan's parent", sc.mid.pid, []string{KindExited}, nil},
		// A Go stager started just before A may still be starting: its runtime creates the
		// netpoller (eventpoll, eventfd) and opens and closes files (seen under load).
		{"orphan adopted by init", sc.initOrphan, []string{KindReparented}, []string{KindFDOpened, KindFDClosed}},
		// The helper closes its pipes to the child it killed.
		{"subreaper", sc.sub.pid, nil, []string{KindFDClosed}},
		{"subreaper's child", sc.subMid, []string{KindExited}, nil},
		{"orphan adopted by subreaper", sc.subOrphan, []string{KindReparented}, []string{KindFDOpened, KindFDClosed}},
		{"start", sc.started.PID, []string{KindStarted}, []string{KindFDInherited}},
		{"creator", sc.creator.PID, []string{KindStarted}, []string{KindFDInherited}},
		{"double-fork daemon", sc.daemon.PID, []string{KindStarted, KindFDInherited, KindFDLeaked, KindDaemonized}, nil},
	}
	for _, z := range sc.zombies {
		expect = append(expect, expectation{"lingering zombie", z, nil, nil})
	}
	return expect
}

func TestEndToEnd(t *testing.T) {
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("stages real processes; needs Linux and not -short")
	}
	sc := stageBefore(t)
	a := takeOf(t, sc.before())
	sc.transition(t)
	b := takeOf(t, sc.after())

	res, err := Compare(a, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	initAdopter := stage.MustStat(t, sc.initOrphan).PPID
	res = withoutEnvLeaks(t, res, a)
	for _, e := range sc.expectations() {
		if os.Getenv("E2E_DUMP") != "" {
			for _, ev := range eventsOf(res, e.pid) {
				t.Logf("%s %d %s: %s", e.what, e.pid, ev.Kind, ev.Summary)
			}
		}
		checkKinds(t, res, e)
	}
	checkReparent(t, res, sc.initOrphan, sc.mid.pid, initAdopter)
	checkReparent(t, res, sc.subOrphan, sc.subMid, sc.sub.pid)
	checkEvidence(t, res, b, sc)
	checkZombies(t, res, sc.zparent.PID, sc.zombies)
	checkFindings(t, res, sc)
}

// TestEndToEndInContainer runs TestEndToEnd again inside a new PID namespace with its own /proc,
// below a shell that is pid 1 there: the situation of a CI job in a container, where every
// process inherits a session whose leader lives outside the namespace (SID 0). The first CI run
// of this project failed there: orphans looked like new daemons.
func TestEndToEndInContainer(t *testing.T) {
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("stages real processes; needs Linux and not -short")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to unshare a PID namespace and mount its /proc (CI runs as root)")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare (util-linux) not installed")
	}
	cmd := exec.Command("unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", `"$@"; exit $?`, "sh",
		os.Args[0], "-test.run", "^TestEndToEnd$", "-test.count", "1", "-test.v")
	out, err := cmd.CombinedOutput()
	if err != nil && strings.Contains(string(out), "unshare failed") {
		t.Skipf("cannot create a PID namespace here: %s", out)
	}
	if err != nil {
		t.Fatalf("TestEndToEnd in a new PID namespace: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestEndToEnd") {
		t.Fatalf("TestEndToEnd did not run in the namespace:\n%s", out)
	}
}
