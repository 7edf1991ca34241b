package cmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/procsnap/procsnap/snapshot/capture"
)

// logEvent is the part of a log or diff jsonl line the tests check.
type logEvent struct {
	Since time.Time `json:"since"`
	By    time.Time `json:"by"`
	Kind  string    `json:"kind"`
	PID   int       `json:"pid"`
}

func parseJSONL(tb testing.TB, out string) []logEvent {
	tb.Helper()
	var evs []logEvent
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e logEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			tb.Fatalf("jsonl line %q: %v", sc.Text(), err)
		}
		evs = append(evs, e)
	}
	return evs
}

// has reports whether evs holds an event of kind for pid, in the interval [since, by] when
// since is not zero.
func has(evs []logEvent, since, by time.Time, kind string, pid int) bool {
	for _, e := range evs {
		if e.Kind == kind && e.PID == pid && (since.IsZero() || e.Since.Equal(since) && e.By.Equal(by)) {
			return true
		}
	}
	return false
}

// startProc starts a process for the test and kills it by PID at the end.
func startProc(tb testing.TB, cmd *exec.Cmd) *exec.Cmd {
	tb.Helper()
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd
}

// waitProc polls /proc/PID/stat until cond holds for (state, ppid), failing after a minute.
func waitProc(tb testing.TB, pid int, what string, cond func(state string, ppid int) bool) {
	tb.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err == nil {
			f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
			ppid, _ := strconv.Atoi(f[1])
			if cond(f[0], ppid) {
				return
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("pid %d never %s", pid, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func killPID(tb testing.TB, pid int) {
	tb.Helper()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		tb.Fatalf("kill %d: %v", pid, err)
	}
}

// staged are the PIDs of the processes stageTimeline plays with.
type staged struct{ sleeper, parent, zombie, orphaner, orphan int }

// stageTimeline takes four captures into dir with real take runs. Between the first and the
// second it starts a sleeper, a parent with a child (the future zombie) and a shell with a
// child (the future orphan); before the third it kills the sleeper and the child by PID (the
// child becomes a zombie: its parent never waits) and lets the shell exit (its child is
// reparented); before the fourth it kills the zombie's parent.
func stageTimeline(t *testing.T, bin, dir string) ([]time.Time, staged) {
	t.Helper()
	var times []time.Time
	take := func() {
		t.Helper()
		out, err := exec.Command(bin, "take", "--dir", dir, "--no-fds", "--no-stack", "-v").CombinedOutput()
		if err != nil {
			t.Fatalf("take: %v\n%s", err, out)
		}
		c, ok := capture.ParseCaptureName(filepath.Base(strings.TrimSpace(string(out))))
		if !ok {
			t.Fatalf("take -v printed %q", out)
		}
		times = append(times, c.Time)
	}
	take()
	sleeper := startProc(t, exec.Command("sleep", "300"))
	parent := startProc(t, exec.Command("sh", "-c", "sleep 300 & exec sleep 301"))
	zombie := waitChild(t, parent.Process.Pid)
	orphaner := exec.Command("sh", "-c", "sleep 302 & echo $!; read x")
	stdin, _ := orphaner.StdinPipe()
	stdout, _ := orphaner.StdoutPipe()
	startProc(t, orphaner)
	line, err := bufio.NewReader(stdout).ReadString('\n')
	orphan, _ := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || orphan <= 0 {
		t.Fatalf("orphan pid: %q, %v", line, err)
	}
	t.Cleanup(func() { syscall.Kill(orphan, syscall.SIGKILL) })
	take()
	killPID(t, sleeper.Process.Pid)
	sleeper.Wait()
	killPID(t, zombie)
	waitProc(t, zombie, "a zombie", func(state string, _ int) bool { return state == "Z" })
	stdin.Close()
	orphaner.Wait()
	waitProc(t, orphan, "reparented", func(_ string, ppid int) bool { return ppid != orphaner.Process.Pid })
	take()
	killPID(t, parent.Process.Pid)
	parent.Wait()
	take()
	return times, staged{sleeper.Process.Pid, parent.Process.Pid, zombie, orphaner.Process.Pid, orphan}
}

// runBinary runs the procsnap binary bin and returns its exit code, stdout and stderr. The
// end-to-end tests run the binary rather than Main: it is not race-instrumented, and loading
// full captures of a busy host under -race takes minutes.
func runBinary(tb testing.TB, bin string, args ...string) (ExitCode, string, string) {
	tb.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		tb.Fatal(err)
	}
	return ExitCode(cmd.ProcessState.ExitCode()), stdout.String(), stderr.String()
}

// TestLogAndDiffDirOnRealProcesses checks that log DIR reports each event of stageTimeline in
// the interval it happened in, that diff DIR picks the pairs the flags ask for, and that ls
// counts the zombie.
func TestLogAndDiffDirOnRealProcesses(t *testing.T) {
	bin := captureBinary(t)
	dir := filepath.Join(t.TempDir(), "caps")
	times, p := stageTimeline(t, bin, dir)
	code, out, errs := runBinary(t, bin, "log", dir, "--format", "jsonl")
	if code != ExitOK {
		t.Fatalf("log: exit %d: %s", code, errs)
	}
	evs := parseJSONL(t, out)
	for _, w := range []struct {
		interval int
		kind     string
		pid      int
	}{
		{0, "started", p.sleeper}, {0, "started", p.parent}, {0, "started", p.zombie},
		{0, "started", p.orphaner}, {0, "started", p.orphan},
		{1, "exited", p.sleeper}, {1, "became_zombie", p.zombie}, {1, "exited", p.orphaner}, {1, "reparented", p.orphan},
		{2, "exited", p.parent},
	} {
		if !has(evs, times[w.interval], times[w.interval+1], w.kind, w.pid) {
			t.Errorf("log has no %s of pid %d between captures %d and %d", w.kind, w.pid, w.interval+1, w.interval+2)
		}
	}
	if code, out, errs := runBinary(t, bin, "log", dir); code != ExitOK || !strings.Contains(out, "became_zombie") {
		t.Errorf("log table: exit %d, %s\n%s", code, errs, out)
	}
	t.Run("diff DIR", func(t *testing.T) { checkDiffDir(t, bin, dir, times, p) })
	t.Run("ls", func(t *testing.T) {
		code, out, errs := runBinary(t, bin, "ls", dir)
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		rows := strings.Split(strings.TrimSpace(out), "\n")[1:]
		if len(rows) != 4 {
			t.Fatalf("ls shows %d captures, want 4:\n%s", len(rows), out)
		}
		if zombies, _ := strconv.Atoi(strings.Fields(rows[2])[5]); zombies < 1 {
			t.Errorf("ls shows %d zombies in the third capture, want at least 1:\n%s", zombies, out)
		}
	})
}

func checkDiffDir(t *testing.T, bin, dir string, times []time.Time, p staged) {
	at := func(i int) string { return times[i].Format(time.RFC3339Nano) }
	for _, tc := range []struct {
		name string
		args []string
		want logEvent // an event the pair must show
		not  int      // a pid the pair must not mention
	}{
		{"two latest", nil, logEvent{Kind: "exited", PID: p.parent}, p.sleeper},
		{"--from --to", []string{"--from", at(1), "--to", at(2)}, logEvent{Kind: "became_zombie", PID: p.zombie}, p.parent},
		{"--since covers all", []string{"--since", "1h"}, logEvent{Kind: "started", PID: p.orphan}, p.sleeper},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runBinary(t, bin, append([]string{"diff", dir, "--format", "jsonl"}, tc.args...)...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			evs := parseJSONL(t, out)
			if !has(evs, time.Time{}, time.Time{}, tc.want.Kind, tc.want.PID) {
				t.Errorf("no %s of pid %d in %s", tc.want.Kind, tc.want.PID, out)
			}
			for _, e := range evs {
				if e.PID == tc.not {
					t.Errorf("pair shows %s of pid %d, which it should not cover", e.Kind, e.PID)
				}
			}
		})
	}
}

// waitChild waits until pid has execed (its comm is no longer sh) and has a child, and returns
// the child's PID.
func waitChild(tb testing.TB, pid int) int {
	tb.Helper()
	var child int
	waitProc(tb, pid, "a parent", func(string, int) bool {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		kids, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
		f := strings.Fields(string(kids))
		if strings.TrimSpace(string(comm)) == "sh" || len(f) == 0 {
			return false
		}
		child, _ = strconv.Atoi(f[0])
		return true
	})
	return child
}
