package report

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/render"
	"github.com/procsnap/procsnap/snapshot"
)

// tree is the sessions → process groups → processes view of the last snapshot, with the
// processes that exited in the period listed under their group (or apart when the group is gone).
type tree struct {
	Sessions []treeSession
	Gone     []treeItem // exited processes whose group no longer exists
	GoneMore int        // gone processes of vanished groups left out (see maxGone)
}

type treeSession struct {
	Label, TTY   string
	SID          int
	LeaderExited bool
	Open         bool
	Procs        int
	Groups       []treeGroup
}

type treeGroup struct {
	Label                                     string
	PGID, Members                             int
	LeaderGone, Foreground, Orphaned, Unknown bool
	Open                                      bool
	Items                                     []treeItem
	GoneMore                                  int // gone members left out (see maxGone)
}

type treeItem struct {
	ID, Comm, State, Flags string
	Class                  string // z (zombie), stop (stopped or traced), gone
	PID, Depth, Zombies    int
	Gone                   bool
	Marks                  []mark
}

func buildTree(snaps []*snapshot.Snapshot, spans []diff.Span, marks map[procKey][]mark) tree {
	last := snaps[len(snaps)-1]
	f := render.BuildForest(last)
	var t tree
	groupAt := map[[2]int]*treeGroup{}
	for _, s := range render.BuildSessions(f, f) {
		ts := treeSession{SID: s.SID, TTY: s.TTY, LeaderExited: s.LeaderExited, Label: "session " + strconv.Itoa(s.SID)}
		if s.Leader != nil {
			ts.Label += " · leader " + strconv.Itoa(s.Leader.PID) + " " + s.Leader.Comm
		}
		for _, g := range s.Groups {
			tg := treeGroup{PGID: g.PGID, Members: g.Members, LeaderGone: g.LeaderGone, Foreground: g.Foreground,
				Orphaned: g.Orphaned, Unknown: g.OrphanUncertain, Label: "group " + strconv.Itoa(g.PGID)}
			if g.Leader != nil {
				tg.Label += " · leader " + strconv.Itoa(g.Leader.PID) + " " + g.Leader.Comm
			}
			for _, r := range g.Roots {
				tg.Items = flatten(tg.Items, r, 0, last, marks)
			}
			ts.Groups = append(ts.Groups, tg)
			ts.Procs += g.Members
		}
		t.Sessions = append(t.Sessions, ts)
	}
	for i := range t.Sessions {
		for j := range t.Sessions[i].Groups {
			g := &t.Sessions[i].Groups[j]
			groupAt[[2]int{t.Sessions[i].SID, g.PGID}] = g
		}
	}
	t.addGone(spans, len(snaps)-1, marks, groupAt)
	t.setOpen()
	return t
}

// flatten appends n and its subtree within its group, depth first.
func flatten(out []treeItem, n *render.Node, depth int, last *snapshot.Snapshot, marks map[procKey][]mark) []treeItem {
	var start uint64
	if p := last.Find(n.PID); p != nil {
		start = p.StartTicks
	}
	it := treeItem{ID: procID(n.PID, start), PID: n.PID, Comm: n.Comm, State: n.State, Depth: depth,
		Zombies: n.ZombieChildren, Marks: marks[procKey{n.PID, start}], Flags: flags(n)}
	switch n.State {
	case "Z":
		it.Class = "z"
	case "T", "t":
		it.Class = "stop"
	}
	out = append(out, it)
	for _, c := range n.Children {
		out = flatten(out, c, depth+1, last, marks)
	}
	return out
}

// flags spells the tree markers of n that a reader needs beside its state.
func flags(n *render.Node) string {
	s := ""
	for _, m := range n.Markers {
		switch m {
		case render.MarkSessionLeader, render.MarkGroupLeader, render.MarkForeground, render.MarkTraced,
			render.MarkExeDeleted, render.MarkParentMissing, render.MarkPPIDCycle:
			if s != "" {
				s += ", "
			}
			s += m
		}
	}
	return s
}

// Gone processes listed per group, and apart: beyond these only the notable ones are listed and the rest counted, so that a busy host's
// churn does not bury the page.
const (
	maxGonePerGroup = 20
	maxGoneApart    = 300
)

// addGone lists each process that was not in the last snapshot under its group, or in t.Gone.
func (t *tree) addGone(spans []diff.Span, lastIdx int, marks map[procKey][]mark, groupAt map[[2]int]*treeGroup) {
	for _, sp := range spans {
		if sp.Last == lastIdx {
			continue
		}
		ms := marks[procKey{sp.PID, sp.StartTicks}]
		it := treeItem{ID: procID(sp.PID, sp.StartTicks), PID: sp.PID, Comm: sp.Comm, State: "gone", Gone: true,
			Class: "gone", Marks: ms}
		if g := groupAt[[2]int{sp.SID, sp.PGID}]; g != nil {
			if notable(ms) || g.GoneMore == 0 && countGone(g.Items) < maxGonePerGroup {
				g.Items = append(g.Items, it)
			} else {
				g.GoneMore++
			}
		} else if notable(ms) || t.GoneMore == 0 && len(t.Gone) < maxGoneApart {
			t.Gone = append(t.Gone, it)
		} else {
			t.GoneMore++
		}
	}
}

func countGone(items []treeItem) int {
	n := 0
	for _, it := range items {
		if it.Gone {
			n++
		}
	}
	return n
}

// notable reports whether marks hold a daemonization, a zombie, a stop or a trace: what a
// gone process is worth listing for beyond its birth, exec, reparenting and death.
func notable(ms []mark) bool {
	for _, m := range ms {
		switch m.Kind {
		case diff.KindDaemonized, diff.KindBecameZombie, diff.KindStopped, diff.KindTraced:
			return true
		}
	}
	return false
}

// maxOpenItems is the size above which a group stays closed even when something in it changed.
const maxOpenItems = 200

// setOpen opens the sessions and groups holding a zombie, a stopped or traced process or a
// process with a change mark, so that what matters is visible without clicking, unless the group
// is too large to read at a glance.
func (t *tree) setOpen() {
	for i := range t.Sessions {
		s := &t.Sessions[i]
		for j := range s.Groups {
			g := &s.Groups[j]
			for _, it := range g.Items {
				if len(g.Items) > maxOpenItems {
					break
				}
				if len(it.Marks) > 0 || it.Zombies > 0 || it.State == "Z" || it.State == "T" || it.State == "t" {
					g.Open = true
					break
				}
			}
			s.Open = s.Open || g.Open
		}
		if s.SID == 0 {
			s.Open = false // kernel threads (and a container's init): open on demand
		}
	}
	// Sessions where something happened first, each list in SID order.
	slices.SortStableFunc(t.Sessions, func(a, b treeSession) int {
		return cmp.Compare(b2i(!a.Open), b2i(!b.Open))
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
