package diff

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/procsnap/procsnap/snapshot"
)

func eventsOf(res *Result, pid int) []Event {
	var out []Event
	for _, e := range res.Events {
		if e.PID == pid {
			out = append(out, e)
		}
	}
	return out
}

func eventOf(t *testing.T, res *Result, pid int, kind string) Event {
	t.Helper()
	for _, e := range eventsOf(res, pid) {
		if e.Kind == kind {
			return e
		}
	}
	t.Fatalf("pid %d: no %s event among %v", pid, kind, kindsOf(eventsOf(res, pid)))
	return Event{}
}

func eventAt(t *testing.T, res *Result, pid int, kind string, fd int) Event {
	t.Helper()
	for _, e := range eventsOf(res, pid) {
		if e.Kind == kind && e.FD != nil && *e.FD == fd {
			return e
		}
	}
	t.Fatalf("pid %d: no %s event for fd %d", pid, kind, fd)
	return Event{}
}

func kindsOf(ev []Event) []string {
	var out []string
	for _, e := range ev {
		out = append(out, e.Kind)
	}
	return out
}

// checkKinds asserts every required kind and no kind outside required and allowed.
func checkKinds(t *testing.T, res *Result, e expectation) {
	t.Helper()
	got := kindsOf(eventsOf(res, e.pid))
	for _, k := range e.required {
		if !slices.Contains(got, k) {
			t.Errorf("%s (pid %d): no %s event; got %v", e.what, e.pid, k, got)
		}
	}
	for _, k := range got {
		if !slices.Contains(e.required, k) && !slices.Contains(e.allowed, k) {
			t.Errorf("%s (pid %d): unexpected %s event; got %v", e.what, e.pid, k, got)
		}
	}
}

func checkReparent(t *testing.T, res *Result, pid, oldParent, adopter int) {
	t.Helper()
	e := eventOf(t, res, pid, KindReparented)
	if e.OldPPID != oldParent || e.NewPPID != adopter || e.OldParentExited == nil || !*e.OldParentExited {
		t.Errorf("pid %d reparented %d → %d (old parent exited %v), want %d (exited) → %d",
			pid, e.OldPPID, e.NewPPID, e.OldParentExited, oldParent, adopter)
	}
	wantRole := RoleSubreaper
	if adopter == 1 {
		wantRole = RoleInit
	}
	if e.Adopter == nil || e.Adopter.PID != adopter || e.Adopter.Role != wantRole {
		t.Errorf("pid %d adopter %+v, want pid %d role %s", pid, e.Adopter, adopter, wantRole)
	}
}

