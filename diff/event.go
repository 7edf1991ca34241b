package diff

// Event kinds. These names are the contract with scripts reading json/jsonl output.
const (
	KindPIDReused    = "pid_reused"
	KindStarted      = "started"
	KindExec         = "exec"
	KindReparented   = "reparented"
	KindSetsid       = "setsid"
	KindSetpgid      = "setpgid"
	KindTTYChanged   = "tty_changed"
	KindTraced       = "traced"
	KindUntraced     = "untraced"
	KindStopped      = "stopped"
	KindContinued    = "continued"
	KindStateChanged = "state_changed"
	KindBecameZombie = "became_zombie"
	// KindLeaderExited: the thread-group leader exited while other threads run on; the process
	// shows state Z but is alive.
	KindLeaderExited = "leader_exited"
	KindFDClosed     = "fd_closed"
	KindFDOpened     = "fd_opened"
	KindFDInherited  = "fd_inherited"
	KindFDLeaked     = "fd_leaked"
	KindDaemonized   = "daemonized"
	KindExited       = "exited"
	KindReaped       = "reaped"
)

// Kinds lists every event kind in the order events of one process are sorted.
var Kinds = []string{
	KindPIDReused, KindStarted, KindExec, KindReparented, KindSetsid, KindSetpgid,
	KindTTYChanged, KindTraced, KindUntraced, KindStopped, KindContinued, KindStateChanged,
	KindBecameZombie, KindLeaderExited, KindFDClosed, KindFDOpened, KindFDInherited, KindFDLeaked,
	KindDaemonized, KindExited, KindReaped,
}

var kindRank = func() map[string]int {
	m := make(map[string]int, len(Kinds))
	for i, k := range Kinds {
		m[k] = i
	}
	return m
}()

// ValidKind reports whether k is one of Kinds.
func ValidKind(k string) bool {
	_, ok := kindRank[k]
	return ok
}

// Roles of a Ref.
const (
	RoleInit      = "init"      // pid 1 of the PID namespace
	RoleSubreaper = "subreaper" // any other process that adopted orphans
	RoleParent    = "parent"    // the process's own parent
	RoleCreator   = "creator"   // the inferred creator of an adopted process
	RoleTracer    = "tracer"    // the process tracing it
)

// Ref names another process an event refers to (a parent, an adopter, a tracer, a creator).
type Ref struct {
	PID        int    `yaml:"pid" json:"pid"`
	StartTicks uint64 `yaml:"start_ticks,omitempty" json:"start_ticks,omitempty"`
	Comm       string `yaml:"comm,omitempty" json:"comm,omitempty"`
	Role       string `yaml:"role,omitempty" json:"role,omitempty"`
}

