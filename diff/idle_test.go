package diff

import (
	"context"
	"slices"
	"testing"

	snapproc "github.com/procsnap/procsnap/snapshot/proc"

	"github.com/procsnap/procsnap/fixtures/stage"
	"github.com/procsnap/procsnap/snapshot"
)

// TestIdleHostNoEvents takes the whole host twice, with idle processes of every kind issue 14
// touched staged beforehand (a process whose leader thread exited, a lingering zombie, a
// double-forked daemon, a job whose parent waits): a process that did nothing between the two
// snapshots (same identity, state, tree, terminal, tracer, program and descriptors) must get no
// event, on this host however busy it is.
func TestIdleHostNoEvents(t *testing.T) {
	skipUnlessReal(t)
	leaderless := stage.LeaderExited(t)
	zparent, zombies := stage.Zombies(t, 1)
	daemon, creator := stage.DoubleFork(t)
	staged := []int{leaderless.PID, zparent.PID, zombies[0], daemon.PID, creator.PID}
	take := func() *snapshot.Snapshot {
		s, err := snapproc.Take(context.Background(), snapproc.TakeOptions{NoStack: true})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// A staged process may still be settling when it is first read (a Go stager's runtime
	// starts threads and opens its epoll descriptors after it reports ready), so take pairs
	// until every staged process is the same in both: that pair is two takes of an idle host.
	a, b := take(), take()
	for try := 1; ; try++ {
		pid, settled := stagedUnchanged(a, b, staged)
		if settled {
			break
		}
		if pid < 0 {
			t.Fatalf("staged pid %d missing from a snapshot", -pid)
		}
		if try == 30 {
			t.Fatalf("staged pid %d still changed after %d pairs of takes: %+v → %+v", pid, try, a.Find(pid), b.Find(pid))
		}
		a, b = b, take()
	}
	res := compare(t, a, b)
	for _, e := range res.Events {
		pa, pb := a.Find(e.PID), b.Find(e.PID)
		if pa == nil || pb == nil || pa.StartTicks != pb.StartTicks || !unchanged(pa, pb) {
			continue // it did something
		}
		t.Errorf("pid %d (%s) did nothing but got %s: %s", e.PID, e.Comm, e.Kind, e.Summary)
	}
	for _, z := range res.Zombies.Zombies {
		if z.PID == leaderless.PID {
			t.Errorf("the leaderless process %d is reported a zombie", z.PID)
		}
	}
	t.Logf("%d processes, %d events on this host between two takes", len(b.Processes), len(res.Events))
}

// stagedUnchanged reports whether every staged process is unchanged from a to b; when not, it
// returns the first that changed, or minus the first missing from either.
func stagedUnchanged(a, b *snapshot.Snapshot, staged []int) (int, bool) {
	for _, pid := range staged {
		pa, pb := a.Find(pid), b.Find(pid)
		if pa == nil || pb == nil {
			return -pid, false
		}
		if !unchanged(pa, pb) {
			return pid, false
		}
	}
	return 0, true
}

// unchanged reports whether the fields events are made of are the same in pa and pb.
func unchanged(pa, pb *snapshot.Process) bool {
	if pa.State != pb.State || pa.PPID != pb.PPID || pa.PGID != pb.PGID || pa.SID != pb.SID ||
		pa.TTYNr != pb.TTYNr || pa.TracerPID != pb.TracerPID || pa.Comm != pb.Comm || pa.Exe != pb.Exe ||
		!slices.Equal(pa.Cmdline, pb.Cmdline) || !slices.Equal(pa.LiveTIDs, pb.LiveTIDs) || len(pa.FDs) != len(pb.FDs) {
		return false
	}
	for i := range pa.FDs {
		x, y := pa.FDs[i], pb.FDs[i]
		if x.FD != y.FD || x.Target != y.Target || x.Inode != y.Inode || x.Flags != y.Flags {
			return false
		}
	}
	return true
}
