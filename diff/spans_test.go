package diff

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/snapshot"
)

// TestSpans follows processes through three snapshots: one that is reparented, one that execs,
// one that becomes a zombie, a PID reused by another process, and procsnap's own process, which
// is left out.
func TestSpans(t *testing.T) {
	t2 := t1.Add(5 * 1e9)
	taker := proc(9999, 9000, 100, "procsnap")
	s0 := snap(t, t0,
		proc(300, 2000, 100, "job"),
		proc(400, 2100, 300, "child"),
		proc(500, 2200, 1, "sh", exe("/bin/sh", "sh")),
		proc(600, 2300, 100, "old"),
		taker)
	s1 := snap(t, t1,
		proc(300, 2000, 100, "job", state("Z")),
		proc(400, 2100, 1, "child"),
		proc(500, 2200, 1, "backup", exe("/usr/bin/backup", "backup")),
		proc(600, 2400, 100, "new"))
	s2 := snap(t, t2,
		proc(300, 2000, 100, "job", state("Z")),
		proc(400, 2100, 1, "child"),
		proc(500, 2200, 1, "backup", exe("/usr/bin/backup", "backup")),
		taker)
	got := map[string]string{}
	for _, sp := range Spans([]*snapshot.Snapshot{s0, s1, s2}) {
		if sp.PID >= 300 {
			got[fmt.Sprintf("%d/%d", sp.PID, sp.StartTicks)] = fmt.Sprintf("%s %d-%d zombie %d reparented %v exec %v",
				sp.Comm, sp.First, sp.Last, sp.ZombieFrom, sp.Reparented, sp.Exec)
		}
	}
	want := map[string]string{
		"300/2000": "job 0-2 zombie 1 reparented [] exec []",
		"400/2100": "child 0-2 zombie -1 reparented [1] exec []",
		"500/2200": "backup 0-2 zombie -1 reparented [] exec [1]",
		"600/2300": "old 0-0 zombie -1 reparented [] exec []",
		"600/2400": "new 1-1 zombie -1 reparented [] exec []",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("spans (-want +got):\n%s", d)
	}
}

func TestStateCountsAndZombieParents(t *testing.T) {
	s := snap(t, t0, proc(300, 2000, 100, "job", state("Z")), proc(301, 2001, 100, "job", state("Z")),
		proc(302, 2002, 1, "w", state("T")), proc(9999, 9000, 100, "procsnap", state("R")))
	if d := cmp.Diff(map[string]int{"S": 6, "Z": 2, "T": 1}, StateCounts(s)); d != "" {
		t.Errorf("StateCounts (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[int]int{100: 2}, ZombieParents(s)); d != "" {
		t.Errorf("ZombieParents (-want +got):\n%s", d)
	}
}
