package snapshot

import "time"

// Schema is the value of Header.Schema written by this version of procsnap. Minor versions add
// without breaking: v1.1 ends every YAML file with a trailer comment that Decode requires from
// v1.1 on, so that truncation is detected; v1.2 adds each process's lineage evidence (cgroup,
// audit login uid and session), the live threads of a process whose leader exited, and records
// in the header the PID namespace of the proc mount read (not the taker's) and how it was found.
// Files of v1.0 and v1.1 load: their processes simply lack the new fields.
const Schema = "procsnap/v1.2"

// Range of schema major versions that Load accepts.
const (
	SchemaMajorMin = 1
	SchemaMajorMax = 1
)

// Reasons recorded when a field or a process could not be read.
const (
	ReasonPermissionDenied = "permission_denied"
	ReasonVanished         = "vanished"
	ReasonNotSupported     = "not_supported"
	ReasonNeedsCapSysAdmin = "needs_cap_sys_admin"
	// ReasonPIDReused: procsnap 4ee5ac5 and earlier skipped a process whose PID was reused
	// while it was read; later versions read each process through one descriptor of its
	// /proc/PID and never record it, but still load files that do.
	ReasonPIDReused = "pid_reused"
	ReasonMalformed = "malformed"
	// ReasonAbsent: the file does not exist although the process does (not a zombie's exe or
	// cwd, which a zombie never has): a hostile or broken proc tree, or a kernel without it.
	ReasonAbsent = "absent"
	ReasonError  = "error"
)

// SIGCHLD dispositions recorded in Process.SigChld.
const (
	SigChldDefault = "default"
	SigChldIgnore  = "ignore"
	SigChldHandler = "handler"
)

// Snapshot is one photograph of the processes of a host.
type Snapshot struct {
	Header    Header    `yaml:"header" json:"header"`
	Processes []Process `yaml:"processes" json:"processes"`
}

// Header describes when, where and how a snapshot was taken, and what it could not see.
type Header struct {
	Schema         string    `yaml:"schema" json:"schema"`
	Version        string    `yaml:"procsnap_version" json:"procsnap_version"`
	TakenAt        time.Time `yaml:"taken_at" json:"taken_at"`
	ScanDurationNS int64     `yaml:"scan_duration_ns" json:"scan_duration_ns"`
	Hostname       string    `yaml:"hostname" json:"hostname"`
	KernelRelease  string    `yaml:"kernel_release" json:"kernel_release"`
	BootID         string    `yaml:"boot_id" json:"boot_id"`
	BootTime       int64     `yaml:"btime" json:"btime"`
	UserHZ         int64     `yaml:"user_hz" json:"user_hz"`
	// TakerPID is the taker's PID in the PID namespace that was read (what that proc mount's
	// "self" names), 0 when the taker is not visible in it (a container's proc mount read from
	// the host): no process of such a snapshot is the taker.
	TakerPID  int `yaml:"taker_pid" json:"taker_pid"`
	TakerUID  int `yaml:"taker_uid" json:"taker_uid"`
	TakerEUID int `yaml:"taker_euid" json:"taker_euid"`
	// PIDNamespace is the PID namespace of the proc mount that was read ("pid:[inode]"), "" when
	// it could not be told (Notes says why). Schema v1.1 and earlier recorded the taker's.
	PIDNamespace string `yaml:"pid_namespace" json:"pid_namespace"`
	// PIDNamespaceFrom says how PIDNamespace was found: "self" (the taker lives in it) or
	// "pid N" (the ns/pid link of a process the mount shows at its top level, NSpid of length 1).
	PIDNamespaceFrom string `yaml:"pid_namespace_from,omitempty" json:"pid_namespace_from,omitempty"`
	ProcRoot         string `yaml:"proc_root" json:"proc_root"`
	// Hidepid is the hidepid= option of the /proc mount ("" when absent).
	Hidepid string `yaml:"hidepid,omitempty" json:"hidepid,omitempty"`
	// Options records which optional parts were skipped on purpose.
	Options Options `yaml:"options" json:"options"`
	Counts  Counts  `yaml:"counts" json:"counts"`
	// Skipped lists processes that were seen in /proc but could not be recorded.
	Skipped []Skipped `yaml:"skipped,omitempty" json:"skipped,omitempty"`
	// Notes are header-level facts about what could not be read (unreadable host files).
	Notes []string `yaml:"notes,omitempty" json:"notes,omitempty"`
}

