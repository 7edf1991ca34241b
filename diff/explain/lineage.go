package explain

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/procsnap/procsnap/snapshot"
)

// Adopter roles.
const (
	adoptInit      = "init"
	adoptSubreaper = "subreaper"
)

// chain returns p, its parent, and so on up to a process without a visible parent.
func chain(s *snapshot.Snapshot, p *snapshot.Process) []Proc {
	out := []Proc{procOf(p)}
	seen := map[int]bool{p.PID: true}
	for q := p; q.PPID > 0 && !seen[q.PPID]; {
		seen[q.PPID] = true
		parent := s.Find(q.PPID)
		if parent == nil {
			out = append(out, Proc{PID: q.PPID, Gone: true})
			break
		}
		out = append(out, procOf(parent))
		q = parent
	}
	return out
}

// isInit reports pid 1, or the init of a PID namespace (innermost NSpid 1).
func isInit(s *snapshot.Snapshot, pid int) bool {
	if pid == 1 {
		return true
	}
	q := s.Find(pid)
	return q != nil && len(q.NSpid) > 1 && q.NSpid[len(q.NSpid)-1] == 1
}

// adoptedIn says whether p's parent in s looks like its adopter rather than its creator: init,
// or a parent in another session than p's although p does not lead its own session (a forked
// child inherits its parent's session or makes its own). A subreaper that adopted a session
// leader cannot be told from a creator in one snapshot; the captures and the recording can.
func adoptedIn(s *snapshot.Snapshot, p *snapshot.Process) string {
	if p.Kthread || p.PPID == 0 {
		return ""
	}
	if isInit(s, p.PPID) {
		return adoptInit
	}
	if parent := s.Find(p.PPID); parent != nil && p.SID != parent.SID && p.SID != p.PID && p.SID > 0 {
		return adoptSubreaper
	}
	return ""
}

// cands gathers creator candidates with their evidence.
type cands struct {
	p    *snapshot.Process
	byID map[snapshot.Key]*Candidate
}

func (c *cands) add(pr Proc, rank int, conf string, score float64, evidence string) *Candidate {
	k := snapshot.Key{PID: pr.PID, StartTicks: pr.StartTicks}
	cd := c.byID[k]
	if cd == nil {
		cd = &Candidate{Proc: pr, Rank: rank, Confidence: conf, rankConf: conf}
		c.byID[k] = cd
	}
	if rank < cd.Rank || rank == cd.Rank && confOrder(conf) < confOrder(cd.rankConf) {
		cd.Rank, cd.rankConf = rank, conf
	}
	if confOrder(conf) < confOrder(cd.Confidence) {
		cd.Confidence = conf
	}
	cd.Score += score
	cd.Evidence = append(cd.Evidence, evidence)
	return cd
}

func confOrder(c string) int {
	return slices.Index([]string{Definitive, High, Medium, Low, Unknown}, c)
}

func (x *explainer) lineage() Lineage {
	p := x.p
	l := Lineage{Chain: chain(x.s, p), Adopted: adoptedIn(x.s, p)}
	if p.PID == 1 || p.PPID == 0 {
		l.Confidence, l.Verdict = Definitive, "started by the kernel (no parent process)"
		return l
	}
	if l.Adopted == "" && x.reparentSeen() {
		l.Adopted = adoptSubreaper // its current parent is not the one it was seen born to
	}
	if l.Adopted == "" {
		l.Creator = x.lookup(p.PPID)
		l.Confidence = Definitive
		l.Verdict = fmt.Sprintf("created by its parent %d (%s): the kernel records the process that forked it while that process lives",
			p.PPID, orQ(l.Creator.Comm))
		return l
	}
	c := &cands{p: p, byID: map[snapshot.Key]*Candidate{}}
	x.fromRecord(c)
	x.fromTrail(c)
	x.fromShared(c)
	x.fromGroup(c)
	x.fromSession(c)
	l.Candidates = ranked(c)
	l.Unseen = x.lineageGaps()
	x.verdict(&l)
	return l
}

// reparentSeen reports whether the captures or the recording saw the process under another
// parent than its current one: a subreaper adopted it, which one snapshot cannot tell.
func (x *explainer) reparentSeen() bool {
	p := x.p
	if t := x.in.Trail; t != nil && t.first != nil && t.first.ppid != p.PPID {
		return true
	}
	if x.in.Record != nil {
		for _, cr := range x.in.Record.Creations {
			if len(cr.Chain) > 0 && cr.Chain[0].PID != p.PPID {
				return true
			}
		}
	}
	return false
}

