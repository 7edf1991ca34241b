package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/procsnap/procsnap/diff"
)

// finding is one notable thing, most important first, linking to its detail.
type finding struct {
	Kind, Who, Detail, When, Href string
	n                             int // findings this line stands for
}

// maxFindingsPerComm is how many findings of one category for processes of one comm are listed;
// the rest are counted in one line, so that a hundred workers of one program do not bury the
// other findings.
const maxFindingsPerComm = 3

// maxFindingsPerKind is how many lines one category gets; the rest are counted in one line.
const maxFindingsPerKind = 10

// buildFindings lists the findings ranked as procsnap log ranks them (render.TimelineFindings:
// diff.Summarize per interval, merged), by the time of the capture that showed each. Each links
// to its process in the tree, or to the events table when the tree does not list it.
func buildFindings(fs []diff.Finding, by []time.Time, inTree map[string]bool) []finding {
	type group struct{ kind, comm string }
	seen := map[group]int{}
	var out []finding
	for i, f := range fs {
		g := group{f.Kind, f.Comm}
		seen[g]++
		if n := seen[g]; n > maxFindingsPerComm {
			continue
		}
		href := "#events"
		if id := procID(f.PID, f.StartTicks); inTree[id] {
			href = "#" + id
		}
		out = append(out, finding{Kind: f.Kind, Who: strconv.Itoa(f.PID) + " " + f.Comm, Detail: f.Detail,
			When: stamp(by[i]), Href: href, n: 1})
	}
	// One line per group cut short, after the last finding of its category, in comm order.
	var cut []group
	for g, n := range seen {
		if n > maxFindingsPerComm {
			cut = append(cut, g)
		}
	}
	slices.SortFunc(cut, func(x, y group) int { return cmp.Or(cmp.Compare(x.kind, y.kind), cmp.Compare(y.comm, x.comm)) })
	for _, g := range cut {
		n := seen[g]
		at := len(out)
		for j := len(out) - 1; j >= 0; j-- {
			if out[j].Kind == g.kind {
				at = j + 1
				break
			}
		}
		more := finding{Kind: g.kind, Who: g.comm, Href: "#events", n: n - maxFindingsPerComm,
			Detail: fmt.Sprintf("and %s named %s (the events table lists them)", plural(n-maxFindingsPerComm, "more process"), g.comm)}
		out = append(out[:at], append([]finding{more}, out[at:]...)...)
	}
	return capPerKind(out)
}

// capPerKind keeps the first maxFindingsPerKind lines of each category and counts the rest in
// one line in their place.
func capPerKind(fs []finding) []finding {
	var out []finding
	lines, left := map[string]int{}, map[string]int{}
	for _, f := range fs {
		if lines[f.Kind]++; lines[f.Kind] <= maxFindingsPerKind {
			out = append(out, f)
			continue
		}
		if left[f.Kind] == 0 {
			out = append(out, finding{Kind: f.Kind, Href: "#events"})
		}
		left[f.Kind] += f.n
	}
	for i := range out {
		if out[i].n == 0 {
			out[i].Detail = fmt.Sprintf("and %d more (the events table lists them)", left[out[i].Kind])
		}
	}
	return out
}

// treeIDs lists the anchors of every process the tree shows.
func treeIDs(t *tree) map[string]bool {
	m := map[string]bool{}
	for _, s := range t.Sessions {
		for _, g := range s.Groups {
			for _, it := range g.Items {
				m[it.ID] = true
			}
		}
	}
	for _, it := range t.Gone {
		m[it.ID] = true
	}
	return m
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if word[len(word)-1] == 's' {
		return fmt.Sprintf("%d %ses", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
