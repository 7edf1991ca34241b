package diff

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/procsnap/procsnap/snapshot"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// goldenCase is a pair of fixture snapshots, the events expected (as "pid kind", in order) and a
// golden file holding the whole Result.
type goldenCase struct {
	name string
	a, b *snapshot.Snapshot
	opts Options
	want []string
}

func eventList(r *Result) []string {
	out := []string{}
	for _, e := range r.Events {
		out = append(out, fmt.Sprintf("%d %s", e.PID, e.Kind))
	}
	return out
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./diff -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestGolden(t *testing.T) {
	for _, tc := range append(goldenCases(t), forensicCases(t)...) {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Compare(tc.a, tc.b, tc.opts)
			if err != nil {
				t.Fatalf("Compare: %v", err)
			}
			if diff := cmp.Diff(tc.want, eventList(res)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			var buf bytes.Buffer
			enc := yaml.NewEncoder(&buf)
			enc.SetIndent(2)
			if err := enc.Encode(res); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.name, buf.Bytes())
		})
	}
}

func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	nullFDs := fds(stdio("/dev/null", 4)...)
	return []goldenCase{
		{name: "noise", // offsets move and a busy process flips R/S: nothing to report
			a:    snap(t, t0, proc(300, 3000, 1, "logger", state("R"), fds(file(3, "/var/log/app.log", 77, 100, "102001")))),
			b:    snap(t, t1, proc(300, 3000, 1, "logger", state("S"), fds(file(3, "/var/log/app.log", 77, 9000, "102001")))),
			want: []string{}},
		{name: "all_states",
			a:    snap(t, t0, proc(300, 3000, 1, "busy", state("R"))),
			b:    snap(t, t1, proc(300, 3000, 1, "busy", state("D"))),
			opts: Options{AllStates: true}, want: []string{"300 state_changed"}},
		{name: "started",
			a:    snap(t, t0),
			b:    snap(t, t1, proc(300, 3000, 100, "vim", session(100, 300), tty(pts0, "pts/0"), fds(stdio("/dev/pts/0", 3)...))),
			want: []string{"300 started"}},
		{name: "exited",
			a:    snap(t, t0, proc(300, 3000, 100, "make", session(100, 300))),
			b:    snap(t, t1),
			want: []string{"300 exited"}},
		{name: "pid_reused",
			a:    snap(t, t0, proc(300, 3000, 100, "make", session(100, 300))),
			b:    snap(t, t1, proc(300, 3400, 100, "cc", session(100, 300))),
			want: []string{"300 pid_reused"}},
		{name: "exec",
			a:    snap(t, t0, proc(300, 3000, 100, "bash", session(100, 300), exe("/usr/bin/bash", "bash", "-c", "sleep 9"))),
			b:    snap(t, t1, proc(300, 3000, 100, "sleep", session(100, 300), exe("/usr/bin/sleep", "sleep", "9"))),
			want: []string{"300 exec"}},
		{name: "not_exec", // setproctitle and prctl(PR_SET_NAME) are not execs
			a: snap(t, t0, proc(300, 3000, 1, "postgres", exe("/usr/bin/postgres", "postgres: idle")),
				proc(301, 3001, 1, "worker", exe("/usr/bin/worker", "worker"))),
			b: snap(t, t1, proc(300, 3000, 1, "postgres", exe("/usr/bin/postgres", "postgres: SELECT")),
				proc(301, 3001, 1, "worker:io", exe("/usr/bin/worker", "worker"))),
			want: []string{}},
		{name: "reparented_init",
			a: snap(t, t0, proc(300, 3000, 100, "nohup", session(100, 300)),
				proc(301, 3001, 300, "job", session(100, 300))),
			b:    snap(t, t1, proc(301, 3001, 1, "job", session(100, 300))),
			want: []string{"300 exited", "301 reparented"}},
		{name: "reparented_subreaper",
			a: snap(t, t0, proc(400, 4000, 1, "containerd-shim"),
				proc(401, 4001, 400, "sh", session(400, 400)),
				proc(402, 4002, 401, "app", session(400, 400))),
			b: snap(t, t1, proc(400, 4000, 1, "containerd-shim"),
				proc(402, 4002, 400, "app", session(400, 400))),
			want: []string{"401 exited", "402 reparented"}},
		{name: "became_zombie_and_report",
			a: snap(t, t0, proc(500, 5000, 1, "server", state("S"), with(func(p *snapshot.Process) { p.Wchan = "do_select" })),
				proc(501, 5001, 500, "child", session(500, 500)),
				proc(502, 5002, 500, "child", session(500, 500), state("Z"))),
			b: snap(t, t1, proc(500, 5000, 1, "server", state("S"), with(func(p *snapshot.Process) { p.Wchan = "do_select" })),
				proc(501, 5001, 500, "child", session(500, 500), state("Z")),
				proc(502, 5002, 500, "child", session(500, 500), state("Z"))),
			want: []string{"501 became_zombie"}},
		{name: "reaped_by_parent",
			a:    snap(t, t0, proc(500, 5000, 1, "server"), proc(501, 5001, 500, "child", session(500, 500), state("Z"))),
			b:    snap(t, t1, proc(500, 5000, 1, "server")),
			want: []string{"501 reaped"}},
		{name: "reaped_by_init",
			a:    snap(t, t0, proc(500, 5000, 1, "server"), proc(501, 5001, 500, "child", session(500, 500), state("Z"))),
			b:    snap(t, t1),
			want: []string{"500 exited", "501 reaped"}},
		{name: "stopped_continued",
			a:    snap(t, t0, proc(300, 3000, 100, "top", session(100, 300)), proc(301, 3001, 100, "vi", session(100, 301), state("T"))),
			b:    snap(t, t1, proc(300, 3000, 100, "top", session(100, 300), state("T")), proc(301, 3001, 100, "vi", session(100, 301))),
			want: []string{"300 stopped", "301 continued"}},
		{name: "traced_untraced",
			a: snap(t, t0, proc(300, 3000, 100, "gdb", session(100, 300)),
				proc(301, 3001, 1, "app"),
				proc(302, 3002, 1, "other", with(func(p *snapshot.Process) { p.TracerPID = 300 }))),
			b: snap(t, t1, proc(300, 3000, 100, "gdb", session(100, 300)),
				proc(301, 3001, 1, "app", state("t"), with(func(p *snapshot.Process) { p.TracerPID = 300 })),
				proc(302, 3002, 1, "other"),
				proc(303, 3003, 300, "debuggee", session(100, 300), state("t"), with(func(p *snapshot.Process) { p.TracerPID = 300 })),
				proc(304, 3004, 1, "threaded", with(func(p *snapshot.Process) { p.TracerPID = 299 }))),
			want: []string{"301 traced", "301 stopped", "302 untraced", "303 started", "303 traced", "304 started", "304 traced", "304 daemonized"}},
		{name: "state_changed",
			a:    snap(t, t0, proc(300, 3000, 1, "fs", state("S"))),
			b:    snap(t, t1, proc(300, 3000, 1, "fs", state("P"))),
			want: []string{"300 state_changed"}},
		{name: "setsid_setpgid_tty",
			a: snap(t, t0, proc(300, 3000, 100, "d", session(100, 100), tty(pts0, "pts/0")),
				proc(301, 3001, 100, "job", session(100, 100), tty(pts0, "pts/0"))),
			b: snap(t, t1, proc(300, 3000, 100, "d", session(300, 300)),
				proc(301, 3001, 100, "job", session(100, 301), tty(pts0, "pts/0"))),
			want: []string{"300 setsid", "300 tty_changed", "301 setpgid"}},
		{name: "fd_opened_closed",
			a: snap(t, t0, proc(300, 3000, 1, "app", fds(file(3, "/etc/app.conf", 11, 0, "100000"), sock(4, 9001, "2004002"),
				file(5, "/var/lib/app/db", 12, 4096, "100002")))),
			b: snap(t, t1, proc(300, 3000, 1, "app", fds(sock(4, 9002, "2004002"), file(5, "/var/lib/app/db", 12, 8192, "100002"),
				pipe(6, 9100, "2000000")))),
			want: []string{"300 fd_closed", "300 fd_closed", "300 fd_opened", "300 fd_opened"}},
		{name: "fd_file_deleted_or_renamed", // the same open file under a new link text: no event
			a:    snap(t, t0, proc(300, 3000, 1, "app", fds(file(3, "/tmp/job/stdout", 51, 10, "100001"), file(4, "/var/log/a.log", 52, 0, "102001")))),
			b:    snap(t, t1, proc(300, 3000, 1, "app", fds(file(3, "/tmp/job/stdout (deleted)", 51, 99, "100001"), file(4, "/var/log/a.log.1", 52, 0, "102001")))),
			want: []string{}},
		{name: "fd_inherited_leaked_new",
			a: snap(t, t0, proc(300, 3000, 100, "make", session(100, 300), fds(append(stdio("/dev/pts/0", 3),
				pipe(5, 9200, "0"), file(6, "/tmp/build.lock", 21, 0, "2100002"))...))),
			b: snap(t, t1, proc(300, 3000, 100, "make", session(100, 300), fds(append(stdio("/dev/pts/0", 3),
				pipe(5, 9200, "0"), file(6, "/tmp/build.lock", 21, 0, "2100002"))...)),
				proc(310, 3100, 300, "cc", session(100, 300), fds(append(stdio("/dev/pts/0", 3), pipe(5, 9200, "0"))...))),
			want: []string{"310 started", "310 fd_inherited", "310 fd_leaked"}},
		{name: "fd_leaked_exec",
			a: snap(t, t0, proc(300, 3000, 100, "sh", session(100, 300), exe("/usr/bin/sh", "sh", "-c", "exec app"),
				fds(file(3, "/var/secret", 31, 0, "100000"), file(4, "/etc/passwd", 32, 0, "2100000")))),
			b: snap(t, t1, proc(300, 3000, 100, "app", session(100, 300), exe("/usr/bin/app", "app"),
				fds(file(3, "/var/secret", 31, 0, "100000")))),
			want: []string{"300 exec", "300 fd_closed", "300 fd_leaked"}},
		{name: "daemonized_creator",
			// pgbouncer 600 listens on socket 7001 and forks a middle (gone) that forks the daemon
			// 620: adopted by init, session 610 whose leader is gone, sharing the listener, a pipe
			// and a log file (same offset) with 600, and /dev/null with everyone.
			a: snap(t, t0, proc(600, 6000, 100, "pgbouncer", session(100, 600), nullFDs,
				with(func(p *snapshot.Process) {
					p.FDs = append(p.FDs, sock(3, 7001, "2004002"), pipe(4, 7002, "0"), file(5, "/var/log/pgb.log", 41, 15, "102001"))
				}))),
			b: snap(t, t1, proc(600, 6000, 100, "pgbouncer", session(100, 600), nullFDs,
				with(func(p *snapshot.Process) {
					p.FDs = append(p.FDs, sock(3, 7001, "2004002"), pipe(4, 7002, "0"), file(5, "/var/log/pgb.log", 41, 15, "102001"))
				})),
				proc(620, 6200, 1, "pgbouncer", session(610, 610), nullFDs,
					with(func(p *snapshot.Process) {
						p.FDs = append(p.FDs, sock(3, 7001, "4002"), pipe(4, 7002, "0"), file(5, "/var/log/pgb.log", 41, 15, "102001"))
					}))),
			want: []string{"620 started", "620 fd_inherited", "620 fd_inherited", "620 fd_inherited", "620 daemonized"}},
		{name: "adopted_no_creator",
			a:    snap(t, t0),
			b:    snap(t, t1, proc(700, 7000, 1, "lonely", session(1, 1), nullFDs)),
			want: []string{"700 started"}},
		{name: "swapped",
			a:    snap(t, t1, proc(300, 3000, 1, "late")),
			b:    snap(t, t0),
			want: []string{"300 started", "300 daemonized"}},
		{name: "forced_boot_mismatch",
			a: snap(t, t0), b: func() *snapshot.Snapshot { s := snap(t, t1); s.Header.BootID = "other-boot"; return s }(),
			opts: Options{Force: true}, want: []string{}},
		{name: "container_sid0_orphan",
			// In a container started without a new session every process has SID 0: the leader
			// lives outside the PID namespace. 810's parent 800 exits and init adopts it: an
			// orphan, not a daemon, since its session leader is invisible, not gone.
			a:    snap(t, t0, proc(800, 8000, 1, "sh", session(0, 800)), proc(810, 8100, 800, "worker", session(0, 800))),
			b:    snap(t, t1, proc(810, 8100, 1, "worker", session(0, 800))),
			want: []string{"800 exited", "810 reparented"}},
		{name: "leaderless_orphan",
			// 910 was already in session 900 whose leader had exited, without a terminal; its
			// parent 905 exits now. Reparented, and not a new daemon.
			a:    snap(t, t0, proc(905, 9050, 1, "sh", session(900, 905)), proc(910, 9100, 905, "worker", session(900, 905))),
			b:    snap(t, t1, proc(910, 9100, 1, "worker", session(900, 905))),
			want: []string{"905 exited", "910 reparented"}},
		{name: "double_fork_midway",
			// A saw the daemon 920 still under its first child 915 (which had called setsid);
			// B sees 915 gone and 920 adopted in a session whose leader is gone: daemonized.
			a:    snap(t, t0, proc(915, 9150, 1, "d1"), proc(920, 9200, 915, "d2", session(915, 915))),
			b:    snap(t, t1, proc(920, 9200, 1, "d2", session(915, 915))),
			want: []string{"915 exited", "920 reparented", "920 daemonized"}},
		{name: "scoped_leader_unknown",
			// B was taken with --pid 930: the leader 925 of its session was not read, so it is
			// not known to be gone.
			a: snap(t, t0, proc(925, 9250, 1, "sh", session(925, 925)), proc(930, 9300, 925, "w", session(925, 925))),
			b: func() *snapshot.Snapshot {
				s := without(snap(t, t1, proc(930, 9300, 1, "w", session(925, 925))), 1, 100, 200, 201, 202, 203)
				s.Header.Options.PIDs = []int{930}
				return s
			}(),
			want: []string{"930 reparented"}},
		{name: "restricted_scope", // B covers only pid 300: pid 200..203 are not exited
			a: snap(t, t0, proc(300, 3000, 1, "app")),
			b: func() *snapshot.Snapshot {
				s := without(snap(t, t1, proc(300, 3000, 1, "app")), 1, 100, 200, 201, 202, 203)
				s.Header.Options.PIDs = []int{300}
				return s
			}(),
			want: []string{}},
	}
}
