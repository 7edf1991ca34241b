package cmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	snapformat "github.com/procsnap/procsnap/snapshot/format"
)

// hostileBinary builds procsnap into a directory every uid can traverse (t.TempDir is 0700) and
// returns the binary and a sticky 0777 directory (like /tmp) for unprivileged output.
func hostileBinary(t *testing.T) (bin, shared string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to run as another uid, unshare and mount (CI runs as root)")
	}
	dir, err := os.MkdirTemp("", "procsnap-hostile-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	shared = filepath.Join(dir, "shared")
	for _, d := range []struct {
		path string
		mode os.FileMode
	}{{dir, 0o755}, {shared, os.ModeSticky | 0o777}} {
		if err := os.MkdirAll(d.path, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d.path, d.mode); err != nil {
			t.Fatal(err)
		}
	}
	bin = procsnapBinary(t)
	return bin, shared
}

// asNobody prefixes a command line to run it as uid/gid 65534.
func asNobody(args ...string) []string {
	return append([]string{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"}, args...)
}

func hostileRun(t *testing.T, argv ...string) (string, int) {
	t.Helper()
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("%v: %v", argv, err)
	}
	return string(out), 0
}

// TestTakeOutputSafetyUnprivileged: in a sticky world-writable directory (like /tmp), root has
// planted a symlink and left a snapshot of its own; uid 65534 may replace neither.
func TestTakeOutputSafetyUnprivileged(t *testing.T) {
	bin, shared := hostileBinary(t)
	victim := filepath.Join(shared, "victim")
	write(t, victim, "root's file\n")
	planted := filepath.Join(shared, "planted.yaml")
	symlink(t, victim, planted)
	rootSnap := filepath.Join(shared, "root.yaml")
	write(t, rootSnap, "header:\n  schema: procsnap/v1.1\n")
	for _, c := range []struct {
		out, want string
		code      int
	}{
		{planted, "it is a symbolic link", 2},
		{rootSnap, "it belongs to uid 0", 2},
		{filepath.Join(shared, "mine.yaml"), "", 0},
	} {
		out, code := hostileRun(t, asNobody(bin, "take", "--no-fds", "--no-stack", "--pid", "1", "-o", c.out)...)
		if code != c.code || !strings.Contains(out, c.want) {
			t.Errorf("take -o %s as uid 65534: exit %d, %q; want %d, %q", c.out, code, out, c.code, c.want)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "root's file\n" {
		t.Errorf("victim changed: %q", b)
	}
	info, err := os.Stat(filepath.Join(shared, "mine.yaml"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("mine.yaml: %v, %v; want mode 0600", info, err)
	}
}

// TestTakeHidepid mounts a private proc with hidepid=2 in a new mount namespace and takes a
// snapshot of it as uid 65534: only that uid's processes are listed, and the header says so.
func TestTakeHidepid(t *testing.T) {
	bin, shared := hostileBinary(t)
	mnt := filepath.Join(shared, "proc")
	mkdir(t, mnt)
	out := filepath.Join(shared, "hidepid.yaml")
	script := `mount -t proc -o hidepid=2 proc "$1" || exit 99; shift; exec "$@"`
	argv := append([]string{"unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", mnt},
		asNobody(bin, "--proc", mnt, "take", "--no-stack", "-o", out)...)
	msg, code := hostileRun(t, argv...)
	if code == 99 || strings.Contains(msg, "unshare failed") {
		t.Skipf("cannot mount a private proc here: %s", msg)
	}
	if code != 0 {
		t.Fatalf("take under hidepid=2: exit %d: %s", code, msg)
	}
	s, err := snapformat.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if h := s.Header.Hidepid; h != "2" && h != "invisible" {
		t.Errorf("header.hidepid = %q, want 2 or invisible", h)
	}
	for _, p := range s.Processes {
		if p.UID != 65534 && p.EUID != 65534 {
			t.Errorf("pid %d (uid %d) of another user is in a hidepid=2 snapshot", p.PID, p.UID)
		}
	}
	if s.Find(s.Header.TakerPID) == nil {
		t.Errorf("the taker (pid %d) does not see itself", s.Header.TakerPID)
	}
	if s.Find(1) != nil {
		t.Error("pid 1 (root's) is visible under hidepid=2")
	}
	note := strings.Join(s.Header.Notes, "\n")
	if !strings.Contains(note, "hidepid="+s.Header.Hidepid+": processes this uid (65534) may not see are not listed") ||
		!strings.Contains(note, "threads (loadavg, all namespaces)") {
		t.Errorf("header notes do not say what was hidden: %q", note)
	}
	t.Logf("hidepid=%s: %d processes visible; %s", s.Header.Hidepid, len(s.Processes), note)
}

// TestTakePIDNamespace takes a snapshot inside a new PID namespace with its own /proc: the pids
// are the namespace's own (procsnap is pid 1 there) and the header names a namespace other than
// the host's, which is what lets diff refuse to compare the two.
func TestTakePIDNamespace(t *testing.T) {
	bin, shared := hostileBinary(t)
	out := filepath.Join(shared, "pidns.yaml")
	msg, code := hostileRun(t, "unshare", "--pid", "--fork", "--mount-proc", bin, "take", "--no-stack", "-o", out)
	if code != 0 && strings.Contains(msg, "unshare") {
		t.Skipf("cannot create a PID namespace here: %s", msg)
	}
	if code != 0 {
		t.Fatalf("take in a new PID namespace: exit %d: %s", code, msg)
	}
	s, err := snapformat.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	host, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		t.Fatal(err)
	}
	if s.Header.PIDNamespace == "" || s.Header.PIDNamespace == host {
		t.Errorf("header.pid_namespace = %q, want a namespace other than the host's %q", s.Header.PIDNamespace, host)
	}
	if s.Header.TakerPID != 1 {
		t.Errorf("taker_pid = %d, want 1 (procsnap is the namespace's init)", s.Header.TakerPID)
	}
	self := s.Find(1)
	if self == nil || self.Comm != "procsnap" || len(s.Processes) != 1 {
		t.Fatalf("want exactly procsnap as pid 1, got %d processes: %+v", len(s.Processes), s.Processes)
	}
	// The namespace's own proc shows only the levels from its namespace down.
	if len(self.NSpid) != 1 || self.NSpid[0] != 1 {
		t.Errorf("NSpid = %v, want [1]", self.NSpid)
	}
	if "pid:["+strconv.FormatUint(self.Namespaces["pid"], 10)+"]" != s.Header.PIDNamespace {
		t.Errorf("process pid namespace %d disagrees with the header's %q", self.Namespaces["pid"], s.Header.PIDNamespace)
	}
}
