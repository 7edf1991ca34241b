package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/snapshot"
)

// TestCreatorScoring checks which candidate wins and why, on small worlds built around one
// adopted process, 900, that appeared in B. Scores are ln(1 + N/n) per shared object (N: processes
// whose fds were read, n: holders of the object), 0.05 of that for /dev/null, +1 per leadership:
// e.g. a socket shared by 2 of 9 processes is ln(5.5) = 1.70, /dev/null held by 7 of 9 is 0.04.
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
			wantPID: 800, wantFDs: []int{0, 3}, wantScore: 1.75},
		{name: "socket held by many weighs less than a private pipe",
			b: []snapshot.Process{adopted(sock(3, 5001, "2"), pipe(4, 6001, "0")),
				proc(800, 8000, 100, "a", fds(sock(3, 5001, "2"))), proc(801, 8001, 100, "b", fds(sock(3, 5001, "2"))),
				proc(802, 8002, 100, "c", fds(sock(3, 5001, "2"))), proc(803, 8003, 100, "d", fds(pipe(9, 6001, "0")))},
			wantPID: 803, wantFDs: []int{4}, wantScore: 1.87},
		{name: "file offset differs: another open file description",
			b: []snapshot.Process{adopted(file(3, "/var/log/x", 50, 100, "102001")),
				proc(800, 8000, 100, "opener", fds(file(3, "/var/log/x", 50, 7, "102001")))}},
		{name: "exited creator seen only in A still counts",
			a:       []snapshot.Process{proc(800, 8000, 100, "launcher", fds(pipe(3, 6001, "0")))},
			b:       []snapshot.Process{adopted(pipe(4, 6001, "0"))},
			wantPID: 800, wantFDs: []int{4}, wantScore: 1.61},
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
