package diff

import (
	"cmp"
	"slices"

	"github.com/procsnap/procsnap/snapshot"
)

// Span is the life of one process across a series of snapshots, oldest first: the snapshots it
// was seen in and what changed between its sightings. A process is seen only when a snapshot
// was taken: it started at some time after snapshot First-1 and ended after snapshot Last.
type Span struct {
	PID        int    `json:"pid"`
	StartTicks uint64 `json:"start_ticks"`
	// Comm, PPID, PGID and SID are from the last sighting.
	Comm string `json:"comm"`
	PPID int    `json:"ppid"`
	PGID int    `json:"pgid"`
	SID  int    `json:"sid"`
	// First and Last are the indices of the first and last snapshot it appears in.
	First int `json:"first"`
	Last  int `json:"last"`
	// ZombieFrom is the index of the first snapshot in which it is a zombie, -1 if never.
	ZombieFrom int `json:"zombie_from"`
	// Reparented and Exec list the snapshot indices where its parent, or its exe or comm,
	// differ from the sighting before.
	Reparented []int `json:"reparented,omitempty"`
	Exec       []int `json:"exec,omitempty"`
}

// Spans follows every process (by PID and start time, so a reused PID is another process)
// through snaps, oldest first, leaving out procsnap's own process in each. Spans are sorted by session, group, PID and start.
func Spans(snaps []*snapshot.Snapshot) []Span {
	idx := map[snapshot.Key]int{}
	var out []Span
	for i, s := range snaps {
		for j := range s.Processes {
			p := &s.Processes[j]
			if observer(s, p) {
				continue
			}
			k, ok := idx[p.Key()]
			if !ok {
				idx[p.Key()] = len(out)
				out = append(out, Span{PID: p.PID, StartTicks: p.StartTicks, First: i, ZombieFrom: -1})
				k = len(out) - 1
			} else {
				sp := &out[k]
				if sp.PPID != p.PPID {
					sp.Reparented = append(sp.Reparented, i)
				}
				if prev := snaps[sp.Last].Find(p.PID); prev != nil && !prev.IsZombie() && !p.IsZombie() &&
					(prev.Exe != p.Exe || prev.Comm != p.Comm) {
					sp.Exec = append(sp.Exec, i)
				}
			}
			sp := &out[k]
			sp.Comm, sp.PPID, sp.PGID, sp.SID, sp.Last = p.Comm, p.PPID, p.PGID, p.SID, i
			if p.IsZombie() && sp.ZombieFrom < 0 {
				sp.ZombieFrom = i
			}
		}
	}
	slices.SortFunc(out, func(x, y Span) int {
		return cmp.Or(cmp.Compare(x.SID, y.SID), cmp.Compare(x.PGID, y.PGID), cmp.Compare(x.PID, y.PID),
			cmp.Compare(x.StartTicks, y.StartTicks))
	})
	return out
}

// StateCounts counts the processes of s by state letter (R, S, D, Z, T, t, I, X...), leaving
// out procsnap's own process, which is always running while it looks.
func StateCounts(s *snapshot.Snapshot) map[string]int {
	m := map[string]int{}
	for i := range s.Processes {
		p := &s.Processes[i]
		if observer(s, p) {
			continue
		}
		m[p.State]++
	}
	return m
}

// ZombieParents counts the zombies of s by the PID of their parent, leaving out procsnap's
// own process.
func ZombieParents(s *snapshot.Snapshot) map[int]int {
	m := map[int]int{}
	for i := range s.Processes {
		p := &s.Processes[i]
		if p.IsZombie() && !observer(s, p) {
			m[p.PPID]++
		}
	}
	return m
}
