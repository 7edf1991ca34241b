package proc_test

import (
	"bufio"
	"context"
	"github.com/procsnap/procsnap/snapshot/proc"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/procsnap/procsnap/fixtures/stage"
	"github.com/procsnap/procsnap/snapshot"
)

func skipUnlessReal(t *testing.T) {
	t.Helper()
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("reads the real /proc and stages processes: skipped under -short and off Linux")
	}
}

// takePIDs takes a snapshot of the real /proc restricted to pids.
func takePIDs(t *testing.T, pids ...int) *snapshot.Snapshot {
	t.Helper()
	s, err := proc.Take(context.Background(), proc.TakeOptions{PIDs: pids, Version: "test"})
	if err != nil {
		t.Fatalf("Take: %v", err)
	}
	return s
}

// find returns the record of pid or fails the test.
func find(t *testing.T, s *snapshot.Snapshot, pid int) *snapshot.Process {
	t.Helper()
	p := s.Find(pid)
	if p == nil {
		t.Fatalf("pid %d not in the snapshot (skipped: %v)", pid, s.Header.Skipped)
	}
	return p
}

// matchKernel requires the identity, tree and state fields of p to be what /proc/PID/stat says
// now (staged processes do not change on their own).
func matchKernel(t *testing.T, p *snapshot.Process) {
	t.Helper()
	k := stage.MustStat(t, p.PID)
	got := []any{p.StartTicks, p.PPID, p.PGID, p.SID, stateClass(p.State), p.TTYNr, p.TPGID, p.Comm}
	want := []any{k.StartTicks, k.PPID, k.PGID, k.SID, stateClass(k.State), k.TTYNr, k.TPGID, k.Comm}
	if !slices.Equal(got, want) {
		t.Errorf("pid %d: start, ppid, pgid, sid, state, tty_nr, tpgid, comm = %v, kernel shows %v", p.PID, got, want)
	}
}

// stateClass folds the states a live process flips between from one read to the next (running,
// sleeping, disk sleep, idle: a process just after exec is often still R) into one, and keeps
// the states a staged test sets exact (Z, T, t, X).
func stateClass(s string) string {
	switch s {
	case "R", "S", "D", "I":
		return "R/S/D/I"
	}
	return s
}

func fdOf(t *testing.T, p *snapshot.Process, n int) snapshot.FD {
	t.Helper()
	for _, fd := range p.FDs {
		if fd.FD == n {
			return fd
		}
	}
	t.Fatalf("pid %d: no fd %d in %v (unread %v)", p.PID, n, p.FDs, p.Unread)
	return snapshot.FD{}
}

func TestTakeSessionAndGroup(t *testing.T) {
	skipUnlessReal(t)
	leader := stage.SessionLeader(t)
	tty := stage.SessionLeaderTTY(t)
	pg, members := stage.ProcessGroup(t, 3)
	s := takePIDs(t, leader.PID, tty.PID, pg.PID, members[0].PID, members[1].PID)

	l := find(t, s, leader.PID)
	matchKernel(t, l)
	if l.SID != leader.PID || l.PGID != leader.PID || l.TTY != "" || l.TTYNr != 0 {
		t.Errorf("session leader: sid %d pgid %d tty %q/%d", l.SID, l.PGID, l.TTY, l.TTYNr)
	}
	tl := find(t, s, tty.PID)
	matchKernel(t, tl)
	if tl.TTY != tty.TTY || tl.TPGID != tty.PID || tl.SID != tty.PID {
		t.Errorf("tty leader: tty %q tpgid %d sid %d, want %q %d %d", tl.TTY, tl.TPGID, tl.SID, tty.TTY, tty.PID, tty.PID)
	}
	for _, pid := range []int{pg.PID, members[0].PID, members[1].PID} {
		p := find(t, s, pid)
		matchKernel(t, p)
		if p.PGID != pg.PID || p.PPID != os.Getpid() {
			t.Errorf("pid %d: pgid %d ppid %d, want %d %d", pid, p.PGID, p.PPID, pg.PID, os.Getpid())
		}
	}
}

func TestTakeZombies(t *testing.T) {
	skipUnlessReal(t)
	parent, zombies := stage.Zombies(t, 2)
	s := takePIDs(t, append([]int{parent.PID}, zombies...)...)
	pp := find(t, s, parent.PID)
	matchKernel(t, pp)
	if pp.SigChld != snapshot.SigChldDefault {
		t.Errorf("zombie parent sigchld %q, want default", pp.SigChld)
	}
	if want := slices.Sorted(slices.Values(zombies)); !slices.Equal(pp.Children, want) {
		t.Errorf("parent children %v, want %v", pp.Children, want)
	}
	for _, z := range zombies {
		p := find(t, s, z)
		matchKernel(t, p)
		if p.State != "Z" || p.PPID != parent.PID || !p.IsZombie() {
			t.Errorf("zombie %d: state %s ppid %d", z, p.State, p.PPID)
		}
		if len(p.Cmdline) != 0 || len(p.FDs) != 0 || p.Exe != "" || len(p.Unread) != 0 {
			t.Errorf("zombie %d: cmdline %q fds %v exe %q unread %v: want an empty, normal record", z, p.Cmdline, p.FDs, p.Exe, p.Unread)
		}
	}
	if s.Header.Counts.Zombies != 2 {
		t.Errorf("counts.zombies %d, want 2", s.Header.Counts.Zombies)
	}
}

