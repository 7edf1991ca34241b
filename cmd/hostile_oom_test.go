package cmd

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOutOfMemoryIsNotExit2: tree of a valid 90 MB snapshot (550,000 processes, which it holds)
// under a 1 GB address-space limit (ulimit -v) runs out of memory. procsnap must then die by
// SIGABRT, saying so, not exit 2 as an invalid file does (the Go runtime's own status for a
// fatal error, which main had). (validate keeps one record at a time: it no longer runs out.)
func TestOutOfMemoryIsNotExit2(t *testing.T) {
	bin := procsnapBinary(t)
	if _, err := exec.LookPath("prlimit"); err != nil {
		t.Skip("needs prlimit (util-linux)")
	}
	path := filepath.Join(t.TempDir(), "big.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	const n = 550000
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "header:\n  schema: procsnap/v1.2\n  hostname: big\n  counts:\n    processes: %d\n    threads: %d\nprocesses:\n", n, n)
	for pid := 1; pid <= n; pid++ {
		fmt.Fprintf(w, "  - pid: %d\n    start_ticks: %d\n    ppid: 1\n    pgid: 1\n    sid: 1\n    tpgid: -1\n    tty_nr: 0\n    state: S\n    threads: 1\n    tracer_pid: 0\n    comm: p%d\n", pid, pid, pid)
	}
	w.WriteString("# end of procsnap snapshot\n")
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("prlimit", "--as=1000000000", bin, "tree", path)
	cmd.Env = append(os.Environ(), "GOTRACEBACK=")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("tree did not run out of memory under a 1 GB address space (err %v): %.200s", err, out)
	}
	ws, _ := ee.Sys().(syscall.WaitStatus)
	if !strings.Contains(string(out), "out of memory") {
		t.Fatalf("tree failed, but not for memory (exit %d): %.300s", ee.ExitCode(), out)
	}
	if !ws.Signaled() || ws.Signal() != syscall.SIGABRT {
		t.Errorf("out of memory: exit status %d, want death by SIGABRT (never 2, an invalid file's)", ee.ExitCode())
	}
}