// ranked orders candidates by rank, then confidence, then score, then PID, and drops the
// adopter itself.
func ranked(c *cands) []Candidate {
	out := make([]Candidate, 0, len(c.byID))
	for _, cd := range c.byID {
		cd.Score = float64(int(cd.Score*100+0.5)) / 100
		out = append(out, *cd)
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(confOrder(a.rankConf), confOrder(b.rankConf)),
			cmp.Compare(confOrder(a.Confidence), confOrder(b.Confidence)),
			cmp.Compare(b.Score, a.Score), cmp.Compare(a.Proc.PID, b.Proc.PID))
	})
	return out
}

func (x *explainer) verdict(l *Lineage) {
	adopter := "init"
	if l.Adopted == adoptSubreaper {
		adopter = fmt.Sprintf("the subreaper %d", x.p.PPID)
	}
	if len(l.Candidates) == 0 {
		l.Confidence = Unknown
		l.Verdict = fmt.Sprintf("unknown: its parent is %s, which adopts orphans (or started it); %s", adopter, x.noEvidence())
		return
	}
	best := l.Candidates[0]
	if best.Confidence == Low {
		l.Confidence = Unknown
		l.Verdict = fmt.Sprintf("unknown: its parent is %s, which adopts orphans (or started it); no evidence is strong enough to name a creator, only weak hints: %d (%s): %s",
			adopter, best.Proc.PID, orQ(best.Proc.Comm), best.Evidence[0])
		return
	}
	l.Creator, l.Confidence = &best.Proc, best.Confidence
	gone := ""
	if best.Proc.Gone {
		gone = ", exited"
	}
	l.Verdict = fmt.Sprintf("created by %d (%s%s), %s confidence: %s", best.Proc.PID, orQ(best.Proc.Comm), gone,
		best.Confidence, best.Evidence[0])
	if len(l.Candidates) > 1 {
		if nx := l.Candidates[1]; nx.Rank == best.Rank && nx.Confidence == best.Confidence && nx.Score == best.Score {
			l.Verdict += fmt.Sprintf(" (tied with %d (%s): the evidence cannot tell them apart)", nx.Proc.PID, orQ(nx.Proc.Comm))
		}
	}
}

// noEvidence says which evidence was looked at and found nothing, and which could not be.
func (x *explainer) noEvidence() string {
	var looked []string
	if x.in.Record != nil {
		looked = append(looked, "the recording")
	}
	if x.in.Trail != nil {
		looked = append(looked, "the captures")
	}
	unchecked := ""
	if x.fdsUsable() {
		looked = append(looked, "shared descriptors")
	} else {
		unchecked = fmt.Sprintf("; its descriptors were not read (%s), so shared descriptions could not be checked",
			orReason(x.p.Unread["fds"]))
	}
	looked = append(looked, "cgroup", "audit session", "session and group leaders")
	s := "no evidence names a creator: " + strings.Join(looked, ", ") + " point at no older live process" + unchecked
	if x.in.Record == nil && x.in.Trail == nil {
		s += " (--dir or --record may know more)"
	}
	return s
}

// lineageGaps lists what the creator search could not see.
func (x *explainer) lineageGaps() []Gap {
	var g []Gap
	if !x.fdsUsable() {
		g = append(g, Gap{What: "its descriptors", Reason: "not recorded: no shared-description evidence"})
	} else if n := x.unreadFDTables(); n > 0 {
		g = append(g, Gap{What: "shared descriptions", Reason: fmt.Sprintf("the descriptors of %d other process(es) are unread", n)})
	}
	return g
}

func (x *explainer) fdsUsable() bool {
	_, unread := x.p.Unread["fds"]
	return !x.s.Header.Options.NoFDs && !unread && !x.p.IsZombie()
}

// age is the time from q's start to p's, for the start-order evidence.
func startedBefore(q, p *snapshot.Process) string {
	if q.StartTime.IsZero() || p.StartTime.IsZero() {
		return "started before it"
	}
	d := p.StartTime.Sub(q.StartTime)
	if d < time.Second {
		return "started " + d.Round(time.Millisecond).String() + " before it"
	}
	return "started " + d.Round(time.Second).String() + " before it"
}
