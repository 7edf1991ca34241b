package cmd

import (
	"bytes"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/procsnap/procsnap/snapshot/capture"
)

// captureMain runs procsnap in process and returns its exit code, stdout and stderr.
func captureMain(tb testing.TB, args ...string) (ExitCode, string, string) {
	tb.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// captureBinary builds procsnap into a fresh directory that any uid can traverse (so that an
// unprivileged uid can run it) and returns its path. Skipped under -short.
func captureBinary(tb testing.TB) string {
	tb.Helper()
	return procsnapBinary(tb)
}

// traversableTempDir is a temporary directory with mode 0755 (t.TempDir is 0700), removed at
// the end of the test.
func traversableTempDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.MkdirTemp("", "procsnap-capture-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// cronLike returns a command that runs line with /bin/sh the way cron does: an empty
// environment but for a minimal PATH and SHELL (no HOME, no TERM), stdin from /dev/null,
// stdout and stderr to pipes, and a new session, so no controlling terminal.
func cronLike(line string) *exec.Cmd {
	cmd := exec.Command("/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "SHELL=/bin/sh", "/bin/sh", "-c", line)
	cmd.Stdin = nil // /dev/null
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	return cmd
}

// verifyCaptures lists the captures in dir and checks that each one not yet in seen loads and
// validates in full, with the procsnap binary bin (diff of the file with itself: much faster
// than an in-process Load under -race), then adds it to seen. It returns the captures.
func verifyCaptures(tb testing.TB, bin, dir string, seen map[string]bool) []capture.Capture {
	tb.Helper()
	cs, err := capture.ListCaptures(dir)
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range cs {
		if seen[c.Name] {
			continue
		}
		out, err := exec.Command(bin, "diff", c.Path, c.Path, "--format", "jsonl").CombinedOutput()
		if err != nil {
			tb.Errorf("capture under a final name does not load: %v: %s", err, out)
		}
		seen[c.Name] = true
	}
	return cs
}

// dirNames lists dir's entries, sorted.
func dirNames(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}

func assertPerm(tb testing.TB, path string, want os.FileMode) {
	tb.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		tb.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		tb.Errorf("%s: permissions %v, want %v", path, got, want)
	}
}
