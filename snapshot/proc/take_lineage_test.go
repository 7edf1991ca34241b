package proc_test

import (
	"bufio"
	"context"
	"github.com/procsnap/procsnap/snapshot/proc"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/procsnap/procsnap/fixtures/stage"
)

// TestTakeLeaderExited reads a live process whose thread-group leader exited: stat says Z with
// several threads, but it is alive, and what the leader released is read through a live thread.
func TestTakeLeaderExited(t *testing.T) {
	skipUnlessReal(t)
	p := stage.LeaderExited(t)
	s := takePIDs(t, p.PID)
	got := find(t, s, p.PID)
	if got.State != "Z" || got.Threads < 2 {
		t.Fatalf("state %s threads %d, want Z with several threads", got.State, got.Threads)
	}
	if len(got.LiveTIDs) == 0 || slices.Contains(got.LiveTIDs, p.PID) {
		t.Errorf("live_tids %v: want the running threads, not the leader", got.LiveTIDs)
	}
	if got.IsZombie() || !got.LeaderExited() {
		t.Errorf("IsZombie %v LeaderExited %v, want false true", got.IsZombie(), got.LeaderExited())
	}
	if s.Header.Counts.Zombies != 0 {
		t.Errorf("counts.zombies %d, want 0", s.Header.Counts.Zombies)
	}
	if got.Exe != stage.Stager(t) || !slices.Contains(got.Cmdline, "leaderexit") || got.Cwd == "" || len(got.FDs) == 0 {
		t.Errorf("exe %q cmdline %q cwd %q fds %d: want them read through a live thread", got.Exe, got.Cmdline, got.Cwd, len(got.FDs))
	}
	for _, f := range []string{"exe", "cwd", "cmdline", "fds", "namespaces", "tasks"} {
		if r, ok := got.Unread[f]; ok {
			t.Errorf("unread %s: %s", f, r)
		}
	}
}

// TestTakeLineage checks cgroup, loginuid and sessionid against the kernel for the test process
// and for a double-forked daemon, which keeps its creator's three after setsid and two forks.
func TestTakeLineage(t *testing.T) {
	skipUnlessReal(t)
	daemon, creator := stage.DoubleFork(t)
	me := os.Getpid()
	s := takePIDs(t, me, daemon.PID, creator.PID)
	self := find(t, s, me)
	v2, v1 := kernelCgroup(t, me)
	if self.Cgroup != v2 || !slices.Equal(self.CgroupV1, v1) {
		t.Errorf("cgroup %q %q, kernel %q %q", self.Cgroup, self.CgroupV1, v2, v1)
	}
	for name, got := range map[string]*uint32{"loginuid": self.AuditLoginUID, "sessionid": self.AuditSessionID} {
		data, err := os.ReadFile("/proc/self/" + name)
		if err != nil {
			if _, ok := self.Unread[name]; !ok {
				t.Errorf("%s unreadable (%v) but not recorded unread", name, err)
			}
			continue
		}
		if got == nil || strconv.FormatUint(uint64(*got), 10) != strings.TrimSpace(string(data)) {
			t.Errorf("%s %v, kernel %s", name, got, data)
		}
	}
	d, c := find(t, s, daemon.PID), find(t, s, creator.PID)
	if d.SID == c.SID {
		t.Fatalf("the daemon shares its creator's session %d: the staging did not setsid", d.SID)
	}
	if d.Cgroup != c.Cgroup || !slices.Equal(d.CgroupV1, c.CgroupV1) ||
		!equalPtr(d.AuditLoginUID, c.AuditLoginUID) || !equalPtr(d.AuditSessionID, c.AuditSessionID) {
		t.Errorf("daemon lineage %q %v %v differs from its creator's %q %v %v", d.Cgroup,
			deref(d.AuditLoginUID), deref(d.AuditSessionID), c.Cgroup, deref(c.AuditLoginUID), deref(c.AuditSessionID))
	}
}

func equalPtr(a, b *uint32) bool { return a != nil && b != nil && *a == *b }

