package diff

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/procsnap/procsnap/snapshot"
)

// Scoring of creator candidates (see doc.go). No weight depends on how many processes a
// snapshot holds, so a score means the same in a container of seven processes and on a host of
// thousands, and in a snapshot restricted with --pid.
const (
	// minCreatorScore is the least score reported as a creator: one socket, pipe or file shared
	// with at most 18 processes, leading the process's session or group, or a cgroup or audit
	// session shared with the process alone.
	minCreatorScore = 1.0
	// holderScale: an object n processes hold weighs ln(1 + holderScale/n).
	holderScale = 32.0
	// ubiquitousFactor scales the weight of /dev/null, terminals and the like.
	ubiquitousFactor = 0.05
	// movedFactor scales an object the process holds under another fd number than the
	// candidate. fork keeps numbers and a descriptor passed over a unix socket (SCM_RIGHTS) lands
	// on the lowest free one, but a launcher may also renumber what it hands down (dup2 before
	// exec, as Go's ExtraFiles and shell redirections do): a third, so that one renumbered object
	// alone (ln(17)/3 = 0.94) never names a creator, while three do.
	movedFactor = 1.0 / 3
	// leaderBonus is added for leading the process's session, and again for its process group.
	leaderBonus = 1.0
	// lineageWeight is shared among the other processes in the process's cgroup, and again
	// among those in its audit session: each gets lineageWeight/(n-1) where n processes share it.
	lineageWeight = 2.0
	// terminalHandful: a terminal that at most this many other processes hold, all of one
	// session, weighs as a pipe would (a setsid -f daemon still holding its shell's pty).
	terminalHandful = 8
	// maxHolders: an object, cgroup or audit session more processes share than this says
	// nothing about who created whom (a shared log, /dev/null on a real host, a login's whole
	// session) and is skipped. This also bounds the work per adopted process.
	maxHolders = 32
)

// Creator is the inferred creator of a process that appeared already adopted.
type Creator struct {
	// Candidate is the best-scoring process, nil when none reached the threshold.
	Candidate *Ref `yaml:"candidate,omitempty" json:"candidate,omitempty"`
	// Alive says whether the candidate is still running in B.
	Alive bool `yaml:"alive,omitempty" json:"alive,omitempty"`
	// Score is the candidate's score, rounded to 2 decimals.
	Score float64 `yaml:"score" json:"score"`
	// Shared lists the open file descriptions the process shares with the candidate.
	Shared []SharedFD `yaml:"shared,omitempty" json:"shared,omitempty"`
	// Session lists session and process-group evidence.
	Session []string `yaml:"session,omitempty" json:"session,omitempty"`
	// Lineage lists the cgroup and audit session the process shares with the candidate.
	Lineage []string `yaml:"lineage,omitempty" json:"lineage,omitempty"`
	// Excluded lists candidates that shared evidence but were ruled out, and why.
	Excluded []string `yaml:"excluded,omitempty" json:"excluded,omitempty"`
	// Considered counts the candidates that scored above zero.
	Considered int    `yaml:"considered" json:"considered"`
	Summary    string `yaml:"summary" json:"summary"`
}

// SharedFD is one open file description held by both a process and a creator candidate.
type SharedFD struct {
	FD          int    `yaml:"fd" json:"fd"`
	CandidateFD int    `yaml:"candidate_fd" json:"candidate_fd"`
	Kind        string `yaml:"kind" json:"kind"`
	Target      string `yaml:"target" json:"target"`
	Inode       uint64 `yaml:"inode,omitempty" json:"inode,omitempty"`
	// Holders is how many processes (in A or B) hold this object.
	Holders int `yaml:"holders" json:"holders"`
	// Weight is what this description added to the score, rounded to 2 decimals.
	Weight float64 `yaml:"weight" json:"weight"`
	// Seen is the snapshot the candidate's descriptor was read from: "a" or "b".
	Seen string `yaml:"seen" json:"seen"`
	// Moved is set when the candidate holds the description under another fd number, which
	// fork does not do (weighed by movedFactor).
	Moved bool `yaml:"moved,omitempty" json:"moved,omitempty"`
}

