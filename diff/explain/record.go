package explain

import "time"

// Record is what a watch recording (procsnap watch --record DIR) saw of the process: the
// creation chains of its started and daemonized events, loaded by the caller.
type Record struct {
	Dir string
	// Events counts the events read, Creations those about the process.
	Events    int
	Creations []Creation
}

// Creation is one event of the recording that carries the process's creation chain.
type Creation struct {
	Time time.Time
	Kind string
	// Late is set when a rescan found the process rather than the fast path: it may have
	// changed before it was seen.
	Late bool
	// Chain is the parent it was born to, then that parent's parent, and so on.
	Chain []Proc
}