// Options records the choices that shaped a snapshot, so readers can tell "none" from "not read".
type Options struct {
	NoFDs   bool  `yaml:"no_fds,omitempty" json:"no_fds,omitempty"`
	NoStack bool  `yaml:"no_stack,omitempty" json:"no_stack,omitempty"`
	PIDs    []int `yaml:"pids,omitempty" json:"pids,omitempty"`
	// Redacted is set when secrets were removed from command lines (take --redact).
	Redacted bool `yaml:"redacted,omitempty" json:"redacted,omitempty"`
}

// Counts summarises a snapshot.
type Counts struct {
	Processes int `yaml:"processes" json:"processes"`
	Threads   int `yaml:"threads" json:"threads"`
	FDs       int `yaml:"fds" json:"fds"`
	Zombies   int `yaml:"zombies" json:"zombies"`
	Skipped   int `yaml:"skipped" json:"skipped"`
	// Unread counts fields left unread, by reason.
	Unread map[string]int `yaml:"unread,omitempty" json:"unread,omitempty"`
}

// Skipped is a process that appeared in the /proc listing but is not in the snapshot.
type Skipped struct {
	PID    int    `yaml:"pid" json:"pid"`
	Reason string `yaml:"reason" json:"reason"`
}

// Process is one process as /proc showed it. Identity is (PID, StartTicks).
type Process struct {
	PID        int       `yaml:"pid" json:"pid"`
	StartTicks uint64    `yaml:"start_ticks" json:"start_ticks"`
	StartTime  time.Time `yaml:"start_time" json:"start_time"`

	PPID     int    `yaml:"ppid" json:"ppid"`
	PGID     int    `yaml:"pgid" json:"pgid"`
	SID      int    `yaml:"sid" json:"sid"`
	TPGID    int    `yaml:"tpgid" json:"tpgid"`
	TTYNr    int    `yaml:"tty_nr" json:"tty_nr"`
	TTY      string `yaml:"tty,omitempty" json:"tty,omitempty"`
	Children []int  `yaml:"children,omitempty" json:"children,omitempty"`

	State string `yaml:"state" json:"state"`
	// Kthread is set for kernel threads (PF_KTHREAD), which have no exe, cmdline or fds.
	Kthread bool `yaml:"kthread,omitempty" json:"kthread,omitempty"`
	Threads int  `yaml:"threads" json:"threads"`
	// LiveTIDs are the threads still running in a process whose thread-group leader exited
	// (pthread_exit): stat shows such a process in state Z with several threads, yet it is alive.
	// Read from task/TID/stat only when stat says Z and threads > 1 (Unread["tasks"] when the
	// list could not be read); empty for a true zombie.
	LiveTIDs  []int    `yaml:"live_tids,omitempty" json:"live_tids,omitempty"`
	TracerPID int      `yaml:"tracer_pid" json:"tracer_pid"`
	Wchan     string   `yaml:"wchan,omitempty" json:"wchan,omitempty"`
	Stack     []string `yaml:"stack,omitempty" json:"stack,omitempty"`

	Comm       string   `yaml:"comm" json:"comm"`
	Exe        string   `yaml:"exe,omitempty" json:"exe,omitempty"`
	ExeDeleted bool     `yaml:"exe_deleted,omitempty" json:"exe_deleted,omitempty"`
	Cmdline    []string `yaml:"cmdline,omitempty" json:"cmdline,omitempty"`
	Cwd        string   `yaml:"cwd,omitempty" json:"cwd,omitempty"`
	UID        int      `yaml:"uid" json:"uid"`
	EUID       int      `yaml:"euid" json:"euid"`
	GID        int      `yaml:"gid" json:"gid"`
	EGID       int      `yaml:"egid" json:"egid"`

	// Signal masks as /proc/PID/status prints them (hex).
	SigCaught  string `yaml:"sig_caught,omitempty" json:"sig_caught,omitempty"`
	SigIgnored string `yaml:"sig_ignored,omitempty" json:"sig_ignored,omitempty"`
	SigBlocked string `yaml:"sig_blocked,omitempty" json:"sig_blocked,omitempty"`
	// SigChld is what the process does with SIGCHLD: default, ignore or handler.
	SigChld string `yaml:"sigchld,omitempty" json:"sigchld,omitempty"`

	NSpid  []int `yaml:"nspid,omitempty" json:"nspid,omitempty"`
	NSpgid []int `yaml:"nspgid,omitempty" json:"nspgid,omitempty"`
	NSsid  []int `yaml:"nssid,omitempty" json:"nssid,omitempty"`
	// Namespaces maps a namespace type (pid, mnt, net, user) to its inode.
	Namespaces map[string]uint64 `yaml:"namespaces,omitempty" json:"namespaces,omitempty"`

	// Lineage evidence that survives setsid and any number of forks (schema v1.2). Paths are
	// relative to the taker's cgroup namespace, as /proc/PID/cgroup prints them.
	//
	// Cgroup is the cgroup v2 path, the "0::" line of /proc/PID/cgroup ("" on a v1-only host).
	Cgroup string `yaml:"cgroup,omitempty" json:"cgroup,omitempty"`
	// CgroupV1 lists the cgroup v1 hierarchies as "controllers:path", in the file's order.
	CgroupV1 []string `yaml:"cgroup_v1,omitempty" json:"cgroup_v1,omitempty"`
	// AuditLoginUID is /proc/PID/loginuid and AuditSessionID /proc/PID/sessionid: the login that
	// started the process's chain, which setsid, double forks and setuid do not change.
	// AuditUnset means never set (started outside any login, e.g. by init); nil means not read
	// (a file older than v1.2, or Unread["loginuid"] / Unread["sessionid"] says why).
	AuditLoginUID  *uint32 `yaml:"audit_loginuid,omitempty" json:"audit_loginuid,omitempty"`
	AuditSessionID *uint32 `yaml:"audit_sessionid,omitempty" json:"audit_sessionid,omitempty"`

	FDs []FD `yaml:"fds,omitempty" json:"fds,omitempty"`

	// Unread maps a field name to the reason it could not be read.
	Unread map[string]string `yaml:"unread,omitempty" json:"unread,omitempty"`
}

