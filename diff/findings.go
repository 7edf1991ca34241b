package diff

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Finding categories, in the order Summarize ranks them. These names are part of the json
// contract like the event kinds.
const (
	FindingDaemonized = "daemonized"  // a process that detached, with its creator
	FindingReparented = "reparented"  // a process whose parent changed (and did not daemonize)
	FindingNotReaping = "not_reaping" // a parent with zombies that lingered from A to B
	FindingZombies    = "zombies"     // a parent with zombies new since A (may still reap them)
	FindingFDLeaked   = "fd_leaked"   // descriptors that crossed an exec without close-on-exec
	FindingPIDReused  = "pid_reused"  // a PID held by another process in A
	FindingStopped    = "stopped"     // stopped by job control or its tracer
	FindingTraced     = "traced"      // a tracer attached
)

// FindingKinds lists the finding categories in rank order.
var FindingKinds = []string{FindingDaemonized, FindingReparented, FindingNotReaping, FindingZombies,
	FindingFDLeaked, FindingPIDReused, FindingStopped, FindingTraced}

var findingRank = func() map[string]int {
	m := make(map[string]int, len(FindingKinds))
	for i, k := range FindingKinds {
		m[k] = i
	}
	return m
}()

// KindCount is the number of events of one kind.
type KindCount struct {
	Kind  string `yaml:"kind" json:"kind"`
	Count int    `yaml:"count" json:"count"`
}

// Finding is one notable thing an investigator came for, about one process.
type Finding struct {
	Kind       string   `yaml:"kind" json:"kind"`
	PID        int      `yaml:"pid" json:"pid"`
	StartTicks uint64   `yaml:"start_ticks,omitempty" json:"start_ticks,omitempty"`
	Comm       string   `yaml:"comm" json:"comm"`
	Cmdline    []string `yaml:"cmdline,omitempty" json:"cmdline,omitempty"`
	// Detail says what happened without repeating the PID and comm.
	Detail string `yaml:"detail" json:"detail"`
	// Related is the other process that explains it: the creator of a daemon (nil when none was
	// found), the old parent of a reparented process, the tracer.
	Related *Ref `yaml:"related,omitempty" json:"related,omitempty"`
	// Count is the number of zombies of a parent, or of leaked descriptors.
	Count int `yaml:"count,omitempty" json:"count,omitempty"`
}

// FDFold is every descriptor event of one process, folded into counts.
type FDFold struct {
	PID        int    `yaml:"pid" json:"pid"`
	StartTicks uint64 `yaml:"start_ticks" json:"start_ticks"`
	Comm       string `yaml:"comm" json:"comm"`
	Inherited  int    `yaml:"inherited,omitempty" json:"inherited,omitempty"`
	// From is the process the descriptors were inherited from (a parent or inferred creator).
	From   *Ref `yaml:"from,omitempty" json:"from,omitempty"`
	Opened int  `yaml:"opened,omitempty" json:"opened,omitempty"`
	Closed int  `yaml:"closed,omitempty" json:"closed,omitempty"`
	Leaked int  `yaml:"leaked,omitempty" json:"leaked,omitempty"`
	// Summary reads "inherited 3 descriptors from 812 (sshd); opened 1".
	Summary string `yaml:"summary" json:"summary"`
}

// Summary is the triage view of a Result: what to read in the first ten seconds.
type Summary struct {
	// Events is the number of events summarised.
	Events int `yaml:"events" json:"events"`
	// Counts holds the kinds that occurred, in the order of Kinds.
	Counts []KindCount `yaml:"counts" json:"counts"`
	// Findings are ranked by category (FindingKinds), then PID.
	Findings []Finding `yaml:"findings" json:"findings"`
	// FDs folds descriptor events per process, in PID order.
	FDs []FDFold `yaml:"fds,omitempty" json:"fds,omitempty"`
}

// IsFDKind reports whether k is a descriptor event kind (the ones Summarize folds).
func IsFDKind(k string) bool {
	switch k {
	case KindFDOpened, KindFDClosed, KindFDInherited, KindFDLeaked:
		return true
	}
	return false
}

// Summarize ranks the notable findings of r, counts its events by kind and folds its
// descriptor events per process. It reads only r.
func Summarize(r *Result) Summary {
	s := Summary{Events: len(r.Events), Counts: countKinds(r.Events), Findings: []Finding{}}
	s.Findings = append(s.Findings, processFindings(r.Events)...)
	s.Findings = append(s.Findings, zombieFindings(&r.Zombies)...)
	s.FDs = FoldFDs(r.Events)
	for _, f := range s.FDs {
		if f.Leaked > 0 {
			s.Findings = append(s.Findings, leakFinding(f, r.Events))
		}
	}
	sortFindings(s.Findings)
	return s
}

