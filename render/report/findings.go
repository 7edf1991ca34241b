package report

import (
	"fmt"

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
// first, then the events of findingKinds.
func buildFindings(in *Input, events eventTable) []finding {
	var out []finding
	last := in.Intervals[len(in.Intervals)-1]
	lastSnap := in.Snapshots[len(in.Snapshots)-1]
	for _, zp := range last.Zombies.Parents {
		if !zp.NotReaping {
			continue
		}
		href := "#zombies"
		if p := lastSnap.Find(zp.PID); p != nil {
			href = "#" + procID(p.PID, p.StartTicks)
		}
		out = append(out, finding{Href: href, Text: fmt.Sprintf(
			"%d %s is not reaping its children: %d zombies, %d of them already zombies in the capture before (SIGCHLD %s, wchan %s)",
			zp.PID, zp.Comm, zp.Zombies, zp.Lingering, orUnknown(zp.SigChld), orUnknown(zp.Wchan))})
	}
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

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
