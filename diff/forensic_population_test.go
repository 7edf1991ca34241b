package diff

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	snapproc "github.com/procsnap/procsnap/snapshot/proc"

	"golang.org/x/sys/unix"

	"github.com/procsnap/procsnap/fixtures/stage"
	"github.com/procsnap/procsnap/snapshot"
)

// smallWorld is pid 1 of the namespace of TestForensicCreatorSmallWorld ($1 the trigger FIFO,
// $2 and $3 the files for the launcher's and the daemon's PIDs in the namespace). The pipeline
// "{ ... } | cat" makes a pipe six processes hold: three sleeps at fd 1, the launcher at fd 7
// and, once born, the daemon at fd 7 (the write end), cat (the read end). The launcher waits for
// the trigger, double-forks the daemon with setsid -f and becomes "sleep 601". Seven processes in
// all: the population of issue 14 point 4, where the old weight ln(1 + 7/6) = 0.77 < 1 let the
// pipe name no creator while on the host it did.
const smallWorld = `{ sleep 600 & sleep 600 & sleep 600 &
exec sh -c 'echo $$ > "$2"; read x < "$1"; setsid -f sh -c '\''echo $$ > "$1"; exec sleep 600'\'' sh "$3"; exec sleep 601' sh "$@" 7>&1 >/dev/null; } | cat`

// 4. A daemon that shares its creator's pipe is attributed in a PID namespace of seven processes
// as on the host view: the creator threshold does not depend on how many processes were read.
func TestForensicCreatorSmallWorld(t *testing.T) {
	skipUnlessReal(t)
	closeLeaksOnExec(t)
	dir := t.TempDir()
	fifo, launcherFile, daemonFile := filepath.Join(dir, "go"), filepath.Join(dir, "launcher"), filepath.Join(dir, "daemon")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	inner := startContainerOf(t, "sh", "-c", smallWorld, "sh", fifo, launcherFile, daemonFile)
	nsProc := "/proc/" + strconv.Itoa(inner) + "/root/proc"
	nsLauncher := nsPIDFrom(t, launcherFile, "the launcher")
	stage.WaitFor(t, "six processes in the namespace, the launcher waiting", func() (bool, error) {
		comms, err := nsComms(nsProc)
		return err == nil && len(comms) == 6 && comms[nsLauncher] == "sh", err
	})
	hostA, nsA := takeAll(t, snapproc.DefaultRoot), takeAll(t, nsProc)

	stage.WaitFor(t, "the launcher to take the trigger", func() (bool, error) {
		f, err := os.OpenFile(fifo, os.O_WRONLY|unix.O_NONBLOCK, 0)
		if errors.Is(err, unix.ENXIO) { // no reader yet
			return false, nil
		} else if err != nil {
			return false, err
		}
		_, err = f.WriteString("go\n")
		return err == nil, errors.Join(err, f.Close())
	})
	nsDaemon := nsPIDFrom(t, daemonFile, "the daemon")
	launcher, daemon := hostPIDOf(t, inner, nsLauncher), hostPIDOf(t, inner, nsDaemon)
	killLater(t, daemon)
	killLater(t, launcher)
	stage.WaitFor(t, "the daemon in its own session and the launcher replaced by sleep", func() (bool, error) {
		d, err := stage.ReadStat(daemon)
		if err != nil {
			return false, err
		}
		l, err := stage.ReadStat(launcher)
		return err == nil && d.Comm == "sleep" && d.SID == daemon && l.Comm == "sleep", err
	})
	nsB, hostB := takeAll(t, nsProc), takeAll(t, snapproc.DefaultRoot)
	if n := len(nsB.Processes); n != 7 {
		t.Fatalf("the namespace holds %d processes, want 7", n)
	}
	inNS := pipeEvidence(t, "namespace", compare(t, nsA, nsB), nsLauncher, nsDaemon)
	onHost := pipeEvidence(t, "host", compare(t, hostA, hostB), launcher, daemon)
	// The pipe alone (six holders: both ends are one object, cat holds the read end) must name the creator, whatever else is shared (the cgroup
	// adds more among 7 processes than among the host's), and weigh the same in both views.
	if inNS.Holders != 6 || inNS.Weight < minCreatorScore || inNS.Weight != onHost.Weight {
		t.Errorf("the shared pipe: %d holders, weight %.2f in the namespace, %.2f on the host; want 6 holders, "+
			"the same weight, at least %.2f", inNS.Holders, inNS.Weight, onHost.Weight, minCreatorScore)
	}
}

// pipeEvidence requires launcher to be named creator of daemon with the pipe they share at fd 7
// among the evidence, and returns that evidence.
func pipeEvidence(t *testing.T, view string, res *Result, launcher, daemon int) SharedFD {
	t.Helper()
	cr := startedCreator(t, res, daemon)
	t.Logf("%s view: %s", view, cr.Summary)
	if cr.Candidate == nil || cr.Candidate.PID != launcher {
		t.Fatalf("%s view: creator of the daemon %d: %s; want %d", view, daemon, cr.Summary, launcher)
	}
	for _, s := range cr.Shared {
		if strings.HasPrefix(s.Target, "pipe:") && s.FD == 7 && s.CandidateFD == 7 {
			return s
		}
	}
	t.Fatalf("%s view: the evidence does not name the shared pipe at fd 7: %s", view, cr.Summary)
	return SharedFD{}
}

// takeAll photographs every process of the proc filesystem at root.
func takeAll(t *testing.T, root string) *snapshot.Snapshot {
	t.Helper()
	s, err := snapproc.Take(context.Background(), snapproc.TakeOptions{Root: root, NoStack: true})
	if err != nil {
		t.Fatalf("Take(%s): %v", root, err)
	}
	return s
}

// nsPIDFrom waits for file to hold a PID written by the shell that is it, and returns it.
func nsPIDFrom(t *testing.T, file, who string) int {
	t.Helper()
	var pid int
	stage.WaitFor(t, who+"'s PID in "+file, func() (bool, error) {
		data, err := os.ReadFile(file)
		if err != nil || !strings.HasSuffix(string(data), "\n") {
			return false, nil
		}
		pid, err = strconv.Atoi(strings.TrimSpace(string(data)))
		return err == nil, err
	})
	return pid
}

// nsComms maps each PID of the proc filesystem at root to its command name.
func nsComms(root string) (map[int]string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	comms := map[int]string{}
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			data, err := os.ReadFile(filepath.Join(root, e.Name(), "comm"))
			if err != nil {
				continue // gone meanwhile: the caller polls again
			}
			comms[pid] = strings.TrimSpace(string(data))
		}
	}
	return comms, nil
}

// hostPIDOf returns the host PID of the child of inner (pid 1 of its namespace) whose PID in
// that namespace is nsPID: every process of TestForensicCreatorSmallWorld is one.
func hostPIDOf(t *testing.T, inner, nsPID int) int {
	t.Helper()
	var pid int
	stage.WaitFor(t, "the host PID of namespace pid "+strconv.Itoa(nsPID), func() (bool, error) {
		kids, err := stage.Children(inner)
		if err != nil {
			return false, err
		}
		for _, k := range kids {
			st, err := stage.ReadStatus(k)
			if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
				continue
			} else if err != nil {
				return false, err
			}
			if f := strings.Fields(st["NSpid"]); len(f) == 2 && f[1] == strconv.Itoa(nsPID) {
				pid = k
				return true, nil
			}
		}
		return false, nil
	})
	return pid
}