// holder is one process's descriptor on an object.
type holder struct {
	proc *snapshot.Process
	fd   *snapshot.FD
	inB  bool
}

// holderIndex maps every object to the processes holding it, across A and B. It is laid out
// for a 20,000-process host, where it is the largest thing diff builds beside the two
// snapshots: one map entry per object naming its span of one shared holder slice, instead of a
// slice (and a second map entry for the count) per object.
type holderIndex struct {
	objs    map[objKey]int32 // object → its entry in spans
	spans   []holderSpan
	holders []holder // every object's holders, in spans' order
	// total is the number of distinct processes whose descriptors were read.
	total int
}

// holderSpan is one object's holders (holders[start:start+n], in the order they were indexed)
// and the number of distinct processes (identities) among them.
type holderSpan struct {
	start, n, count int32
}

// of returns the holders of k.
func (h *holderIndex) of(k objKey) []holder {
	i, ok := h.objs[k]
	if !ok {
		return nil
	}
	sp := h.spans[i]
	return h.holders[sp.start : sp.start+sp.n]
}

// countOf returns the number of distinct processes holding k.
func (h *holderIndex) countOf(k objKey) int {
	if i, ok := h.objs[k]; ok {
		return int(h.spans[i].count)
	}
	return 0
}

// buildHolders indexes B's descriptors, then A's for processes (or objects) B does not show.
// It walks the descriptors twice: once to count each object's holders, once to place them.
func buildHolders(a, b *snapshot.Snapshot) *holderIndex {
	h := &holderIndex{objs: map[objKey]int32{}}
	walkHolders(a, b, func(k objKey, _ holder, first bool) {
		i, ok := h.objs[k]
		if !ok {
			i = int32(len(h.spans))
			h.objs[k] = i
			h.spans = append(h.spans, holderSpan{})
		}
		h.spans[i].n++
		if first {
			h.spans[i].count++
		}
	})
	var at int32
	for i := range h.spans {
		h.spans[i].start, at = at, at+h.spans[i].n
		h.spans[i].n = 0
	}
	h.holders = make([]holder, at)
	h.total = walkHolders(a, b, func(k objKey, x holder, _ bool) {
		sp := &h.spans[h.objs[k]]
		h.holders[sp.start+sp.n] = x
		sp.n++
	})
	return h
}

// walkHolders calls fn for every descriptor buildHolders indexes, in index order, with first
// set on a process's first descriptor of each object, and returns the number of processes
// whose descriptors were read.
func walkHolders(a, b *snapshot.Snapshot, fn func(k objKey, x holder, first bool)) int {
	seen := map[objKey]bool{}
	inB := map[objKey]bool{}
	add := func(p *snapshot.Process, isB bool, skip map[objKey]bool) {
		clear(seen)
		for i := range p.FDs {
			fd := &p.FDs[i]
			k := keyOf(fd)
			if k == (objKey{}) || skip[k] {
				continue
			}
			fn(k, holder{proc: p, fd: fd, inB: isB}, !seen[k])
			seen[k] = true
		}
	}
	total := 0
	for i := range b.Processes {
		if p := &b.Processes[i]; fdsReadable(p) {
			total++
			add(p, true, nil)
		}
	}
	for i := range a.Processes {
		pa := &a.Processes[i]
		if !fdsReadable(pa) {
			continue
		}
		pb := find(b, pa.Key())
		if pb == nil || !fdsReadable(pb) {
			total++
			add(pa, false, nil)
			continue
		}
		clear(inB)
		for j := range pb.FDs {
			inB[keyOf(&pb.FDs[j])] = true
		}
		add(pa, false, inB)
	}
	return total
}

// holderIndex returns the descriptor index of the comparison, building it on first use.
func (c *comparer) holderIndex() *holderIndex {
	if c.holders == nil {
		c.holders = buildHolders(c.a, c.b)
	}
	return c.holders
}

