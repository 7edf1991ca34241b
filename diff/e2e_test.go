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
	"syscall"
	"testing"

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
	s, err := snapshot.Take(context.Background(), snapshot.TakeOptions{PIDs: pids, NoStack: true})
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

func TestEndToEnd(t *testing.T) {
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("stages real processes; needs Linux and not -short")
	}
	stager := stage.Stager(t)

	// Staged before A.
	execer := stage.Sleeper(t)
	leaker, leakedFD := stage.LeakedFD(t)
	setsider := stage.Sleeper(t)
	setpgider := stage.Sleeper(t)
	stopper := stage.Sleeper(t)
	continuer := stage.Stopped(t)
	exiter := stage.Sleeper(t)
	zombieMaker := stage.Sleeper(t)
	attachee := stage.Sleeper(t)
	zparent, zombies := stage.Zombies(t, 3)
	rparent, rzombie, reap := stage.ReapedZombie(t)

	// An orphan-to-be under a plain parent (init adopts it), and one under a subreaper.
	mid := startHelperStager(t, stager)
	mid.in.Write([]byte("fork hold -noctl\n"))
	var initOrphan int
	mid.line(t, "child pid=%d", &initOrphan)
	killLater(t, initOrphan)
	sub := startHelper(t, "subreaper", stager)
	var subMid, subOrphan int
	sub.line(t, "ready mid=%d orphan=%d", &subMid, &subOrphan)

	before := []int{execer.PID, leaker.PID, setsider.PID, setpgider.PID, stopper.PID, continuer.PID,
		exiter.PID, zombieMaker.PID, attachee.PID, zparent.PID, rparent.PID, rzombie, mid.pid, initOrphan,
		sub.pid, subMid, subOrphan}
	before = append(before, zombies...)
	a := takeOf(t, before)

	// Between A and B.
	execer.Exec(t, "/bin/sleep", "600")
	leaker.Exec(t, "/bin/sleep", "600")
	setsider.Setsid(t)
	setpgider.Setpgid(t)
	stopper.Stop(t)
	continuer.Continue(t)
	exiter.Kill(t)
	if err := syscall.Kill(zombieMaker.PID, syscall.SIGKILL); err != nil { // not reaped: a zombie
		t.Fatal(err)
	}
	stage.WaitFor(t, "zombie", func() (bool, error) {
		s, err := stage.ReadStat(zombieMaker.PID)
		return err == nil && s.State == "Z", err
	})
	reap()
	tracer := startHelper(t, "attach", fmt.Sprint(attachee.PID))
	tracer.line(t, "ready")
	mid.kill(t)
	stage.WaitFor(t, "init orphan adopted", func() (bool, error) {
		s, err := stage.ReadStat(initOrphan)
		return err == nil && s.PPID != mid.pid, err
	})
	fmt.Fprintln(sub.in, "kill-mid")
	sub.line(t, "ok")
	started := stage.Sleeper(t)
	daemon, creator := stage.DoubleFork(t)

	after := append(slices.Clone(before), tracer.pid, started.PID, daemon.PID, creator.PID)
	b := takeOf(t, after)

	res, err := Compare(a, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	initAdopter := stage.MustStat(t, initOrphan).PPID
	expect := []expectation{
		{"exec", execer.PID, []string{KindExec}, []string{KindFDClosed}},
		{"exec leaking fd 3", leaker.PID, []string{KindExec, KindFDLeaked, KindFDClosed}, nil},
		{"setsid", setsider.PID, []string{KindSetsid}, []string{KindTTYChanged}},
		{"setpgid", setpgider.PID, []string{KindSetpgid}, nil},
		{"SIGSTOP", stopper.PID, []string{KindStopped}, nil},
		{"SIGCONT", continuer.PID, []string{KindContinued}, nil},
		{"exit", exiter.PID, []string{KindExited}, nil},
		{"became zombie", zombieMaker.PID, []string{KindBecameZombie}, nil},
		{"ptrace attach", attachee.PID, []string{KindTraced, KindStopped}, nil},
		{"zombie parent", zparent.PID, nil, nil},
		{"reaping parent", rparent.PID, nil, nil},
		{"reaped zombie", rzombie, []string{KindReaped}, nil},
		{"orphan's parent", mid.pid, []string{KindExited}, nil},
		{"orphan adopted by init", initOrphan, []string{KindReparented}, []string{KindFDOpened}},
		// The helper closes its pipes to the child it killed.
		{"subreaper", sub.pid, nil, []string{KindFDClosed}},
		{"subreaper's child", subMid, []string{KindExited}, nil},
		// A Go stager started just before A may still create its netpoller (eventpoll, eventfd).
		{"orphan adopted by subreaper", subOrphan, []string{KindReparented}, []string{KindFDOpened}},
		{"start", started.PID, []string{KindStarted}, []string{KindFDInherited}},
		{"creator", creator.PID, []string{KindStarted}, []string{KindFDInherited}},
		{"double-fork daemon", daemon.PID, []string{KindStarted, KindFDInherited, KindFDLeaked, KindDaemonized}, nil},
	}
	for _, z := range zombies {
		expect = append(expect, expectation{"lingering zombie", z, nil, nil})
	}
	res = withoutEnvLeaks(t, res, a)
	for _, e := range expect {
		if os.Getenv("E2E_DUMP") != "" {
			for _, ev := range eventsOf(res, e.pid) {
				t.Logf("%s %d %s: %s", e.what, e.pid, ev.Kind, ev.Summary)
			}
		}
		checkKinds(t, res, e)
	}

	checkReparent(t, res, initOrphan, mid.pid, initAdopter)
	checkReparent(t, res, subOrphan, subMid, sub.pid)
	checkEvidence(t, res, b, daemon, creator, leaker.PID, leakedFD, attachee.PID, tracer.pid, rzombie, rparent.PID)
	checkZombies(t, res, zparent.PID, zombies)
}
