package diff

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procsnap/procsnap/fixtures/stage"
)

// launchDaemon runs a shell that first runs prep (with $1 the pid file, $2 extra), then starts a
// daemon with setsid -f (a new session, adopted, sharing no descriptor but /dev/null) and
// becomes "sleep 601". It returns the shell's and the daemon's PIDs. prep failing with exit
// status 3 skips the test with why.
func launchDaemon(t *testing.T, prep, extra, why string) (launcher, daemon int) {
	t.Helper()
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("needs setsid(1) from util-linux: not found")
	}
	closeLeaksOnExec(t)
	pidFile := filepath.Join(t.TempDir(), "daemon.pid")
	sh := exec.Command("sh", "-c", prep+`; setsid -f sh -c 'echo $$ > "$1"; exec sleep 600' sh "$1"; exec sleep 601`,
		"sh", pidFile, extra)
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sh.Wait() }()
	t.Cleanup(func() { _ = sh.Process.Kill(); <-done })
	stage.WaitFor(t, "the setsid -f daemon", func() (bool, error) {
		select {
		case err := <-done:
			var ee *exec.ExitError
			if errors.As(err, &ee) && ee.ExitCode() == 3 {
				t.Skip(why)
			}
			return false, errors.New("the launcher ended: " + err.Error())
		default:
		}
		data, err := os.ReadFile(pidFile)
		if err != nil || !strings.HasSuffix(string(data), "\n") {
			return false, nil
		}
		daemon, _ = strconv.Atoi(strings.TrimSpace(string(data)))
		s, err := stage.ReadStat(daemon)
		return err == nil && s.Comm == "sleep" && s.SID == daemon, err
	})
	killLater(t, daemon)
	stage.WaitFor(t, "the launcher replaced by sleep", func() (bool, error) {
		s, err := stage.ReadStat(sh.Process.Pid)
		return err == nil && s.Comm == "sleep", err
	})
	return sh.Process.Pid, daemon
}

// checkLineageCreator requires launcher to be named creator of daemon with evidence naming
// what, and no descriptor but ubiquitous ones.
func checkLineageCreator(t *testing.T, launcher, daemon int, what string) {
	t.Helper()
	a := takeOf(t, nil)
	b := takeOf(t, []int{launcher, daemon})
	cr := startedCreator(t, compare(t, a, b), daemon)
	if cr.Candidate == nil || cr.Candidate.PID != launcher {
		t.Fatalf("creator of a daemon launched under its own %s: %s; want %d", what, cr.Summary, launcher)
	}
	if !strings.Contains(strings.Join(cr.Lineage, " "), what) {
		t.Errorf("the evidence does not name the %s: %s", what, cr.Summary)
	}
	for _, s := range cr.Shared {
		if !ubiquitous(s.Target) {
			t.Errorf("shares %s: the daemon was to share no descriptor", s.Target)
		}
	}
	t.Log(cr.Summary)
}

// The creator of a double-forked daemon launched under its own audit session (a login) is named
// from that alone. Setting loginuid needs root (CAP_AUDIT_CONTROL) and an audit-enabled kernel.
func TestForensicCreatorFromAuditSession(t *testing.T) {
	skipUnlessReal(t)
	if os.Geteuid() != 0 {
		t.Skip("needs root to set loginuid and so start an audit session (CI runs as root)")
	}
	launcher, daemon := launchDaemon(t, `echo 4242 > /proc/self/loginuid || exit 3`, "",
		"cannot set /proc/self/loginuid (kernel without audit, or loginuid immutable)")
	checkLineageCreator(t, launcher, daemon, "audit session")
}

// The creator of a double-forked daemon launched inside its own cgroup is named from that alone.
// Creating a cgroup needs root.
func TestForensicCreatorFromCgroup(t *testing.T) {
	skipUnlessReal(t)
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a cgroup (CI runs as root)")
	}
	dir := newCgroup(t)
	launcher, daemon := launchDaemon(t, `echo $$ > "$2/cgroup.procs" || exit 3`, dir,
		"cannot move a process into a new cgroup here")
	checkLineageCreator(t, launcher, daemon, "cgroup")
}

// newCgroup makes an empty cgroup under the first writable hierarchy (cgroup v2 at
// /sys/fs/cgroup, else v1 pids or name=systemd) and removes it at cleanup, once its
// processes are gone.
func newCgroup(t *testing.T) string {
	t.Helper()
	name := "procsnap-test-" + strconv.Itoa(os.Getpid())
	for _, base := range []string{"/sys/fs/cgroup", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/pids", "/sys/fs/cgroup/systemd"} {
		if _, err := os.Stat(filepath.Join(base, "cgroup.procs")); err != nil {
			continue
		}
		dir := filepath.Join(base, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			continue
		}
		t.Cleanup(func() {
			deadline := time.Now().Add(stage.Timeout)
			for syscall.Rmdir(dir) == syscall.EBUSY && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond) // the killed processes are reaped by their adopter
			}
		})
		return dir
	}
	t.Skip("no writable cgroup hierarchy under /sys/fs/cgroup")
	return ""
}

// closeLeaksOnExec sets close-on-exec on every descriptor above 2 of the test process: what the
// test harness leaked into it (go test's pipe) would otherwise reach the staged processes and be
// shared by all of them.
func closeLeaksOnExec(t *testing.T) {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			unix.CloseOnExec(fd)
		}
	}
}
