package report

import (
	"testing"
	"time"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/diff/timeline"
	"github.com/procsnap/procsnap/snapshot"
)

// The fixture host: init, an ssh login with a shell in the foreground on pts/0, a worker pool
// whose zombies pile up, a daemon that escapes the shell, a cron job that execs, a process that
// gets stopped, and a child that inherits a pipe across exec.

var t0 = time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)

const (
	bootID = "0d6a3b52-6c36-4c1a-9a0e-51c6c7a3f3a1"
	pidNS  = "pid:[4026531836]"
)

type opt func(*snapshot.Process)

func proc(pid int, start uint64, ppid int, comm string, opts ...opt) snapshot.Process {
	p := snapshot.Process{PID: pid, StartTicks: start, PPID: ppid, PGID: pid, SID: pid, State: "S", Comm: comm,
		Exe: "/usr/bin/" + comm, Cmdline: []string{comm}, Threads: 1, SigChld: snapshot.SigChldDefault}
	for _, o := range opts {
		o(&p)
	}
	return p
}

func in(sid, pgid int) opt { return func(p *snapshot.Process) { p.SID, p.PGID = sid, pgid } }
func state(s string) opt   { return func(p *snapshot.Process) { p.State = s } }
func zombie() opt          { return func(p *snapshot.Process) { p.State, p.Exe, p.Cmdline = "Z", "", nil } }
func on(tty string, fg int) opt {
	return func(p *snapshot.Process) { p.TTYNr, p.TTY, p.TPGID = 34816, tty, fg }
}
func fd(n int, target string) opt {
	return func(p *snapshot.Process) {
		p.FDs = append(p.FDs, snapshot.FD{FD: n, Target: target, Kind: snapshot.KindPipe, Inode: 999, Flags: "02"})
	}
}
func exe(path string, cmd ...string) opt {
	return func(p *snapshot.Process) { p.Exe, p.Cmdline = path, cmd }
}

func snap(at time.Time, procs ...snapshot.Process) *snapshot.Snapshot {
	s := &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema, TakenAt: at, Hostname: "web-1",
		BootID: bootID, PIDNamespace: pidNS, UserHZ: 100}, Processes: procs}
	s.Header.Counts.Processes = len(procs)
	return s
}

// fixtureSnapshots is three snapshots a minute apart.
func fixtureSnapshots() []*snapshot.Snapshot {
	base := func() []snapshot.Process {
		return []snapshot.Process{
			proc(1, 1, 0, "systemd"),
			proc(100, 50, 1, "sshd"),
			proc(101, 60, 100, "bash", on("pts/0", 101), fd(5, "pipe:[999]")),
			proc(200, 70, 1, "worker-pool", func(p *snapshot.Process) { p.SigChld = snapshot.SigChldHandler; p.Wchan = "do_epoll_wait" }),
		}
	}
	s0 := append(base(),
		proc(300, 80, 101, "mydaemon", in(101, 300), on("pts/0", 101)),
		proc(400, 90, 1, "sh", exe("/bin/sh", "sh", "-c", "backup")),
		proc(500, 95, 1, "batch"),
	)
	s1 := append(base(),
		proc(201, 110, 200, "job", in(200, 200), zombie()),
		proc(202, 111, 200, "job", in(200, 200), zombie()),
		proc(301, 120, 1, "mydaemon", fd(5, "pipe:[999]")),
		proc(400, 90, 1, "sh", exe("/bin/sh", "sh", "-c", "backup")),
		proc(500, 95, 1, "batch"),
		proc(602, 130, 101, "make", in(101, 602), on("pts/0", 101), fd(5, "pipe:[999]")),
	)
	s2 := append(base(),
		proc(201, 110, 200, "job", in(200, 200), zombie()),
		proc(202, 111, 200, "job", in(200, 200), zombie()),
		proc(203, 140, 200, "job", in(200, 200), zombie()),
		proc(301, 120, 1, "mydaemon", fd(5, "pipe:[999]")),
		proc(400, 90, 1, "backup", exe("/usr/bin/backup", "backup", "--all")),
		proc(500, 95, 1, "batch", state("T")),
	)
	return []*snapshot.Snapshot{snap(t0, s0...), snap(t0.Add(time.Minute), s1...), snap(t0.Add(2*time.Minute), s2...)}
}

// fixtureInput compares the fixture snapshots in order, as procsnap report does.
func fixtureInput(t testing.TB, snaps []*snapshot.Snapshot) *Input {
	t.Helper()
	in := &Input{Source: "capture directory /var/lib/procsnap", Generator: "procsnap test", Snapshots: snaps}
	for i := range snaps {
		in.Names = append(in.Names, snaps[i].Header.TakenAt.Format("web-1-20060102T150405Z.yaml"))
		if i == 0 {
			continue
		}
		res, err := diff.Compare(snaps[i-1], snaps[i], diff.Options{})
		if err != nil {
			t.Fatalf("Compare: %v", err)
		}
		in.Intervals = append(in.Intervals, timeline.Interval{AFile: in.Names[i-1], BFile: in.Names[i], Result: *res})
	}
	return in
}
