package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
)

const (
	// aggregateAbove is the number of processes above which the timeline has one bar per
	// process group instead of one per process.
	aggregateAbove = 300
	// visibleRows are shown at first; the others appear through the filter box or "show all".
	visibleRows = 150
	// maxRows are drawn at most; the rest, the least interesting, are counted.
	maxRows = 2000
)

// timelineChart is one bar per process (or per process group) from first to last sighting.
type timelineChart struct {
	Grouped bool
	Ticks   []tick
	Rows    []bar
	Hidden  int
	Omitted int
}

type tick struct {
	Left  string // percent of the width
	Label string
}

// bar is one row of the timeline. Positions are percents of the period.
type bar struct {
	Label, Title, Note string
	Left, Width        string
	ZLeft, ZWidth      string // the zombie part, "" when none
	Reparent, Exec     []string
	Href               string
	More               bool
}

func buildTimeline(snaps []*snapshot.Snapshot, spans []diff.Span) timelineChart {
	pos := positions(snaps)
	t := timelineChart{Grouped: len(spans) > aggregateAbove}
	for i, s := range snaps {
		if i == 0 || i == len(snaps)-1 || len(snaps) <= 12 || i%(len(snaps)/8) == 0 {
			t.Ticks = append(t.Ticks, tick{Left: pct(pos[i]), Label: clock(s)})
		}
	}
	var lines []line
	if t.Grouped {
		lines = groupLines(spans, len(snaps)-1)
	} else {
		for _, sp := range spans {
			lines = append(lines, line{Span: sp, zombieParent: sp.PPID, zombieLast: sp.Last})
		}
	}
	last := len(snaps) - 1
	rows := make([]bar, 0, len(lines))
	for _, ln := range lines {
		rows = append(rows, lineBar(ln, pos, snaps))
	}
	// Interesting rows first (zombies, reparenting, exec, the most zombies first; then born or
	// gone in the period, the groups with the most such members first), in time order.
	score := func(sp line) int {
		if sp.ZombieFrom >= 0 || len(sp.Reparented) > 0 || len(sp.Exec) > 0 {
			return -1<<30 - max(1, sp.zombies)*4 - len(sp.Reparented) - len(sp.Exec)
		}
		if sp.First > 0 || sp.Last < last {
			return -max(1, sp.churn)
		}
		return 0
	}
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(score(lines[a]), score(lines[b])), cmp.Compare(lines[a].First, lines[b].First))
	})
	for n, i := range order {
		if n >= maxRows {
			t.Omitted = len(order) - maxRows
			break
		}
		r := rows[i]
		r.More = n >= visibleRows
		if r.More {
			t.Hidden++
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}

// positions places each snapshot on a 0..100 axis by its time.
func positions(snaps []*snapshot.Snapshot) []float64 {
	t0 := snaps[0].Header.TakenAt
	total := snaps[len(snaps)-1].Header.TakenAt.Sub(t0).Seconds()
	out := make([]float64, len(snaps))
	for i, s := range snaps {
		if total > 0 {
			out[i] = 100 * s.Header.TakenAt.Sub(t0).Seconds() / total
		} else {
			out[i] = 100 * float64(i) / float64(max(1, len(snaps)-1))
		}
	}
	return out
}

func clock(s *snapshot.Snapshot) string { return s.Header.TakenAt.UTC().Format("15:04:05") }

func pct(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// line is one bar to draw: a process, or a process group's members merged (members > 0).
type line struct {
	diff.Span
	members, zombies int
	zombieParent     int         // the parent of the zombie, or of most of a group's zombies
	byParent         map[int]int // a group's zombies per parent
	zombieLast       int         // last sighting of a zombie member
	churn            int         // members born or gone in the period
}

// lineBar draws ln. A process seen once gets a sliver so that it stays visible.
func lineBar(ln line, pos []float64, snaps []*snapshot.Snapshot) bar {
	l, r := pos[ln.First], pos[ln.Last]
	w := max(r-l, 0.6)
	b := bar{Left: pct(min(l, 100-w)), Width: pct(w)}
	if ln.members > 0 {
		b.Label = fmt.Sprintf("group %d · %s · %s", ln.PGID, ln.Comm, plural(ln.members, "process"))
		if ln.churn > 0 {
			b.Label += fmt.Sprintf(" (%d born or gone)", ln.churn)
		}
	} else {
		b.Label = fmt.Sprintf("%d %s", ln.PID, ln.Comm)
		b.Href = "#" + procID(ln.PID, ln.StartTicks)
	}
	if ln.ZombieFrom >= 0 {
		zl := pos[ln.ZombieFrom]
		zw := max(pos[ln.zombieLast]-zl, 0.6)
		b.ZLeft, b.ZWidth = pct(min(zl, 100-zw)), pct(zw)
		b.Note = zombieNote(ln, snaps)
	}
	for _, i := range ln.Reparented {
		b.Reparent = append(b.Reparent, pct(pos[i]))
	}
	for _, i := range ln.Exec {
		b.Exec = append(b.Exec, pct(pos[i]))
	}
	b.Title = "seen " + clock(snaps[ln.First]) + " to " + clock(snaps[ln.Last])
	return b
}

// zombieNote names the parent of a zombie (or of a group's zombies) at its last sighting.
func zombieNote(ln line, snaps []*snapshot.Snapshot) string {
	comm := "not in the snapshot"
	if p := snaps[ln.Last].Find(ln.zombieParent); p != nil {
		comm = p.Comm
	}
	if ln.members == 0 {
		return fmt.Sprintf("zombie of parent %d %s", ln.zombieParent, comm)
	}
	n := plural(ln.zombies, "zombie")
	if k := ln.byParent[ln.zombieParent]; k < ln.zombies {
		return fmt.Sprintf("%s, %d of parent %d %s, %d of %s", n, k, ln.zombieParent, comm,
			ln.zombies-k, plural(len(ln.byParent)-1, "other parent"))
	}
	return fmt.Sprintf("%s of parent %d %s", n, ln.zombieParent, comm)
}

// groupLines merges the spans of each process group (by session and group) into one line: from
// the first sighting of any member to the last, zombie from the first member that became one,
// with every member's reparenting and exec. The leader's comm names it when the leader was seen.
func groupLines(spans []diff.Span, last int) []line {
	type gk struct{ sid, pgid int }
	at := map[gk]int{}
	var out []line
	for _, sp := range spans {
		k := gk{sp.SID, sp.PGID}
		i, ok := at[k]
		if !ok {
			at[k] = len(out)
			out = append(out, line{Span: diff.Span{PID: sp.PGID, PGID: sp.PGID, SID: sp.SID, Comm: sp.Comm,
				First: sp.First, Last: sp.Last, ZombieFrom: -1}, zombieParent: 0})
			i = len(out) - 1
		}
		g := &out[i]
		g.members++
		if sp.First > 0 || sp.Last < last {
			g.churn++
		}
		if sp.PID == sp.PGID {
			g.Comm = sp.Comm
		}
		g.First, g.Last = min(g.First, sp.First), max(g.Last, sp.Last)
		g.Reparented = append(g.Reparented, sp.Reparented...)
		g.Exec = append(g.Exec, sp.Exec...)
		if sp.ZombieFrom >= 0 {
			g.zombies++
			g.zombieLast = max(g.zombieLast, sp.Last)
			if g.ZombieFrom < 0 || sp.ZombieFrom < g.ZombieFrom {
				g.ZombieFrom = sp.ZombieFrom
			}
			if g.byParent == nil {
				g.byParent = map[int]int{}
			}
			g.byParent[sp.PPID]++
			if n, m := g.byParent[sp.PPID], g.byParent[g.zombieParent]; n > m || n == m && sp.PPID < g.zombieParent {
				g.zombieParent = sp.PPID
			}
		}
	}
	for i := range out {
		slices.Sort(out[i].Reparented)
		out[i].Reparented = slices.Compact(out[i].Reparented)
		slices.Sort(out[i].Exec)
		out[i].Exec = slices.Compact(out[i].Exec)
	}
	return out
}
