package diff

import (
	"fmt"

	"github.com/procsnap/procsnap/snapshot"
)

// treeSame reports reparented, setsid, setpgid and tty_changed for a process in both snapshots.
func (c *comparer) treeSame(pa, pb *snapshot.Process) {
	if pa.PPID != pb.PPID && !pb.IsZombie() {
		c.emitReparented(pa, pb)
	}
	switch {
	case pa.SID != pb.SID:
		c.emit(pb, Event{Kind: KindSetsid, OldSID: pa.SID, NewSID: pb.SID, OldPGID: pa.PGID, NewPGID: pb.PGID,
			Summary: fmt.Sprintf("new session: sid %d → %d, pgid %d → %d", pa.SID, pb.SID, pa.PGID, pb.PGID)})
	case pa.PGID != pb.PGID:
		c.emit(pb, Event{Kind: KindSetpgid, OldPGID: pa.PGID, NewPGID: pb.PGID, OldSID: pa.SID, NewSID: pb.SID,
			Summary: fmt.Sprintf("process group %d → %d (session %d)", pa.PGID, pb.PGID, pb.SID)})
	}
	if pa.TTYNr != pb.TTYNr && !pb.IsZombie() {
		c.emit(pb, Event{Kind: KindTTYChanged, OldTTYNr: ptr(pa.TTYNr), NewTTYNr: ptr(pb.TTYNr),
			OldTTY: pa.TTY, NewTTY: pb.TTY, Summary: ttySummary(pa, pb)})
	}
}

func ttySummary(pa, pb *snapshot.Process) string {
	switch {
	case pa.TTYNr == 0:
		return "gained controlling terminal " + ttyName(pb)
	case pb.TTYNr == 0:
		return "lost controlling terminal " + ttyName(pa)
	}
	return fmt.Sprintf("controlling terminal %s → %s", ttyName(pa), ttyName(pb))
}

func ttyName(p *snapshot.Process) string {
	if p.TTY != "" {
		return p.TTY
	}
	return fmt.Sprintf("tty_nr %d", p.TTYNr)
}

// emitReparented names the old parent, whether it exited, and the adopter.
func (c *comparer) emitReparented(pa, pb *snapshot.Process) {
	e := Event{Kind: KindReparented, OldPPID: pa.PPID, NewPPID: pb.PPID}
	exited := true
	if op := c.a.Find(pa.PPID); op != nil {
		e.OldParent = ref(op, RoleParent)
		exited = !c.alive(op.Key())
	} else {
		e.OldParent = &Ref{PID: pa.PPID, Role: RoleParent}
		exited = c.b.Find(pa.PPID) == nil
	}
	e.OldParentExited = ptr(exited)
	e.Adopter = c.refPID(pb.PPID, c.adopterRole(pb.PPID))
	how := "still alive"
	if exited {
		how = "exited"
	}
	e.Summary = fmt.Sprintf("reparented: parent %d (%s) %s, adopted by %d (%s, %s)",
		pa.PPID, e.OldParent.Comm, how, pb.PPID, e.Adopter.Comm, e.Adopter.Role)
	if orphanedGroup(c.b, c.scopeB, pb) {
		e.OrphanedPGID = pb.PGID
		e.Summary += fmt.Sprintf("; its process group %d is orphaned: session leader %d is gone (it did not leave its session: not a daemon)",
			pb.PGID, pb.SID)
	}
	c.emit(pb, e)
}

// adopterRole says whether pid, as an adopter, is init or a child subreaper (AdopterRole in B).
func (c *comparer) adopterRole(pid int) string { return AdopterRole(c.b, pid) }

// AdopterRole says whether pid, as the adopter of a process of s, is init (pid 1 of the host
// namespace, or a process whose innermost NSpid is 1: a container's init) or a child subreaper.
func AdopterRole(s *snapshot.Snapshot, pid int) string {
	if pid == 1 {
		return RoleInit
	}
	if p := s.Find(pid); p != nil && len(p.NSpid) > 1 && p.NSpid[len(p.NSpid)-1] == 1 {
		return RoleInit
	}
	return RoleSubreaper
}