func deref(p *uint32) any {
	if p == nil {
		return nil
	}
	return *p
}

// kernelCgroup reads /proc/PID/cgroup as the test's own reference: the "0::" path and the v1
// lines without their hierarchy IDs.
func kernelCgroup(t *testing.T, pid int) (v2 string, v1 []string) {
	t.Helper()
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if parts[0] == "0" && parts[1] == "" {
			v2 = parts[2]
			continue
		}
		v1 = append(v1, parts[1]+":"+parts[2])
	}
	return v2, v1
}

// TestTakeHeaderNamespace: on the taker's own /proc the header names the taker's PID namespace
// and PID, found through "self".
func TestTakeHeaderNamespace(t *testing.T) {
	skipUnlessReal(t)
	s := takePIDs(t, os.Getpid())
	link, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		t.Fatal(err)
	}
	h := s.Header
	if h.PIDNamespace != link || h.PIDNamespaceFrom != "self" || h.TakerPID != os.Getpid() {
		t.Errorf("pid_namespace %q from %q taker_pid %d, want %q self %d", h.PIDNamespace, h.PIDNamespaceFrom, h.TakerPID, link, os.Getpid())
	}
}

// TestTakeOtherPIDNamespace reads a container's proc mount from the host, as
// /proc/PID/root/proc: the header must name the container's PID namespace, not the taker's, and
// the taker, invisible there, is no process of the snapshot (taker_pid 0). It needs root and
// unshare(1) from util-linux.
func TestTakeOtherPIDNamespace(t *testing.T) {
	skipUnlessReal(t)
	inner := startContainer(t)
	root := "/proc/" + strconv.Itoa(inner) + "/root/proc"
	s, err := proc.Take(context.Background(), proc.TakeOptions{Root: root, Version: "test"})
	if err != nil {
		t.Fatalf("Take(%s): %v", root, err)
	}
	want, err := os.Readlink("/proc/" + strconv.Itoa(inner) + "/ns/pid")
	if err != nil {
		t.Fatal(err)
	}
	mine, _ := os.Readlink("/proc/self/ns/pid")
	h := s.Header
	if h.PIDNamespace != want || h.PIDNamespace == mine || h.PIDNamespaceFrom != "pid 1" {
		t.Errorf("pid_namespace %q from %q, want the container's %q from pid 1 (the taker's is %q); notes %v",
			h.PIDNamespace, h.PIDNamespaceFrom, want, mine, h.Notes)
	}
	if h.TakerPID != 0 {
		t.Errorf("taker_pid %d, want 0: the taker is not visible in the container", h.TakerPID)
	}
	if p := s.Find(1); p == nil || len(p.NSpid) != 1 {
		t.Errorf("pid 1 of the container: %+v", p)
	}
}

// startContainer starts "unshare --pid --fork --mount-proc sleep" (a new PID namespace with its
// own /proc) and returns the host PID of the sleep, the namespace's pid 1. Cleanup kills the
// unshare process by PID, which takes the namespace down. It skips, saying why, without root or
// unshare.
func startContainer(t *testing.T) int {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a PID namespace with its own /proc (unshare --pid --mount-proc)")
	}
	bin, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("needs unshare(1) from util-linux to create a PID namespace: not found")
	}
	cmd := exec.Command(bin, "--pid", "--fork", "--mount-proc", "--kill-child", "sleep", "600")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("unshare: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	var inner int
	stage.WaitFor(t, "the container's pid 1 (sleep) and its /proc", func() (bool, error) {
		kids, err := stage.Children(cmd.Process.Pid)
		if err != nil || len(kids) == 0 {
			return false, err
		}
		inner = kids[0]
		st, err := stage.ReadStatus(inner)
		if err != nil {
			return false, err
		}
		f := strings.Fields(st["NSpid"])
		if len(f) != 2 || f[1] != "1" || st["Name"] != "sleep" {
			return false, nil
		}
		_, err = os.Stat("/proc/" + strconv.Itoa(inner) + "/root/proc/1/stat")
		return err == nil, nil
	})
	return inner
}
