package cmd

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/procsnap/procsnap/snapshot/capture"
	snapformat "github.com/procsnap/procsnap/snapshot/format"

	"golang.org/x/sys/unix"

	"github.com/procsnap/procsnap/render"
	"github.com/procsnap/procsnap/snapshot"
)

// documentedLine returns the command of the first line in file (under the repository root)
// that starts with prefix, with the prefix removed.
func documentedLine(tb testing.TB, file, prefix string) string {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", file))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), prefix); ok {
			return line
		}
	}
	tb.Fatalf("%s: no line starting with %q", file, prefix)
	return ""
}

// TestDocumentedScheduledCaptures runs the cron line of contrib/cron/procsnap.crontab (shown
// in the README), exactly as documented but for the binary's and the directory's paths, in a
// cron-like environment, into a directory that does not exist yet. The systemd service runs
// the same command line, which the test checks rather than running it twice: a full capture
// with fds of a busy host is slow under -race.
func TestDocumentedScheduledCaptures(t *testing.T) {
	bin := captureBinary(t)
	cron := documentedLine(t, "contrib/cron/procsnap.crontab", "*/5 * * * * ")
	if exec := documentedLine(t, "contrib/systemd/procsnap.service", "ExecStart="); exec != cron {
		t.Errorf("procsnap.service runs %q, the crontab %q: keep them the same", exec, cron)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"*/5 * * * * " + cron + "\n", "ExecStart=" + cron + "\n"} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README does not show %q", want)
		}
	}
	dir := filepath.Join(t.TempDir(), "var", "lib", "procsnap")
	line := strings.ReplaceAll(cron, "/usr/local/bin/procsnap", bin)
	line = strings.ReplaceAll(line, "/var/lib/procsnap", dir)
	if !strings.HasPrefix(line, bin+" ") || !strings.Contains(line, dir) {
		t.Fatalf("documented line %q does not use /usr/local/bin/procsnap and /var/lib/procsnap", cron)
	}
	cmd := cronLike(line)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\nstderr: %s", line, err, stderr.String())
	}
	if stdout.Len()+stderr.Len() != 0 {
		t.Errorf("%s is not quiet: stdout %q, stderr %q", line, stdout.String(), stderr.String())
	}
	assertPerm(t, dir, 0o700)
	cs := verifyCaptures(t, bin, dir, map[string]bool{})
	if len(cs) != 1 {
		t.Fatalf("%d captures after one run: %q", len(cs), dirNames(t, dir))
	}
	assertPerm(t, cs[0].Path, 0o600)
	if !cs[0].Gzip || cs[0].Format != snapformat.FormatYAML {
		t.Errorf("%s: want a .yaml.gz capture as documented", cs[0].Name)
	}
}

