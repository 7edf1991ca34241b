package watch

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
)

// Who created a process first seen already adopted.
//
// A daemon is usually made by a launcher that forks, and a middle process that calls setsid,
// forks again and exits at once. On a loaded host the watch often looks only after the middle
// has exited, and finds the daemon already under init (or a subreaper). Its parent at first
// sight is then not its creator; the watch infers the creator from what it did see:
//
//   - PID order: PIDs are allocated in order, so the creator's PID comes before the daemon's,
//     and every PID allocated between them belongs to the creator's other descendants or to
//     processes the watch missed (the middle, most often). The closest process before the
//     daemon, within maxPIDGap, for which that holds is the candidate; a process seen between
//     them that does not descend from it rules it out (another process was forking then). A
//     living candidate needs a middle between them (seen exited, or a PID not seen): its own
//     child would still be its child, not adopted.
//   - Start times: the candidate started no later than the daemon and was still alive when
//     the daemon started (its exit was seen at or after the daemon's start tick).
//   - Identity: same uid (or the candidate is root, which may launch a daemon as another user).
//   - A fork without exec: the same command line as the daemon, which lets a candidate win
//     even with unrelated processes between them.
//   - Session: a daemon that does not lead its own session was forked inside the session of
//     the ancestor that made it (sessionFits); a candidate in another session, which is not
//     that ancestor and comes after it, is ruled out.
//   - cgroup: the daemon's cgroup is the candidate's, or that of its closest living ancestor
//     (an exited candidate's is no longer readable); a different cgroup rules it out.
//   - Descriptors: a pipe or socket the daemon holds (inherited through the middle) that one
//     living process alone holds too, among the closest within maxSharePIDGap before it, names
//     that process (shareCreator): over PID order, unless PID order names one of its
//     descendants. Only the daemon's descriptors and those of the living processes in that
//     window are read, once, when the daemon is first seen adopted: an exited launcher's are
//     not known (remembering every process's descriptors would cost a directory read per
//     process).
//
// What was used is said in the chain_how of the started and daemonized events; when nothing
// fits, the creator is "unknown" and the chain shows only the adopter.

// maxPIDGap bounds how far before the daemon's PID its creator is looked for.
const maxPIDGap = 64

// adopted reports whether a process first seen with parent ppid and session sid is an
// adoptee rather than a child of ppid: ppid is init or a process seen adopting, or the
// process is in neither its own session nor its parent's (a forked child inherits its
// parent's session or makes its own).
func (w *Watcher) adopted(s *sighting, now time.Time) bool {
	if w.adopters[s.PPID] {
		return true
	}
	parent := w.live[s.PPID]
	if parent == nil || s.SID == parent.cur.SID || s.SID == s.PID {
		return false
	}
	// The parent's session as last read may be stale (it called setsid since, as the middle
	// process of a double fork does): read it again. Gone by then, it cannot be compared.
	w.observe(parent, now)
	return parent.alive() && parent.cur.State != 'Z' && s.SID != parent.cur.SID
}

// inferCreator looks for the creator of p, a process first seen adopted, and links p to it.
func (w *Watcher) inferCreator(p *proc, now time.Time) {
	lo := max(2, p.key.PID-maxPIDGap)
	byPID := map[int][]*proc{}
	for _, c := range w.known {
		if c.key.PID >= lo && c.key.PID < p.key.PID {
			byPID[c.key.PID] = append(byPID[c.key.PID], c)
		}
	}
	missed := map[int]bool{} // PIDs found empty: missed, or to be looked at again
	for _, m := range w.acct.recentMissed {
		if m.pid >= lo && m.pid < p.key.PID {
			missed[m.pid] = true
		}
	}
	for _, pid := range w.acct.pending {
		missed[pid] = true
	}
	cg := readCgroup(w.opts.Root, p.key.PID)
	var between []*proc
	nMissed := 0
	var found *proc
	var how string
walk:
	for pid := p.key.PID - 1; pid >= lo; pid-- {
		for _, c := range byPID[pid] {
			if c.alive() && c.cur.State != 'Z' && c.key.StartTicks <= p.key.StartTicks {
				w.observe(c, now) // a launcher's exit may not have been seen yet
			}
			if how = w.creatorEvidence(p, c, between, nMissed, cg); how != "" {
				found = c
				break walk
			}
		}
		between = append(between, byPID[pid]...)
		if missed[pid] {
			nMissed++
		}
	}
	sharer, obj := w.shareCreator(p)
	switch {
	case sharer != nil && found == sharer:
		how += fmt.Sprintf(", shares %s with it (no other living process does)", obj)
	case sharer != nil && found != nil && w.descends(found, sharer):
		how += fmt.Sprintf(", its ancestor %d (%s) shares %s with it", sharer.key.PID, sharer.cur.Comm, obj)
	case sharer != nil:
		found = sharer
		how = fmt.Sprintf("inferred: creator %d (%s, alive) from sharing %s with it (no other living process does), started before it",
			sharer.key.PID, sharer.cur.Comm, obj)
	}
	if found == nil {
		p.inferred = ""
		return
	}
	p.parent, p.inferred, p.follow = found.key, how, p.follow || found.follow
}

