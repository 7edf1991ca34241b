package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/procsnap/procsnap/snapshot"
)

// lifecycleNew reports a process of B that A did not have: started, or pid_reused when old held
// its PID in A. Adopted processes get their inferred creator.
func (c *comparer) lifecycleNew(pb, old *snapshot.Process) {
	e := Event{Kind: KindStarted, PPID: pb.PPID, Exe: pb.Exe, Cmdline: pb.Cmdline}
	parent := c.describeParent(pb)
	e.Summary = fmt.Sprintf("started %s, child of %s", describe(pb), parent)
	if pb.IsZombie() {
		e.NewState = pb.State
		e.Summary = fmt.Sprintf("started and already exited %s: a zombie of %s", describe(pb), parent)
	}
	if old != nil {
		e.Kind = KindPIDReused
		e.OldStartTicks, e.OldComm = old.StartTicks, old.Comm
		e.OldState = old.State
		e.Summary = fmt.Sprintf("pid %d reused: %s (start %d) is gone, %s (start %d) started, child of %s",
			pb.PID, old.Comm, old.StartTicks, pb.Comm, pb.StartTicks, parent)
	}
	if role := c.adoptedRole(pb); role != "" {
		cr := c.inferCreator(pb)
		e.Creator = &cr
		e.Summary += "; " + cr.Summary
	}
	c.emit(pb, e)
	switch {
	case pb.IsZombie():
		// Born and dead between the snapshots: still a new zombie, which a script asking for
		// became_zombie must get.
		c.emit(pb, Event{Kind: KindBecameZombie, PPID: pb.PPID, NewState: pb.State,
			Summary: fmt.Sprintf("started and became a zombie since A; parent %s has not reaped it", parent)})
	case pb.LeaderExited():
		c.emitLeaderExited(pb, "")
	}
}

// emitLeaderExited reports a process whose thread-group leader exited while other threads run
// on: /proc shows it in state Z, but it is alive, and its parent has nothing to reap.
func (c *comparer) emitLeaderExited(p *snapshot.Process, old string) {
	e := Event{Kind: KindLeaderExited, OldState: old, NewState: p.State, LiveTIDs: p.LiveTIDs,
		Summary: fmt.Sprintf("leader thread exited, %s still running: alive, not a zombie", plural(max(len(p.LiveTIDs), p.Threads-1), "thread"))}
	if len(p.LiveTIDs) == 0 {
		e.Summary = fmt.Sprintf("leader thread exited; %d threads, their states unread (%s): taken as alive, not a zombie",
			p.Threads, orUnknown(p.Unread["tasks"]))
	}
	c.emit(p, e)
}

// describeParent names p's parent as B shows it.
func (c *comparer) describeParent(p *snapshot.Process) string {
	if p.PPID == 0 {
		return "the kernel"
	}
	r := c.refPID(p.PPID, "")
	if role := c.adopterRole(p.PPID); role == RoleInit {
		return fmt.Sprintf("%d (%s, init)", r.PID, r.Comm)
	}
	return fmt.Sprintf("%d (%s)", r.PID, r.Comm)
}

// lifecycleGone reports a process of A whose PID is absent from B: exited, or reaped when it
// was already a zombie in A.
func (c *comparer) lifecycleGone(pa *snapshot.Process) {
	if !pa.IsZombie() {
		c.emit(pa, Event{Kind: KindExited, PPID: pa.PPID, OldState: pa.State,
			Summary: fmt.Sprintf("exited (was %s, child of %d)", pa.State, pa.PPID)})
		return
	}
	c.emitReaped(pa)
}

// emitReaped reports zombie z of A gone from B. Its parent reaped it if the parent is still
// alive; otherwise the parent exited and the adopter (init, or the subreaper its siblings were
// given to) reaped it.
func (c *comparer) emitReaped(z *snapshot.Process) {
	e := Event{Kind: KindReaped, PPID: z.PPID, OldState: z.State}
	parent := c.a.Find(z.PPID)
	if parent != nil && c.alive(parent.Key()) {
		e.ReapedBy = ref(parent, RoleParent)
		e.ParentExited = ptr(false)
		e.Summary = fmt.Sprintf("zombie reaped by its parent %d (%s)", parent.PID, parent.Comm)
	} else {
		e.ParentExited = ptr(true)
		e.ReapedBy = c.orphanAdopter(parent)
		e.Summary = fmt.Sprintf("zombie reaped by %d (%s, %s) after its parent %d exited",
			e.ReapedBy.PID, e.ReapedBy.Comm, e.ReapedBy.Role, z.PPID)
	}
	c.emit(z, e)
}

// orphanAdopter guesses who adopted the orphans of parent (which exited): the new parent of any
// of its children that survive in B, else pid 1.
func (c *comparer) orphanAdopter(parent *snapshot.Process) *Ref {
	if parent != nil {
		for _, kid := range parent.Children {
			ka := c.a.Find(kid)
			if ka == nil || ka.PPID != parent.PID {
				continue
			}
			if kb := c.findB(ka.Key()); kb != nil && kb.PPID != parent.PID && kb.PPID != 0 {
				return c.refPID(kb.PPID, c.adopterRole(kb.PPID))
			}
		}
	}
	return c.refPID(1, RoleInit)
}

// lifecycleSame reports exec and became_zombie for a process in both snapshots.
func (c *comparer) lifecycleSame(pa, pb *snapshot.Process) {
	if pb.LeaderExited() && !pa.LeaderExited() {
		c.emitLeaderExited(pb, pa.State)
	}
	if pb.IsZombie() {
		if !pa.IsZombie() {
			c.emit(pb, Event{Kind: KindBecameZombie, PPID: pb.PPID, OldState: pa.State, NewState: pb.State,
				Summary: fmt.Sprintf("became a zombie; parent %s has not reaped it", c.describeParent(pb))})
		}
		return
	}
	if !execed(pa, pb) {
		return
	}
	e := Event{Kind: KindExec, OldComm: pa.Comm, NewComm: pb.Comm}
	if pa.Exe != pb.Exe {
		e.OldExe, e.NewExe = pa.Exe, pb.Exe
	}
	if !slices.Equal(pa.Cmdline, pb.Cmdline) {
		e.OldCmdline, e.NewCmdline = pa.Cmdline, pb.Cmdline
	}
	e.Summary = fmt.Sprintf("exec: %s → %s", program(pa), program(pb))
	c.emit(pb, e)
}

// execed reports whether pa became pb by execve: the exe link changed (when both were read), or
// both comm and cmdline changed. A comm change alone is prctl(PR_SET_NAME) and a cmdline change
// alone is setproctitle; neither is an exec.
func execed(pa, pb *snapshot.Process) bool {
	if pa.Kthread || pb.Kthread {
		return false
	}
	_, ua := pa.Unread["exe"]
	_, ub := pb.Unread["exe"]
	if !ua && !ub && pa.Exe != "" && pb.Exe != "" && pa.Exe != pb.Exe {
		return true
	}
	return pa.Comm != pb.Comm && len(pa.Cmdline) > 0 && len(pb.Cmdline) > 0 && !slices.Equal(pa.Cmdline, pb.Cmdline)
}

func program(p *snapshot.Process) string {
	if len(p.Cmdline) > 0 {
		s := strings.Join(p.Cmdline, " ")
		if len(s) > 60 {
			s = s[:57] + "..."
		}
		return s
	}
	if p.Exe != "" {
		return p.Exe
	}
	return p.Comm
}

// describe names a process in a summary: "1234 (comm)".
func describe(p *snapshot.Process) string {
	return fmt.Sprintf("%d (%s)", p.PID, p.Comm)
}