func TestTakeReapedZombieGone(t *testing.T) {
	skipUnlessReal(t)
	parent, zombie, reap := stage.ReapedZombie(t)
	if p := find(t, takePIDs(t, parent.PID, zombie), zombie); p.State != "Z" {
		t.Fatalf("state %s before reaping, want Z", p.State)
	}
	reap()
	s := takePIDs(t, parent.PID, zombie)
	if s.Find(zombie) != nil {
		t.Errorf("reaped zombie %d still recorded", zombie)
	}
	if !slices.Contains(s.Header.Skipped, snapshot.Skipped{PID: zombie, Reason: snapshot.ReasonVanished}) {
		t.Errorf("skipped %v, want %d vanished", s.Header.Skipped, zombie)
	}
	if p := find(t, s, parent.PID); p.SigChld != snapshot.SigChldHandler {
		t.Errorf("stager parent sigchld %q, want handler (the Go runtime catches SIGCHLD)", p.SigChld)
	}
}

func TestTakeStoppedAndTraced(t *testing.T) {
	skipUnlessReal(t)
	stopped := stage.Stopped(t)
	traced := stage.Traced(t)
	s := takePIDs(t, stopped.PID, traced.PID, traced.Parent.PID)
	sp := find(t, s, stopped.PID)
	matchKernel(t, sp)
	if sp.State != "T" || sp.TracerPID != 0 {
		t.Errorf("stopped: state %s tracer %d, want T 0", sp.State, sp.TracerPID)
	}
	tp := find(t, s, traced.PID)
	matchKernel(t, tp)
	if tp.State != "t" || tp.TracerPID != traced.Parent.PID || tp.PPID != traced.Parent.PID {
		t.Errorf("traced: state %s tracer %d ppid %d, want t %d %d", tp.State, tp.TracerPID, tp.PPID, traced.Parent.PID, traced.Parent.PID)
	}
	if tr := find(t, s, traced.Parent.PID); !slices.Contains(tr.Children, traced.PID) {
		t.Errorf("tracer children %v lack %d", tr.Children, traced.PID)
	}
}

func TestTakeLeakedFD(t *testing.T) {
	skipUnlessReal(t)
	p, fd := stage.LeakedFD(t)
	rec := find(t, takePIDs(t, p.PID), p.PID)
	leaked, kept := fdOf(t, rec, fd), fdOf(t, rec, p.FDs["cloexec"])
	if leaked.CloExec || leaked.Kind != snapshot.KindFile || leaked.Flags == "" || leaked.Unread != "" {
		t.Errorf("leaked fd %+v: want a readable file without cloexec", leaked)
	}
	if !kept.CloExec || kept.Unread != "" {
		t.Errorf("O_CLOEXEC fd %+v: want cloexec", kept)
	}
	if rec.Exe != stage.Stager(t) || rec.Cwd == "" {
		t.Errorf("exe %q cwd %q, want the stager and a cwd", rec.Exe, rec.Cwd)
	}
}

func TestTakeDoubleFork(t *testing.T) {
	skipUnlessReal(t)
	daemon, creator := stage.DoubleFork(t)
	s := takePIDs(t, daemon.PID, creator.PID)
	d, c := find(t, s, daemon.PID), find(t, s, creator.PID)
	matchKernel(t, d)
	if d.PPID != daemon.PPID || d.SID == d.PID || d.SID == c.SID {
		t.Errorf("daemon ppid %d sid %d: want adopter %d, the middle's session", d.PPID, d.SID, daemon.PPID)
	}
	if slices.Contains(c.Children, d.PID) {
		t.Errorf("creator children %v include the daemon", c.Children)
	}
	if adopter := takePIDs(t, daemon.PPID).Find(daemon.PPID); adopter == nil || !slices.Contains(adopter.Children, d.PID) {
		t.Errorf("adopter %d does not list the daemon among its children", daemon.PPID)
	}
	for _, name := range []string{"listener", "pipe", "file"} {
		dfd, cfd := fdOf(t, d, daemon.FDs[name]), fdOf(t, c, creator.FDs[name])
		if dfd.Target != cfd.Target || dfd.Inode == 0 || dfd.Inode != cfd.Inode || dfd.Kind != cfd.Kind {
			t.Errorf("%s: daemon %+v creator %+v: want one object", name, dfd, cfd)
		}
		if dfd.CloExec {
			t.Errorf("%s: daemon's inherited fd has cloexec", name)
		}
	}
	if d5, c5 := fdOf(t, d, 5), fdOf(t, c, creator.FDs["file"]); d5.Pos != 15 || c5.Pos != 15 {
		t.Errorf("file pos daemon %d creator %d, want 15 15 (one open file description)", d5.Pos, c5.Pos)
	}
	if k := fdOf(t, d, 3).Kind; k != snapshot.KindSocket {
		t.Errorf("daemon fd 3 kind %s, want socket", k)
	}
}