func countKinds(events []Event) []KindCount {
	n := map[string]int{}
	for i := range events {
		n[events[i].Kind]++
	}
	out := []KindCount{}
	for _, k := range Kinds {
		if n[k] > 0 {
			out = append(out, KindCount{Kind: k, Count: n[k]})
		}
	}
	return out
}

// processFindings turns daemonized, reparented, pid_reused, stopped and traced events into
// findings. A daemon that was also reparented is one daemonized finding naming its old parent.
func processFindings(events []Event) []Finding {
	var out []Finding
	daemons := map[[2]uint64]bool{}
	for i := range events {
		if events[i].Kind == KindDaemonized {
			daemons[identity(&events[i])] = true
		}
	}
	cmdlines := cmdlineIndex(events)
	for i := range events {
		e := &events[i]
		f := Finding{Kind: e.Kind, PID: e.PID, StartTicks: e.StartTicks, Comm: e.Comm, Cmdline: cmdlines[identity(e)]}
		switch e.Kind {
		case KindDaemonized:
			f.Detail, f.Related = daemonDetail(e, reparentOf(events, e))
		case KindReparented:
			if daemons[identity(e)] {
				continue
			}
			f.Detail, f.Related = strings.TrimPrefix(e.Summary, "reparented: "), e.OldParent
		case KindPIDReused:
			f.Detail = fmt.Sprintf("reused: %s (start %d) held it in A", e.OldComm, e.OldStartTicks)
		case KindStopped:
			f.Detail = e.Summary
		case KindTraced:
			f.Detail, f.Related = e.Summary, e.Tracer
		default:
			continue
		}
		out = append(out, f)
	}
	return out
}

func identity(e *Event) [2]uint64 { return [2]uint64{uint64(e.PID), e.StartTicks} }

// cmdlineIndex maps each process to the newest command line its events carry.
func cmdlineIndex(events []Event) map[[2]uint64][]string {
	m := map[[2]uint64][]string{}
	for i := range events {
		e := &events[i]
		switch {
		case len(e.NewCmdline) > 0:
			m[identity(e)] = e.NewCmdline
		case len(e.Cmdline) > 0 && m[identity(e)] == nil:
			m[identity(e)] = e.Cmdline
		}
	}
	return m
}

func reparentOf(events []Event, d *Event) *Event {
	for i := range events {
		if e := &events[i]; e.Kind == KindReparented && identity(e) == identity(d) {
			return e
		}
	}
	return nil
}

// daemonDetail says who adopted a daemon and who created it: the inferred creator of a new
// process, or the old parent of one seen detaching.
func daemonDetail(d, rep *Event) (string, *Ref) {
	adopter := "adopted"
	if d.Adopter != nil {
		adopter = fmt.Sprintf("adopted by %s", refName(d.Adopter))
	}
	switch {
	case d.Creator != nil && d.Creator.Candidate != nil:
		return fmt.Sprintf("created by %s (score %.2f); %s", refName(d.Creator.Candidate),
			d.Creator.Score, adopter), d.Creator.Candidate
	case d.Creator != nil:
		return fmt.Sprintf("creator unknown (%s); %s",
			strings.TrimPrefix(d.Creator.Summary, "no creator found: "), adopter), nil
	case rep != nil && rep.OldParent != nil:
		how := "alive"
		if rep.OldParentExited != nil && *rep.OldParentExited {
			how = "exited"
		}
		return fmt.Sprintf("was child of %s (%s); %s", refName(rep.OldParent), how, adopter), rep.OldParent
	}
	return fmt.Sprintf("creator unknown (it was running in A); %s", adopter), nil
}

func refName(r *Ref) string {
	if r.Comm == "" {
		return fmt.Sprintf("%d", r.PID)
	}
	return fmt.Sprintf("%d (%s)", r.PID, r.Comm)
}

// zombieFindings names each parent holding zombies in B: not reaping when one lingered from A.
func zombieFindings(z *ZombieReport) []Finding {
	var out []Finding
	for _, p := range z.Parents {
		f := Finding{Kind: FindingZombies, PID: p.PID, StartTicks: p.StartTicks, Comm: p.Comm, Count: p.Zombies,
			Cmdline: p.Cmdline}
		f.Detail = fmt.Sprintf("%s new since A, may still be reaped", plural(p.Zombies, "zombie"))
		if p.NotReaping {
			f.Kind = FindingNotReaping
			f.Detail = fmt.Sprintf("%s, %d since A: not reaping", plural(p.Zombies, "zombie"), p.Lingering)
		}
		f.Detail += fmt.Sprintf("; state %s, wchan %s, SIGCHLD %s", orUnknown(p.State), orUnknown(p.Wchan), orUnknown(p.SigChld))
		out = append(out, f)
	}
	return out
}

