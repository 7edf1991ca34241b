package fleet

import (
	"strconv"
	"strings"
	"time"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
)

// OCSF Process Activity (class 1007 of category 1, System Activity), schema release OCSFVersion
// (testdata/schema/ocsf_subset.json holds the definitions, with their source).
const (
	OCSFVersion       = "1.8.0"
	ocsfCategory      = 1
	ocsfClass         = 1007
	ocsfLaunch        = 1
	ocsfTerminate     = 2
	ocsfOther         = 99
	ocsfLaunchFork    = 2
	ocsfLaunchExec    = 3
	ocsfInformation   = 1 // severity_id
	ocsfDeviceUnknown = 0 // device type_id: /proc does not say server, desktop or VM
	ancestryMax       = 64
)

type ocsfDoc struct {
	ActivityID   int            `json:"activity_id"`
	ActivityName string         `json:"activity_name"`
	CategoryUID  int            `json:"category_uid"`
	CategoryName string         `json:"category_name"`
	ClassUID     int            `json:"class_uid"`
	ClassName    string         `json:"class_name"`
	TypeUID      int            `json:"type_uid"`
	TypeName     string         `json:"type_name"`
	SeverityID   int            `json:"severity_id"`
	Time         int64          `json:"time"`
	Message      string         `json:"message,omitempty"`
	LaunchTypeID *int           `json:"launch_type_id,omitempty"`
	Metadata     ocsfMetadata   `json:"metadata"`
	Device       ocsfDevice     `json:"device"`
	Actor        ocsfActor      `json:"actor"`
	Process      ocsfProcess    `json:"process"`
	Unmapped     map[string]any `json:"unmapped,omitempty"`
}

type ocsfMetadata struct {
	Version string      `json:"version"`
	Product ocsfProduct `json:"product"`
	LogName string      `json:"log_name"`
}

type ocsfProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
	Version    string `json:"version,omitempty"`
}

type ocsfDevice struct {
	Hostname string `json:"hostname,omitempty"`
	BootUID  string `json:"boot_uid,omitempty"`
	TypeID   int    `json:"type_id"`
}

type ocsfActor struct {
	Process *ocsfProcess `json:"process,omitempty"`
}

type ocsfUser struct {
	UID string `json:"uid"`
}

// ocsfEntity is an OCSF process_entity: one link of process.ancestry.
type ocsfEntity struct {
	PID         int    `json:"pid"`
	UID         string `json:"uid,omitempty"`
	Name        string `json:"name,omitempty"`
	Path        string `json:"path,omitempty"`
	CmdLine     string `json:"cmd_line,omitempty"`
	CreatedTime int64  `json:"created_time,omitempty"`
}

type ocsfProcess struct {
	ocsfEntity
	WorkingDirectory string         `json:"working_directory,omitempty"`
	User             *ocsfUser      `json:"user,omitempty"`
	ParentProcess    *ocsfProcess   `json:"parent_process,omitempty"`
	Ancestry         []ocsfEntity   `json:"ancestry,omitempty"`
	XAttributes      *processExtras `json:"xattributes,omitempty"`
}

// ocsfActivity is the OCSF classification of a procsnap event kind.
func ocsfActivity(kind string) (id int, name string, launch *int) {
	switch kind {
	case diff.KindStarted:
		return ocsfLaunch, "Launch", ptr(ocsfLaunchFork)
	case diff.KindExec:
		return ocsfLaunch, "Launch", ptr(ocsfLaunchExec)
	case diff.KindExited, diff.KindBecameZombie:
		return ocsfTerminate, "Terminate", nil
	}
	return ocsfOther, kind, nil
}

func ptr[T any](v T) *T { return &v }

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func ocsfEntityOf(h *Host, p proc) ocsfEntity {
	return ocsfEntity{PID: p.PID, UID: h.entity(p.PID, p.StartTicks), Name: p.Comm, Path: p.Exe,
		CmdLine: strings.Join(p.Args, " "), CreatedTime: millis(p.Start)}
}

// ocsfProc builds the process object of p; its parent and ancestry come from s when given.
func ocsfProc(h *Host, s *snapshot.Snapshot, p proc, x *processExtras) ocsfProcess {
	o := ocsfProcess{ocsfEntity: ocsfEntityOf(h, p), WorkingDirectory: p.Cwd, XAttributes: x}
	if p.EUID >= 0 {
		o.User = &ocsfUser{UID: strconv.Itoa(p.EUID)}
	}
	if p.PPID <= 0 {
		return o
	}
	parent := find(s, p.PPID)
	if parent == nil {
		o.ParentProcess = &ocsfProcess{ocsfEntity: ocsfEntity{PID: p.PPID}}
		return o
	}
	pp := procOf(parent, h)
	o.ParentProcess = &ocsfProcess{ocsfEntity: ocsfEntityOf(h, pp)}
	o.Ancestry = ancestry(h, s, parent)
	return o
}

// ancestry lists p and its ancestors in s, nearest first, up to a process whose parent is not in
// s. A snapshot is not atomic, so PPID links may loop: the walk stops at a repeat.
func ancestry(h *Host, s *snapshot.Snapshot, p *snapshot.Process) []ocsfEntity {
	var out []ocsfEntity
	seen := map[int]bool{}
	for p != nil && !seen[p.PID] && len(out) < ancestryMax {
		seen[p.PID] = true
		out = append(out, ocsfEntityOf(h, procOf(p, h)))
		p = find(s, p.PPID)
	}
	return out
}

func ocsfDocOf(r *record) ocsfDoc {
	id, name, launch := ocsfActivity(r.x.Kind)
	d := ocsfDoc{ActivityID: id, ActivityName: name, CategoryUID: ocsfCategory, CategoryName: "System Activity",
		ClassUID: ocsfClass, ClassName: "Process Activity", TypeUID: ocsfClass*100 + id,
		SeverityID: ocsfInformation, Time: millis(r.at), Message: r.message, LaunchTypeID: launch,
		Metadata: ocsfMetadata{Version: OCSFVersion, LogName: r.dataset,
			Product: ocsfProduct{Name: "procsnap", VendorName: "procsnap", Version: r.version}},
		Device: ocsfDevice{Hostname: r.h.Hostname, BootUID: r.h.BootID, TypeID: ocsfDeviceUnknown},
	}
	d.TypeName = "Process Activity: " + name
	if id == ocsfOther {
		d.TypeName = "Process Activity: Other"
	}
	d.Process = ocsfProc(r.h, r.s, r.p, r.x.Process)
	if id == ocsfTerminate || d.Process.ParentProcess == nil {
		// A process ends itself; pid 1 and kthreadd were started by the kernel, which /proc
		// does not show as a process: the actor is the process itself.
		self := d.Process
		self.ParentProcess, self.Ancestry, self.XAttributes = nil, nil, nil
		d.Actor.Process = &self
	} else {
		d.Actor.Process = d.Process.ParentProcess
	}
	rest := r.x
	rest.Process = nil
	d.Unmapped = map[string]any{"procsnap": rest}
	return d
}