func TestTakeSubreaperAndOrphan(t *testing.T) {
	skipUnlessReal(t)
	reaper, orphan := stage.Subreaper(t)
	o2 := stage.Orphan(t)
	s := takePIDs(t, reaper.PID, orphan.PID, o2.PID)
	if p := find(t, s, orphan.PID); p.PPID != reaper.PID {
		t.Errorf("orphan ppid %d, want the subreaper %d", p.PPID, reaper.PID)
	}
	if r := find(t, s, reaper.PID); !slices.Contains(r.Children, orphan.PID) {
		t.Errorf("subreaper children %v lack %d", r.Children, orphan.PID)
	}
	p := find(t, s, o2.PID)
	matchKernel(t, p)
	if p.PPID != o2.PPID {
		t.Errorf("orphan ppid %d, want adopter %d", p.PPID, o2.PPID)
	}
}

func TestTakeTransitions(t *testing.T) {
	skipUnlessReal(t)
	p := stage.Sleeper(t)
	before := find(t, takePIDs(t, p.PID), p.PID)
	p.Setsid(t)
	p.Exec(t, "/bin/sleep", "1000")
	after := find(t, takePIDs(t, p.PID), p.PID)
	matchKernel(t, after)
	if after.Key() != before.Key() {
		t.Errorf("key changed across exec: %v -> %v", before.Key(), after.Key())
	}
	if after.SID != p.PID || before.SID == p.PID {
		t.Errorf("sid %d -> %d, want -> %d", before.SID, after.SID, p.PID)
	}
	if after.Comm != "sleep" || slices.Equal(after.Cmdline, before.Cmdline) || after.Cmdline[1] != "1000" {
		t.Errorf("after exec: comm %q cmdline %q", after.Comm, after.Cmdline)
	}
}

// TestTakeRecordsNamespacesAndIDs checks the fields read from status and ns/ against the kernel
// for the test process itself.
func TestTakeRecordsNamespacesAndIDs(t *testing.T) {
	skipUnlessReal(t)
	me := os.Getpid()
	p := find(t, takePIDs(t, me), me)
	st, err := stage.ReadStatus(me)
	if err != nil {
		t.Fatal(err)
	}
	if p.SigCaught != st["SigCgt"] || p.SigIgnored != st["SigIgn"] || p.SigBlocked != st["SigBlk"] {
		t.Errorf("masks %s %s %s, kernel %s %s %s", p.SigCaught, p.SigIgnored, p.SigBlocked, st["SigCgt"], st["SigIgn"], st["SigBlk"])
	}
	if len(p.NSpid) == 0 || p.NSpid[0] != me || strconv.Itoa(p.UID) != firstField(st["Uid"]) {
		t.Errorf("nspid %v uid %d, kernel NSpid %q Uid %q", p.NSpid, p.UID, st["NSpid"], st["Uid"])
	}
	link, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		t.Fatal(err)
	}
	if want := "pid:[" + strconv.FormatUint(p.Namespaces["pid"], 10) + "]"; want != link {
		t.Errorf("pid namespace %s, kernel %s", want, link)
	}
	if p.Threads < 2 { // the Go runtime always runs several threads
		t.Errorf("threads %d, want at least 2", p.Threads)
	}
}

func firstField(s string) string {
	for i, c := range s {
		if c == ' ' || c == '\t' {
			return s[:i]
		}
	}
	return s
}

