package cmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/procsnap/procsnap/snapshot"
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

// TestLogAndDiffDirOnRealProcesses takes four captures with real take runs while the test
// starts processes, kills them by PID, makes a zombie and orphans a process, then checks that
// log DIR reports each event in the interval it happened in, and that diff DIR picks the pairs
// the flags ask for.
func TestLogAndDiffDirOnRealProcesses(t *testing.T) {
	bin := captureBinary(t)
	dir := filepath.Join(t.TempDir(), "caps")
	var times []time.Time
	take := func() {
		t.Helper()
		out, err := exec.Command(bin, "take", "--dir", dir, "--no-fds", "--no-stack", "-v").CombinedOutput()
		if err != nil {
			t.Fatalf("take: %v\n%s", err, out)
		}
		c, ok := snapshot.ParseCaptureName(filepath.Base(strings.TrimSpace(string(out))))
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

	code, out, errs := captureMain(t, "log", dir, "--format", "jsonl")
	if code != ExitOK {
		t.Fatalf("log: exit %d: %s", code, errs)
	}
	evs := parseJSONL(t, out)
	for _, w := range []struct {
		interval int
		kind     string
		pid      int
	}{
		{0, "started", sleeper.Process.Pid}, {0, "started", parent.Process.Pid}, {0, "started", zombie},
		{0, "started", orphaner.Process.Pid}, {0, "started", orphan},
		{1, "exited", sleeper.Process.Pid}, {1, "became_zombie", zombie},
		{1, "exited", orphaner.Process.Pid}, {1, "reparented", orphan},
		{2, "exited", parent.Process.Pid},
	} {
		if !has(evs, times[w.interval], times[w.interval+1], w.kind, w.pid) {
			t.Errorf("log has no %s of pid %d between captures %d and %d", w.kind, w.pid, w.interval+1, w.interval+2)
		}
	}
	if code, out, errs := captureMain(t, "log", dir); code != ExitOK || !strings.Contains(out, "became_zombie") {
		t.Errorf("log table: exit %d, %s\n%s", code, errs, out)
	}
	t.Run("diff DIR", func(t *testing.T) {
		at := func(i int) string { return times[i].Format(time.RFC3339Nano) }
		for _, tc := range []struct {
			name string
			args []string
			want logEvent // an event the pair must show
			not  int      // a pid the pair must not mention
		}{
			{"two latest", nil, logEvent{Kind: "exited", PID: parent.Process.Pid}, sleeper.Process.Pid},
			{"--from --to", []string{"--from", at(1), "--to", at(2)}, logEvent{Kind: "became_zombie", PID: zombie}, parent.Process.Pid},
			{"--since covers all", []string{"--since", "1h"}, logEvent{Kind: "started", PID: orphan}, sleeper.Process.Pid},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code, out, errs := captureMain(t, append([]string{"diff", dir, "--format", "jsonl"}, tc.args...)...)
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
	})
	t.Run("ls", func(t *testing.T) {
		code, out, errs := captureMain(t, "ls", dir)
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
