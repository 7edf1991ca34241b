package fleet

import (
	"time"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/internal/watch"
	"github.com/procsnap/procsnap/snapshot"
)

// kindSnapshot is the kind of a document describing a process as a snapshot recorded it.
const kindSnapshot = "snapshot"

// extras is what neither ECS nor OCSF has a field for: ECS documents carry it as procsnap.*,
// OCSF ones split it between process.xattributes (Process) and unmapped.procsnap (the rest).
type extras struct {
	// Kind is the procsnap event kind, or "snapshot" for take's processes.
	Kind    string            `json:"kind"`
	Process *processExtras    `json:"process,omitempty"`
	Event   *diff.Event       `json:"event,omitempty"`
	Between *interval         `json:"between,omitempty"`
	Watch   *watchExtras      `json:"watch,omitempty"`
	Zombie  *zombieExtras     `json:"zombie,omitempty"`
	Creator *creatorExtras    `json:"creator,omitempty"`
	Unread  map[string]string `json:"unread,omitempty"`
}

// processExtras are the job-control and state facts of a process as a snapshot recorded them.
type processExtras struct {
	StartTicks uint64 `json:"start_ticks"`
	PPID       int    `json:"ppid"`
	PGID       int    `json:"pgid"`
	SID        int    `json:"sid"`
	TPGID      int    `json:"tpgid"`
	TTYNr      int    `json:"tty_nr"`
	TTY        string `json:"tty,omitempty"`
	State      string `json:"state"`
	Threads    int    `json:"threads"`
	Kthread    bool   `json:"kthread,omitempty"`
	TracerPID  int    `json:"tracer_pid,omitempty"`
	Wchan      string `json:"wchan,omitempty"`
	SigChld    string `json:"sigchld,omitempty"`
	ExeDeleted bool   `json:"exe_deleted,omitempty"`
	// FDsNoCloexec counts open descriptors without close-on-exec (nil: fds not read).
	FDsNoCloexec *int `json:"fds_no_cloexec,omitempty"`
}

// interval is when a diff event happened: after the first snapshot, by the second.
type interval struct {
	After  string `json:"after"`
	Before string `json:"before"`
}

// watchExtras is what only a watch knows.
type watchExtras struct {
	LifetimeNS int64            `json:"lifetime_ns,omitempty"`
	Chain      []watch.Ancestor `json:"chain,omitempty"`
	Late       bool             `json:"late,omitempty"`
}

// creatorExtras is the likely creator diff found for an adopted process (the evidence is in
// event.creator), described so that a query needs no join: was it interactive, what ran it.
type creatorExtras struct {
	PID        int     `json:"pid"`
	EntityID   string  `json:"entity_id,omitempty"`
	Name       string  `json:"name,omitempty"`
	Executable string  `json:"executable,omitempty"`
	Score      float64 `json:"score"`
	// Interactive says whether the creator had a controlling terminal (nil: not in either
	// snapshot).
	Interactive *bool `json:"interactive,omitempty"`
}

func creatorOf(h *Host, ev *diff.Event, a, b *snapshot.Snapshot) *creatorExtras {
	if ev.Creator == nil || ev.Creator.Candidate == nil {
		return nil
	}
	c := ev.Creator.Candidate
	x := &creatorExtras{PID: c.PID, EntityID: h.entity(c.PID, c.StartTicks), Name: c.Comm, Score: ev.Creator.Score}
	for _, s := range []*snapshot.Snapshot{b, a} {
		if p := find(s, c.PID); p != nil && p.StartTicks == c.StartTicks {
			interactive := p.TTYNr != 0
			x.Executable, x.Interactive = p.Exe, &interactive
			break
		}
	}
	return x
}

// zombieExtras are the facts about a zombie's parent that say whether it will be reaped.
type zombieExtras struct {
	ParentPID     int    `json:"parent_pid"`
	ParentState   string `json:"parent_state,omitempty"`
	ParentWchan   string `json:"parent_wchan,omitempty"`
	ParentSigChld string `json:"parent_sigchld,omitempty"`
}

func processExtrasOf(p *snapshot.Process, s *snapshot.Snapshot) *processExtras {
	x := &processExtras{StartTicks: p.StartTicks, PPID: p.PPID, PGID: p.PGID, SID: p.SID, TPGID: p.TPGID,
		TTYNr: p.TTYNr, TTY: p.TTY, State: p.State, Threads: p.Threads, Kthread: p.Kthread,
		TracerPID: p.TracerPID, Wchan: p.Wchan, SigChld: p.SigChld, ExeDeleted: p.ExeDeleted}
	if !s.Header.Options.NoFDs && p.Unread["fds"] == "" && !p.Kthread {
		n := 0
		for i := range p.FDs {
			if !p.FDs[i].CloExec && p.FDs[i].Flags != "" {
				n++
			}
		}
		x.FDsNoCloexec = &n
	}
	return x
}

func zombieExtrasOf(p *snapshot.Process, s *snapshot.Snapshot) *zombieExtras {
	if !p.IsZombie() {
		return nil
	}
	z := &zombieExtras{ParentPID: p.PPID}
	if parent := s.Find(p.PPID); parent != nil {
		z.ParentState, z.ParentWchan, z.ParentSigChld = parent.State, parent.Wchan, parent.SigChld
	}
	return z
}

// snapshotExtras are the extras of a process a snapshot s recorded.
func snapshotExtras(kind string, p *snapshot.Process, s *snapshot.Snapshot) extras {
	return extras{Kind: kind, Process: processExtrasOf(p, s), Zombie: zombieExtrasOf(p, s), Unread: p.Unread}
}

func between(a, b time.Time) *interval { return &interval{After: stampOf(a), Before: stampOf(b)} }
