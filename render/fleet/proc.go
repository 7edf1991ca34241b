package fleet

import (
	"time"

	"github.com/procsnap/procsnap/snapshot"
)

// Host is where the processes of a document ran: what makes their PIDs unique.
type Host struct {
	Hostname string
	BootID   string
	// PIDNamespace is the reader's PID namespace link, e.g. "pid:[4026531836]".
	PIDNamespace string
	// BootTime (seconds since the epoch) and UserHZ turn start ticks into a start time.
	BootTime int64
	UserHZ   int64
	// ids caches entity ids: a process is named by its own document and by its children's.
	ids map[snapshot.Key]string
}

// HostOf returns the host a snapshot header describes.
func HostOf(h *snapshot.Header) Host {
	return Host{Hostname: h.Hostname, BootID: h.BootID, PIDNamespace: h.PIDNamespace,
		BootTime: h.BootTime, UserHZ: h.UserHZ}
}

// entity returns the entity id of the process (pid, ticks) on h.
func (h *Host) entity(pid int, ticks uint64) string {
	k := snapshot.Key{PID: pid, StartTicks: ticks}
	if id, ok := h.ids[k]; ok {
		return id
	}
	if h.ids == nil {
		h.ids = map[snapshot.Key]string{}
	}
	id := EntityID(h.BootID, nsIno(h.PIDNamespace), pid, ticks)
	h.ids[k] = id
	return id
}

// startOf returns the start time of a process from its start ticks, zero when the boot time is
// unknown.
func (h *Host) startOf(ticks uint64) time.Time {
	if h.BootTime <= 0 || h.UserHZ <= 0 {
		return time.Time{}
	}
	ns := int64(ticks) * int64(time.Second) / h.UserHZ
	return time.Unix(h.BootTime, ns).UTC()
}

// proc is what a document says about one process: from a snapshot (full) or from a watch
// event (fewer fields; inSnap false).
type proc struct {
	PID        int
	StartTicks uint64
	Start      time.Time
	Comm, Exe  string
	Args       []string
	Cwd        string
	PPID       int
	// User ids, -1 when unknown.
	UID, EUID, GID, EGID int
	// VPID is the PID in the process's own innermost namespace, 0 when the same as PID.
	VPID int
	// snap is the process record when the document comes from a snapshot.
	snap *snapshot.Process
}

// procOf returns the view of a snapshot process; h gives the start time when the snapshot did
// not record one.
func procOf(p *snapshot.Process, h *Host) proc {
	v := proc{PID: p.PID, StartTicks: p.StartTicks, Start: p.StartTime, Comm: p.Comm, Exe: p.Exe,
		Args: p.Cmdline, Cwd: p.Cwd, PPID: p.PPID, UID: p.UID, EUID: p.EUID, GID: p.GID, EGID: p.EGID, snap: p}
	if v.Start.IsZero() {
		v.Start = h.startOf(p.StartTicks)
	}
	if _, unread := p.Unread["status"]; unread {
		v.UID, v.EUID, v.GID, v.EGID = -1, -1, -1, -1
	}
	if n := len(p.NSpid); n > 1 && p.NSpid[n-1] != p.PID {
		v.VPID = p.NSpid[n-1]
	}
	return v
}

// ttyDevice splits a tty_nr into its device major and minor numbers (linux/kdev_t.h).
func ttyDevice(nr int) (major, minor int) {
	u := uint32(nr)
	return int((u >> 8) & 0xfff), int((u & 0xff) | ((u >> 12) & 0xfff00))
}

// leader returns the process with PID pid that leads what sel picks (its session or its group)
// in s, or nil when it is not in s or no longer leads it.
func leader(s *snapshot.Snapshot, pid int, sel func(*snapshot.Process) int) *snapshot.Process {
	if s == nil || pid <= 0 {
		return nil
	}
	if l := s.Find(pid); l != nil && sel(l) == pid {
		return l
	}
	return nil
}

func sidOf(p *snapshot.Process) int  { return p.SID }
func pgidOf(p *snapshot.Process) int { return p.PGID }
func pidOf(p *snapshot.Process) int  { return p.PID }

func stampOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
