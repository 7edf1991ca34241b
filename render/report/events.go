package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/diff/timeline"
)

// maxEventRows caps the events table; the rest is counted and left to procsnap log.
const maxEventRows = 5000

type summary struct {
	FirstProcs, LastProcs, LastZombies, Events int
	Kinds                                      []diff.KindCount
}

type eventRow struct {
	ID, Since, By, Comm, Kind, Summary string
	PID                                int
	Anchor                             string // the process in the tree, "" when it is not there
}

type eventTable struct {
	Rows  []eventRow
	Total int
	Kinds []diff.KindCount
}

type leakRow struct {
	At, Comm, Target, From, Reason string
	PID, FD                        int
}

func buildSummary(in *Input, sum diff.Summary) summary {
	first, last := in.Snapshots[0], in.Snapshots[len(in.Snapshots)-1]
	s := summary{FirstProcs: len(first.Processes), LastProcs: len(last.Processes)}
	for _, n := range diff.ZombieParents(last) {
		s.LastZombies += n
	}
	s.Kinds, s.Events = sum.Counts, sum.Events
	return s
}

func buildEvents(ivs []timeline.Interval, counts []diff.KindCount) eventTable {
	t := eventTable{Kinds: counts}
	for _, iv := range ivs {
		since, by := stamp(iv.A.TakenAt), stamp(iv.B.TakenAt)
		for i := range iv.Events {
			e := &iv.Events[i]
			t.Total++
			if len(t.Rows) < maxEventRows {
				t.Rows = append(t.Rows, eventRow{ID: "e-" + strconv.Itoa(t.Total), Since: since, By: by,
					PID: e.PID, Comm: e.Comm, Kind: e.Kind, Summary: e.Summary})
			}
		}
	}
	return t
}

func buildLeaks(ivs []timeline.Interval) []leakRow {
	var out []leakRow
	for _, iv := range ivs {
		for i := range iv.Events {
			e := &iv.Events[i]
			if e.Kind != diff.KindFDLeaked {
				continue
			}
			r := leakRow{At: stamp(iv.B.TakenAt), PID: e.PID, Comm: e.Comm, Target: e.Target, Reason: e.Reason}
			if e.FD != nil {
				r.FD = *e.FD
			}
			if e.From != nil {
				r.From = fmt.Sprintf("%d %s", e.From.PID, e.From.Comm)
				if e.FromFD != nil {
					r.From += " fd " + strconv.Itoa(*e.FromFD)
				}
			}
			out = append(out, r)
		}
	}
	return out
}

// mark is something that happened to a process in the period, shown beside it in the tree.
type mark struct {
	Kind, Text string
}

// treeMarkKinds are the event kinds the tree shows beside a process, in this order.
var treeMarkKinds = []string{diff.KindStarted, diff.KindExec, diff.KindReparented, diff.KindDaemonized,
	diff.KindBecameZombie, diff.KindStopped, diff.KindTraced, diff.KindExited, diff.KindReaped}

type procKey struct {
	pid   int
	start uint64
}

// eventMarks collects, per process, the events the tree marks, with their summaries.
func eventMarks(ivs []timeline.Interval) map[procKey][]mark {
	out := map[procKey][]mark{}
	for _, iv := range ivs {
		for i := range iv.Events {
			e := &iv.Events[i]
			if !slices.Contains(treeMarkKinds, e.Kind) {
				continue
			}
			k := procKey{e.PID, e.StartTicks}
			text := e.Summary
			if e.Kind == diff.KindDaemonized && e.Creator != nil {
				text += " — creator: " + e.Creator.Summary
			}
			out[k] = append(out[k], mark{Kind: e.Kind, Text: text})
		}
	}
	for k, ms := range out {
		slices.SortStableFunc(ms, func(a, b mark) int {
			return cmp.Compare(slices.Index(treeMarkKinds, a.Kind), slices.Index(treeMarkKinds, b.Kind))
		})
		out[k] = ms
	}
	return out
}
