package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/procsnap/procsnap/diff"
)

// finding is one notable thing, most important first, linking to its detail.
type finding struct {
	Text, Href string
}

// findingKinds are the event kinds listed as findings, most important first; within a kind the
// events keep their time order.
var findingKinds = []string{diff.KindDaemonized, diff.KindFDLeaked, diff.KindTraced, diff.KindStopped,
	diff.KindPIDReused}

// maxFindingsPerKind keeps one noisy kind from burying the others; the rest is counted.
const maxFindingsPerKind = 5

// buildFindings ranks parents not reaping their zombies (from the last interval's zombie report)
// first, most zombies first, then the events of findingKinds.
func buildFindings(in *Input, events eventTable) []finding {
	out := zombieFindings(in)
	for _, kind := range findingKinds {
		n := 0
		for _, r := range events.Rows {
			if r.Kind != kind {
				continue
			}
			n++
			if n <= maxFindingsPerKind {
				out = append(out, finding{Href: "#" + r.ID, Text: fmt.Sprintf("%s: %d %s: %s", kind, r.PID, r.Comm, r.Summary)})
			}
		}
		if n > maxFindingsPerKind {
			out = append(out, finding{Href: "#events", Text: fmt.Sprintf("%s: %d more in the events table", kind, n-maxFindingsPerKind)})
		}
	}
	return out
}

// zombieFindings reports the parents with a zombie that lingered across the last interval. Parents
// sharing a comm are reported together, so that a hundred workers of one program make one line.
func zombieFindings(in *Input) []finding {
	last := in.Intervals[len(in.Intervals)-1]
	lastSnap := in.Snapshots[len(in.Snapshots)-1]
	type bucket struct {
		comm                        string
		parents, zombies, lingering int
		first                       diff.ZombieParent
		sigchld, wchan              map[string]bool
	}
	var order []*bucket
	by := map[string]*bucket{}
	for _, zp := range last.Zombies.Parents {
		if !zp.NotReaping {
			continue
		}
		b := by[zp.Comm]
		if b == nil {
			b = &bucket{comm: zp.Comm, first: zp, sigchld: map[string]bool{}, wchan: map[string]bool{}}
			by[zp.Comm] = b
			order = append(order, b)
		}
		b.parents++
		b.zombies += zp.Zombies
		b.lingering += zp.Lingering
		b.sigchld[orUnknown(zp.SigChld)] = true
		b.wchan[orUnknown(zp.Wchan)] = true
	}
	slices.SortStableFunc(order, func(x, y *bucket) int { return cmp.Compare(y.zombies, x.zombies) })
	var out []finding
	for _, b := range order {
		href := "#zombies"
		if p := lastSnap.Find(b.first.PID); p != nil {
			href = "#" + procID(p.PID, p.StartTicks)
		}
		who := fmt.Sprintf("%d %s is", b.first.PID, b.comm)
		if b.parents > 1 {
			who = fmt.Sprintf("%d processes named %s (the first is %d) are", b.parents, b.comm, b.first.PID)
		}
		out = append(out, finding{Href: href, Text: fmt.Sprintf(
			"%s not reaping children: %s, %d of them already zombies in the capture before (SIGCHLD %s; wchan %s)",
			who, plural(b.zombies, "zombie"), b.lingering, keys(b.sigchld), keys(b.wchan))})
	}
	return out
}

func keys(m map[string]bool) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return strings.Join(ks, ", ")
}

func plural(n int, word string) string {
	switch {
	case n == 1:
		return "1 " + word
	case strings.HasSuffix(word, "s"):
		return fmt.Sprintf("%d %ses", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
