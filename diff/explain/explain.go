package explain

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
)

// ErrNoProcess is returned when the PID is not in the snapshot.
var ErrNoProcess = errors.New("no such process")

// Input is everything Explain reads; the caller loads it.
type Input struct {
	Snapshot *snapshot.Snapshot
	PID      int
	// Live is set when Snapshot was taken for this explanation; File names it otherwise.
	Live bool
	File string
	// Trail is what the captures of --dir showed (nil without --dir).
	Trail *Trail
	// Record is what a watch recording saw (nil without --record).
	Record *Record
}

// Explain explains process in.PID of in.Snapshot.
func Explain(in Input) (*Report, error) {
	s := in.Snapshot
	p := s.Find(in.PID)
	if p == nil {
		where := "running"
		if !in.Live {
			where = "in the snapshot"
		}
		return nil, fmt.Errorf("pid %d: %w %s", in.PID, ErrNoProcess, where)
	}
	x := &explainer{in: in, s: s, p: p, holders: diff.IndexHolders(s)}
	r := &Report{
		Source: Source{Live: in.Live, File: in.File, Hostname: s.Header.Hostname, TakenAt: s.Header.TakenAt,
			TakerUID: s.Header.TakerUID},
		Identity:    x.identity(),
		Standing:    x.standing(),
		Descriptors: x.descriptors(),
		Children:    x.children(),
	}
	if in.Trail != nil {
		r.Source.Captures = in.Trail.n
		r.History = in.Trail.history()
	}
	if in.Record != nil {
		r.Source.Record = in.Record.Dir
	}
	r.Lineage = x.lineage()
	return r, nil
}

type explainer struct {
	in      Input
	s       *snapshot.Snapshot
	p       *snapshot.Process
	holders *diff.Holders
}

func procOf(p *snapshot.Process) Proc {
	return Proc{PID: p.PID, StartTicks: p.StartTicks, Comm: p.Comm, Gone: p.IsZombie()}
}

// lookup names a live PID of the snapshot, or a bare PID marked gone.
func (x *explainer) lookup(pid int) *Proc {
	if pid <= 0 {
		return nil
	}
	if q := x.s.Find(pid); q != nil {
		pr := procOf(q)
		return &pr
	}
	return &Proc{PID: pid, Gone: true}
}

// gaps turns the snapshot's unread fields among names into gaps.
func gaps(p *snapshot.Process, names ...string) []Gap {
	var out []Gap
	for _, n := range names {
		if why, ok := p.Unread[n]; ok {
			out = append(out, Gap{What: n, Reason: why})
		}
	}
	return out
}

func (x *explainer) identity() Identity {
	p := x.p
	id := Identity{PID: p.PID, StartTicks: p.StartTicks, StartTime: p.StartTime, Comm: p.Comm, Exe: p.Exe,
		ExeDeleted: p.ExeDeleted, Cmdline: p.Cmdline, UID: p.UID, EUID: p.EUID, GID: p.GID, EGID: p.EGID,
		NSpid: p.NSpid, Namespaces: p.Namespaces, Threads: p.Threads, State: p.State, Cgroup: cgroupOf(p),
		AuditLoginUID: p.AuditLoginUID, AuditSessionID: p.AuditSessionID, LiveTIDs: p.LiveTIDs,
		Unseen: gaps(p, "exe", "cmdline", "status", "namespaces", "cgroup", "loginuid", "sessionid", "tasks")}
	if id.Cgroup == "" && len(p.CgroupV1) > 0 {
		id.Cgroup = strings.Join(p.CgroupV1, " ")
	}
	if !p.StartTime.IsZero() {
		id.AgeSeconds = int64(x.s.Header.TakenAt.Sub(p.StartTime) / time.Second)
	}
	id.OwnNamespaces, id.VersusInit = x.versusInit()
	if p.TracerPID > 0 {
		id.Tracer = x.lookup(p.TracerPID)
	}
	if x.in.Trail != nil {
		if t, ok := x.in.Trail.zombieSince[p.Key()]; ok && p.IsZombie() {
			id.ZombieSince = &t
		}
		id.Reused = x.in.Trail.reused
	}
	id.Meaning = meaning(p, id.Tracer, id.ZombieSince)
	if id.Tracer != nil && p.State != "t" {
		id.Meaning += fmt.Sprintf("; traced by %d (%s)", id.Tracer.PID, orQ(id.Tracer.Comm))
	}
	return id
}

// versusInit compares p's namespaces with init's.
func (x *explainer) versusInit() ([]string, string) {
	p, initp := x.p, x.s.Find(1)
	switch {
	case p.PID == 1:
		return nil, "init's own"
	case len(p.Namespaces) == 0:
		return nil, "unknown: its namespaces were not read (" + orReason(p.Unread["namespaces"]) + ")"
	case initp == nil || len(initp.Namespaces) == 0:
		return nil, "unknown: init's namespaces were not read"
	}
	var own []string
	for _, ns := range sortedKeys(p.Namespaces) {
		if v, ok := initp.Namespaces[ns]; ok && v != p.Namespaces[ns] {
			own = append(own, ns)
		}
	}
	if len(own) == 0 {
		return nil, "same as init"
	}
	return own, "own " + strings.Join(own, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// meaning says what a state means for an investigator.
func meaning(p *snapshot.Process, tracer *Proc, since *time.Time) string {
	switch p.State {
	case "R":
		return "running or runnable"
	case "S":
		return "sleeping (interruptible wait)"
	case "D":
		return "in uninterruptible wait (usually I/O)"
	case "T":
		return "stopped by a signal (SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU); SIGCONT resumes it"
	case "t":
		if tracer != nil {
			return fmt.Sprintf("stopped by its tracer %d (%s) under ptrace", tracer.PID, orQ(tracer.Comm))
		}
		return "stopped under ptrace"
	case "Z":
		if p.LeaderExited() {
			if len(p.LiveTIDs) > 0 {
				return fmt.Sprintf("alive: its leader thread exited, %d other thread(s) still run (%s)", len(p.LiveTIDs), tids(p.LiveTIDs))
			}
			return fmt.Sprintf("alive, most likely: its leader thread exited and it counts %d threads, whose states could not be read", p.Threads)
		}
		s := "a zombie: it exited and its parent has not reaped it"
		if since != nil {
			s += ", seen a zombie since " + since.UTC().Format(time.RFC3339)
		}
		return s
	case "X":
		return "dead, being removed"
	case "I":
		return "idle kernel thread"
	}
	return "state " + p.State
}

func tids(ids []int) string {
	s := make([]string, 0, min(len(ids), 4))
	for _, id := range ids[:min(len(ids), 4)] {
		s = append(s, strconv.Itoa(id))
	}
	if len(ids) > 4 {
		s = append(s, "...")
	}
	return "tids " + strings.Join(s, ", ")
}

func orQ(s string) string {
	if s == "" {
		return "?"
	}
	return s
}
