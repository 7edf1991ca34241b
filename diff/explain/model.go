package explain

import (
	"time"

	"github.com/procsnap/procsnap/diff"
)

// Report is the explanation of one process. Its JSON and YAML forms are documented in the
// README (procsnap explain); field names are stable within a schema.
type Report struct {
	Source      Source       `yaml:"source" json:"source"`
	Identity    Identity     `yaml:"identity" json:"identity"`
	Standing    Standing     `yaml:"standing" json:"standing"`
	Lineage     Lineage      `yaml:"lineage" json:"lineage"`
	Descriptors Descriptors  `yaml:"descriptors" json:"descriptors"`
	Children    Children     `yaml:"children" json:"children"`
	History     *HistoryPart `yaml:"history,omitempty" json:"history,omitempty"`
}

// Source says what the explanation was read from.
type Source struct {
	// Live is set when the snapshot was taken for this explanation.
	Live     bool      `yaml:"live" json:"live"`
	File     string    `yaml:"file,omitempty" json:"file,omitempty"`
	Hostname string    `yaml:"hostname" json:"hostname"`
	TakenAt  time.Time `yaml:"taken_at" json:"taken_at"`
	TakerUID int       `yaml:"taker_uid" json:"taker_uid"`
	// Captures is the number of captures read from --dir, Record the --record directory.
	Captures int    `yaml:"captures,omitempty" json:"captures,omitempty"`
	Record   string `yaml:"record,omitempty" json:"record,omitempty"`
}

// Gap is something a section could not see, and why.
type Gap struct {
	What   string `yaml:"what" json:"what"`
	Reason string `yaml:"reason" json:"reason"`
}

// Proc names a process briefly.
type Proc struct {
	PID        int    `yaml:"pid" json:"pid"`
	StartTicks uint64 `yaml:"start_ticks,omitempty" json:"start_ticks,omitempty"`
	Comm       string `yaml:"comm,omitempty" json:"comm,omitempty"`
	// Gone is set when the process is not running (not in the snapshot, or a zombie).
	Gone bool `yaml:"gone,omitempty" json:"gone,omitempty"`
}

// Identity is who the process is.
type Identity struct {
	PID        int       `yaml:"pid" json:"pid"`
	StartTicks uint64    `yaml:"start_ticks" json:"start_ticks"`
	StartTime  time.Time `yaml:"start_time" json:"start_time"`
	AgeSeconds int64     `yaml:"age_seconds" json:"age_seconds"`
	Comm       string    `yaml:"comm" json:"comm"`
	Exe        string    `yaml:"exe,omitempty" json:"exe,omitempty"`
	ExeDeleted bool      `yaml:"exe_deleted,omitempty" json:"exe_deleted,omitempty"`
	Cmdline    []string  `yaml:"cmdline,omitempty" json:"cmdline,omitempty"`
	UID        int       `yaml:"uid" json:"uid"`
	EUID       int       `yaml:"euid" json:"euid"`
	GID        int       `yaml:"gid" json:"gid"`
	EGID       int       `yaml:"egid" json:"egid"`
	// Cgroup is the cgroup v2 path, or the v1 hierarchies on a v1-only host.
	Cgroup string `yaml:"cgroup,omitempty" json:"cgroup,omitempty"`
	// AuditLoginUID and AuditSessionID are the audit login (4294967295: never set), nil when
	// not read.
	AuditLoginUID  *uint32 `yaml:"audit_loginuid,omitempty" json:"audit_loginuid,omitempty"`
	AuditSessionID *uint32 `yaml:"audit_sessionid,omitempty" json:"audit_sessionid,omitempty"`
	// LiveTIDs are the threads still running when its leader thread exited.
	LiveTIDs   []int             `yaml:"live_tids,omitempty" json:"live_tids,omitempty"`
	NSpid      []int             `yaml:"nspid,omitempty" json:"nspid,omitempty"`
	Namespaces map[string]uint64 `yaml:"namespaces,omitempty" json:"namespaces,omitempty"`
	// OwnNamespaces lists the namespace types in which it differs from init (pid 1);
	// VersusInit says "same as init", "own mnt, net", or "unknown" and why.
	OwnNamespaces []string `yaml:"own_namespaces,omitempty" json:"own_namespaces,omitempty"`
	VersusInit    string   `yaml:"versus_init" json:"versus_init"`
	Threads       int      `yaml:"threads" json:"threads"`
	State         string   `yaml:"state" json:"state"`
	// Meaning says what the state means: stopped by a signal, traced by whom, a zombie since
	// when, a live process whose leader thread exited.
	Meaning string `yaml:"meaning" json:"meaning"`
	Tracer  *Proc  `yaml:"tracer,omitempty" json:"tracer,omitempty"`
	// ZombieSince is the first capture that showed it a zombie (with --dir).
	ZombieSince *time.Time `yaml:"zombie_since,omitempty" json:"zombie_since,omitempty"`
	// Reused names the PID reuse seen in the captures: another process held this PID.
	Reused []Proc `yaml:"reused,omitempty" json:"reused,omitempty"`
	Unseen []Gap  `yaml:"unseen,omitempty" json:"unseen,omitempty"`
}

