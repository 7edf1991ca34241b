package metrics

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/render"
	"github.com/procsnap/procsnap/snapshot"
)

// DefaultTopN is how many zombie parents, and executables leaking descriptors, get their own
// series by default.
const DefaultTopN = 10

// Input is what the metrics are computed from.
type Input struct {
	Current *snapshot.Snapshot
	// Previous is the capture taken before Current (nil: none), for the descriptors leaked
	// across exec between the two.
	Previous *snapshot.Snapshot
	// ZombieSince is ZombieHistory.Since (nil: no history, no zombie age series).
	ZombieSince map[snapshot.Key]time.Time
	// TopN bounds the per-parent and per-executable series; the rest is summed in one series.
	TopN int
}

// Collect computes every metric of in, in a fixed order.
func Collect(in Input) []Family {
	s := in.Current
	top := in.TopN
	if top <= 0 {
		top = DefaultTopN
	}
	fams := []Family{
		gauge("procsnap_snapshot_timestamp_seconds", "When the snapshot was taken, in seconds since the epoch.",
			float64(s.Header.TakenAt.UnixNano())/1e9),
		gauge("procsnap_scan_duration_seconds", "How long reading /proc took.", float64(s.Header.ScanDurationNS)/1e9),
		byState(s),
		gauge("procsnap_threads", "Threads of the processes in the snapshot.", float64(s.Header.Counts.Threads)),
	}
	fams = append(fams, zombieFamilies(s, in.ZombieSince, top)...)
	fams = append(fams, orphanFamilies(s)...)
	fams = append(fams, adopted(s), countWhere(s, "procsnap_stopped_processes",
		"Processes stopped by a signal (state T).", func(p *snapshot.Process) bool { return p.State == "T" }),
		countWhere(s, "procsnap_traced_processes", "Processes traced by another (TracerPid set).",
			func(p *snapshot.Process) bool { return p.TracerPID != 0 }))
	if f, ok := fdsNoCloexec(s); ok {
		fams = append(fams, f)
	}
	if in.Previous != nil {
		if f, ok := leaked(in.Previous, s, top); ok {
			fams = append(fams, f)
		}
	}
	return append(fams, unread(s)...)
}

func gauge(name, help string, v float64) Family {
	return Family{Name: name, Help: help, Type: "gauge", Samples: []Sample{{Value: v}}}
}

// byState counts processes by state letter; the common states are always present, at 0 when
// no process is in them, so that an alert on them never sees an absent series.
func byState(s *snapshot.Snapshot) Family {
	n := map[string]int{"R": 0, "S": 0, "D": 0, "I": 0, "T": 0, "t": 0, "Z": 0}
	for i := range s.Processes {
		n[s.Processes[i].State]++
	}
	f := Family{Name: "procsnap_processes", Type: "gauge", Help: "Processes by state (the letter of /proc/PID/stat)."}
	for _, st := range slices.Sorted(maps.Keys(n)) {
		f.Samples = append(f.Samples, Sample{[]Label{{"state", st}}, float64(n[st])})
	}
	return f
}

func countWhere(s *snapshot.Snapshot, name, help string, pred func(*snapshot.Process) bool) Family {
	n := 0
	for i := range s.Processes {
		if pred(&s.Processes[i]) {
			n++
		}
	}
	return gauge(name, help, float64(n))
}

// orphanFamilies counts orphaned process groups by the kernel's rule (render.BuildSessions), and
// those of them with a stopped member: nothing will continue it from a terminal.
func orphanFamilies(s *snapshot.Snapshot) []Family {
	full := render.BuildForest(s)
	orphan := map[int]bool{}
	for _, ses := range render.BuildSessions(full, full) {
		for _, g := range ses.Groups {
			if g.PGID != 0 && g.Orphaned {
				orphan[g.PGID] = true
			}
		}
	}
	stopped := map[int]bool{}
	for i := range s.Processes {
		if p := &s.Processes[i]; orphan[p.PGID] && p.State == "T" {
			stopped[p.PGID] = true
		}
	}
	return []Family{
		gauge("procsnap_orphaned_process_groups", "Process groups orphaned by the kernel's rule: no member has a parent in another group of the same session (every daemon's group is one).", float64(len(orphan))),
		gauge("procsnap_orphaned_process_groups_stopped", "Orphaned process groups with a stopped member, which no terminal will continue.", float64(len(stopped))),
	}
}

