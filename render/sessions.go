package render

import (
	"cmp"
	"slices"
)

// Ref names a process: its PID and comm.
type Ref struct {
	PID  int    `json:"pid"`
	Comm string `json:"comm"`
}

// Session is one session of the session view.
type Session struct {
	SID int `json:"sid"`
	// Leader is the process whose PID is the SID; nil when it has exited (LeaderExited).
	Leader       *Ref `json:"leader,omitempty"`
	LeaderExited bool `json:"leader_exited"`
	// TTY is the controlling terminal ("" for none); ForegroundPGID its foreground group
	// (0 for none).
	TTY            string   `json:"tty,omitempty"`
	ForegroundPGID int      `json:"foreground_pgid,omitempty"`
	Groups         []*Group `json:"groups"`
}

// Group is one process group of a session.
type Group struct {
	PGID int `json:"pgid"`
	// Leader is the process whose PID is the PGID; nil when it is gone (LeaderGone).
	Leader     *Ref `json:"leader,omitempty"`
	LeaderGone bool `json:"leader_gone"`
	// Orphaned follows kernel/exit.c will_become_orphaned_pgrp; OrphanUncertain is set when a
	// member's parent was missing from the snapshot, so the answer rests on what was visible.
	Orphaned        bool `json:"orphaned"`
	OrphanUncertain bool `json:"orphan_uncertain,omitempty"`
	Foreground      bool `json:"foreground"`
	// Members counts every process of the group in the snapshot, shown or not.
	Members int `json:"members"`
	// Roots are the shown members whose parent is not a shown member of the same group, each
	// with the subtree of shown members of the group below it.
	Roots []*Node `json:"processes"`
}

// BuildSessions groups the shown forest by session, then process group, then parent tree
// inside each group. Leaders, orphaned state and the foreground group are decided on full, the
// forest of the whole snapshot; shown is full itself or the result of full.Select. Sessions and
// groups with no shown member are left out.
func BuildSessions(full, shown *Forest) []*Session {
	type gkey struct{ sid, pgid int }
	members := map[gkey][]*Node{}
	firstTTY := map[int]*Node{} // sid → its first member with a terminal, in walk order
	full.Walk(func(n *Node, _ int) {
		k := gkey{n.SID, n.PGID}
		members[k] = append(members[k], n)
		if _, ok := firstTTY[n.SID]; !ok && n.TTY != "" {
			firstTTY[n.SID] = n
		}
	})
	sessions := map[int]*Session{}
	groups := map[gkey]*Group{}
	shown.Walk(func(n *Node, _ int) {
		k := gkey{n.SID, n.PGID}
		g := groups[k]
		if g == nil {
			g = newGroup(full, n.PGID, members[k])
			groups[k] = g
			s := sessions[n.SID]
			if s == nil {
				s = newSession(full, n.SID, firstTTY[n.SID])
				sessions[n.SID] = s
			}
			g.Foreground = s.ForegroundPGID != 0 && s.ForegroundPGID == g.PGID
			s.Groups = append(s.Groups, g)
		}
		if n.parent == nil || n.parent.PGID != n.PGID || n.parent.SID != n.SID {
			g.Roots = append(g.Roots, copyWithinGroup(n))
		}
	})
	out := make([]*Session, 0, len(sessions))
	for _, s := range sessions {
		slices.SortFunc(s.Groups, func(a, b *Group) int { return cmp.Compare(a.PGID, b.PGID) })
		for _, g := range s.Groups {
			slices.SortFunc(g.Roots, func(a, b *Node) int { return cmp.Compare(a.PID, b.PID) })
		}
		out = append(out, s)
	}
	// The kernel's session 0 (kernel threads) goes last: it is rarely what one looks for.
	kernelLast := func(s *Session) int {
		if s.SID == 0 {
			return 1
		}
		return 0
	}
	slices.SortFunc(out, func(a, b *Session) int {
		return cmp.Or(cmp.Compare(kernelLast(a), kernelLast(b)), cmp.Compare(a.SID, b.SID))
	})
	return out
}

// copyWithinGroup copies n with only the descendants reachable through members of its group.
func copyWithinGroup(n *Node) *Node {
	c := *n
	c.Children, c.parent = nil, nil
	for _, k := range n.Children {
		if k.PGID == n.PGID && k.SID == n.SID {
			kc := copyWithinGroup(k)
			kc.parent = &c
			c.Children = append(c.Children, kc)
		}
	}
	return &c
}

// newSession describes session sid. firstTTY is its first member with a terminal (nil when
// none), found in the one walk BuildSessions makes: a walk per session was quadratic.
func newSession(full *Forest, sid int, firstTTY *Node) *Session {
	s := &Session{SID: sid}
	if sid == 0 {
		return s // kernel threads: no session, nothing exited
	}
	leader := full.nodes[sid]
	if leader != nil && leader.SID == sid {
		s.Leader = &Ref{PID: leader.PID, Comm: leader.Comm}
	} else {
		s.LeaderExited = true
		leader = nil
	}
	ttyOwner := leader
	if ttyOwner == nil || ttyOwner.TTY == "" {
		ttyOwner = firstTTY
	}
	if ttyOwner != nil {
		s.TTY = ttyOwner.TTY
		if ttyOwner.TPGID > 0 {
			s.ForegroundPGID = ttyOwner.TPGID
		}
	}
	return s
}

func newGroup(full *Forest, pgid int, members []*Node) *Group {
	g := &Group{PGID: pgid, Members: len(members)}
	if pgid == 0 {
		return g
	}
	if l := full.nodes[pgid]; l != nil && l.PGID == pgid {
		g.Leader = &Ref{PID: l.PID, Comm: l.Comm}
	} else {
		g.LeaderGone = true
	}
	g.Orphaned, g.OrphanUncertain = orphaned(full, pgid, members)
	return g
}

// orphaned applies the kernel's rule (kernel/exit.c, will_become_orphaned_pgrp): a group is
// orphaned unless a member that is not a zombie and whose parent is not pid 1 has its parent in
// a different group of the same session. It uses the raw PPID, not the cycle-broken tree. A
// session leader is skipped without a look at its parent: setsid moved it out of its parent's
// session, so its parent is never in its session, visible or not.
func orphaned(full *Forest, pgid int, members []*Node) (orphan, uncertain bool) {
	for _, m := range members {
		if m.proc.IsZombie() || m.PPID == 1 || m.PPID == 0 || m.PID == m.SID {
			continue
		}
		p := full.nodes[m.PPID]
		if p == nil {
			uncertain = true
			continue
		}
		if p.PGID != pgid && p.SID == m.SID {
			return false, false
		}
	}
	return true, uncertain
}
