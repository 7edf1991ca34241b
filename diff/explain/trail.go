package explain

import (
	"fmt"
	"slices"
	"time"

	"github.com/procsnap/procsnap/snapshot"
)

// Trail is what a run of captures (procsnap take --dir) showed of one process. Feed it the
// captures oldest first with Observe; it keeps only what concerns the process, so the captures
// can be loaded one at a time.
type Trail struct {
	key snapshot.Key
	n   int
	// first is the earliest capture holding the process, last the latest so far.
	first, last *sighting
	// before lists the processes of the capture before first that were gone at first and had
	// started no later than the process: what existed just before it appeared.
	before     []Proc
	beforeTime time.Time
	prev       *snapshot.Snapshot
	events     []Event
	// zombieSince maps the process and its children to the first capture showing them zombies.
	zombieSince map[snapshot.Key]time.Time
	reused      []Proc
	gaps        []Gap
}

type sighting struct {
	time    time.Time
	ppid    int
	exe     string
	cmdline []string
	chain   []Proc
	adopted string
}

// NewTrail starts the trail of the process with identity key.
func NewTrail(key snapshot.Key) *Trail {
	return &Trail{key: key, zombieSince: map[snapshot.Key]time.Time{}}
}

// Skip records a capture that could not be read.
func (t *Trail) Skip(name string, err error) {
	t.gaps = append(t.gaps, Gap{What: "capture " + name, Reason: err.Error()})
}

// Observe adds the next capture, in time order.
func (t *Trail) Observe(s *snapshot.Snapshot) {
	t.n++
	at := s.Header.TakenAt
	p := s.Find(t.key.PID)
	if p != nil && p.StartTicks != t.key.StartTicks {
		if !slices.ContainsFunc(t.reused, func(r Proc) bool { return r.StartTicks == p.StartTicks }) {
			t.reused = append(t.reused, procOf(p))
		}
		p = nil
	}
	t.zombies(s, at)
	if p == nil {
		if t.first == nil {
			t.prev = s
		}
		return
	}
	cur := &sighting{time: at, ppid: p.PPID, exe: p.Exe, cmdline: p.Cmdline, chain: chain(s, p),
		adopted: adoptedIn(s, p)}
	if t.first == nil {
		t.first = cur
		t.vanishedBefore(s, p)
		t.prev = nil
		t.events = append(t.events, Event{Time: at, Kind: "first_seen",
			Summary: fmt.Sprintf("first seen, parent %s", describeChain(cur.chain[1:]))})
	} else {
		t.compare(t.last, cur)
	}
	t.last = cur
}

// zombies notes the first capture in which the process or one of its children was a zombie.
func (t *Trail) zombies(s *snapshot.Snapshot, at time.Time) {
	for i := range s.Processes {
		q := &s.Processes[i]
		if !q.IsZombie() || (q.Key() != t.key && q.PPID != t.key.PID) {
			continue
		}
		if _, ok := t.zombieSince[q.Key()]; !ok {
			t.zombieSince[q.Key()] = at
		}
	}
}

// vanishedBefore lists the processes of the previous capture, started no later than p, that are
// gone from s: one of them may have created p and exited.
func (t *Trail) vanishedBefore(s *snapshot.Snapshot, p *snapshot.Process) {
	if t.prev == nil {
		return
	}
	t.beforeTime = t.prev.Header.TakenAt
	for i := range t.prev.Processes {
		q := &t.prev.Processes[i]
		if q.Kthread || q.StartTicks > p.StartTicks {
			continue
		}
		if now := s.Find(q.PID); now == nil || now.StartTicks != q.StartTicks {
			t.before = append(t.before, procOf(q))
		}
	}
}

func (t *Trail) compare(a, b *sighting) {
	if a.exe != b.exe || !slices.Equal(a.cmdline, b.cmdline) {
		t.events = append(t.events, Event{Time: b.time, Kind: "exec",
			Summary: fmt.Sprintf("exec: %s → %s", program(a.exe, a.cmdline), program(b.exe, b.cmdline))})
	}
	if a.ppid != b.ppid {
		t.events = append(t.events, Event{Time: b.time, Kind: "reparented",
			Summary: fmt.Sprintf("reparented: parent %d → %s", a.ppid, describeChain(b.chain[1:2]))})
	}
}

func program(exe string, cmdline []string) string {
	if len(cmdline) > 0 {
		return cmdline[0]
	}
	return exe
}

func describeChain(c []Proc) string {
	if len(c) == 0 {
		return "not in the capture"
	}
	return fmt.Sprintf("%d (%s)", c[0].PID, orQ(c[0].Comm))
}

func (t *Trail) history() *HistoryPart {
	h := &HistoryPart{Captures: t.n, Events: t.events, Unseen: t.gaps}
	if t.first != nil {
		h.FirstSeen, h.LastSeen = t.first.time, t.last.time
	} else {
		h.Unseen = append(h.Unseen, Gap{What: "the process", Reason: fmt.Sprintf("in none of the %d captures", t.n)})
	}
	return h
}