// TestTakeChildrenSingleThreaded checks the children of a single-threaded parent (a shell with
// two sleeps), which take reads without listing task/, against the children of a
// multi-threaded one (this Go test process), which it reads through task/.
func TestTakeChildrenSingleThreaded(t *testing.T) {
	skipUnlessReal(t)
	sh := startShell(t, "sleep 60 & sleep 60 & echo started; wait")
	stage.WaitFor(t, "both sleeps exec'd", func() (bool, error) {
		kids, err := os.ReadFile("/proc/" + strconv.Itoa(sh.Process.Pid) + "/task/" + strconv.Itoa(sh.Process.Pid) + "/children")
		if err != nil {
			return false, err
		}
		for _, f := range strings.Fields(string(kids)) {
			if comm, _ := os.ReadFile("/proc/" + f + "/comm"); strings.TrimSpace(string(comm)) != "sleep" {
				return false, nil
			}
		}
		return len(strings.Fields(string(kids))) == 2, nil
	})
	self := os.Getpid()
	s := takePIDs(t, sh.Process.Pid, self)
	p := find(t, s, sh.Process.Pid)
	if p.Threads != 1 || len(p.Children) != 2 {
		t.Fatalf("shell: %d threads, children %v: want 1 thread and its two sleeps", p.Threads, p.Children)
	}
	for _, kid := range p.Children {
		if comm, _ := os.ReadFile("/proc/" + strconv.Itoa(kid) + "/comm"); strings.TrimSpace(string(comm)) != "sleep" {
			t.Errorf("shell child %d is %q, want sleep", kid, comm)
		}
	}
	if me := find(t, s, self); me.Threads < 2 || !slices.Contains(me.Children, sh.Process.Pid) {
		t.Errorf("test process: %d threads, children %v: want several threads and the shell %d", me.Threads, me.Children, sh.Process.Pid)
	}
}

// TestTakeManyChildren checks a children file longer than a page (1,000 children of one shell:
// 5,000 bytes or more), which the kernel returns in more than one read. The children are
// subshells blocked reading a pipe: forks without exec, quick to make.
func TestTakeManyChildren(t *testing.T) {
	skipUnlessReal(t)
	const n = 1000
	sh := startShell(t, "exec 3<&0; i=0; while [ $i -lt "+strconv.Itoa(n)+" ]; do (read x <&3) & i=$((i+1)); done; echo started; wait")
	file := "/proc/" + strconv.Itoa(sh.Process.Pid) + "/task/" + strconv.Itoa(sh.Process.Pid) + "/children"
	if raw, err := os.ReadFile(file); err != nil || len(raw) <= 4096 {
		t.Fatalf("children file of %d bytes (%v): the test needs more than a page", len(raw), err)
	}
	p := find(t, takePIDs(t, sh.Process.Pid), sh.Process.Pid)
	if len(p.Children) != n {
		t.Errorf("shell with %d children: snapshot lists %d", n, len(p.Children))
	}
}

// TestTakeManyFDs checks a process with more descriptors than one getdents buffer of fd/
// holds (8 KiB, about 340 entries): this test process with 500 more (kept well under a
// RLIMIT_NOFILE of 1,024), whose fd/ is listed in two calls, and whose task/ lists several
// threads.
func TestTakeManyFDs(t *testing.T) {
	skipUnlessReal(t)
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[int]bool{}
	for range 500 {
		n, err := syscall.Dup(int(f.Fd()))
		if err != nil {
			t.Fatal(err)
		}
		defer syscall.Close(n)
		want[n] = true
	}
	p := find(t, takePIDs(t, os.Getpid()), os.Getpid())
	for _, fd := range p.FDs {
		if want[fd.FD] && fd.Target == os.DevNull {
			delete(want, fd.FD)
		}
	}
	if len(want) > 0 {
		t.Errorf("%d of 500 descriptors of %s missing from the snapshot's %d", len(want), os.DevNull, len(p.FDs))
	}
}

// TestTakeLongCmdline checks a command line longer than a page and than the first read's
// buffer: a shell whose $0 is 10,000 bytes.
func TestTakeLongCmdline(t *testing.T) {
	skipUnlessReal(t)
	long := strings.Repeat("x", 10000)
	sh := startShell(t, "echo started; sleep 60; true", long)
	p := find(t, takePIDs(t, sh.Process.Pid), sh.Process.Pid)
	if want := []string{"sh", "-c", "echo started; sleep 60; true", long}; !slices.Equal(p.Cmdline, want) {
		t.Errorf("cmdline of %d arguments, lengths %v: want 4, the last of 10,000 bytes", len(p.Cmdline), lens(p.Cmdline))
	}
}

func lens(ss []string) []int {
	out := make([]int, len(ss))
	for i, s := range ss {
		out[i] = len(s)
	}
	return out
}

// startShell runs sh -c script (with args) in a process group of its own, its stdin a pipe kept
// open until the end of the test, and returns once the script has printed a line. Cleanup
// kills the group by its PGID (the shell and everything it started) and reaps the shell.
func startShell(t *testing.T, script string, args ...string) *exec.Cmd {
	t.Helper()
	sh := exec.Command("sh", append([]string{"-c", script}, args...)...)
	sh.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	in, err := sh.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sh.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		_ = syscall.Kill(-sh.Process.Pid, syscall.SIGKILL)
		_ = sh.Wait()
	})
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	return sh
}
