package render

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/snapshot"
)

// p is a compact process for table tests: pid, ppid, pgid, sid, state.
type p struct {
	pid, ppid, pgid, sid int
	state                string
}

func snap(tb testing.TB, procs ...p) *snapshot.Snapshot {
	tb.Helper()
	s := &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema}}
	for _, q := range procs {
		st := q.state
		if st == "" {
			st = "S"
		}
		s.Processes = append(s.Processes, snapshot.Process{
			PID: q.pid, PPID: q.ppid, PGID: q.pgid, SID: q.sid, State: st, Comm: "c", TPGID: -1, Threads: 1,
		})
	}
	s.Sort()
	s.Header.Counts = s.Count() // as take sets them
	if err := s.Validate(); err != nil {
		tb.Fatal(err)
	}
	return s
}

// shape returns pid → parent pid in the built tree (0 for roots) and the PIDs in walk order.
func shape(f *Forest) (map[int]int, []int) {
	parents := map[int]int{}
	var order []int
	for _, r := range f.Roots {
		parents[r.PID] = 0
	}
	f.Walk(func(n *Node, _ int) {
		order = append(order, n.PID)
		for _, c := range n.Children {
			parents[c.PID] = n.PID
		}
	})
	return parents, order
}

func marked(f *Forest, marker string) []int {
	var out []int
	f.Walk(func(n *Node, _ int) {
		if n.Has(marker) {
			out = append(out, n.PID)
		}
	})
	slices.Sort(out)
	return out
}

