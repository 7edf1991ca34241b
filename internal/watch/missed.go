package watch

import (
	"fmt"
	"time"

	"github.com/prometheus/procfs"
)

// How what the watch missed is counted.
//
// The kernel allocates PIDs in order (skipping those in use, and wrapping at pid_max back to
// reservedPIDs), and /proc/loadavg shows the last one allocated in the reader's PID namespace.
// Every PID between two readings is probed: it is a new process (seen), a thread (seen as one),
// a process already followed (in use, so not allocated: not counted), or nothing. Nothing may
// be a process whose /proc entry is not there yet (the PID is allocated early in fork), so it
// is probed once more at the next tick; still nothing, it was created and gone before the watch
// looked: missed. A process or a thread: once gone, the two cannot be told apart. PIDs beyond
// maxBurst in one tick are not probed but counted, and a rescan is run at once to find those
// still alive. So in the watch's own PID namespace
//
//	missed = created − processes seen − threads seen − PIDs still to re-probe
//
// is exact, but for a PID skipped because a task held it and that task then exited before the
// probe (counted as created and missed), and a fork that failed after its PID was allocated.
// /proc/stat "processes" counts every task created on the host, in every PID namespace: when it
// grew more than the PIDs allocated here, the difference was created in other namespaces
// (containers, or a host outside the watch's namespace) and is invisible to the watch.

// reservedPIDs is where PID allocation resumes after wrapping at pid_max (RESERVED_PIDS).
const reservedPIDs = 300

// DefaultStatsEvery is the default period of the stats events.
const DefaultStatsEvery = 10 * time.Second

// Counts is what the watch created, saw and missed over a period (an Interval, or the whole
// watch in Stats).
type Counts struct {
	// Created is how many PIDs were allocated in the watch's PID namespace: processes and
	// threads created.
	Created int64 `json:"created"`
	// Processes and Threads are how many of them the watch saw as a process or as a thread.
	Processes int64 `json:"processes"`
	Threads   int64 `json:"threads"`
	// Missed is how many were gone before the watch looked: processes or threads.
	Missed int64 `json:"missed"`
	// Pending is how many are still to be re-probed (neither seen nor missed yet).
	Pending int64 `json:"pending,omitempty"`
	// HostCreated is how many tasks the whole host created (/proc/stat "processes"), -1 when
	// unreadable; Outside is HostCreated - Created when positive: tasks created in other PID
	// namespaces, which the watch cannot see.
	HostCreated int64 `json:"host_created"`
	Outside     int64 `json:"outside_namespace,omitempty"`
	// Host is set when the watch's PID namespace is the host's (it sees kernel threads): then
	// nothing is created outside it, and the boundary noise between the two counters is not
	// reported as Outside.
	Host bool `json:"host_namespace"`
	// LateTicks counts the ticks that ran at least LateAfter after they were due, and MaxLateNS
	// is the latest one.
	LateTicks int64 `json:"late_ticks"`
	MaxLateNS int64 `json:"max_late_ns,omitempty"`
}

// Interval is one stats period: its bounds and its counts.
type Interval struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	Counts
}

// LateAfter is how late a tick must be to count as late.
const LateAfter = 100 * time.Millisecond

// accounting holds the running totals behind Counts.
type accounting struct {
	created, processes, threads, lateTicks, maxLate int64
	pending                                         []int // PIDs found empty once, re-probed at the next tick
	hostStart                                       int64 // /proc/stat processes at Start, -1 unreadable
	last                                            Counts
	lastAt                                          time.Time
	intervalMaxLate                                 int64
	recentMissed                                    []missedAt // ring of the last maxRecentMissed missed PIDs
	recentNext                                      int
}

// missedAt is a PID found empty twice, and when.
type missedAt struct {
	pid int
	at  time.Time
}

// maxRecentMissed bounds the missed PIDs remembered for linking daemons (adopted.go).
const maxRecentMissed = 4096