func leakFinding(f FDFold, events []Event) Finding {
	var fds []string
	for i := range events {
		e := &events[i]
		if e.Kind == KindFDLeaked && e.PID == f.PID && e.StartTicks == f.StartTicks && e.FD != nil {
			fds = append(fds, fmt.Sprintf("%d→%s", *e.FD, e.Target))
		}
	}
	return Finding{Kind: FindingFDLeaked, PID: f.PID, StartTicks: f.StartTicks, Comm: f.Comm, Count: f.Leaked,
		Cmdline: cmdlineIndex(events)[[2]uint64{uint64(f.PID), f.StartTicks}], Related: f.From,
		Detail: fmt.Sprintf("%s crossed exec without close-on-exec: %s",
			plural(f.Leaked, "descriptor"), strings.Join(fds, ", "))}
}

// FoldFDs folds the descriptor events of each process into one FDFold, in PID order.
func FoldFDs(events []Event) []FDFold {
	var out []FDFold
	idx := map[[2]uint64]int{}
	for i := range events {
		e := &events[i]
		if !IsFDKind(e.Kind) {
			continue
		}
		j, ok := idx[identity(e)]
		if !ok {
			j = len(out)
			idx[identity(e)] = j
			out = append(out, FDFold{PID: e.PID, StartTicks: e.StartTicks, Comm: e.Comm})
		}
		f := &out[j]
		switch e.Kind {
		case KindFDInherited:
			f.Inherited++
			if f.From == nil {
				f.From = e.From
			}
		case KindFDOpened:
			f.Opened++
		case KindFDClosed:
			f.Closed++
		case KindFDLeaked:
			f.Leaked++
		}
	}
	for i := range out {
		out[i].Summary = foldSummary(&out[i])
	}
	slices.SortStableFunc(out, func(x, y FDFold) int {
		return cmp.Or(cmp.Compare(x.PID, y.PID), cmp.Compare(x.StartTicks, y.StartTicks))
	})
	return out
}

func foldSummary(f *FDFold) string {
	var parts []string
	if f.Inherited > 0 {
		s := "inherited " + plural(f.Inherited, "descriptor")
		if f.From != nil {
			s += " from " + refName(f.From)
		}
		parts = append(parts, s)
	}
	for _, c := range []struct {
		n    int
		verb string
	}{{f.Opened, "opened"}, {f.Closed, "closed"}, {f.Leaked, "leaked across exec"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", c.verb, c.n))
		}
	}
	return strings.Join(parts, "; ")
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(x, y Finding) int {
		return cmp.Or(findingRank[x.Kind]-findingRank[y.Kind], cmp.Compare(x.PID, y.PID),
			cmp.Compare(x.StartTicks, y.StartTicks))
	})
}

// Merge adds o to s, as for consecutive intervals of a timeline: counts are summed, findings
// appended, and a finding or fold of the same process and category already in s is replaced by
// the later one (a parent still not reaping is named once).
func (s *Summary) Merge(o Summary) {
	s.Events += o.Events
	n := map[string]int{}
	for _, c := range append(s.Counts, o.Counts...) {
		n[c.Kind] += c.Count
	}
	s.Counts = s.Counts[:0]
	for _, k := range Kinds {
		if n[k] > 0 {
			s.Counts = append(s.Counts, KindCount{Kind: k, Count: n[k]})
		}
	}
	type key struct {
		kind string
		pid  int
		st   uint64
	}
	group := func(k string) string {
		if k == FindingZombies {
			return FindingNotReaping // a parent's zombie finding is replaced by the later one
		}
		return k
	}
	drop := map[key]bool{}
	for _, f := range o.Findings {
		drop[key{group(f.Kind), f.PID, f.StartTicks}] = true
	}
	kept := s.Findings[:0]
	for _, f := range s.Findings {
		if !drop[key{group(f.Kind), f.PID, f.StartTicks}] {
			kept = append(kept, f)
		}
	}
	s.Findings = append(kept, o.Findings...)
	if s.Findings == nil {
		s.Findings = []Finding{}
	}
	sortFindings(s.Findings)
	s.FDs = mergeFolds(s.FDs, o.FDs)
}

// mergeFolds sums the folds of the same process.
func mergeFolds(a, b []FDFold) []FDFold {
	idx := make(map[[2]uint64]int, len(a))
	for i := range a {
		idx[[2]uint64{uint64(a[i].PID), a[i].StartTicks}] = i
	}
	for _, f := range b {
		i, ok := idx[[2]uint64{uint64(f.PID), f.StartTicks}]
		if !ok {
			idx[[2]uint64{uint64(f.PID), f.StartTicks}] = len(a)
			a = append(a, f)
			continue
		}
		g := &a[i]
		g.Inherited += f.Inherited
		g.Opened += f.Opened
		g.Closed += f.Closed
		g.Leaked += f.Leaked
		if g.From == nil {
			g.From = f.From
		}
		g.Summary = foldSummary(g)
	}
	slices.SortStableFunc(a, func(x, y FDFold) int {
		return cmp.Or(cmp.Compare(x.PID, y.PID), cmp.Compare(x.StartTicks, y.StartTicks))
	})
	return a
}
