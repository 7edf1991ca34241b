package diff

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/snapshot"
)

// TestCreatorScoring checks which candidate wins and why, on small worlds built around one
// adopted process, 900, that appeared in B. Scores are ln(1 + 32/n) per shared object (n: holders
// of the object, whatever the population), 0.05 of that for /dev/null, a third under another
// fd number, +1 per leadership, 2/(n-1) for a cgroup or audit session n processes share: e.g. a
// socket shared by 2 processes is ln(17) = 2.83, /dev/null held by 7 is 0.09.
func TestCreatorScoring(t *testing.T) {
	null := stdio("/dev/null", 4)
	adopted := func(extra ...snapshot.FD) snapshot.Process {
		return proc(900, 9000, 1, "daemon", session(890, 890), fds(append(append([]snapshot.FD{}, null...), extra...)...))
	}
	cases := []struct {
		name      string
		a, b      []snapshot.Process
		wantPID   int // 0: no creator
		wantFDs   []int
		wantScore float64
	}{
		{name: "only /dev/null shared: none",
			b: []snapshot.Process{adopted(), proc(800, 8000, 100, "shell", fds(null...))}},
		{name: "shared socket beats shared /dev/null",
			b: []snapshot.Process{adopted(sock(3, 5001, "2")),
				proc(800, 8000, 100, "listener", fds(append(append([]snapshot.FD{}, null...), sock(3, 5001, "2"))...)),
				proc(801, 8001, 100, "bystander", fds(null...))},
			wantPID: 800, wantFDs: []int{0, 3}, wantScore: 2.92},
		{name: "socket held by many weighs less than a private pipe",
			b: []snapshot.Process{adopted(sock(3, 5001, "2"), pipe(4, 6001, "0")),
				proc(800, 8000, 100, "a", fds(sock(3, 5001, "2"))), proc(801, 8001, 100, "b", fds(sock(3, 5001, "2"))),
				proc(802, 8002, 100, "c", fds(sock(3, 5001, "2"))), proc(803, 8003, 100, "d", fds(pipe(4, 6001, "0")))},
			wantPID: 803, wantFDs: []int{4}, wantScore: 2.83},
		{name: "file offset differs: another open file description",
			b: []snapshot.Process{adopted(file(3, "/var/log/x", 50, 100, "102001")),
				proc(800, 8000, 100, "opener", fds(file(3, "/var/log/x", 50, 7, "102001")))}},
		{name: "exited creator seen only in A still counts",
			a:       []snapshot.Process{proc(800, 8000, 100, "launcher", fds(pipe(4, 6001, "0")))},
			b:       []snapshot.Process{adopted(pipe(4, 6001, "0"))},
			wantPID: 800, wantFDs: []int{4}, wantScore: 2.83},
		{name: "socket under another fd number (passed over a unix socket) alone: none",
			b: []snapshot.Process{adopted(sock(7, 5001, "2")), proc(800, 8000, 100, "sender", fds(sock(3, 5001, "2")))}},
		{name: "other audit session contradicts a shared socket",
			b: []snapshot.Process{audit(adopted(sock(3, 5001, "2")), 1000, 7),
				audit(proc(800, 8000, 100, "sender", fds(sock(3, 5001, "2"))), 1000, 9)}},
		{name: "own audit session alone is enough",
			a:       []snapshot.Process{audit(proc(800, 8000, 100, "launcher"), 1000, 7)},
			b:       []snapshot.Process{audit(adopted(), 1000, 7)},
			wantPID: 800, wantScore: 2},
		{name: "own cgroup alone is enough",
			b: []snapshot.Process{cgroup(adopted(), "/system.slice/run-u42.scope"),
				cgroup(proc(800, 8000, 100, "launcher"), "/system.slice/run-u42.scope")},
			wantPID: 800, wantScore: 2},
		{name: "a cgroup seven processes share names no one",
			b: append([]snapshot.Process{cgroup(adopted(), "/docker/c1")}, cgroups("/docker/c1", 800, 801, 802, 803, 804, 805)...)},
		{name: "pty of one session: the shell a setsid -f daemon left",
			b: []snapshot.Process{proc(900, 9000, 1, "daemon", fds(stdio("/dev/pts/3", 6)...)),
				proc(800, 8000, 100, "bash", session(800, 800), tty(34819, "pts/3"), fds(stdio("/dev/pts/3", 6)...))},
			wantPID: 800, wantFDs: []int{0}, wantScore: 2.83},
		{name: "equal evidence: a tie names no one",
			b: []snapshot.Process{adopted(pipe(4, 6001, "0")), proc(800, 8000, 100, "a", fds(pipe(4, 6001, "0"))),
				proc(801, 8001, 100, "b", fds(pipe(4, 6001, "0")))}},
		{name: "younger process cannot be the creator",
			b: []snapshot.Process{adopted(pipe(4, 6001, "0")), proc(950, 9500, 1, "young", fds(pipe(3, 6001, "0")))}},
		{name: "session leader alone is enough",
			a:       []snapshot.Process{proc(890, 8900, 1, "leader", session(890, 890))},
			b:       []snapshot.Process{adopted()},
			wantPID: 890, wantScore: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := snap(t, t0, tc.a...), snap(t, t1, tc.b...)
			res, err := Compare(a, b, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var cr *Creator
			for _, e := range res.Events {
				if e.PID == 900 && e.Kind == KindStarted {
					cr = e.Creator
				}
			}
			if cr == nil {
				t.Fatalf("no started event with a creator for 900: %v", eventList(res))
			}
			got, gotFDs := 0, []int(nil)
			if cr.Candidate != nil {
				got = cr.Candidate.PID
				for _, s := range cr.Shared {
					gotFDs = append(gotFDs, s.FD)
				}
			}
			if got != tc.wantPID {
				t.Fatalf("creator %d, want %d (%s)", got, tc.wantPID, cr.Summary)
			}
			if diff := cmp.Diff(tc.wantFDs, gotFDs); diff != "" {
				t.Errorf("shared fds (-want +got):\n%s", diff)
			}
			if tc.wantPID != 0 && cr.Score != tc.wantScore {
				t.Errorf("score %.2f, want %.2f", cr.Score, tc.wantScore)
			}
		})
	}
}