func checkEvidence(t *testing.T, res *Result, b *snapshot.Snapshot, sc *scene) {
	t.Helper()
	daemon, creator := sc.daemon, sc.creator
	leaker, leakedFD, attachee, tracer, rzombie, rparent := sc.leaker.PID, sc.leakedFD, sc.attachee.PID, sc.tracer.pid, sc.rzombie, sc.rparent.PID
	st := eventOf(t, res, daemon.PID, KindStarted)
	if st.Creator == nil || st.Creator.Candidate == nil || st.Creator.Candidate.PID != creator.PID {
		t.Errorf("daemon %d: creator %+v, want %d", daemon.PID, st.Creator, creator.PID)
	} else {
		var shared []int
		for _, s := range st.Creator.Shared {
			shared = append(shared, s.FD)
		}
		for _, fd := range []int{daemon.FDs["listener"], daemon.FDs["pipe"], daemon.FDs["file"]} {
			if !slices.Contains(shared, fd) {
				t.Errorf("daemon creator evidence lacks fd %d: %+v", fd, st.Creator.Shared)
			}
		}
	}
	// The daemon inherits fds 3-5 from the creator across exec (so they also leak), and may share
	// stdio with it (fd <= 2, through the test's pipes); nothing else.
	got := map[string][]int{}
	for _, e := range eventsOf(res, daemon.PID) {
		if e.Kind != KindFDInherited && e.Kind != KindFDLeaked {
			continue
		}
		if *e.FD > 2 {
			got[e.Kind] = append(got[e.Kind], *e.FD)
		}
		if e.From == nil || e.From.PID != creator.PID {
			t.Errorf("daemon %s fd %d from %+v, want %d", e.Kind, *e.FD, e.From, creator.PID)
		}
	}
	for _, kind := range []string{KindFDInherited, KindFDLeaked} {
		slices.Sort(got[kind])
		if !slices.Equal(got[kind], []int{3, 4, 5}) {
			t.Errorf("daemon %s fds above 2: %v, want [3 4 5]", kind, got[kind])
		}
	}
	// The creator may hold one description under two fds (a Go listener's File() is a dup): the
	// evidence must name the object the creator's staged fd points at.
	cb := b.Find(creator.PID)
	for name, fd := range daemon.FDs {
		e := eventAt(t, res, daemon.PID, KindFDInherited, fd)
		var want string
		for _, f := range cb.FDs {
			if f.FD == creator.FDs[name] {
				want = f.Target
			}
		}
		if e.FromFD == nil || e.Target != want {
			t.Errorf("daemon fd %d (%s) → %s from creator fd %v, want the creator's fd %d → %s",
				fd, name, e.Target, e.FromFD, creator.FDs[name], want)
		}
	}
	if e := eventOf(t, res, leaker, KindFDLeaked); e.FD == nil || *e.FD != leakedFD {
		t.Errorf("fd_leaked on fd %v, want %d", e.FD, leakedFD)
	}
	// TracerPid is the attaching thread: the helper's main thread or another of its threads.
	if e := eventOf(t, res, attachee, KindTraced); e.TracerPID != tracer {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d/task/%d", tracer, e.TracerPID)); err != nil {
			t.Errorf("traced by %d, want %d or one of its threads (%v)", e.TracerPID, tracer, err)
		}
	}
	if e := eventOf(t, res, rzombie, KindReaped); e.ReapedBy == nil || e.ReapedBy.PID != rparent || *e.ParentExited {
		t.Errorf("reaped by %+v (parent exited %v), want parent %d", e.ReapedBy, e.ParentExited, rparent)
	}
}

func checkZombies(t *testing.T, res *Result, parent int, zombies []int) {
	t.Helper()
	var zp *ZombieParent
	for i := range res.Zombies.Parents {
		if res.Zombies.Parents[i].PID == parent {
			zp = &res.Zombies.Parents[i]
		}
	}
	if zp == nil {
		t.Fatalf("zombie report has no parent %d: %+v", parent, res.Zombies)
	}
	if zp.Zombies != len(zombies) || zp.Lingering != len(zombies) || !zp.NotReaping || zp.SigChld != "default" {
		t.Errorf("zombie parent %+v, want %d lingering zombies, not reaping, SIGCHLD default", zp, len(zombies))
	}
	for _, z := range zombies {
		found := false
		for _, zz := range res.Zombies.Zombies {
			found = found || (zz.PID == z && zz.InA && zz.PPID == parent)
		}
		if !found {
			t.Errorf("zombie %d not reported as lingering under %d", z, parent)
		}
	}
}

// withoutEnvLeaks drops fd events about descriptors the test process itself holds above 2
// without close-on-exec: they leaked into it from whatever started `go test` (a shell, an IDE, a
// CI runner) and pass to every child it starts. Those events are real, but not staged.
func withoutEnvLeaks(t *testing.T, res *Result, a *snapshot.Snapshot) *Result {
	t.Helper()
	self := a.Find(os.Getpid())
	if self == nil {
		t.Fatal("the test process is not in snapshot A")
	}
	leaks := map[objKey]bool{}
	for i := range self.FDs {
		if fd := &self.FDs[i]; fd.FD > 2 && fd.Flags != "" && !fd.CloExec {
			leaks[keyOf(fd)] = true
		}
	}
	out := *res
	out.Events = nil
	for _, e := range res.Events {
		if e.FD != nil && leaks[keyOf(&snapshot.FD{Target: e.Target, Kind: e.FDKind, Inode: e.Inode})] {
			t.Logf("ignoring %s of pid %d: fd %d → %s leaked into the test process", e.Kind, e.PID, *e.FD, e.Target)
			continue
		}
		out.Events = append(out.Events, e)
	}
	return &out
}
