package fleet

import (
	"strconv"
	"strings"
	"time"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
)

// ECSVersion is the ECS release whose field definitions the documents follow
// (testdata/schema/ecs_subset.yml holds them, with their source).
const ECSVersion = "9.4.0"

// ecsDoc is one ECS document. Field order is fixed by the struct, so output is stable.
type ecsDoc struct {
	Timestamp string     `json:"@timestamp"`
	Message   string     `json:"message,omitempty"`
	ECS       ecsVersion `json:"ecs"`
	Event     ecsEvent   `json:"event"`
	Host      ecsHost    `json:"host"`
	Process   ecsProcess `json:"process"`
	Procsnap  extras     `json:"procsnap"`
}

type ecsVersion struct {
	Version string `json:"version"`
}

type ecsEvent struct {
	Kind     string   `json:"kind"`
	Category []string `json:"category"`
	Type     []string `json:"type"`
	Action   string   `json:"action"`
	Module   string   `json:"module"`
	Dataset  string   `json:"dataset"`
}

type ecsHost struct {
	Hostname string   `json:"hostname,omitempty"`
	Name     string   `json:"name,omitempty"`
	Boot     *ecsBoot `json:"boot,omitempty"`
	PIDNSIno string   `json:"pid_ns_ino,omitempty"`
}

type ecsBoot struct {
	ID string `json:"id"`
}

type ecsID struct {
	ID string `json:"id"`
}

type ecsTTY struct {
	CharDevice ecsCharDevice `json:"char_device"`
}

type ecsCharDevice struct {
	Major int `json:"major"`
	Minor int `json:"minor"`
}

// ecsRel is a related process: parent, session leader, group leader.
type ecsRel struct {
	PID        int    `json:"pid"`
	EntityID   string `json:"entity_id,omitempty"`
	Name       string `json:"name,omitempty"`
	Executable string `json:"executable,omitempty"`
	Start      string `json:"start,omitempty"`
}

type ecsProcess struct {
	PID              int      `json:"pid"`
	VPID             int      `json:"vpid,omitempty"`
	EntityID         string   `json:"entity_id,omitempty"`
	Name             string   `json:"name,omitempty"`
	Executable       string   `json:"executable,omitempty"`
	Args             []string `json:"args,omitempty"`
	ArgsCount        int      `json:"args_count,omitempty"`
	CommandLine      string   `json:"command_line,omitempty"`
	Start            string   `json:"start,omitempty"`
	Interactive      *bool    `json:"interactive,omitempty"`
	WorkingDirectory string   `json:"working_directory,omitempty"`
	User             *ecsID   `json:"user,omitempty"`
	RealUser         *ecsID   `json:"real_user,omitempty"`
	Group            *ecsID   `json:"group,omitempty"`
	RealGroup        *ecsID   `json:"real_group,omitempty"`
	TTY              *ecsTTY  `json:"tty,omitempty"`
	Parent           *ecsRel  `json:"parent,omitempty"`
	SessionLeader    *ecsRel  `json:"session_leader,omitempty"`
	GroupLeader      *ecsRel  `json:"group_leader,omitempty"`
}

// ecsEventFor is the ECS classification of a procsnap event kind: event.type and event.action.
func ecsEventFor(kind string) (typ, action string) {
	switch kind {
	case diff.KindStarted:
		return "start", "fork"
	case diff.KindExec:
		return "start", "exec"
	case diff.KindExited:
		return "end", "end"
	case diff.KindBecameZombie:
		return "end", kind
	case diff.KindReaped, diff.KindPIDReused:
		return "info", kind
	case kindSnapshot:
		return "info", kind
	}
	return "change", kind
}

// ecsProcessDoc builds an ECS document for p, observed at at; s is the snapshot p belongs to
// (nil for a watch event), used for its parent and leaders.
func ecsProcessDoc(h *Host, s *snapshot.Snapshot, p proc, at time.Time, kind, dataset string) ecsDoc {
	typ, action := ecsEventFor(kind)
	evKind := "event"
	if kind == kindSnapshot {
		evKind = "state"
	}
	d := ecsDoc{
		Timestamp: stampOf(at),
		ECS:       ecsVersion{Version: ECSVersion},
		Event: ecsEvent{Kind: evKind, Category: []string{"process"}, Type: []string{typ}, Action: action,
			Module: "procsnap", Dataset: dataset},
		Host:    ecsHost{Hostname: h.Hostname, Name: h.Hostname, PIDNSIno: nsIno(h.PIDNamespace)},
		Process: ecsProc(h, s, p),
	}
	if h.BootID != "" {
		d.Host.Boot = &ecsBoot{ID: h.BootID}
	}
	return d
}

func ecsProc(h *Host, s *snapshot.Snapshot, p proc) ecsProcess {
	e := ecsProcess{PID: p.PID, VPID: p.VPID, EntityID: h.entity(p.PID, p.StartTicks), Name: p.Comm,
		Executable: p.Exe, Args: p.Args, ArgsCount: len(p.Args), CommandLine: strings.Join(p.Args, " "),
		Start: stampOf(p.Start), WorkingDirectory: p.Cwd}
	if p.EUID >= 0 {
		e.User, e.RealUser = &ecsID{strconv.Itoa(p.EUID)}, &ecsID{strconv.Itoa(p.UID)}
		e.Group, e.RealGroup = &ecsID{strconv.Itoa(p.EGID)}, &ecsID{strconv.Itoa(p.GID)}
	} else if p.UID >= 0 {
		e.RealUser = &ecsID{strconv.Itoa(p.UID)}
	}
	if p.PPID > 0 {
		e.Parent = ecsRelOf(h, s, p.PPID, pidOf)
	}
	if sp := p.snap; sp != nil {
		interactive := sp.TTYNr != 0
		e.Interactive = &interactive
		if interactive {
			maj, minor := ttyDevice(sp.TTYNr)
			e.TTY = &ecsTTY{CharDevice: ecsCharDevice{Major: maj, Minor: minor}}
		}
		if sp.SID > 0 {
			e.SessionLeader = ecsRelOf(h, s, sp.SID, sidOf)
		}
		if sp.PGID > 0 {
			e.GroupLeader = ecsRelOf(h, s, sp.PGID, pgidOf)
		}
	}
	return e
}

// ecsRelOf describes the process with PID pid that sel says leads (or is) it; only the PID when
// that process is not in s, so a reader can tell "not seen" from "none".
func ecsRelOf(h *Host, s *snapshot.Snapshot, pid int, sel func(*snapshot.Process) int) *ecsRel {
	r := &ecsRel{PID: pid}
	if l := leader(s, pid, sel); l != nil {
		r.EntityID, r.Name, r.Executable = h.entity(l.PID, l.StartTicks), l.Comm, l.Exe
		r.Start = stampOf(procOf(l, h).Start)
	}
	return r
}