// FD kinds.
const (
	KindFile      = "file"
	KindSocket    = "socket"
	KindPipe      = "pipe"
	KindAnonInode = "anon_inode"
	KindOther     = "other"
)

// FD is one open file descriptor of a process.
type FD struct {
	FD     int    `yaml:"fd" json:"fd"`
	Target string `yaml:"target" json:"target"`
	Kind   string `yaml:"kind" json:"kind"`
	Inode  uint64 `yaml:"inode,omitempty" json:"inode,omitempty"`
	// Flags is the octal flags word of fdinfo ("" when fdinfo was unreadable).
	Flags   string `yaml:"flags,omitempty" json:"flags,omitempty"`
	CloExec bool   `yaml:"cloexec" json:"cloexec"`
	Pos     int64  `yaml:"pos" json:"pos"`
	MntID   int    `yaml:"mnt_id,omitempty" json:"mnt_id,omitempty"`
	// Unread is the reason target or fdinfo could not be read ("" when both were).
	Unread string `yaml:"unread,omitempty" json:"unread,omitempty"`
}

// Key identifies a process across snapshots: a PID alone is reused, a PID with its start is not.
type Key struct {
	PID        int
	StartTicks uint64
}

// Key returns the identity of p.
func (p *Process) Key() Key { return Key{PID: p.PID, StartTicks: p.StartTicks} }

// AuditUnset is the value of loginuid and sessionid that the kernel prints when they were never
// set ((u32)-1).
const AuditUnset = 1<<32 - 1

// AuditSession returns p's audit login session id; false when it was never set (AuditUnset) or
// not read.
func (p *Process) AuditSession() (uint32, bool) {
	if p.AuditSessionID == nil || *p.AuditSessionID == AuditUnset {
		return 0, false
	}
	return *p.AuditSessionID, true
}

// IsZombie reports whether p is a zombie: state Z, and not a process whose leader thread exited
// while other threads run on (LeaderExited).
func (p *Process) IsZombie() bool { return p.State == "Z" && !p.LeaderExited() }

// LeaderExited reports whether p is alive although stat shows it in state Z: its thread-group
// leader exited (pthread_exit) and other threads still run. The evidence is LiveTIDs; a record
// whose thread list could not be read (Unread["tasks"]) but that counts several threads is
// taken as alive too, since a zombie has one thread. Records older than schema v1.2 lack both
// and are taken at their state.
func (p *Process) LeaderExited() bool {
	if p.State != "Z" {
		return false
	}
	if len(p.LiveTIDs) > 0 {
		return true
	}
	_, unread := p.Unread["tasks"]
	return unread && p.Threads > 1
}

// Find returns the process with the given PID, or nil. Processes must be sorted by PID.
func (s *Snapshot) Find(pid int) *Process {
	lo, hi := 0, len(s.Processes)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.Processes[m].PID < pid {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(s.Processes) && s.Processes[lo].PID == pid {
		return &s.Processes[lo]
	}
	return nil
}

// markUnread records why field of p could not be read.
func (p *Process) MarkUnread(field, reason string) {
	if p.Unread == nil {
		p.Unread = map[string]string{}
	}
	p.Unread[field] = reason
}

// addUnread counts one more field or fd left unread for reason.
func (c *Counts) AddUnread(reason string) {
	if c.Unread == nil {
		c.Unread = map[string]int{}
	}
	c.Unread[reason]++
}