func TestBuildForestCycles(t *testing.T) {
	ring := func(n int) []p { // 1000 → 1001 → ... → 1000+n-1 → 1000
		var out []p
		for i := range n {
			out = append(out, p{pid: 1000 + i, ppid: 1000 + (i+1)%n, pgid: 1000, sid: 1000})
		}
		return out
	}
	cases := []struct {
		name        string
		procs       []p
		wantParents map[int]int
		wantCycle   []int
		wantMissing []int
	}{
		{"no cycle", []p{{1, 0, 1, 1, ""}, {2, 1, 1, 1, ""}, {3, 2, 1, 1, ""}},
			map[int]int{1: 0, 2: 1, 3: 2}, nil, nil},
		{"self parent", []p{{5, 5, 5, 5, ""}, {6, 5, 5, 5, ""}},
			map[int]int{5: 0, 6: 5}, []int{5}, nil},
		{"two-cycle broken at lowest pid", []p{{10, 11, 10, 10, ""}, {11, 10, 10, 10, ""}},
			map[int]int{10: 0, 11: 10}, []int{10}, nil},
		{"three-cycle with a tail", []p{{20, 22, 20, 20, ""}, {21, 20, 20, 20, ""}, {22, 21, 20, 20, ""}, {23, 21, 20, 20, ""}},
			map[int]int{20: 0, 21: 20, 22: 21, 23: 21}, []int{20}, nil},
		{"two disjoint cycles", []p{{30, 31, 30, 30, ""}, {31, 30, 30, 30, ""}, {40, 41, 40, 40, ""}, {41, 40, 40, 40, ""}},
			map[int]int{30: 0, 31: 30, 40: 0, 41: 40}, []int{30, 40}, nil},
		{"missing parent", []p{{1, 0, 1, 1, ""}, {50, 4242, 50, 50, ""}, {51, 50, 50, 50, ""}},
			map[int]int{1: 0, 50: 0, 51: 50}, nil, []int{50}},
		{"cycle hanging off a missing parent chain", []p{{60, 61, 60, 60, ""}, {61, 60, 60, 60, ""}, {62, 9999, 60, 60, ""}},
			map[int]int{60: 0, 61: 60, 62: 0}, []int{60}, []int{62}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := BuildForest(snap(t, tc.procs...))
			parents, order := shape(f)
			if diff := cmp.Diff(tc.wantParents, parents); diff != "" {
				t.Errorf("parents (-want +got):\n%s", diff)
			}
			if len(order) != len(tc.procs) {
				t.Errorf("walk visited %d processes, want each of %d once: %v", len(order), len(tc.procs), order)
			}
			if diff := cmp.Diff(tc.wantCycle, marked(f, MarkPPIDCycle)); diff != "" {
				t.Errorf("ppid_cycle markers (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantMissing, marked(f, MarkParentMissing)); diff != "" {
				t.Errorf("parent_missing markers (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("large ring terminates", func(t *testing.T) {
		f := BuildForest(snap(t, ring(20000)...))
		_, order := shape(f)
		if len(order) != 20000 || len(f.Roots) != 1 || f.Roots[0].PID != 1000 {
			t.Fatalf("got %d nodes and roots %v, want 20000 nodes under root 1000", len(order), len(f.Roots))
		}
	})
}

func TestOrphanedGroups(t *testing.T) {
	cases := []struct {
		name          string
		procs         []p
		pgid          int
		wantOrphaned  bool
		wantUncertain bool
	}{
		{"parent in another group of the same session",
			[]p{{100, 1, 100, 100, ""}, {110, 100, 110, 100, ""}}, 110, false, false},
		{"every parent inside the group",
			[]p{{100, 1, 100, 100, ""}, {110, 1, 110, 100, ""}, {111, 110, 110, 100, ""}}, 110, true, false},
		{"parent in another session",
			[]p{{100, 1, 100, 100, ""}, {200, 100, 200, 200, ""}, {210, 200, 200, 200, ""}}, 200, true, false},
		{"only link is a zombie member",
			[]p{{100, 1, 100, 100, ""}, {110, 100, 110, 100, "Z"}, {111, 110, 110, 100, ""}}, 110, true, false},
		{"only link is to pid 1, which the kernel ignores",
			[]p{{1, 0, 1, 1, ""}, {50, 1, 50, 1, ""}}, 50, true, false},
		{"parent missing from the snapshot",
			[]p{{110, 4242, 110, 100, ""}}, 110, true, true},
		{"a missing parent does not matter when another member links",
			[]p{{100, 1, 100, 100, ""}, {110, 4242, 110, 100, ""}, {111, 100, 110, 100, ""}}, 110, false, false},
		{"session leader with a missing parent is certainly orphaned",
			[]p{{300, 4242, 300, 300, ""}, {301, 300, 300, 300, ""}}, 300, true, false},
		{"leader gone, members still linked to the session leader",
			[]p{{100, 1, 100, 100, ""}, {111, 100, 110, 100, ""}}, 110, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := BuildForest(snap(t, tc.procs...))
			var g *Group
			for _, s := range BuildSessions(f, f) {
				for _, gg := range s.Groups {
					if gg.PGID == tc.pgid {
						g = gg
					}
				}
			}
			if g == nil {
				t.Fatalf("group %d not in the session view", tc.pgid)
			}
			if g.Orphaned != tc.wantOrphaned || g.OrphanUncertain != tc.wantUncertain {
				t.Errorf("group %d: orphaned=%v uncertain=%v, want %v %v",
					tc.pgid, g.Orphaned, g.OrphanUncertain, tc.wantOrphaned, tc.wantUncertain)
			}
		})
	}
}

func TestSessionLeadersAndForeground(t *testing.T) {
	s := snap(t, p{100, 1, 100, 100, ""}, p{110, 100, 110, 100, ""}, p{210, 1, 210, 200, ""}, p{211, 210, 220, 200, ""})
	for i := range s.Processes {
		q := &s.Processes[i]
		if q.SID == 200 {
			q.TTY, q.TTYNr, q.TPGID = "pts/7", 34823, 220
		}
	}
	f := BuildForest(s)
	type gsum struct {
		PGID                     int
		LeaderGone, Orphaned, FG bool
		Members                  int
	}
	type ssum struct {
		SID          int
		LeaderExited bool
		TTY          string
		FG           int
		Groups       []gsum
	}
	var got []ssum
	for _, se := range BuildSessions(f, f) {
		ss := ssum{SID: se.SID, LeaderExited: se.LeaderExited, TTY: se.TTY, FG: se.ForegroundPGID}
		for _, g := range se.Groups {
			ss.Groups = append(ss.Groups, gsum{g.PGID, g.LeaderGone, g.Orphaned, g.Foreground, g.Members})
		}
		got = append(got, ss)
	}
	want := []ssum{
		{SID: 100, Groups: []gsum{{100, false, true, false, 1}, {110, false, false, false, 1}}},
		{SID: 200, LeaderExited: true, TTY: "pts/7", FG: 220,
			Groups: []gsum{{210, false, true, false, 1}, {220, true, false, true, 1}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sessions (-want +got):\n%s", diff)
	}
}

func TestSelect(t *testing.T) {
	f := BuildForest(loadFixture(t, "sessions.yaml"))
	t.Run("missing pid", func(t *testing.T) {
		if _, err := f.Select(Filter{PID: 31337}); !errors.Is(err, ErrNoSuchPID) {
			t.Fatalf("err = %v, want ErrNoSuchPID", err)
		}
	})
	cases := []struct {
		name        string
		flt         Filter
		wantShown   []int
		wantContext []int
	}{
		{"pid subtree and ancestors", Filter{PID: 430}, []int{1, 400, 410, 420, 430, 431}, []int{1, 400, 410, 420}},
		{"user", Filter{UIDs: []int{0}, Comms: []string{"defunct"}}, []int{1, 601, 602, 603}, []int{1, 601}},
		{"pid and comm", Filter{PID: 420, Comms: []string{"prog"}}, []int{1, 400, 410, 420, 450, 451}, []int{1, 400, 410, 420, 450}},
		{"pid with no match below", Filter{PID: 510, UIDs: []int{0}}, nil, nil},
		{"everything", Filter{}, []int{1, 2, 3, 400, 410, 420, 430, 431, 440, 450, 451, 510, 511, 520, 601, 602, 603, 800, 801, 802, 900}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := f.Select(tc.flt)
			if err != nil {
				t.Fatal(err)
			}
			var shown, context []int
			sel.Walk(func(n *Node, _ int) {
				shown = append(shown, n.PID)
				if n.Context {
					context = append(context, n.PID)
				}
			})
			slices.Sort(shown)
			slices.Sort(context)
			if diff := cmp.Diff(tc.wantShown, shown); diff != "" {
				t.Errorf("shown (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantContext, context); diff != "" {
				t.Errorf("context (-want +got):\n%s", diff)
			}
		})
	}
}
