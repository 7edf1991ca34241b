package watch

import (
	"time"

	"github.com/procsnap/procsnap/snapshot"
)

// Event kinds.
const (
	KindStarted      = "started"
	KindExec         = "exec"
	KindExited       = "exited"
	KindReparented   = "reparented"
	KindBecameZombie = "became_zombie"
	KindReaped       = "reaped"
	KindStopped      = "stopped"
	KindContinued    = "continued"
	KindTraced       = "traced"
	KindSetsid       = "setsid"
	KindSetpgid      = "setpgid"
	KindDaemonized   = "daemonized"
)

// Event is one thing that happened to one process, as the watcher saw it.
type Event struct {
	Time       time.Time `json:"time"`
	Kind       string    `json:"kind"`
	PID        int       `json:"pid"`
	StartTicks uint64    `json:"start_ticks"`
	PPID       int       `json:"ppid"`
	UID        int       `json:"uid"`
	Comm       string    `json:"comm,omitempty"`
	Cmdline    []string  `json:"cmdline,omitempty"`
	// From and To hold the old and new value of what changed: the ppid for reparented, the
	// sid or pgid for setsid and setpgid, the state for stopped, continued, traced and
	// became_zombie, the comm for exec.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// LifetimeNS is, for exited and reaped, the time from the kernel's start time (1/USER_HZ
	// precision) to when the exit or the reaping was seen.
	LifetimeNS int64 `json:"lifetime_ns,omitempty"`
	// Chain is the creation chain as the watcher saw it: the parent the process was born to,
	// then that parent's, up to the first process whose parent is unknown.
	Chain []Ancestor `json:"chain,omitempty"`
	// Late is set on a started event found by a rescan rather than by the fast path: the
	// process may have exec'd or changed before it was seen.
	Late bool `json:"late,omitempty"`
}

// Ancestor is one link of a creation chain.
type Ancestor struct {
	PID        int      `json:"pid"`
	StartTicks uint64   `json:"start_ticks"`
	Comm       string   `json:"comm,omitempty"`
	Cmdline    []string `json:"cmdline,omitempty"`
	// Exited is set when the ancestor had exited when the event was made.
	Exited bool `json:"exited,omitempty"`
}

// Key returns the identity of the process the event is about.
func (e *Event) Key() snapshot.Key { return snapshot.Key{PID: e.PID, StartTicks: e.StartTicks} }

// Stats counts what a watcher did; Summary reports it at the end.
type Stats struct {
	Ticks        int64          `json:"ticks"`
	Probes       int64          `json:"probes"`
	Rescans      int64          `json:"rescans"`
	Wakeups      int64          `json:"inotify_wakeups"`
	Seen         int64          `json:"processes_seen"`
	Live         int            `json:"live"`
	Remembered   int            `json:"remembered"`
	Forgotten    int64          `json:"forgotten"`
	Events       map[string]int `json:"events"`
	SkippedPIDs  int64          `json:"skipped_pids,omitempty"`
	InotifyDirs  []string       `json:"inotify_dirs,omitempty"`
	InotifyError string         `json:"inotify_error,omitempty"`
}
