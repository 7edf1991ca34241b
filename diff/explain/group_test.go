package explain

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procsnap/procsnap/fixtures/stage"
)

// cgroup2Root returns where cgroup v2 is mounted, from /proc/self/mountinfo.
func cgroup2Root(t *testing.T) string {
	t.Helper()
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Skipf("no mountinfo: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		if ok && strings.HasPrefix(post, "cgroup2 ") {
			return strings.Fields(pre)[4]
		}
	}
	t.Skip("cgroup v2 is not mounted")
	return ""
}

// newCgroup creates a cgroup v2 directory for the test and removes it once its processes are
// gone; it skips when cgroups cannot be created here (not root, read-only cgroupfs).
func newCgroup(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(cgroup2Root(t), fmt.Sprintf("procsnap-explain-%d", os.Getpid()))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skipf("cannot create a cgroup (needs root and a writable cgroup v2): %v", err)
	}
	t.Cleanup(func() { // registered first, so it runs after the staged processes were killed
		stage.WaitFor(t, "the test cgroup to empty", func() (bool, error) {
			err := os.Remove(dir)
			return err == nil || errors.Is(err, os.ErrNotExist), nil
		})
	})
	return dir
}

// TestCgroupOnly: the daemon shares nothing with its launcher but the launcher's new cgroup;
// the launcher is the only older process in it and is named from that evidence.
func TestCgroupOnly(t *testing.T) {
	live(t)
	dir := newCgroup(t)
	daemon, launcher := stage.Launched(t, "-cgroup", dir)
	r := mustExplain(t, Input{Snapshot: takeLive(t, daemon, launcher), PID: daemon.PID, Live: true})
	requireAdopted(t, r, daemon)
	checkRank4(t, r, launcher, "cgroup /"+filepath.Base(dir))
}

// TestAuditSessionOnly: the launcher started its own audit login session (root writes
// /proc/self/loginuid); the daemon shares nothing else with it and is named from that evidence.
func TestAuditSessionOnly(t *testing.T) {
	live(t)
	if os.Geteuid() != 0 {
		t.Skip("setting loginuid needs root (CAP_AUDIT_CONTROL)")
	}
	if _, err := os.Stat("/proc/self/sessionid"); err != nil {
		t.Skipf("kernel without audit: %v", err)
	}
	daemon, launcher := stage.Launched(t, "-loginuid", "4242")
	r := mustExplain(t, Input{Snapshot: takeLive(t, daemon, launcher), PID: daemon.PID, Live: true})
	requireAdopted(t, r, daemon)
	checkRank4(t, r, launcher, "audit login session")
}

func checkRank4(t *testing.T, r *Report, launcher *stage.Proc, evidence string) {
	t.Helper()
	l := r.Lineage
	if l.Creator == nil || l.Creator.PID != launcher.PID {
		t.Fatalf("creator %+v, want the launcher %d; verdict %q; candidates %+v", l.Creator, launcher.PID, l.Verdict, l.Candidates)
	}
	c := l.Candidates[0]
	if c.Rank != 4 || c.Confidence != Medium || len(c.Shared) != 0 {
		t.Errorf("candidate %+v: want rank 4, medium, no shared descriptor", c)
	}
	if !strings.Contains(strings.Join(c.Evidence, "; "), evidence) {
		t.Errorf("evidence %q lacks %q", c.Evidence, evidence)
	}
}