func TestSystemdUnitsVerify(t *testing.T) {
	bin := captureBinary(t)
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed")
	}
	dir := t.TempDir()
	for _, name := range []string{"procsnap.service", "procsnap.timer"} {
		b, err := os.ReadFile(filepath.Join("..", "contrib", "systemd", name))
		if err != nil {
			t.Fatal(err)
		}
		unit := strings.ReplaceAll(string(b), "/usr/local/bin/procsnap", bin)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(unit), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(analyze, "verify", filepath.Join(dir, "procsnap.service"), filepath.Join(dir, "procsnap.timer")).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func TestTakeDirSurvivesSIGKILL(t *testing.T) {
	bin := captureBinary(t)
	// Make the capture big enough to be killed while writing: this test process holds ~1000
	// descriptors, each one recorded with its fdinfo.
	for range 1000 {
		f, err := os.Open(os.DevNull)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
	}
	dir := filepath.Join(t.TempDir(), "caps")
	args := []string{"take", "--dir", dir, "--no-stack", "--pid", strconv.Itoa(os.Getpid())}
	start := time.Now()
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted take: %v\n%s", err, out)
	}
	full := time.Since(start)
	const kills = 50
	var published, tempLeft int
	seen := map[string]bool{}
	for i := range kills {
		tempsBefore := countTemps(t, dir)
		cmd := exec.Command(bin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(full) * 5 / 4)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		names := dirNames(t, dir)
		tempLeft += countTemps(t, dir) - tempsBefore
		cs := verifyCaptures(t, bin, dir, seen) // every file under a final name is complete
		if t.Failed() {
			t.Fatalf("after kill %d: %q", i, names)
		}
		published = len(cs) - 1
	}
	t.Logf("%d kills in [0, %s): %d left a published capture, %d a temporary file (killed mid-write)",
		kills, full*5/4, published, tempLeft)
	// The next capture works and, once the leftovers are old enough, removes them.
	old := time.Now().Add(-capture.StaleTempAge - time.Minute)
	for _, n := range dirNames(t, dir) {
		if strings.HasPrefix(n, ".") && n != capture.LockFileName {
			if err := os.Chtimes(filepath.Join(dir, n), old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("take after the kills: %v\n%s", err, out)
	}
	cs := verifyCaptures(t, bin, dir, seen)
	want := len(cs) + 1 // the captures and the lock file, nothing else
	if got := dirNames(t, dir); len(got) != want {
		t.Errorf("stale temporary files not cleaned up: %q", got)
	}
}

func TestTakeDirConcurrentWriters(t *testing.T) {
	bin := captureBinary(t)
	for _, tc := range []struct {
		name  string
		extra []string
		want  int
	}{
		{"all survive", nil, 6},
		{"with --keep 4", []string{"--keep", "4"}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "caps")
			var cmds []*exec.Cmd
			var outs []*bytes.Buffer
			for range 6 {
				args := append([]string{"take", "-o", dir + "/", "--no-stack", "--pid", "1", "--pid", strconv.Itoa(os.Getpid())}, tc.extra...)
				cmd := exec.Command(bin, args...)
				out := &bytes.Buffer{}
				cmd.Stdout, cmd.Stderr = out, out
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				cmds, outs = append(cmds, cmd), append(outs, out)
			}
			for i, cmd := range cmds {
				if err := cmd.Wait(); err != nil {
					t.Errorf("writer %d: %v\n%s", i, err, outs[i])
				}
			}
			if cs := verifyCaptures(t, bin, dir, map[string]bool{}); len(cs) != tc.want {
				t.Errorf("%d captures, want %d: %q", len(cs), tc.want, dirNames(t, dir))
			}
		})
	}
}

func TestTakeDirUnprivileged(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch to uid 65534")
	}
	bin := captureBinary(t)
	parent := traversableTempDir(t)
	if err := os.Chmod(parent, 0o777); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(parent, "caps")
	cmd := exec.Command(bin, "take", "--dir", dir, "-v", "--keep", "3", "--no-fds", "--no-stack")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("take as nobody: %v\n%s", err, stderr.String())
	}
	cs := verifyCaptures(t, bin, dir, map[string]bool{})
	if len(cs) != 1 || strings.TrimSpace(stdout.String()) != cs[0].Path {
		t.Fatalf("-v printed %q; captures %q", stdout.String(), dirNames(t, dir))
	}
	for path, perm := range map[string]os.FileMode{dir: 0o700, cs[0].Path: 0o600} {
		assertPerm(t, path, perm)
		var st syscall.Stat_t
		if err := syscall.Stat(path, &st); err != nil || st.Uid != 65534 {
			t.Errorf("%s: owner %d (%v), want 65534", path, st.Uid, err)
		}
	}
	h, err := snapformat.ReadHeader(cs[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	if h.TakerUID != 65534 || h.Counts.Unread[snapshot.ReasonPermissionDenied] == 0 {
		t.Errorf("taker uid %d, permission_denied fields %d: want an unprivileged capture that records what it could not read",
			h.TakerUID, h.Counts.Unread[snapshot.ReasonPermissionDenied])
	}
}

func TestTakeFlagErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code ExitCode
		msg  string
	}{
		{"-o and --dir", []string{"-o", "a.yaml", "--dir", dir}, ExitUsage, "give one of them"},
		{"keep without dir", []string{"-o", filepath.Join(dir, "a.yaml"), "--keep", "3"}, ExitUsage, "add --dir"},
		{"negative keep", []string{"--dir", dir, "--keep", "-1"}, ExitUsage, "--keep -1"},
		{"bad max-age", []string{"--dir", dir, "--max-age", "7x"}, ExitUsage, `--max-age "7x"`},
		{"zero max-age", []string{"--dir", dir, "--max-age", "0d"}, ExitUsage, "positive"},
		{"negative max-age in days", []string{"--dir", dir, "--max-age", "-5d"}, ExitUsage, `--max-age "-5d": want a positive duration`},
		{"negative max-age", []string{"--dir", dir, "--max-age", "-5h"}, ExitUsage, `--max-age "-5h": want a positive duration`},
		{"compress without .gz", []string{"-o", filepath.Join(dir, "a.yaml"), "--compress"}, ExitUsage, "name the file .gz"},
		{"bad format", []string{"--dir", dir, "--format", "xml"}, ExitUsage, "yaml, json, jsonl, ecs or ocsf"},
		{"dir is a file", []string{"--dir", file, "--pid", "1"}, ExitFailure, file + ": not a directory"},
		{"dir not creatable", []string{"--dir", filepath.Join(file, "sub"), "--pid", "1"}, ExitFailure, filepath.Join(file, "sub")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := captureMain(t, append([]string{"take"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) || stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %q; want exit %d and a message with %q", code, stderr, stdout, tc.code, tc.msg)
			}
		})
	}
}