// weight is the IDF-like weight of an object n processes hold: ln(1 + holderScale/n), scaled
// down for ubiquitous targets unless ubiq is false.
func (h *holderIndex) weight(k objKey, ubiq bool) float64 {
	n := max(h.countOf(k), 1)
	w := math.Log(1 + holderScale/float64(n))
	if ubiq {
		w *= ubiquitousFactor
	}
	return w
}

// terminalOfOneSession reports whether target is a terminal that, besides p, at most
// terminalHandful processes hold, all in one session: the shell whose pty a daemon kept.
func (h *holderIndex) terminalOfOneSession(k objKey, target string, p *snapshot.Process) bool {
	if !isTerminal(target) || h.countOf(k) > terminalHandful+1 {
		return false
	}
	sid := -1
	for _, x := range h.of(k) {
		if x.proc.Key() == p.Key() {
			continue
		}
		if sid >= 0 && x.proc.SID != sid {
			return false
		}
		sid = x.proc.SID
	}
	return sid > 0
}

// isTerminal reports a pty or virtual console device, not the generic /dev/tty or the console.
func isTerminal(target string) bool {
	return strings.HasPrefix(target, "/dev/pts/") ||
		strings.HasPrefix(target, "/dev/tty") && target != "/dev/tty" && !strings.HasPrefix(target, "/dev/ttyS")
}

type candidate struct {
	proc    *snapshot.Process
	inB     bool
	score   float64
	shared  []SharedFD
	session []string
	lineage []string
	objs    map[objKey]bool
}

// inferCreator scores every process alive in A or B that started no later than p by the open
// file descriptions it shares with p and by leading p's session or process group.
func (c *comparer) inferCreator(p *snapshot.Process) Creator {
	if cr, ok := c.creators[p.Key()]; ok {
		return cr
	}
	cands := map[snapshot.Key]*candidate{}
	get := func(q *snapshot.Process, inB bool) *candidate {
		if q.Key() == p.Key() || q.Kthread || q.StartTicks > p.StartTicks {
			return nil
		}
		cd := cands[q.Key()]
		if cd == nil {
			cd = &candidate{proc: q, inB: inB, objs: map[objKey]bool{}}
			cands[q.Key()] = cd
		}
		return cd
	}
	c.scoreShared(p, get)
	c.scoreSession(p, get)
	c.scoreLineage(p, get)
	excluded := c.contradicted(p, cands)
	cr := bestCreator(cands)
	if cr.Excluded = excluded; len(excluded) > 0 {
		cr.Summary += "; ruled out " + strings.Join(excluded, "; ")
	}
	c.creators[p.Key()] = cr
	return cr
}

// scoreShared adds the weight of each object p shares with a candidate, once per object; a
// description the candidate holds under another fd number weighs movedFactor as much.
func (c *comparer) scoreShared(p *snapshot.Process, get func(*snapshot.Process, bool) *candidate) {
	c.holderIndex().eachShared(p, func(fd *snapshot.FD, k objKey, w float64, h holder) {
		cd := get(h.proc, h.inB)
		if cd == nil || cd.objs[k] {
			return
		}
		cd.objs[k] = true
		sh := sharedFD(fd, h, c.holders.countOf(k), w)
		cd.score += sh.Weight
		cd.shared = append(cd.shared, sh)
	})
}

// sharedFD describes one shared description and its weight, scaled by movedFactor when the
// holder has it under another number.
func sharedFD(fd *snapshot.FD, h holder, holders int, w float64) SharedFD {
	sh := SharedFD{FD: fd.FD, CandidateFD: h.fd.FD, Kind: fd.Kind, Target: fd.Target, Inode: fd.Inode,
		Holders: holders, Weight: round2(w), Seen: "a", Moved: fd.FD != h.fd.FD}
	if h.inB {
		sh.Seen = "b"
	}
	if sh.Moved {
		sh.Weight = round2(w * movedFactor)
	}
	return sh
}

