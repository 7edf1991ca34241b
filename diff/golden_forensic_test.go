package diff

import (
	"testing"

	"github.com/procsnap/procsnap/snapshot"
)

// leaderExited makes p a process whose thread-group leader exited while tids run on.
func leaderExited(tids ...int) opt {
	return func(p *snapshot.Process) { p.State, p.Threads, p.LiveTIDs = "Z", len(tids)+1, tids }
}

// forensicCases are the golden pairs of issue 14: each stages one situation in which procsnap
// raised a false alarm or missed a finding, and the lineage evidence of the creator inference.
func forensicCases(t *testing.T) []goldenCase {
	t.Helper()
	nullFDs := fds(stdio("/dev/null", 4)...)
	return []goldenCase{
		{name: "leader_exited", // 1: pthread_exit in main: state Z, two threads run on, no zombie
			a:    snap(t, t0, proc(300, 3000, 100, "server", session(100, 300), with(func(p *snapshot.Process) { p.Threads = 3 }))),
			b:    snap(t, t1, proc(300, 3000, 100, "server", session(100, 300), leaderExited(301, 302))),
			want: []string{"300 leader_exited"}},
		{name: "leader_exited_then_exit", // 1: the process really ends: exited, not reaped
			a:    snap(t, t0, proc(300, 3000, 100, "server", session(100, 300), leaderExited(301, 302))),
			b:    snap(t, t1),
			want: []string{"300 exited"}},
		{name: "fd_passed_not_inherited", // 3: a socket received over a unix socket lands on fd 7
			a: snap(t, t0, proc(800, 8000, 100, "sender", session(100, 800), fds(sock(3, 5001, "2")))),
			b: snap(t, t1, proc(800, 8000, 100, "sender", session(100, 800), fds(sock(3, 5001, "2"))),
				proc(900, 9000, 1, "receiver", nullFDs, with(func(p *snapshot.Process) { p.FDs = append(p.FDs, sock(7, 5001, "2")) }))),
			want: []string{"900 started", "900 daemonized"}},
		{name: "fd_other_audit_session", // 3: same fd number, but the sender is in another login
			a: snap(t, t0, audit(proc(800, 8000, 100, "sender", session(100, 800), fds(sock(3, 5001, "2"))), 1000, 9)),
			b: snap(t, t1, audit(proc(800, 8000, 100, "sender", session(100, 800), fds(sock(3, 5001, "2"))), 1000, 9),
				audit(proc(900, 9000, 1, "receiver", fds(sock(3, 5001, "2"))), 1000, 7)),
			want: []string{"900 started", "900 daemonized"}},
		{name: "creator_small_world", // 4: a pipe shared by five names the creator in a world of seven
			a: func() *snapshot.Snapshot {
				return without(snap(t, t0, proc(800, 8000, 100, "creator", fds(pipe(4, 6001, "1"))),
					proc(810, 8100, 1, "w", fds(pipe(1, 6001, "1"))), proc(811, 8110, 1, "w", fds(pipe(1, 6001, "1"))),
					proc(812, 8120, 1, "w", fds(pipe(1, 6001, "1")))), 200, 201, 202, 203)
			}(),
			b: func() *snapshot.Snapshot {
				return without(snap(t, t1, proc(800, 8000, 100, "creator", fds(pipe(4, 6001, "1"))),
					proc(810, 8100, 1, "w", fds(pipe(1, 6001, "1"))), proc(811, 8110, 1, "w", fds(pipe(1, 6001, "1"))),
					proc(812, 8120, 1, "w", fds(pipe(1, 6001, "1"))),
					proc(900, 9000, 1, "daemon", session(890, 890), fds(pipe(4, 6001, "1")))), 200, 201, 202, 203)
			}(),
			want: []string{"900 started", "900 fd_inherited", "900 fd_leaked", "900 daemonized"}},
		{name: "orphaned_group_not_daemon", // 5: the session leader exits; its job is orphaned, not a daemon
			a:    snap(t, t0, proc(950, 9500, 1, "sh", session(950, 950)), proc(960, 9600, 950, "job", session(950, 960))),
			b:    snap(t, t1, proc(960, 9600, 1, "job", session(950, 960))),
			want: []string{"950 exited", "960 reparented"}},
		{name: "pty_setsid_daemon", // 6: setsid -f from a shell: the pty it kept names the shell
			a: snap(t, t0, proc(800, 8000, 100, "bash", session(800, 800), tty(34819, "pts/3"), fds(stdio("/dev/pts/3", 6)...))),
			b: snap(t, t1, proc(800, 8000, 100, "bash", session(800, 800), tty(34819, "pts/3"), fds(stdio("/dev/pts/3", 6)...)),
				proc(900, 9000, 1, "daemon", fds(stdio("/dev/pts/3", 6)...))),
			want: []string{"900 started", "900 daemonized"}},
		{name: "zombie_born_between", // 7: started and dead between A and B: also became_zombie
			a:    snap(t, t0, proc(300, 3000, 100, "parent", session(100, 300))),
			b:    snap(t, t1, proc(300, 3000, 100, "parent", session(100, 300)), proc(310, 3100, 300, "child", session(100, 300), state("Z"))),
			want: []string{"310 started", "310 became_zombie"}},
		{name: "creator_own_audit_session", // lineage: a launcher that logged in; no fd shared
			a: snap(t, t0, audit(proc(800, 8000, 100, "launcher", session(800, 800)), 1000, 42)),
			b: snap(t, t1, audit(proc(800, 8000, 100, "launcher", session(800, 800)), 1000, 42),
				audit(proc(900, 9000, 1, "daemon", nullFDs), 1000, 42)),
			want: []string{"900 started", "900 daemonized"}},
		{name: "creator_own_cgroup", // lineage: systemd-run --scope style launcher; no fd shared
			a: snap(t, t0, cgroup(proc(800, 8000, 1, "launcher"), "/system.slice/run-u7.scope")),
			b: snap(t, t1, cgroup(proc(800, 8000, 1, "launcher"), "/system.slice/run-u7.scope"),
				cgroup(proc(900, 9000, 1, "daemon", nullFDs), "/system.slice/run-u7.scope")),
			want: []string{"900 started", "900 daemonized"}},
	}
}