func TestTakeVerboseAndTerminal(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		args    []string
		printed bool
	}{
		{"quiet off a terminal", []string{"--dir", dir}, false},
		{"-v prints the path", []string{"--dir", dir, "-v"}, true},
		{"-o DIR/ is --dir", []string{"-o", dir + "/", "-v", "--format", "json", "--compress"}, true},
		{"-o FILE -v", []string{"-o", filepath.Join(dir, "x.jsonl"), "-v"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(dirNames(t, dir))
			code, stdout, stderr := captureMain(t, append([]string{"take", "--pid", "1", "--no-stack"}, tc.args...)...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if len(dirNames(t, dir)) == before {
				t.Fatalf("nothing written: %q", dirNames(t, dir))
			}
			path := strings.TrimSpace(stdout)
			if tc.printed != (path != "") {
				t.Fatalf("stdout %q, want the path printed: %v", stdout, tc.printed)
			}
			if path != "" {
				if _, err := os.Stat(path); err != nil {
					t.Errorf("printed path: %v", err)
				}
			}
		})
	}
}

func TestIsTerminal(t *testing.T) {
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	for _, tc := range []struct {
		name string
		w    any
		want bool
	}{{"pty", tty, true}, {"pipe", w, false}, {"/dev/null", devnull, false}, {"buffer", &bytes.Buffer{}, false}} {
		t.Run(tc.name, func(t *testing.T) {
			if got := render.IsTerminal(tc.w.(interface{ Write([]byte) (int, error) })); got != tc.want {
				t.Errorf("IsTerminal = %v, want %v", got, tc.want)
			}
		})
	}
}

// countTemps counts the temporary files of captures in dir.
func countTemps(tb testing.TB, dir string) int {
	tb.Helper()
	n := 0
	for _, name := range dirNames(tb, dir) {
		if strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-") {
			n++
		}
	}
	return n
}

// TestTakeDirWriteFailure fills the "disk" with RLIMIT_FSIZE (Go ignores SIGXFSZ, so the write
// fails with EFBIG as on a full filesystem): take must exit 3 with the reason, leave neither a
// capture nor a temporary file, and the next capture must work.
func TestTakeDirWriteFailure(t *testing.T) {
	bin := captureBinary(t)
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Skip("prlimit not installed")
	}
	dir := filepath.Join(t.TempDir(), "caps")
	args := []string{"take", "--dir", dir, "--no-stack", "--pid", "1", "--pid", strconv.Itoa(os.Getpid())}
	cmd := exec.Command(prlimit, append([]string{"--fsize=4096", bin}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if cmd.ProcessState.ExitCode() != int(ExitFailure) || !strings.Contains(stderr.String(), "file too large") {
		t.Fatalf("take over RLIMIT_FSIZE: %v, stderr %q; want exit 3 naming the failure", err, stderr.String())
	}
	if got := dirNames(t, dir); len(got) != 0 {
		t.Errorf("failed capture left %q", got)
	}
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("take after the failure: %v\n%s", err, out)
	}
	if cs := verifyCaptures(t, bin, dir, map[string]bool{}); len(cs) != 1 {
		t.Errorf("%d captures after one good run: %q", len(cs), dirNames(t, dir))
	}
}