// maxSharePIDGap bounds how far before a daemon's PID shareCreator looks for a process holding
// one of its pipes or sockets (wider than maxPIDGap: unrelated processes between them do not
// matter here), and maxFDs how many descriptors of one process it reads.
const (
	maxSharePIDGap = 1024
	maxFDs         = 256
	// maxShareReads bounds how many processes' descriptors one inference reads.
	maxShareReads = 64
)

// shareCreator returns the living process that holds a pipe or socket p holds, alone among the
// maxShareReads closest living processes within maxSharePIDGap before p that could have
// created it (started no later, same uid or root, not an adopter), and that object ("pipe:[123]"); nil when p holds none or
// none is held by exactly one of them. Descriptors a whole job shares (a CI runner's output
// pipe) are held by many and say nothing; those of a process the launcher made for this
// daemon alone (a pipe it reads the daemon's output from) are held by the launcher alone.
func (w *Watcher) shareCreator(p *proc) (*proc, string) {
	mine := fdObjects(w.opts.Root, p.key.PID)
	if len(mine) == 0 {
		return nil, ""
	}
	var cands []*proc
	for _, c := range w.live {
		if c == p || c.key.PID >= p.key.PID || c.key.PID < p.key.PID-maxSharePIDGap || c.cur.Kthread ||
			c.cur.State == 'Z' || c.key.StartTicks > p.key.StartTicks || w.adopters[c.key.PID] ||
			(c.uid != p.uid && c.uid > 0 && p.uid >= 0) {
			continue
		}
		cands = append(cands, c)
	}
	// The closest first, and only so many: on a host packed with idle processes, reading a
	// thousand descriptor tables would stall the watch for tens of milliseconds.
	slices.SortFunc(cands, func(a, b *proc) int { return b.key.PID - a.key.PID })
	holders := map[string][]*proc{}
	for _, c := range cands[:min(len(cands), maxShareReads)] {
		for o := range fdObjects(w.opts.Root, c.key.PID) {
			if mine[o] {
				holders[o] = append(holders[o], c)
			}
		}
	}
	var best *proc
	var obj string
	for o, hs := range holders {
		if len(hs) == 1 && (best == nil || hs[0].key.PID > best.key.PID || hs[0] == best && o < obj) {
			best, obj = hs[0], o
		}
	}
	return best, obj
}

// fdObjects returns the pipes and sockets pid holds: the targets of its descriptors' links,
// "pipe:[ino]" or "socket:[ino]", the same for every holder of one object. Files, terminals and
// /dev/null, which unrelated processes share, are left out; so is what cannot be read (another
// user's process).
func fdObjects(root string, pid int) map[string]bool {
	dir := root + "/" + strconv.Itoa(pid) + "/fd"
	f, err := os.Open(dir)
	if err != nil {
		return nil
	}
	names, _ := f.Readdirnames(maxFDs)
	f.Close()
	var out map[string]bool
	for _, n := range names {
		l, err := os.Readlink(dir + "/" + n)
		if err != nil || !(strings.HasPrefix(l, "pipe:[") || strings.HasPrefix(l, "socket:[")) {
			continue
		}
		if out == nil {
			out = map[string]bool{}
		}
		out[l] = true
	}
	return out
}