// scoreSession adds leaderBonus to the leader of p's session and of p's process group, as A or
// B shows them.
func (c *comparer) scoreSession(p *snapshot.Process, get func(*snapshot.Process, bool) *candidate) {
	type lead struct {
		pid  int
		what string
		ok   func(q *snapshot.Process) bool
	}
	leads := []lead{
		{p.SID, "session", func(q *snapshot.Process) bool { return q.SID == p.SID }},
		{p.PGID, "process group", func(q *snapshot.Process) bool { return q.PGID == p.PGID }},
	}
	for _, l := range leads {
		if l.pid == p.PID || l.pid <= 1 {
			continue
		}
		for _, side := range []struct {
			s   *snapshot.Snapshot
			inB bool
		}{{c.b, true}, {c.a, false}} {
			q := side.s.Find(l.pid)
			if q == nil || !l.ok(q) {
				continue
			}
			if cd := get(q, side.inB); cd != nil {
				cd.score += leaderBonus
				cd.session = append(cd.session, fmt.Sprintf("leads its %s %d", l.what, l.pid))
			}
			break
		}
	}
}

// bestCreator picks the highest score; ties go to the candidate alive in B, then the lower PID.
func bestCreator(cands map[snapshot.Key]*candidate) Creator {
	list := make([]*candidate, 0, len(cands))
	for _, cd := range cands {
		if cd.score > 0 || len(cd.shared) > 0 {
			list = append(list, cd)
		}
	}
	slices.SortFunc(list, func(x, y *candidate) int {
		if d := cmp.Compare(round2(y.score), round2(x.score)); d != 0 {
			return d
		}
		if x.inB != y.inB {
			if x.inB {
				return -1
			}
			return 1
		}
		return cmp.Compare(x.proc.PID, y.proc.PID)
	})
	cr := Creator{Considered: len(list)}
	if len(list) > 1 && list[0].score >= minCreatorScore && round2(list[1].score) == round2(list[0].score) {
		tied := []string{}
		for _, cd := range list {
			if round2(cd.score) == round2(list[0].score) {
				tied = append(tied, describe(cd.proc))
			}
		}
		cr.Score = round2(list[0].score)
		cr.Summary = fmt.Sprintf("no creator named: %d candidates tie at %.2f (%s), the evidence cannot tell them apart",
			len(tied), cr.Score, strings.Join(tied, ", "))
		return cr
	}
	if len(list) == 0 || list[0].score < minCreatorScore {
		cr.Summary = "no creator found: no process shares its sockets, pipes or files, cgroup or audit session, or leads its session"
		if len(list) > 0 {
			cr.Score = round2(list[0].score)
			cr.Summary = fmt.Sprintf("no creator found: best candidate %d (%s) scored only %.2f: %s", list[0].proc.PID,
				list[0].proc.Comm, cr.Score, strings.Join(evidence(list[0]), ", "))
		}
		return cr
	}
	best := list[0]
	cr.Candidate = ref(best.proc, RoleCreator)
	cr.Alive = best.inB && !best.proc.IsZombie()
	cr.Score = round2(best.score)
	cr.Shared, cr.Session, cr.Lineage = best.shared, best.session, best.lineage
	cr.Summary = fmt.Sprintf("likely created by %d (%s), score %.2f: %s", best.proc.PID, best.proc.Comm, cr.Score,
		strings.Join(evidence(best), ", "))
	return cr
}

// evidence lists what a candidate scored for, its shared descriptors sorted by fd.
func evidence(cd *candidate) []string {
	slices.SortFunc(cd.shared, func(x, y SharedFD) int { return cmp.Compare(x.FD, y.FD) })
	var why []string
	for _, s := range cd.shared {
		w := fmt.Sprintf("fd %d=%s", s.FD, s.Target)
		if s.Moved {
			w += fmt.Sprintf(" (its fd %d: another number, as when passed over a unix socket or renumbered by a launcher: weighed a third)", s.CandidateFD)
		}
		why = append(why, w)
	}
	why = append(why, cd.session...)
	return append(why, cd.lineage...)
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
