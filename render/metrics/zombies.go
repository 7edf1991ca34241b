package metrics

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/procsnap/procsnap/snapshot"
)

// ZombieHistory finds since when each zombie of a snapshot has been a zombie, from older
// captures given newest first.
type ZombieHistory struct {
	cur   *snapshot.Snapshot
	since map[snapshot.Key]time.Time
	open  map[snapshot.Key]bool
}

// NewZombieHistory starts the history of the zombies of cur: each has been one since cur at least.
func NewZombieHistory(cur *snapshot.Snapshot) *ZombieHistory {
	h := &ZombieHistory{cur: cur, since: map[snapshot.Key]time.Time{}, open: map[snapshot.Key]bool{}}
	for i := range cur.Processes {
		if p := &cur.Processes[i]; p.IsZombie() {
			h.since[p.Key()], h.open[p.Key()] = cur.Header.TakenAt, true
		}
	}
	return h
}

// Older moves the history back to s, the next older capture: a zombie that s shows as the same
// zombie (PID and start ticks) has been one since s at least; one that s does not show stops
// there. It reports whether an older capture could still move a zombie back. A capture of
// another boot or PID namespace ends the history.
func (h *ZombieHistory) Older(s *snapshot.Snapshot) bool {
	if s.Header.BootID != h.cur.Header.BootID || s.Header.PIDNamespace != h.cur.Header.PIDNamespace ||
		!s.Header.TakenAt.Before(h.cur.Header.TakenAt) {
		clear(h.open)
		return false
	}
	for k := range h.open {
		if p := s.Find(k.PID); p != nil && p.StartTicks == k.StartTicks && p.IsZombie() {
			h.since[k] = s.Header.TakenAt
		} else {
			delete(h.open, k)
		}
	}
	return len(h.open) > 0
}

// Since returns, for each zombie, the time of the earliest capture that already showed it.
func (h *ZombieHistory) Since() map[snapshot.Key]time.Time { return h.since }

// zombieParent is one parent with zombie children.
type zombieParent struct {
	pid                int
	comm, exe, sigchld string
	zombies            int
	oldest             float64 // seconds, lower bound
	other              bool    // the sum of the parents past the top ones
}

func (z *zombieParent) labels() []Label {
	return []Label{{"parent_pid", strconv.Itoa(z.pid)}, {"parent_comm", z.comm}, {"parent_exe", z.exe},
		{"parent_sigchld", z.sigchld}}
}

// zombieParents groups the zombies of s by parent, most zombies first, then by PID; the zombies
// of procsnap's own process are left out.
func zombieParents(s *snapshot.Snapshot, since map[snapshot.Key]time.Time) []*zombieParent {
	by := map[int]*zombieParent{}
	for i := range s.Processes {
		z := &s.Processes[i]
		if !z.IsZombie() || (s.Header.TakerPID != 0 && z.PPID == s.Header.TakerPID) {
			continue
		}
		zp := by[z.PPID]
		if zp == nil {
			zp = &zombieParent{pid: z.PPID}
			if p := s.Find(z.PPID); p != nil {
				zp.comm, zp.exe, zp.sigchld = p.Comm, p.Exe, p.SigChld
			}
			by[z.PPID] = zp
		}
		zp.zombies++
		if t, ok := since[z.Key()]; ok {
			zp.oldest = max(zp.oldest, s.Header.TakenAt.Sub(t).Seconds())
		}
	}
	out := make([]*zombieParent, 0, len(by))
	for _, zp := range by {
		out = append(out, zp)
	}
	slices.SortFunc(out, func(a, b *zombieParent) int {
		if c := cmp.Compare(b.zombies, a.zombies); c != 0 {
			return c
		}
		return cmp.Compare(a.pid, b.pid)
	})
	return out
}

// otherParents sums the parents past the first n into one, labelled parent_pid="other".
func otherParents(ps []*zombieParent, n int) []*zombieParent {
	if len(ps) <= n {
		return ps
	}
	rest := &zombieParent{other: true}
	for _, zp := range ps[n:] {
		rest.zombies += zp.zombies
		rest.oldest = max(rest.oldest, zp.oldest)
	}
	out := append(slices.Clip(ps[:n]), rest)
	return out
}

func zombieFamilies(s *snapshot.Snapshot, since map[snapshot.Key]time.Time, top int) []Family {
	all := zombieParents(s, since)
	ps := otherParents(all, top)
	count := Family{Name: "procsnap_zombies", Type: "gauge",
		Help: "Zombie processes by parent: the top parents by zombie count, the rest summed in parent_pid=\"other\"."}
	age := Family{Name: "procsnap_zombie_oldest_age_seconds", Type: "gauge",
		Help: "Lower bound of the age of each parent's oldest unreaped zombie: the time since the earliest capture that already showed it a zombie."}
	for _, zp := range ps {
		l := zp.labels()
		if zp.other {
			l = []Label{{"parent_pid", "other"}, {"parent_comm", ""}, {"parent_exe", ""}, {"parent_sigchld", ""}}
		}
		count.Samples = append(count.Samples, Sample{l, float64(zp.zombies)})
		age.Samples = append(age.Samples, Sample{l, zp.oldest})
	}
	fams := []Family{count, {Name: "procsnap_zombie_parents", Type: "gauge",
		Help: "Processes with at least one zombie child.", Samples: []Sample{{Value: float64(len(all))}}}}
	if since != nil {
		fams = append(fams, age)
	}
	return fams
}