// adopted counts processes that look adopted: their parent is in another session, and they do
// not lead their own; by role of the parent (init or a subreaper, diff.AdopterRole). A forked
// child inherits its parent's session or makes its own, so this is what a double-forked
// daemon or an orphaned job looks like. Processes whose parent is not in the snapshot are not
// counted.
func adopted(s *snapshot.Snapshot) Family {
	n := map[string]int{diff.RoleInit: 0, diff.RoleSubreaper: 0}
	for i := range s.Processes {
		p := &s.Processes[i]
		if p.Kthread || p.IsZombie() || p.PPID <= 0 || p.SID == p.PID || p.SID <= 0 {
			continue
		}
		if parent := s.Find(p.PPID); parent != nil && parent.SID != p.SID {
			n[diff.AdopterRole(s, p.PPID)]++
		}
	}
	f := Family{Name: "procsnap_adopted_processes", Type: "gauge",
		Help: "Processes that look adopted: in a session other than their parent's, not leading their own; by the parent's role."}
	for _, r := range []string{diff.RoleInit, diff.RoleSubreaper} {
		f.Samples = append(f.Samples, Sample{[]Label{{"adopter", r}}, float64(n[r])})
	}
	return f
}

// fdsNoCloexec counts open descriptors whose fdinfo was read and lacks close-on-exec; absent
// when the snapshot did not read descriptors.
func fdsNoCloexec(s *snapshot.Snapshot) (Family, bool) {
	if s.Header.Options.NoFDs {
		return Family{}, false
	}
	n := 0
	for i := range s.Processes {
		for _, fd := range s.Processes[i].FDs {
			if fd.Flags != "" && !fd.CloExec {
				n++
			}
		}
	}
	return gauge("procsnap_open_fds_without_cloexec", "Open descriptors without close-on-exec: each would be inherited by a program the process executes.", float64(n)), true
}

// leaked counts, by executable, the descriptors diff reports as leaked across exec between
// prev and cur; the top executables get a series each, the rest one with exe="other".
func leaked(prev, cur *snapshot.Snapshot, top int) (Family, bool) {
	res, err := diff.Compare(prev, cur, diff.Options{})
	if err != nil || res.Swapped || prev.Header.Options.NoFDs || cur.Header.Options.NoFDs {
		return Family{}, false
	}
	by := map[string]int{}
	for _, e := range res.Events {
		if e.Kind != diff.KindFDLeaked {
			continue
		}
		exe := e.Comm
		if p := cur.Find(e.PID); p != nil && p.StartTicks == e.StartTicks && p.Exe != "" {
			exe = p.Exe
		}
		by[exe]++
	}
	type row struct {
		exe string
		n   int
	}
	var rows []row
	for exe, n := range by {
		rows = append(rows, row{exe, n})
	}
	slices.SortFunc(rows, func(a, b row) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return cmp.Compare(a.exe, b.exe)
	})
	f := Family{Name: "procsnap_fds_leaked_across_exec", Type: "gauge",
		Help: "Descriptors without close-on-exec inherited across exec between the previous capture and this one, by executable (comm when unreadable); the rest in exe=\"other\"."}
	other := 0
	for i, r := range rows {
		if i >= top {
			other += r.n
			continue
		}
		f.Samples = append(f.Samples, Sample{[]Label{{"exe", r.exe}}, float64(r.n)})
	}
	if other > 0 {
		f.Samples = append(f.Samples, Sample{[]Label{{"exe", "other"}}, float64(other)})
	}
	return f, true
}

// unread reports what the scan could not read: fields by reason, and skipped processes by reason.
func unread(s *snapshot.Snapshot) []Family {
	fields := Family{Name: "procsnap_unread_fields", Type: "gauge", Help: "Fields of processes that could not be read, by reason."}
	for _, r := range slices.Sorted(maps.Keys(s.Header.Counts.Unread)) {
		fields.Samples = append(fields.Samples, Sample{[]Label{{"reason", r}}, float64(s.Header.Counts.Unread[r])})
	}
	skipped := map[string]int{}
	for _, sk := range s.Header.Skipped {
		skipped[sk.Reason]++
	}
	sk := Family{Name: "procsnap_skipped_processes", Type: "gauge", Help: "Processes listed in /proc but not recorded, by reason."}
	for _, r := range slices.Sorted(maps.Keys(skipped)) {
		sk.Samples = append(sk.Samples, Sample{[]Label{{"reason", r}}, float64(skipped[r])})
	}
	return []Family{fields, sk}
}
