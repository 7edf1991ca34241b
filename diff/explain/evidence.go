package explain

import (
	"fmt"
	"strings"
	"time"

	"github.com/procsnap/procsnap/snapshot"
)

// Thresholds of the creator evidence.
const (
	// minShared is the least shared-description score that names a candidate (diff's
	// minCreatorScore: one socket, pipe or file held by a handful of processes).
	minShared = 1.0
	// highShared is the score from which shared descriptions give high confidence.
	highShared = 3.0
	// minHint is the least shared-description score listed as a weak hint: one renumbered
	// socket or pipe held by a few processes (diff weighs it a third: ln(17)/3 = 0.94).
	minHint = 0.5
	// maxVanished bounds the processes named from the capture before the first sighting.
	maxVanished = 5
)

// alive marks pr gone unless the snapshot holds it running with the same start.
func (x *explainer) alive(pr Proc) Proc {
	q := x.s.Find(pr.PID)
	pr.Gone = q == nil || q.IsZombie() || (pr.StartTicks != 0 && q.StartTicks != pr.StartTicks)
	if !pr.Gone && pr.Comm == "" {
		pr.Comm = q.Comm
	}
	return pr
}

// fromRecord: rank 1, the creation chain a watch saw.
func (x *explainer) fromRecord(c *cands) {
	if x.in.Record == nil {
		return
	}
	for _, cr := range x.in.Record.Creations {
		if len(cr.Chain) == 0 || isInit(x.s, cr.Chain[0].PID) {
			continue
		}
		conf, up, how := Definitive, High, "fast path"
		if cr.Late {
			conf, up, how = High, Medium, "rescan: it may have changed before it was seen"
		}
		at := cr.Time.UTC().Format(time.RFC3339)
		parent := cr.Chain[0]
		c.add(x.alive(parent), 1, conf, 0, fmt.Sprintf("watch saw it %s as a child of %d (%s) at %s (%s)",
			cr.Kind, parent.PID, orQ(parent.Comm), at, how))
		for i, a := range cr.Chain[1:] {
			if isInit(x.s, a.PID) {
				break
			}
			c.add(x.alive(a), 1, up, 0, fmt.Sprintf("watch saw it %s with %d (%s) as ancestor %d up (%s)",
				cr.Kind, a.PID, orQ(a.Comm), i+2, at))
		}
	}
}

// fromTrail: rank 2, the earliest capture holding the process.
func (x *explainer) fromTrail(c *cands) {
	t := x.in.Trail
	if t == nil || t.first == nil {
		return
	}
	at := t.first.time.UTC().Format(time.RFC3339)
	if t.first.adopted == "" && len(t.first.chain) > 1 {
		for i, a := range t.first.chain[1:] {
			if isInit(x.s, a.PID) || a.Gone && a.Comm == "" {
				break
			}
			conf, what := High, "its parent"
			if i > 0 {
				conf, what = Medium, fmt.Sprintf("its ancestor %d up", i+1)
			}
			c.add(x.alive(a), 2, conf, 0, fmt.Sprintf("%s in the first capture holding it (%s)", what, at))
		}
		return
	}
	if len(t.before) == 0 || len(t.before) > maxVanished {
		return
	}
	for _, b := range t.before {
		c.add(x.alive(b), 2, Low, 0, fmt.Sprintf("existed at %s, the capture before it appeared already adopted, and was gone when it appeared",
			t.beforeTime.UTC().Format(time.RFC3339)))
	}
}

// fromShared: rank 3, open file descriptions shared with older live processes.
func (x *explainer) fromShared(c *cands) {
	if !x.fdsUsable() {
		return
	}
	p := x.p
	for _, sh := range x.holders.Sharers(p) {
		q := sh.Proc
		if q.Kthread || q.StartTicks > p.StartTicks || isInit(x.s, q.PID) || sh.Score < minHint {
			continue
		}
		conf := Medium
		switch {
		case sh.Score >= highShared:
			conf = High
		case sh.Score < minShared:
			conf = Low // e.g. one description it holds under another number: a launcher's dup2
		}
		var fds []string
		for _, s := range sh.Shared {
			fds = append(fds, fmt.Sprintf("its fd %d = our fd %d (%s)", s.CandidateFD, s.FD, s.Target))
		}
		cd := c.add(procOf(q), 3, conf, sh.Score, fmt.Sprintf("shares %d open file description(s): %s; %s",
			len(sh.Shared), strings.Join(fds, ", "), startedBefore(q, p)))
		cd.Shared = sh.Shared
	}
}

// fromSession: rank 5, leading its session or its process group.
func (x *explainer) fromSession(c *cands) {
	p := x.p
	for _, l := range []struct {
		id   int
		what string
		in   func(q *snapshot.Process) bool
	}{
		{p.SID, "session", func(q *snapshot.Process) bool { return q.SID == p.SID }},
		{p.PGID, "process group", func(q *snapshot.Process) bool { return q.PGID == p.PGID }},
	} {
		if l.id == p.PID || l.id <= 1 {
			continue
		}
		q := x.s.Find(l.id)
		if q == nil || !l.in(q) || q.IsZombie() || q.StartTicks > p.StartTicks || isInit(x.s, q.PID) {
			continue
		}
		c.add(procOf(q), 5, Low, 1, fmt.Sprintf("leads its %s %d; %s", l.what, l.id, startedBefore(q, p)))
	}
}
