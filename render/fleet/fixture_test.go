package fleet

import (
	"time"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/internal/watch"
	"github.com/procsnap/procsnap/snapshot"
)

const (
	testBoot = "0d6a3b52-6c36-4c1a-9a0e-51c6c7a3f3a1"
	testNS   = "pid:[4026531836]"
)

var testAt = time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)

func testHeader(at time.Time) snapshot.Header {
	return snapshot.Header{Schema: snapshot.Schema, TakenAt: at, Hostname: "web-7", BootID: testBoot,
		PIDNamespace: testNS, BootTime: 1795000000, UserHZ: 100, TakerPID: 9999}
}

// testPair returns two snapshots of a small host, five seconds apart. Between them: a shell on
// pts/0 (400, session and group leader) ran a job (410) that exec'd; a listener (600)
// double-forked a daemon (620) that shares its socket; a worker (700) exited; a server (500)
// has left its child (501) a zombie since A; a container's init (800, pid 1 inside) runs a
// process (801) whose status could not be read.
func testPair() (a, b *snapshot.Snapshot) {
	sock := snapshot.FD{FD: 3, Target: "socket:[7001]", Kind: snapshot.KindSocket, Inode: 7001, Flags: "02", CloExec: false}
	log := snapshot.FD{FD: 4, Target: "/var/log/app.log", Kind: snapshot.KindFile, Flags: "02102001", CloExec: true}
	procs := func(after bool) []snapshot.Process {
		ps := []snapshot.Process{
			{PID: 1, StartTicks: 1, Comm: "systemd", State: "S", PGID: 1, SID: 1, SigChld: "handler", Threads: 1,
				Exe: "/usr/lib/systemd/systemd", Cmdline: []string{"/sbin/init"}},
			{PID: 400, StartTicks: 4000, PPID: 1, PGID: 400, SID: 400, TTYNr: 34816, TTY: "pts/0", TPGID: 410,
				Comm: "bash", State: "S", Exe: "/usr/bin/bash", Cmdline: []string{"-bash"}, UID: 1000, EUID: 1000,
				GID: 1000, EGID: 1000, Cwd: "/home/ann", SigChld: "handler", Threads: 1},
			{PID: 410, StartTicks: 4100, PPID: 400, PGID: 410, SID: 400, TTYNr: 34816, TTY: "pts/0", TPGID: 410,
				Comm: "make", State: "S", Exe: "/usr/bin/make", Cmdline: []string{"make", "-j2"}, UID: 1000, EUID: 1000,
				GID: 1000, EGID: 1000, Cwd: "/home/ann/src", Threads: 1},
			{PID: 500, StartTicks: 5000, PPID: 1, PGID: 500, SID: 500, Comm: "server", State: "S", Wchan: "do_select",
				SigChld: "default", Exe: "/opt/server/bin/server", Cmdline: []string{"/opt/server/bin/server", "--port", "8080"}, Threads: 4},
			{PID: 501, StartTicks: 5001, PPID: 500, PGID: 500, SID: 500, Comm: "child", State: "Z"},
			{PID: 600, StartTicks: 6000, PPID: 1, PGID: 600, SID: 600, Comm: "pgbouncer", State: "S",
				Exe: "/usr/bin/pgbouncer", Cmdline: []string{"pgbouncer", "/etc/pgbouncer.ini"}, FDs: []snapshot.FD{sock, log}, Threads: 1},
			{PID: 700, StartTicks: 7000, PPID: 1, PGID: 700, SID: 700, Comm: "worker", State: "S", Exe: "/usr/bin/worker", Threads: 1},
			{PID: 800, StartTicks: 8000, PPID: 1, PGID: 800, SID: 800, Comm: "tini", State: "S", Exe: "/sbin/tini",
				Cmdline: []string{"/sbin/tini", "--", "app"}, NSpid: []int{800, 1}, Threads: 1},
			{PID: 801, StartTicks: 8010, PPID: 800, PGID: 800, SID: 800, Comm: "app", State: "S", NSpid: []int{801, 7},
				Unread: map[string]string{"status": snapshot.ReasonPermissionDenied}, UID: 0, EUID: 0, Threads: 1},
		}
		if !after {
			return ps
		}
		ps[2].Comm, ps[2].Exe, ps[2].Cmdline = "cc1", "/usr/lib/gcc/cc1", []string{"cc1", "main.c"}
		ps = append(ps[:6], ps[7:]...) // 700 exited
		ps = append(ps, snapshot.Process{PID: 620, StartTicks: 6200, PPID: 1, PGID: 610, SID: 610, Comm: "pgbouncer",
			State: "S", Exe: "/usr/bin/pgbouncer", Cmdline: []string{"pgbouncer", "-d"}, FDs: []snapshot.FD{sock}, Threads: 1})
		return ps
	}
	a = &snapshot.Snapshot{Header: testHeader(testAt), Processes: procs(false)}
	b = &snapshot.Snapshot{Header: testHeader(testAt.Add(5 * time.Second)), Processes: procs(true)}
	for _, s := range []*snapshot.Snapshot{a, b} {
		sortByPID(s)
	}
	return a, b
}

func sortByPID(s *snapshot.Snapshot) {
	ps := s.Processes
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].PID < ps[j-1].PID; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// testWatch returns watch events: a fork, its exec and its exit, as a watch reports them.
func testWatch() []watch.Event {
	t := testAt.Add(2 * time.Second)
	return []watch.Event{
		// The watch's reports about itself describe no process: no document (the golden
		// files hold none).
		{Time: t, UID: -1, Event: diff.Event{Kind: watch.KindWatching, Summary: "watching 3 processes on CPU 1"}},
		{Time: t, UID: -1, Event: diff.Event{Kind: watch.KindStats, Summary: "missed 0 of 3 processes"}},
		{Time: t, UID: 1000, Event: diff.Event{Kind: diff.KindStarted, PID: 900, StartTicks: 9000, Comm: "bash",
			Summary: "started by 400 (bash)", PPID: 400, Exe: "/usr/bin/bash", Cmdline: []string{"-bash"}},
			Chain: []watch.Ancestor{{PID: 400, StartTicks: 4000, Comm: "bash", Cmdline: []string{"-bash"}}}},
		{Time: t.Add(time.Millisecond), UID: 1000, Event: diff.Event{Kind: diff.KindExec, PID: 900, StartTicks: 9000,
			Comm: "curl", Summary: "exec /usr/bin/curl", PPID: 400, OldExe: "/usr/bin/bash", NewExe: "/usr/bin/curl",
			NewCmdline: []string{"curl", "-s", "https://example.org"}}},
		{Time: t.Add(40 * time.Millisecond), UID: 1000, LifetimeNS: 40e6, Event: diff.Event{Kind: diff.KindExited,
			PID: 900, StartTicks: 9000, Comm: "curl", Summary: "exited", PPID: 400}},
	}
}