// findSubreapers lists the PIDs other than init that adopted a process between A and B.
func findSubreapers(a, b *snapshot.Snapshot) map[int]bool {
	out := map[int]bool{}
	for i := range b.Processes {
		pb := &b.Processes[i]
		pa := a.Find(pb.PID)
		if pa != nil && pa.StartTicks == pb.StartTicks && pa.PPID != pb.PPID && pb.PPID > 1 {
			out[pb.PPID] = true
		}
	}
	return out
}

// adoptedRole returns the role of p's parent when p looks adopted rather than forked by it:
// its parent is init, or a process seen adopting orphans, or p sits in a session that is neither
// its own nor its parent's (a forked child inherits its parent's session or makes its own).
// It returns "" for a process that looks forked by its parent.
func (c *comparer) adoptedRole(p *snapshot.Process) string {
	if p.Kthread || p.PPID == 0 {
		return ""
	}
	if role := c.adopterRole(p.PPID); role == RoleInit {
		return role
	}
	if c.subreapers[p.PPID] {
		return RoleSubreaper
	}
	if parent := c.b.Find(p.PPID); parent != nil && p.SID != parent.SID && p.SID != p.PID {
		return RoleSubreaper
	}
	return ""
}

// daemonLike reports the double-fork result: adopted, no controlling terminal, and leading its
// own session, or left in a session whose leader is gone while still in the leader's own process
// group (the middle process called setsid, forked it and exited). A member of another group of a
// leaderless session is a job of a session whose leader exited (an orphaned process group,
// orphanedGroup): it did not leave its session and is no daemon.
func (c *comparer) daemonLike(p *snapshot.Process) bool {
	if p.Kthread || p.IsZombie() || p.TTYNr != 0 || c.adoptedRole(p) == "" {
		return false
	}
	if p.SID == p.PID {
		return true
	}
	return p.PGID == p.SID && leaderGone(c.b, c.scopeB, p.SID)
}

// orphanedGroup reports whether p is in a process group other than its session's own whose
// session leader is gone from s.
func orphanedGroup(s *snapshot.Snapshot, scope map[int]bool, p *snapshot.Process) bool {
	return p.SID != p.PID && p.PGID != p.SID && leaderGone(s, scope, p.SID)
}

// leaderGone reports whether the leader of session sid is known to have left it in s: exited
// (absent from a full snapshot), a zombie, or in another session. SID 0 means the leader lives
// outside the snapshot's PID namespace (a container started without a new session): it is
// invisible, not gone. Nor is a leader that a --pid scope simply did not read.
func leaderGone(s *snapshot.Snapshot, scope map[int]bool, sid int) bool {
	if sid <= 0 {
		return false
	}
	leader := s.Find(sid)
	if leader == nil {
		return inScope(scope, sid)
	}
	return leader.IsZombie() || leader.SID != sid
}

// daemonCheck reports daemonized for a process of B that is daemon-like now and was not in A
// (absent, or with another parent, session or terminal).
func (c *comparer) daemonCheck(pb, pa *snapshot.Process) {
	if !c.daemonLike(pb) {
		return
	}
	if pa != nil && pa.SID == pb.SID && pa.TTYNr == 0 &&
		(pa.PPID == pb.PPID || pb.SID != pb.PID && leaderGone(c.a, c.scopeA, pa.SID)) {
		// Unchanged, or already in a leaderless session without a terminal in A: being
		// reparented now makes it an orphan (reparented says so), not a new daemon.
		return
	}
	e := Event{Kind: KindDaemonized, PPID: pb.PPID, NewSID: pb.SID, NewPGID: pb.PGID,
		Adopter: c.refPID(pb.PPID, c.adoptedRole(pb))}
	leads := "leads its own session"
	if pb.SID != pb.PID {
		leads = fmt.Sprintf("in session %d whose leader is gone", pb.SID)
	}
	e.Summary = fmt.Sprintf("daemonized: adopted by %d (%s, %s), %s, no controlling terminal",
		pb.PPID, e.Adopter.Comm, e.Adopter.Role, leads)
	if pa == nil {
		cr := c.inferCreator(pb)
		e.Creator = &cr
	}
	c.emit(pb, e)
}
