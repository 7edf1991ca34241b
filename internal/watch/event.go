package watch

import (
	"time"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
)

// Event kinds: those of the diff engine, so a watch and a diff speak the same language.
const (
	KindStarted      = diff.KindStarted
	KindExec         = diff.KindExec
	KindExited       = diff.KindExited
	KindReparented   = diff.KindReparented
	KindBecameZombie = diff.KindBecameZombie
	KindReaped       = diff.KindReaped
	KindStopped      = diff.KindStopped
	KindContinued    = diff.KindContinued
	KindTraced       = diff.KindTraced
	KindUntraced     = diff.KindUntraced
	KindSetsid       = diff.KindSetsid
	KindSetpgid      = diff.KindSetpgid
	KindDaemonized   = diff.KindDaemonized
)

// Event is one thing that happened to one process, as the watcher saw it: a diff.Event (same
// kinds and fields, see package diff) stamped with the time it was seen, plus what only a
// continuous watch knows.
type Event struct {
	Time time.Time `json:"time"`
	diff.Event
	// UID is the real uid, -1 when the process exited before its status could be read.
	UID int `json:"uid"`
	// LifetimeNS is, for exited, became_zombie and reaped, the time from the kernel's start
	// time (1/USER_HZ precision) to when the exit or the reaping was seen.
	LifetimeNS int64 `json:"lifetime_ns,omitempty"`
	// Chain is the creation chain as the watcher saw it (started, daemonized): the parent the
	// process was born to, then that parent's, up to the first process whose parent is unknown.
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
	CPU          int            `json:"cpu"`                 // the CPU the watch ran on, -1: not pinned
	PinError     string         `json:"pin_error,omitempty"` // why it could not be pinned
}