// Event is one thing that happened to one process between the two snapshots. Kind, PID,
// StartTicks, Comm and Summary are always set; the other fields are the evidence, set only where
// they apply to the kind (see doc.go).
type Event struct {
	Kind       string `yaml:"kind" json:"kind"`
	PID        int    `yaml:"pid" json:"pid"`
	StartTicks uint64 `yaml:"start_ticks" json:"start_ticks"`
	Comm       string `yaml:"comm" json:"comm"`
	Summary    string `yaml:"summary" json:"summary"`

	// pid_reused: the process that held the PID in A.
	OldStartTicks uint64 `yaml:"old_start_ticks,omitempty" json:"old_start_ticks,omitempty"`
	OldComm       string `yaml:"old_comm,omitempty" json:"old_comm,omitempty"`
	NewComm       string `yaml:"new_comm,omitempty" json:"new_comm,omitempty"`
	// exec.
	OldExe     string   `yaml:"old_exe,omitempty" json:"old_exe,omitempty"`
	NewExe     string   `yaml:"new_exe,omitempty" json:"new_exe,omitempty"`
	OldCmdline []string `yaml:"old_cmdline,omitempty" json:"old_cmdline,omitempty"`
	NewCmdline []string `yaml:"new_cmdline,omitempty" json:"new_cmdline,omitempty"`
	// started, exited, became_zombie, reaped, daemonized: the parent at the time.
	PPID int `yaml:"ppid,omitempty" json:"ppid,omitempty"`
	// started, pid_reused: the executable.
	Exe string `yaml:"exe,omitempty" json:"exe,omitempty"`
	// Every kind but the fd events: the process's command line (in B; in A for exited and
	// reaped), enough to tell "sleep 400" from "sleep 401".
	Cmdline []string `yaml:"cmdline,omitempty" json:"cmdline,omitempty"`
	// reparented.
	OldPPID         int   `yaml:"old_ppid,omitempty" json:"old_ppid,omitempty"`
	NewPPID         int   `yaml:"new_ppid,omitempty" json:"new_ppid,omitempty"`
	OldParent       *Ref  `yaml:"old_parent,omitempty" json:"old_parent,omitempty"`
	OldParentExited *bool `yaml:"old_parent_exited,omitempty" json:"old_parent_exited,omitempty"`
	Adopter         *Ref  `yaml:"adopter,omitempty" json:"adopter,omitempty"`
	// OrphanedPGID is the process group left orphaned when its session leader exited (reparented),
	// which is not a daemon.
	OrphanedPGID int `yaml:"orphaned_pgid,omitempty" json:"orphaned_pgid,omitempty"`
	// state events.
	OldState string `yaml:"old_state,omitempty" json:"old_state,omitempty"`
	NewState string `yaml:"new_state,omitempty" json:"new_state,omitempty"`
	Wchan    string `yaml:"wchan,omitempty" json:"wchan,omitempty"`
	// leader_exited: the threads still running.
	LiveTIDs []int `yaml:"live_tids,omitempty" json:"live_tids,omitempty"`
	// traced, untraced.
	TracerPID int  `yaml:"tracer_pid,omitempty" json:"tracer_pid,omitempty"`
	Tracer    *Ref `yaml:"tracer,omitempty" json:"tracer,omitempty"`
	// setsid, setpgid, tty_changed.
	OldPGID  int    `yaml:"old_pgid,omitempty" json:"old_pgid,omitempty"`
	NewPGID  int    `yaml:"new_pgid,omitempty" json:"new_pgid,omitempty"`
	OldSID   int    `yaml:"old_sid,omitempty" json:"old_sid,omitempty"`
	NewSID   int    `yaml:"new_sid,omitempty" json:"new_sid,omitempty"`
	OldTTYNr *int   `yaml:"old_tty_nr,omitempty" json:"old_tty_nr,omitempty"`
	NewTTYNr *int   `yaml:"new_tty_nr,omitempty" json:"new_tty_nr,omitempty"`
	OldTTY   string `yaml:"old_tty,omitempty" json:"old_tty,omitempty"`
	NewTTY   string `yaml:"new_tty,omitempty" json:"new_tty,omitempty"`
	// fd events.
	FD      *int   `yaml:"fd,omitempty" json:"fd,omitempty"`
	Target  string `yaml:"target,omitempty" json:"target,omitempty"`
	FDKind  string `yaml:"fd_kind,omitempty" json:"fd_kind,omitempty"`
	Inode   uint64 `yaml:"inode,omitempty" json:"inode,omitempty"`
	Flags   string `yaml:"flags,omitempty" json:"flags,omitempty"`
	CloExec *bool  `yaml:"cloexec,omitempty" json:"cloexec,omitempty"`
	// fd_inherited, fd_leaked: the process and descriptor it was inherited from.
	From   *Ref `yaml:"from,omitempty" json:"from,omitempty"`
	FromFD *int `yaml:"from_fd,omitempty" json:"from_fd,omitempty"`
	// fd_leaked: why it counts as a leak.
	Reason string `yaml:"reason,omitempty" json:"reason,omitempty"`
	// reaped: who reaped the zombie, and whether its parent had exited.
	ReapedBy     *Ref  `yaml:"reaped_by,omitempty" json:"reaped_by,omitempty"`
	ParentExited *bool `yaml:"parent_exited,omitempty" json:"parent_exited,omitempty"`
	// started, daemonized: the inferred creator of an adopted process.
	Creator *Creator `yaml:"creator,omitempty" json:"creator,omitempty"`
}

func ptr[T any](v T) *T { return &v }
