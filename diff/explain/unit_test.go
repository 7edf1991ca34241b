package explain

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/snapshot"
)

func TestDecodeFlags(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"unread", "", ""},
		{"read only", "0", "O_RDONLY"},
		{"write append", "02001", "O_WRONLY|O_APPEND"},
		{"rdwr largefile cloexec", "02100002", "O_RDWR|O_LARGEFILE|O_CLOEXEC"},
		{"sync includes dsync", "04010002", "O_RDWR|O_SYNC"},
		{"dsync alone", "010001", "O_WRONLY|O_DSYNC"},
		{"path", "010000000", "O_RDONLY|O_PATH"},
		{"unknown bit kept", "0100000000", "O_RDONLY|0100000000"},
		{"not octal", "09", "09"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DecodeFlags(tc.in); got != tc.want {
				t.Errorf("DecodeFlags(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func proc(pid int, start uint64, ppid int, comm string) snapshot.Process {
	return snapshot.Process{PID: pid, StartTicks: start, PPID: ppid, PGID: pid, SID: pid, State: "S", Comm: comm,
		Exe: "/bin/" + comm, Cmdline: []string{comm}}
}

func snap(at time.Time, ps ...snapshot.Process) *snapshot.Snapshot {
	slices.SortFunc(ps, func(a, b snapshot.Process) int { return a.PID - b.PID })
	return &snapshot.Snapshot{Header: snapshot.Header{TakenAt: at}, Processes: ps}
}

// TestTrail feeds captures of a PID reused by the explained process, which then exec'd, lost its
// parent and left a zombie child: the trail names the reuse, the parent when first seen, the
// exec, the reparenting, and since when the zombie exists.
func TestTrail(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	initp := proc(1, 1, 0, "init")
	target := proc(500, 200, 400, "worker")
	execd := target
	execd.Exe, execd.Cmdline, execd.PPID = "/bin/daemon", []string{"daemon"}, 1
	zombie := proc(600, 300, 500, "child")
	zombie.State = "Z"
	caps := []*snapshot.Snapshot{
		snap(t0, initp, proc(400, 100, 1, "launcher"), proc(500, 50, 1, "old")),
		snap(t0.Add(time.Minute), initp, proc(400, 100, 1, "launcher"), target),
		snap(t0.Add(2*time.Minute), initp, execd, zombie),
		snap(t0.Add(3*time.Minute), initp, execd, zombie),
	}
	tr := NewTrail(snapshot.Key{PID: 500, StartTicks: 200})
	for _, c := range caps {
		tr.Observe(c)
	}
	r := mustExplain(t, Input{Snapshot: caps[3], PID: 500, Trail: tr})
	if d := cmp.Diff([]Proc{{PID: 500, StartTicks: 50, Comm: "old"}}, r.Identity.Reused); d != "" {
		t.Errorf("reused (-want +got):\n%s", d)
	}
	var kinds []string
	for _, e := range r.History.Events {
		kinds = append(kinds, e.Kind)
	}
	if d := cmp.Diff([]string{"first_seen", "exec", "reparented"}, kinds); d != "" {
		t.Errorf("history kinds (-want +got):\n%s", d)
	}
	if !r.History.FirstSeen.Equal(t0.Add(time.Minute)) || !r.History.LastSeen.Equal(t0.Add(3*time.Minute)) {
		t.Errorf("first %v last %v", r.History.FirstSeen, r.History.LastSeen)
	}
	l := r.Lineage
	if l.Creator == nil || l.Creator.PID != 400 || !l.Creator.Gone || l.Confidence != High || l.Candidates[0].Rank != 2 {
		t.Errorf("lineage %+v: want 400 (gone), high, rank 2", l)
	}
	if len(r.Children.Zombies) != 1 || r.Children.Zombies[0].Since == nil || !r.Children.Zombies[0].Since.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("zombies %+v: want 600 since %v", r.Children.Zombies, t0.Add(2*time.Minute))
	}
}

// TestTrailVanished: first seen already adopted, so the processes of the capture before that
// were gone when it appeared are low hints, which name no creator.
func TestTrailVanished(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	initp := proc(1, 1, 0, "init")
	caps := []*snapshot.Snapshot{
		snap(t0, initp, proc(400, 100, 1, "launcher"), proc(450, 150, 400, "middle")),
		snap(t0.Add(time.Minute), initp, proc(400, 100, 1, "launcher"), proc(500, 200, 1, "daemon")),
	}
	tr := NewTrail(snapshot.Key{PID: 500, StartTicks: 200})
	for _, c := range caps {
		tr.Observe(c)
	}
	r := mustExplain(t, Input{Snapshot: caps[1], PID: 500, Trail: tr})
	l := r.Lineage
	if l.Creator != nil || l.Confidence != Unknown || len(l.Candidates) != 1 || l.Candidates[0].Proc.PID != 450 {
		t.Errorf("lineage %+v: want unknown with the vanished 450 as a low hint", l)
	}
}

func TestNoSuchProcess(t *testing.T) {
	s := snap(time.Now(), proc(1, 1, 0, "init"))
	for _, live := range []bool{true, false} {
		if _, err := Explain(Input{Snapshot: s, PID: 42, Live: live}); !errors.Is(err, ErrNoProcess) {
			t.Errorf("live=%v: err %v, want ErrNoProcess", live, err)
		}
	}
}

// TestRecord: a recording's chain names the parent the process was born to (definitive, high
// when a rescan found it late) and its ancestors; a chain that starts at init names nobody.
func TestRecord(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	s := snap(t0, proc(1, 1, 0, "init"), proc(400, 100, 1, "listener"), proc(500, 200, 1, "daemon"))
	chain := []Proc{{PID: 450, StartTicks: 150, Comm: "child", Gone: true}, {PID: 400, StartTicks: 100, Comm: "listener"},
		{PID: 1, StartTicks: 1, Comm: "init"}}
	for _, tc := range []struct {
		name     string
		creation Creation
		creator  int
		conf     string
	}{
		{"fast path", Creation{Time: t0, Kind: "started", Chain: chain}, 450, Definitive},
		{"late", Creation{Time: t0, Kind: "started", Late: true, Chain: chain}, 450, High},
		{"already adopted", Creation{Time: t0, Kind: "started", Late: true, Chain: chain[2:]}, 0, Unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustExplain(t, Input{Snapshot: s, PID: 500, Record: &Record{Dir: "rec", Creations: []Creation{tc.creation}}})
			l := r.Lineage
			if l.Confidence != tc.conf {
				t.Errorf("confidence %q, want %q (%s)", l.Confidence, tc.conf, l.Verdict)
			}
			if tc.creator == 0 {
				if l.Creator != nil {
					t.Errorf("creator %+v, want none", l.Creator)
				}
				return
			}
			if l.Creator == nil || l.Creator.PID != tc.creator || !l.Creator.Gone || l.Candidates[0].Rank != 1 {
				t.Fatalf("lineage %+v: want %d (gone), rank 1", l, tc.creator)
			}
			if l.Candidates[1].Proc.PID != 400 || l.Candidates[1].Rank != 1 || l.Candidates[1].Proc.Gone {
				t.Errorf("second candidate %+v: want the listener 400, alive, rank 1", l.Candidates[1])
			}
		})
	}
}

// TestSubreaperFromRecord: one snapshot shows a parent that leads another session and could be
// its creator; the recording saw it born to another process, so it was adopted (a subreaper).
func TestSubreaperFromRecord(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	s := snap(t0, proc(1, 1, 0, "init"), proc(300, 50, 1, "reaper"), proc(500, 200, 300, "daemon"))
	rec := &Record{Creations: []Creation{{Time: t0, Kind: "started", Chain: []Proc{{PID: 450, StartTicks: 150, Comm: "middle"}}}}}
	if r := mustExplain(t, Input{Snapshot: s, PID: 500}); r.Lineage.Adopted != "" || r.Lineage.Creator.PID != 300 {
		t.Fatalf("without the recording: %+v, want created by its parent 300", r.Lineage)
	}
	l := mustExplain(t, Input{Snapshot: s, PID: 500, Record: rec}).Lineage
	if l.Adopted != adoptSubreaper || l.Creator == nil || l.Creator.PID != 450 || l.Confidence != Definitive {
		t.Errorf("lineage %+v: want adopted by a subreaper, created by 450, definitive", l)
	}
}