// creatorEvidence says why c is p's creator, or "" when it is not a fit.
func (w *Watcher) creatorEvidence(p, c *proc, between []*proc, nMissed int, cg []byte) string {
	if c.cur.Kthread || c.key.StartTicks > p.key.StartTicks || w.adopters[c.key.PID] {
		return ""
	}
	if !c.alive() && w.ticksAt(c.exitedAt)+1 < p.key.StartTicks {
		return "" // gone before p started
	}
	if c.uid != p.uid && c.uid > 0 && p.uid >= 0 {
		return ""
	}
	if !sessionFits(p, c) {
		return ""
	}
	unrelated, middle := 0, nMissed > 0
	for _, b := range between {
		switch {
		case b.key.StartTicks >= c.key.StartTicks && !w.descends(b, c):
			unrelated++
		case !b.alive() || b.cur.State == 'Z':
			middle = true // a descendant of c that exited: the middle, seen
		}
	}
	if c.alive() && c.cur.State != 'Z' && !middle {
		// A living process's own child is not adopted: a living creator needs a middle
		// process between them, seen exited or not seen at all.
		return ""
	}
	sameCmd := len(p.cur.Cmdline) > 0 && equalStrings(p.cur.Cmdline, c.cur.Cmdline)
	if unrelated > 0 && !sameCmd {
		return ""
	}
	var ev []string
	if unrelated == 0 {
		ev = append(ev, fmt.Sprintf("pid order (%d → %d: %d PIDs between, %d of them not seen, none of another process)",
			c.key.PID, p.key.PID, p.key.PID-c.key.PID-1, nMissed))
	}
	if sameCmd {
		ev = append(ev, "same command line (a fork without exec)")
	}
	state := "alive"
	if !c.alive() || c.cur.State == 'Z' {
		state = "exited" // a zombie has exited
	}
	ev = append(ev, fmt.Sprintf("started before it and %s when it started", map[string]string{
		"alive": "still alive", "exited": "alive"}[state]))
	if anc := w.livingAncestor(c); anc != nil && cg != nil {
		acg := readCgroup(w.opts.Root, anc.key.PID)
		switch {
		case acg == nil || (rootCgroup(acg) && !rootCgroup(cg)):
			// Unreadable, or the root in every hierarchy while the daemon's is not: a task
			// in the middle of its exit shows the root (measured: a launcher's shell read
			// while exiting, a few ms before its exit was seen), which says nothing.
		case !bytes.Equal(acg, cg):
			return ""
		case anc == c:
			ev = append(ev, "same cgroup")
		default:
			ev = append(ev, fmt.Sprintf("same cgroup as %d (%s), its living ancestor", anc.key.PID, anc.cur.Comm))
		}
	}
	return fmt.Sprintf("inferred: creator %d (%s, %s) from %s", c.key.PID, c.cur.Comm, state, strings.Join(ev, ", "))
}

// sessionFits reports whether p's session allows c to be its creator. A child inherits its
// parent's session, and setsid makes a session named after its caller, so the session S of a
// process that does not lead its own was made by one of its ancestors, PID S, and every process
// from S down to it forked in S. c fits when it is S, was seen in S, or when S lies between c
// and p (the middle that called setsid, after c). A process that leads its own session called
// setsid itself: its session says nothing of its creator.
func sessionFits(p, c *proc) bool {
	sid := p.cur.SID
	if sid <= 0 || sid == p.key.PID {
		return true
	}
	return c.key.PID == sid || c.cur.SID == sid || (sid > c.key.PID && sid < p.key.PID)
}

// descends reports whether p descends from a (by the parents the watch knows).
func (w *Watcher) descends(p, a *proc) bool {
	for k, n := p.parent, 0; k.PID != 0 && n < maxChain; n++ {
		if k == a.key {
			return true
		}
		q := w.known[k]
		if q == nil {
			return false
		}
		k = q.parent
	}
	return false
}

// livingAncestor returns p if alive, else its closest living ancestor (nil: none known).
func (w *Watcher) livingAncestor(p *proc) *proc {
	for n := 0; p != nil && n < maxChain; n++ {
		if p.alive() && p.cur.State != 'Z' {
			return p
		}
		p = w.known[p.parent]
	}
	return nil
}