// missedPID remembers a PID that was created and gone before the watch looked.
func (w *Watcher) missedPID(pid int, now time.Time) {
	a := &w.acct
	m := missedAt{pid: pid, at: now}
	if len(a.recentMissed) < maxRecentMissed {
		a.recentMissed = append(a.recentMissed, m)
		return
	}
	a.recentMissed[a.recentNext] = m
	a.recentNext = (a.recentNext + 1) % maxRecentMissed
}

// counts returns the totals since Start.
func (w *Watcher) counts() Counts {
	a := &w.acct
	c := Counts{
		Created: a.created, Processes: a.processes, Threads: a.threads,
		Pending: int64(len(a.pending)), LateTicks: a.lateTicks, MaxLateNS: a.maxLate, HostCreated: -1,
	}
	c.Missed = c.Created - c.Processes - c.Threads - c.Pending
	if n, err := readForks(w.opts.Root); err == nil && a.hostStart >= 0 {
		c.HostCreated = n - a.hostStart
		c.Outside = max(0, c.HostCreated-c.Created)
	}
	if c.Host = w.hostNS(); c.Host {
		c.Outside = 0
	}
	return c
}

// interval returns the counts since the previous call (or Start) and starts a new interval.
// It probes the PIDs allocated up to now first, so that the fork count read right after
// covers the same tasks (but those forked between the two reads, which the next interval
// gets back).
func (w *Watcher) interval(now time.Time) Interval {
	a := &w.acct
	_ = w.catchUp(now) // an unreadable loadavg ends the watch at the next tick
	c := w.counts()
	iv := Interval{From: a.lastAt, To: now, Counts: c}
	p := a.last
	iv.Created -= p.Created
	iv.Processes -= p.Processes
	iv.Threads -= p.Threads
	iv.Missed -= p.Missed
	iv.LateTicks -= p.LateTicks
	iv.MaxLateNS = a.intervalMaxLate
	if c.HostCreated >= 0 && p.HostCreated >= 0 {
		iv.HostCreated -= p.HostCreated
		iv.Outside = max(0, iv.HostCreated-iv.Created)
	}
	if iv.Host {
		iv.Outside = 0
	}
	a.last, a.lastAt, a.intervalMaxLate = c, now, 0
	return iv
}

// readForks reads the "processes" line of the proc root's stat file: tasks created since boot.
func readForks(root string) (int64, error) {
	fs, err := procfs.NewFS(root)
	if err != nil {
		return 0, err
	}
	st, err := fs.Stat()
	if err != nil {
		return 0, err
	}
	return int64(st.ProcessCreated), nil
}

// startAccounting records the host's fork count at Start.
func (w *Watcher) startAccounting(now time.Time) {
	w.acct.hostStart = -1
	if n, err := readForks(w.opts.Root); err == nil {
		w.acct.hostStart = n
	}
	w.acct.last = Counts{HostCreated: 0}
	if w.acct.hostStart < 0 {
		w.acct.last.HostCreated = -1
	}
	w.acct.lastAt = now
	w.nextStats = now.Add(w.opts.StatsEvery)
}

// count records what probing a newly allocated PID found.
func (w *Watcher) count(pid int, r probed, floor uint64) {
	a := &w.acct
	switch {
	case r == probedNew:
		a.created++
		a.processes++
	case r == probedKnown: // held by a process already followed: the kernel skipped it
	case r >= probedThreadBase:
		// A thread that started before the previous tick held the PID: skipped, not created.
		if uint64(r-probedThreadBase)+1 >= floor {
			a.created++
			a.threads++
		}
	default:
		a.created++
		a.pending = append(a.pending, pid)
	}
}

// reprobe looks once more at the PIDs found empty at the previous tick: a process whose PID
// was allocated but that was not yet in /proc then is seen now; what is still empty was
// created and gone before the watch looked.
func (w *Watcher) reprobe(now time.Time) {
	a := &w.acct
	if len(a.pending) == 0 {
		return
	}
	pending := a.pending
	a.pending = nil
	floor := w.ticksAt(now.Add(-time.Second))
	for _, pid := range pending {
		switch r := w.probeNew(pid, now, byFastPath); {
		case r == probedNew:
			a.processes++
		case r >= probedThreadBase && uint64(r-probedThreadBase)+1 >= floor:
			a.threads++
		case r == probedAbsent:
			w.missedPID(pid, now)
		}
	}
}

