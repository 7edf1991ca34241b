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
	// What only a watch reports about itself: that it is running (the first event), that it
	// looked late, and periodically what it saw and missed.
	KindWatching = "watching"
	KindLate     = "late"
	KindStats    = "stats"
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
	// ChainHow says how the first link of Chain was established: "seen" (the parent at first
	// sight, or before an adoption the watch saw) or "inferred: ..." with the evidence, for a
	// process first seen already adopted.
	ChainHow string `json:"chain_how,omitempty"`
	// LateNS is, for late, how long after it was due the watch looked.
	LateNS int64 `json:"late_ns,omitempty"`
	// Interval is, for stats, what the period created, saw and missed.
	Interval *Interval `json:"interval,omitempty"`
	// Watching is, for watching, what the watch starts with.
	Watching *Start `json:"watching,omitempty"`
}

// Start is what a watch starts with.
type Start struct {
	Processes   int      `json:"processes"`
	CPU         int      `json:"cpu"`
	PinError    string   `json:"pin_error,omitempty"`
	InotifyDirs []string `json:"inotify_dirs,omitempty"`
	// InotifyError says why the watch cannot wake on exec, when it cannot.
	InotifyError string `json:"inotify_error,omitempty"`
}

// Ancestor is one link of a creation chain.
type Ancestor struct {
	PID        int      `json:"pid"`
	StartTicks uint64   `json:"start_ticks"`
	Comm       string   `json:"comm,omitempty"`
	Cmdline    []string `json:"cmdline,omitempty"`
	// Exited is set when the ancestor had exited when the event was made.
	Exited bool `json:"exited,omitempty"`
	// Inferred is set on the link the watch did not see but inferred (Event.ChainHow says
	// from what); the links after it are those the watch saw for the inferred parent.
	Inferred bool `json:"inferred,omitempty"`
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
	// Counts are the totals of what was created, seen and missed (missed.go).
	Counts
}
