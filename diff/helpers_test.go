package diff

import (
	"strconv"
	"testing"
	"time"

	"github.com/procsnap/procsnap/snapshot"
)

// Fixture snapshots are built in Go: a tiny host with init, a login shell and a few processes
// holding /dev/null, so weights behave as on a real host.

var (
	t0 = time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	t1 = t0.Add(5 * time.Second)
)

const (
	bootID = "0d6a3b52-6c36-4c1a-9a0e-51c6c7a3f3a1"
	pidNS  = "pid:[4026531836]"
	pts0   = 34816 // tty_nr of /dev/pts/0
)

type opt func(*snapshot.Process)

// proc builds a sleeping process in its own session with no terminal.
func proc(pid int, start uint64, ppid int, comm string, opts ...opt) snapshot.Process {
	p := snapshot.Process{PID: pid, StartTicks: start, PPID: ppid, PGID: pid, SID: pid, State: "S",
		Comm: comm, Exe: "/usr/bin/" + comm, Cmdline: []string{comm}, Threads: 1, SigChld: snapshot.SigChldDefault}
	for _, o := range opts {
		o(&p)
	}
	return p
}

func with(f func(*snapshot.Process)) opt { return f }

func state(s string) opt { return func(p *snapshot.Process) { p.State = s } }

func session(sid, pgid int) opt { return func(p *snapshot.Process) { p.SID, p.PGID = sid, pgid } }

func tty(nr int, name string) opt { return func(p *snapshot.Process) { p.TTYNr, p.TTY = nr, name } }

func fds(list ...snapshot.FD) opt { return func(p *snapshot.Process) { p.FDs = list } }

func exe(path string, cmd ...string) opt {
	return func(p *snapshot.Process) { p.Exe, p.Cmdline = path, cmd }
}

// file, sock and pipe build descriptors; flags are fdinfo's octal words (02 O_RDWR, 0100002
// O_RDWR|O_LARGEFILE, 02000000 O_CLOEXEC).
func file(n int, target string, ino uint64, pos int64, flags string) snapshot.FD {
	return snapshot.FD{FD: n, Target: target, Kind: snapshot.KindFile, Inode: ino, Pos: pos, Flags: flags,
		CloExec: flags != "" && flags[0] == '2' && len(flags) == 7}
}

func sock(n int, ino uint64, flags string) snapshot.FD {
	return snapshot.FD{FD: n, Target: "socket:[" + itoa(ino) + "]", Kind: snapshot.KindSocket, Inode: ino, Flags: flags,
		CloExec: len(flags) == 7 && flags[0] == '2'}
}

func pipe(n int, ino uint64, flags string) snapshot.FD {
	return snapshot.FD{FD: n, Target: "pipe:[" + itoa(ino) + "]", Kind: snapshot.KindPipe, Inode: ino, Flags: flags,
		CloExec: len(flags) == 7 && flags[0] == '2'}
}

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }

// stdio gives the three standard descriptors on a terminal.
func stdio(target string, ino uint64) []snapshot.FD {
	return []snapshot.FD{file(0, target, ino, 0, "2"), file(1, target, ino, 0, "2"), file(2, target, ino, 0, "2")}
}

// base is the host every fixture starts from: init, a login shell on pts/0, and four daemons
// holding /dev/null.
func base() []snapshot.Process {
	procs := []snapshot.Process{
		proc(1, 1, 0, "systemd", with(func(p *snapshot.Process) { p.SigChld = snapshot.SigChldHandler })),
		proc(100, 1000, 1, "bash", tty(pts0, "pts/0"), fds(stdio("/dev/pts/0", 3)...),
			with(func(p *snapshot.Process) { p.SigChld = snapshot.SigChldHandler; p.TPGID = 100 })),
	}
	for i := range 4 {
		pid := 200 + i
		procs = append(procs, proc(pid, uint64(500+i), 1, "svc", fds(stdio("/dev/null", 4)...)))
	}
	return procs
}

// snap builds a snapshot taken at `at` with the base host plus extra processes (replacing base
// processes with the same PID).
func snap(tb testing.TB, at time.Time, extra ...snapshot.Process) *snapshot.Snapshot {
	tb.Helper()
	byPID := map[int]snapshot.Process{}
	for _, p := range base() {
		byPID[p.PID] = p
	}
	for _, p := range extra {
		byPID[p.PID] = p
	}
	s := &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema, TakenAt: at, Hostname: "fixture",
		BootID: bootID, PIDNamespace: pidNS, UserHZ: 100, TakerPID: 9999}}
	for _, p := range byPID {
		s.Processes = append(s.Processes, p)
	}
	s.Sort()
	return s
}

// without removes PIDs from a snapshot.
func without(s *snapshot.Snapshot, pids ...int) *snapshot.Snapshot {
	out := *s
	out.Processes = nil
	for _, p := range s.Processes {
		keep := true
		for _, pid := range pids {
			keep = keep && p.PID != pid
		}
		if keep {
			out.Processes = append(out.Processes, p)
		}
	}
	return &out
}