func audit(p snapshot.Process, loginuid, session uint32) snapshot.Process {
	p.AuditLoginUID, p.AuditSessionID = &loginuid, &session
	return p
}

func cgroup(p snapshot.Process, path string) snapshot.Process {
	p.Cgroup = path
	return p
}

// cgroups builds plain processes with the given PIDs in one cgroup.
func cgroups(path string, pids ...int) []snapshot.Process {
	var out []snapshot.Process
	for _, pid := range pids {
		out = append(out, cgroup(proc(pid, uint64(pid)*10, 100, "member"), path))
	}
	return out
}

// TestCreatorThresholdPopulation: the same evidence (a pipe the daemon shares with its creator
// and three other processes) names the same creator in a world of seven processes and in one of
// a hundred. With weights ln(1 + N/n) it did not: ln(1 + 7/5) < 1.
func TestCreatorThresholdPopulation(t *testing.T) {
	world := func(extra int) []snapshot.Process {
		ps := []snapshot.Process{proc(900, 9000, 1, "daemon", session(890, 890), fds(pipe(4, 6001, "1"))),
			proc(800, 8000, 100, "creator", fds(pipe(4, 6001, "1")))}
		for i := range 3 {
			ps = append(ps, proc(810+i, uint64(9500+i), 1, "writer", fds(pipe(1, 6001, "1"))))
		}
		for i := range extra {
			ps = append(ps, proc(1000+i, uint64(10000+i), 1, "other", fds(pipe(1, uint64(7000+i), "1"))))
		}
		return ps
	}
	var got []string
	for _, extra := range []int{0, 95} {
		a := snap(t, t0)
		b := snap(t, t1, world(extra)...)
		res, err := Compare(a, b, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range res.Events {
			if e.PID == 900 && e.Kind == KindStarted {
				got = append(got, e.Creator.Summary)
			}
		}
	}
	if len(got) != 2 || got[0] != got[1] || !strings.Contains(got[0], "likely created by 800") {
		t.Errorf("creator differs with the population:\n%s", strings.Join(got, "\n"))
	}
}