// Standing is where the process stands: its session, process group and terminal.
type Standing struct {
	SID           int    `yaml:"sid" json:"sid"`
	SessionLeader *Proc  `yaml:"session_leader,omitempty" json:"session_leader,omitempty"`
	PGID          int    `yaml:"pgid" json:"pgid"`
	GroupLeader   *Proc  `yaml:"group_leader,omitempty" json:"group_leader,omitempty"`
	TTY           string `yaml:"tty,omitempty" json:"tty,omitempty"`
	Foreground    bool   `yaml:"foreground" json:"foreground"`
	// OrphanedGroup: no member of its group has a parent in another group of the same session
	// (the kernel's rule); such a group gets SIGHUP+SIGCONT when it has stopped members.
	OrphanedGroup bool     `yaml:"orphaned_group" json:"orphaned_group"`
	Notes         []string `yaml:"notes,omitempty" json:"notes,omitempty"`
	Unseen        []Gap    `yaml:"unseen,omitempty" json:"unseen,omitempty"`
}

// Confidence levels of a creator candidate.
const (
	Definitive = "definitive"
	High       = "high"
	Medium     = "medium"
	Low        = "low"
	Unknown    = "unknown"
)

// Lineage is where the process comes from.
type Lineage struct {
	// Chain is the parent chain up to init (or to a process whose parent is not visible).
	Chain []Proc `yaml:"chain" json:"chain"`
	// Adopted is "" when its parent created it, else "init" or "subreaper".
	Adopted string `yaml:"adopted,omitempty" json:"adopted,omitempty"`
	// Creator is the verdict: the best candidate, nil when unknown.
	Creator    *Proc       `yaml:"creator,omitempty" json:"creator,omitempty"`
	Confidence string      `yaml:"confidence" json:"confidence"`
	Verdict    string      `yaml:"verdict" json:"verdict"`
	Candidates []Candidate `yaml:"candidates,omitempty" json:"candidates,omitempty"`
	Unseen     []Gap       `yaml:"unseen,omitempty" json:"unseen,omitempty"`
}

// Candidate is one process that may have created the explained one, with its evidence.
type Candidate struct {
	Proc Proc `yaml:"proc" json:"proc"`
	// Rank is the strongest kind of evidence for it (1 recording ... 5 session), see doc.go.
	Rank       int     `yaml:"rank" json:"rank"`
	Confidence string  `yaml:"confidence" json:"confidence"`
	Score      float64 `yaml:"score" json:"score"`
	// Evidence lists each fact for it, strongest first.
	Evidence []string        `yaml:"evidence" json:"evidence"`
	Shared   []diff.SharedFD `yaml:"shared,omitempty" json:"shared,omitempty"`
	// rankConf is the confidence of its evidence at Rank, which orders candidates of one rank.
	rankConf string
}

// Descriptors is what the process holds, like lsof -p.
type Descriptors struct {
	FDs    []FD  `yaml:"fds" json:"fds"`
	Unseen []Gap `yaml:"unseen,omitempty" json:"unseen,omitempty"`
}

// FD is one descriptor with its flags decoded and the other holders of its description.
type FD struct {
	FD      int    `yaml:"fd" json:"fd"`
	Kind    string `yaml:"kind" json:"kind"`
	Target  string `yaml:"target" json:"target"`
	Inode   uint64 `yaml:"inode,omitempty" json:"inode,omitempty"`
	Flags   string `yaml:"flags,omitempty" json:"flags,omitempty"`
	CloExec bool   `yaml:"cloexec" json:"cloexec"`
	Pos     int64  `yaml:"pos" json:"pos"`
	// Others are other processes holding the same open file description (at most maxOthers,
	// lowest PIDs first); OthersTotal counts them all.
	Others      []diff.FDHolder `yaml:"others,omitempty" json:"others,omitempty"`
	OthersTotal int             `yaml:"others_total,omitempty" json:"others_total,omitempty"`
	Unread      string          `yaml:"unread,omitempty" json:"unread,omitempty"`
}

// Children is what the process created that is still there.
type Children struct {
	Live    []Child `yaml:"live,omitempty" json:"live,omitempty"`
	Zombies []Child `yaml:"zombies,omitempty" json:"zombies,omitempty"`
	// SigChld is its SIGCHLD disposition (default, ignore, handler), Reaps what it means.
	SigChld string `yaml:"sigchld,omitempty" json:"sigchld,omitempty"`
	Reaps   string `yaml:"reaps" json:"reaps"`
	Unseen  []Gap  `yaml:"unseen,omitempty" json:"unseen,omitempty"`
}

// Child is one child process.
type Child struct {
	Proc  Proc   `yaml:"proc" json:"proc"`
	State string `yaml:"state" json:"state"`
	// Since is, for a zombie, the first capture that showed it a zombie (with --dir).
	Since *time.Time `yaml:"since,omitempty" json:"since,omitempty"`
}

// HistoryPart is what the captures of --dir saw of the process.
type HistoryPart struct {
	Captures  int       `yaml:"captures" json:"captures"`
	FirstSeen time.Time `yaml:"first_seen,omitempty" json:"first_seen,omitzero"`
	LastSeen  time.Time `yaml:"last_seen,omitempty" json:"last_seen,omitzero"`
	Events    []Event   `yaml:"events,omitempty" json:"events,omitempty"`
	Unseen    []Gap     `yaml:"unseen,omitempty" json:"unseen,omitempty"`
}

// Event is one change across two captures.
type Event struct {
	Time    time.Time `yaml:"time" json:"time"`
	Kind    string    `yaml:"kind" json:"kind"`
	Summary string    `yaml:"summary" json:"summary"`
}