// readCgroup reads /proc/PID/cgroup, nil when unreadable.
func readCgroup(root string, pid int) []byte {
	b, err := os.ReadFile(root + "/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil || len(b) == 0 {
		return nil
	}
	return b
}

// rootCgroup reports whether a /proc/PID/cgroup reading names the root of every hierarchy.
func rootCgroup(b []byte) bool {
	for _, l := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if !bytes.HasSuffix(l, []byte(":/")) {
			return false
		}
	}
	return true
}

// chainHow says how p's first link was established.
func chainHow(p *proc) string {
	switch {
	case p.inferred != "":
		return p.inferred
	case p.preexisting:
		return "" // no chain: its parent at birth is unknown
	case p.adoptedAtBirth:
		return "unknown: first seen already adopted, and no process seen just before it fits as its creator"
	}
	return "seen"
}

// checkDaemon emits daemonized, once, for a process that ended up detached: adopted (by init
// or a subreaper, since birth or since the watch saw it), without a controlling terminal, and
// leading its own session or in a session whose leader is gone (the double fork, as
// start-stop-daemon does), however it got there. The rule is diff's (see package diff).
func (w *Watcher) checkDaemon(p *proc, now time.Time) {
	if p.daemonSaid || p.preexisting || p.cur.State == 'Z' || p.cur.Kthread || p.cur.TTY != 0 {
		return
	}
	adopted := p.adoptedAtBirth || p.inferred != "" || (p.cur.PPID != p.birthPPID && p.parent.PID != p.cur.PPID)
	if !adopted {
		return
	}
	leads := p.cur.SID == p.key.PID
	if !leads && !w.leaderGone(p.cur.SID) {
		return
	}
	p.daemonSaid = true
	w.rereadAncestors(p, now)
	e := p.event(KindDaemonized, now)
	e.Adopter = w.ref(p.cur.PPID, diff.RoleSubreaper)
	if p.cur.PPID == 1 {
		e.Adopter.Role = diff.RoleInit
	}
	e.Chain, e.ChainHow = w.chain(p), chainHow(p)
	session := fmt.Sprintf("now leads session %d", p.cur.SID)
	if !leads {
		session = fmt.Sprintf("in session %d whose leader is gone", p.cur.SID)
	}
	born := fmt.Sprintf("born to %d", p.birthPPID)
	if p.inferred != "" {
		born = fmt.Sprintf("created by %d (inferred)", p.parent.PID)
	} else if p.adoptedAtBirth {
		born = "creator unknown"
	}
	e.Summary = fmt.Sprintf("daemonized: %s, %s, no controlling terminal, adopted by %s",
		born, session, w.describe(p.cur.PPID))
	w.emit(e)
}

// leaderGone reports whether the leader of session sid has left it: exited, a zombie, or in
// another session. SID 0 (a leader outside this PID namespace) is not gone, only invisible.
func (w *Watcher) leaderGone(sid int) bool {
	if sid <= 0 {
		return false
	}
	l := w.live[sid]
	return l == nil || l.cur.State == 'Z' || l.cur.SID != sid
}

// rereadAncestors re-reads the living ancestors of p, so the chain says which have exited.
func (w *Watcher) rereadAncestors(p *proc, now time.Time) {
	for k, n := p.parent, 0; k.PID != 0 && n < maxChain; n++ {
		a := w.known[k]
		if a == nil {
			break
		}
		if a.alive() {
			if s, ok := w.reread(a); !ok || s.Start != a.key.StartTicks {
				w.gone(a, now)
			}
		}
		k = a.parent
	}
}

// describeKey names a known process, alive or exited: "812 (sh, exited)".
func (w *Watcher) describeKey(k snapshot.Key) string {
	a := w.known[k]
	if a == nil {
		return strconv.Itoa(k.PID)
	}
	if !a.alive() || a.cur.State == 'Z' {
		return fmt.Sprintf("%d (%s, exited)", k.PID, a.cur.Comm)
	}
	return fmt.Sprintf("%d (%s)", k.PID, a.cur.Comm)
}
