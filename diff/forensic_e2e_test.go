package diff

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	snapproc "github.com/procsnap/procsnap/snapshot/proc"

	"golang.org/x/sys/unix"

	"github.com/procsnap/procsnap/fixtures/stage"
	"github.com/procsnap/procsnap/snapshot"
)

// Real-process tests of issue 14: each stages a situation procsnap misjudged and checks the
// comparison of two snapshots taken around it.

func skipUnlessReal(t *testing.T) {
	t.Helper()
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("stages real processes; needs Linux and not -short")
	}
}

func compare(t *testing.T, a, b *snapshot.Snapshot) *Result {
	t.Helper()
	res, err := Compare(a, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func startedCreator(t *testing.T, res *Result, pid int) *Creator {
	t.Helper()
	e := eventOf(t, res, pid, KindStarted)
	if e.Creator == nil {
		t.Fatalf("pid %d started without a creator inference: %s", pid, e.Summary)
	}
	return e.Creator
}

func hasKind(res *Result, pid int, kind string) bool {
	return slices.Contains(kindsOf(eventsOf(res, pid)), kind)
}

// 1. A live process whose leader thread exited is no zombie, and when it ends it exited.
func TestForensicLeaderExited(t *testing.T) {
	skipUnlessReal(t)
	a := takeOf(t, nil)
	p := stage.LeaderExited(t)
	b := takeOf(t, []int{p.PID})
	res := compare(t, a, b)
	if !hasKind(res, p.PID, KindStarted) || !hasKind(res, p.PID, KindLeaderExited) || hasKind(res, p.PID, KindBecameZombie) {
		t.Errorf("events %v, want started and leader_exited, no became_zombie", kindsOf(eventsOf(res, p.PID)))
	}
	for _, z := range res.Zombies.Zombies {
		if z.PID == p.PID {
			t.Errorf("pid %d is in the zombie report: %s", p.PID, res.Zombies.Summary)
		}
	}
	p.Kill(t) // kills and reaps it
	c := takeOf(t, []int{p.PID})
	res = compare(t, b, c)
	if got := kindsOf(eventsOf(res, p.PID)); !slices.Equal(got, []string{KindExited}) {
		t.Errorf("after it ended: %v, want exited (not reaped)", got)
	}
}

// 2. A container's /proc read from the host is another PID namespace: diff refuses the pair.
func TestForensicRefusesOtherPIDNamespace(t *testing.T) {
	skipUnlessReal(t)
	host := takeOf(t, nil)
	var containers []*snapshot.Snapshot
	for range 2 {
		inner := startContainer(t)
		root := "/proc/" + strconv.Itoa(inner) + "/root/proc"
		s, err := snapproc.Take(context.Background(), snapproc.TakeOptions{Root: root, NoStack: true})
		if err != nil {
			t.Fatalf("Take(%s): %v", root, err)
		}
		containers = append(containers, s)
	}
	for _, pair := range [][2]*snapshot.Snapshot{{host, containers[0]}, {containers[0], containers[1]}} {
		res, err := Compare(pair[0], pair[1], Options{})
		if !errors.Is(err, ErrPIDNamespaceMismatch) {
			t.Errorf("Compare(%s, %s) = %v, %v; want ErrPIDNamespaceMismatch", pair[0].Header.PIDNamespace,
				pair[1].Header.PIDNamespace, res != nil, err)
		}
	}
	// Without the namespace in the headers (an unprivileged take), pid 1 still tells them apart.
	host.Header.PIDNamespace, containers[0].Header.PIDNamespace = "", ""
	if _, err := Compare(host, containers[0], Options{}); !errors.Is(err, ErrPIDNamespaceMismatch) {
		t.Errorf("without pid_namespace: %v, want ErrPIDNamespaceMismatch", err)
	}
}

// startContainer starts "unshare --pid --fork --mount-proc sleep" and returns the host PID of
// the sleep, pid 1 of the new namespace. It skips, saying why, without root or unshare.
func startContainer(t *testing.T) int {
	t.Helper()
	return startContainerOf(t, "sleep", "600")
}

// startContainerOf starts "unshare --pid --fork --mount-proc --kill-child name args..." and
// returns the host PID of name, pid 1 of the new namespace. Cleanup kills unshare by PID, which
// kills pid 1 and so every process of the namespace. It skips, saying why, without root or
// unshare.
func startContainerOf(t *testing.T, name string, args ...string) int {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a PID namespace with its own /proc (CI runs as root)")
	}
	bin, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("needs unshare(1) from util-linux: not found")
	}
	cmd := exec.Command(bin, append([]string{"--pid", "--fork", "--mount-proc", "--kill-child", name}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("unshare: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	var inner int
	stage.WaitFor(t, "the container's pid 1 and its /proc", func() (bool, error) {
		kids, err := stage.Children(cmd.Process.Pid)
		if err != nil || len(kids) == 0 {
			return false, err
		}
		inner = kids[0]
		st, err := stage.ReadStatus(inner)
		if err != nil {
			return false, err
		}
		if f := strings.Fields(st["NSpid"]); len(f) != 2 || f[1] != "1" || st["Name"] != name {
			return false, nil
		}
		_, err = os.Stat("/proc/" + strconv.Itoa(inner) + "/root/proc/1/stat")
		return err == nil, nil
	})
	return inner
}

// 3. A descriptor received over a unix socket from a process of another login (audit session)
// is not inherited, and its sender is not the receiver's creator: the renumbered descriptor
// weighs a third, and the other audit session rules the sender out.
func TestForensicPassedFD(t *testing.T) {
	skipUnlessReal(t)
	sock := filepath.Join(t.TempDir(), "pass.sock")
	sender := startHelper(t, "fdsender", sock)
	var sfd int
	var login string
	sender.line(t, "ready fd=%d login=%s", &sfd, &login)
	if login != "ok" {
		t.Skip("needs root and an audit-enabled kernel to give the sender a login session of its own (CI runs as root)")
	}
	a := takeOf(t, []int{sender.pid})
	mid := exec.Command(os.Args[0], sock)
	mid.Env = append(os.Environ(), helperEnv+"=fdmiddle")
	h := runHelper(t, mid)
	var recv, rfd int
	h.line(t, "child pid=%d", &recv)
	killLater(t, recv)
	h.line(t, "ready fd=%d", &rfd)
	stage.WaitFor(t, "receiver adopted", func() (bool, error) {
		s, err := stage.ReadStat(recv)
		return err == nil && s.PPID != h.pid, err
	})
	b := takeOf(t, []int{sender.pid, recv})
	if sfd == rfd {
		t.Fatalf("the receiver got the sender's fd number %d: the test needs another", sfd)
	}
	res := compare(t, a, b)
	cr := startedCreator(t, res, recv)
	if cr.Candidate != nil && cr.Candidate.PID == sender.pid {
		t.Errorf("the sender is named creator: %s", cr.Summary)
	}
	for _, e := range eventsOf(res, recv) {
		if (e.Kind == KindFDInherited || e.Kind == KindFDLeaked) && e.From != nil && e.From.PID == sender.pid {
			t.Errorf("%s from the sender: %s", e.Kind, e.Summary)
		}
	}
	t.Logf("receiver %d: %s", recv, cr.Summary)
}

// 5. A job of a session whose leader exits is an orphaned process group, not a daemon.
func TestForensicOrphanedGroup(t *testing.T) {
	skipUnlessReal(t)
	cmd := exec.Command(os.Args[0], stage.Stager(t))
	cmd.Env = append(os.Environ(), helperEnv+"=jobleader")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	leader := runHelper(t, cmd)
	var job int
	leader.line(t, "ready job=%d", &job)
	killLater(t, job)
	stage.WaitFor(t, "the job in its own group", func() (bool, error) {
		s, err := stage.ReadStat(job)
		return err == nil && s.PGID == job && s.SID == leader.pid, err
	})
	a := takeOf(t, []int{leader.pid, job})
	leader.kill(t)
	stage.WaitFor(t, "the job adopted", func() (bool, error) {
		s, err := stage.ReadStat(job)
		return err == nil && s.PPID != leader.pid, err
	})
	b := takeOf(t, []int{job})
	res := compare(t, a, b)
	if hasKind(res, job, KindDaemonized) {
		t.Errorf("the orphaned job is called daemonized: %v", kindsOf(eventsOf(res, job)))
	}
	if e := eventOf(t, res, job, KindReparented); e.OrphanedPGID != job {
		t.Errorf("reparented without the orphaned group: %s", e.Summary)
	}
}

// 6. A setsid -f daemon still holding its shell's pty is traced to the shell.
func TestForensicPTYDaemon(t *testing.T) {
	skipUnlessReal(t)
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("needs setsid(1) from util-linux: not found")
	}
	master, slave := openPTY(t)
	pidFile := filepath.Join(t.TempDir(), "daemon.pid")
	sh := exec.Command("sh", "-c", `read x; setsid -f sh -c 'echo $$ > "$1"; exec sleep 600' sh "$1"; exec sleep 601`, "sh", pidFile)
	sh.Stdin, sh.Stdout, sh.Stderr = slave, slave, slave
	sh.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sh.Process.Kill(); _ = sh.Wait() })
	slave.Close()
	a := takeOf(t, []int{sh.Process.Pid})
	if _, err := master.Write([]byte("go\n")); err != nil {
		t.Fatal(err)
	}
	var daemon int
	stage.WaitFor(t, "the setsid -f daemon", func() (bool, error) {
		data, err := os.ReadFile(pidFile)
		if err != nil || !strings.HasSuffix(string(data), "\n") {
			return false, nil
		}
		daemon, _ = strconv.Atoi(strings.TrimSpace(string(data)))
		s, err := stage.ReadStat(daemon)
		return err == nil && s.Comm == "sleep" && s.SID == daemon, err
	})
	killLater(t, daemon)
	stage.WaitFor(t, "the shell replaced by sleep", func() (bool, error) {
		s, err := stage.ReadStat(sh.Process.Pid)
		return err == nil && s.Comm == "sleep", err
	})
	b := takeOf(t, []int{sh.Process.Pid, daemon})
	cr := startedCreator(t, compare(t, a, b), daemon)
	if cr.Candidate == nil || cr.Candidate.PID != sh.Process.Pid {
		t.Errorf("creator of the setsid -f daemon: %s; want the shell %d whose pty it holds", cr.Summary, sh.Process.Pid)
	}
}

// openPTY opens a new pty pair.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unlockPT(m); err != nil {
		t.Fatal(err)
	}
	n, err := ptsNumber(m)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

func unlockPT(m *os.File) error {
	return unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0)
}

func ptsNumber(m *os.File) (int, error) {
	return unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
}

// 7. A zombie born between the snapshots is a new zombie for --kind became_zombie.
func TestForensicZombieBornBetween(t *testing.T) {
	skipUnlessReal(t)
	parent := stage.Sleeper(t)
	a := takeOf(t, []int{parent.PID})
	z := parent.ForkExit(t)
	b := takeOf(t, []int{parent.PID, z})
	all := compare(t, a, b)
	res := all.Filter([]string{KindBecameZombie}, nil)
	if !hasKind(res, z, KindBecameZombie) {
		t.Logf("all events: %v", eventList(all))
		t.Errorf("--kind became_zombie misses the new zombie %d: %v", z, eventList(res))
	}
}