// ticksAt converts a wall time to start ticks (0 when the boot time is unknown).
func (w *Watcher) ticksAt(t time.Time) uint64 {
	if w.boot.IsZero() || t.Before(w.boot) {
		return 0
	}
	return uint64(t.Sub(w.boot) * userHZ / time.Second)
}

// noteLate records a tick that ran late after it was due, and returns whether to report it
// now: a gap of a second or more always, a shorter lateness at most once a second.
func (w *Watcher) noteLate(late time.Duration, now time.Time) bool {
	if late < LateAfter {
		return false
	}
	a := &w.acct
	a.lateTicks++
	a.maxLate = max(a.maxLate, late.Nanoseconds())
	a.intervalMaxLate = max(a.intervalMaxLate, late.Nanoseconds())
	if late < time.Second && now.Sub(w.lastLateSaid) < time.Second {
		return false
	}
	w.lastLateSaid = now
	return true
}

// lateEvent says that the watch did not look at /proc for a while.
func lateEvent(late time.Duration, now time.Time) Event {
	e := Event{Time: now, UID: -1}
	e.Kind = KindLate
	e.LateNS = late.Nanoseconds()
	e.Summary = fmt.Sprintf("the watch looked %s late (stopped, or starved of CPU): "+
		"what started and ended meanwhile is counted as missed", lifetimeString(late.Nanoseconds()))
	return e
}

// statsEvent reports an interval.
func statsEvent(iv Interval) Event {
	e := Event{Time: iv.To, UID: -1, Interval: &iv}
	e.Kind = KindStats
	e.Summary = iv.String()
	return e
}

// String says what an interval saw and missed.
func (c Counts) String() string {
	where := "in this PID namespace"
	if c.Host {
		where = "on this host"
	}
	s := fmt.Sprintf("missed %d of %d processes or threads created %s", c.Missed, c.Created, where)
	if c.Created > 0 {
		s += fmt.Sprintf(" (%.1f%%)", 100*float64(c.Missed)/float64(c.Created))
	}
	s += fmt.Sprintf("; seen %d processes, %d threads", c.Processes, c.Threads)
	if c.Pending > 0 {
		s += fmt.Sprintf(", %d to look at again", c.Pending)
	}
	if c.Outside > 0 {
		s += fmt.Sprintf("; %d more created outside this PID namespace (not visible)", c.Outside)
	}
	if c.HostCreated < 0 {
		s += "; host fork count unreadable"
	}
	if c.LateTicks > 0 {
		s += fmt.Sprintf("; %d ticks late, up to %s", c.LateTicks, lifetimeString(c.MaxLateNS))
	}
	return s
}

// watchingEvent is the first event: the watch is running, over how many processes, where.
func (w *Watcher) watchingEvent() Event {
	now := w.opts.Now()
	st := &Start{
		Processes: len(w.live), CPU: w.stats.CPU, PinError: w.stats.PinError,
		InotifyDirs: w.stats.InotifyDirs, InotifyError: w.stats.InotifyError,
	}
	e := Event{Time: now, UID: -1, Watching: st}
	e.Kind = KindWatching
	where := "not pinned to a CPU"
	if st.CPU >= 0 {
		where = fmt.Sprintf("on CPU %d", st.CPU)
	}
	wake := fmt.Sprintf("waking on exec in %d directories", len(st.InotifyDirs))
	if w.opts.NoInotify {
		wake = "polling only (--no-inotify)"
	} else if st.InotifyError != "" {
		wake = "polling only (inotify: " + st.InotifyError + ")"
	}
	e.Summary = fmt.Sprintf("watching %d processes %s, %s", st.Processes, where, wake)
	return e
}

// hostNS reports whether the watch's PID namespace is the host's: kernel threads live in the
// initial PID namespace only, so seeing kthreadd (PID 2) says so without privileges.
func (w *Watcher) hostNS() bool {
	p := w.live[2]
	return p != nil && p.cur.Kthread && p.cur.PPID == 0
}
