package watch

import (
	"context"
	"fmt"
	"maps"
	"sync/atomic"
	"syscall"
	"time"

	snapproc "github.com/procsnap/procsnap/snapshot/proc"

	"golang.org/x/sys/unix"

	"github.com/procsnap/procsnap/snapshot"
)

// Defaults, chosen by measurement on a 2-core VM (see the README section "procsnap watch").
const (
	DefaultInterval    = 10 * time.Millisecond
	DefaultHotInterval = time.Millisecond
	DefaultRescan      = time.Second
	DefaultYoung       = time.Second
	DefaultForgetAfter = 10 * time.Minute
	DefaultMaxExited   = 10000
	// maxYoung bounds how many new processes are followed closely at once (each is re-read
	// about ten times in its first second); beyond it, new processes wait for the rescan.
	maxYoung = 4096
	// maxBurst bounds how many new PIDs one tick probes; the rescan finds the rest.
	maxBurst = 4096
	// minSleep is the shortest sleep between two ticks.
	minSleep = 50 * time.Microsecond
)

// Options shapes a watch. Zero values take the defaults above.
type Options struct {
	// Root is the proc filesystem (snapshot.DefaultRoot when empty).
	Root string
	// Interval is the idle period of the last-PID check.
	Interval time.Duration
	// HotInterval is the first re-read delay of a new process and the shortest tick.
	HotInterval time.Duration
	// Rescan is the period of the full rescan.
	Rescan time.Duration
	// Young is how long a new process is re-read, at HotInterval, then 2×, 4×... after it.
	Young time.Duration
	// ZombieAfter is how long a zombie must stay one before became_zombie (default Rescan/2).
	ZombieAfter time.Duration
	// ForgetAfter is how long an exited process is remembered when no live process descends
	// from it; MaxExited caps how many are remembered at all.
	ForgetAfter time.Duration
	MaxExited   int
	// StatsEvery is the period of the stats events (what was created, seen and missed).
	StatsEvery time.Duration
	// PID, when not 0, restricts events to that process and its descendants.
	PID int
	// NoInotify turns off the inotify wake-ups; InotifyDirs overrides the watched
	// directories (default: those of the dynamic loader, libc and $PATH).
	NoInotify   bool
	InotifyDirs []string
	// CPU is where Run runs every thread of this process (sched.go says why): AutoCPU or ""
	// picks the allowed CPU that was idle longest during Start, AnyCPU does not pin, and a
	// number names a CPU. Run gives the threads their CPUs back when it returns.
	CPU string
	// Now returns the current time (time.Now when nil).
	Now func() time.Time
}

func (o *Options) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if o.Root == "" {
		o.Root = snapproc.DefaultRoot
	}
	def(&o.Interval, DefaultInterval)
	def(&o.HotInterval, min(DefaultHotInterval, o.Interval))
	def(&o.Rescan, DefaultRescan)
	def(&o.Young, DefaultYoung)
	def(&o.ZombieAfter, o.Rescan/2)
	def(&o.ForgetAfter, DefaultForgetAfter)
	def(&o.StatsEvery, DefaultStatsEvery)
	if o.MaxExited <= 0 {
		o.MaxExited = DefaultMaxExited
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Watcher follows the processes under one proc root. It is not safe for concurrent use.
type Watcher struct {
	opts   Options
	last   *lastPIDReader
	pidMax int
	boot   time.Time // wall time of boot, for start ticks

	lastPID int
	live    map[int]*proc
	known   map[snapshot.Key]*proc
	exited  []*proc // remembered exited processes, in exit order
	young   []*proc
	buf     []byte
	out     []Event
	stats   Stats
	wakeups atomic.Int64 // inotify wake-ups, counted by the inotify reader
	ticks   atomic.Int64 // read by Ticks from other goroutines

	nextRescan time.Time
	started    bool
	nextYoung  time.Time // when the next young process is due (zero: none)
	woken      bool      // the coming Tick follows an inotify wake-up
	execWoken  bool      // ... from a program directory (spinPreExec)
	scanQ      []*proc   // live processes the current rescan pass re-reads
	scanPos    int
	scanFrom   time.Time

	acct         accounting
	nextStats    time.Time
	lastTick     time.Time // when the previous tick ran
	lastLateSaid time.Time // when the last late event was emitted
	adopters     map[int]bool
	kids         map[int][]*proc // live processes by parent PID, as of the last rescan

	keptOpen, maxKeptOpen int    // stat files kept open, and the cap (from RLIMIT_NOFILE)
	direntBuf             []byte // listPIDs' getdents buffer, reused
	pids                  []int  // the last listing, its slice reused

	cpu         int             // Options.CPU as a number, -1 for AutoCPU and AnyCPU
	idleAtStart map[int]float64 // idle seconds per CPU when Start began, for AutoCPU
}

// New opens the proc root and reads what the watcher needs once (pid_max, btime).
func New(opts Options) (*Watcher, error) {
	opts.defaults()
	cpu, err := ParseCPU(opts.CPU)
	if err != nil {
		return nil, err
	}
	last, err := openLastPID(opts.Root)
	if err != nil {
		if subset := snapproc.ProcSubset(opts.Root); subset != "" {
			return nil, fmt.Errorf("%w: %w (%s is mounted with subset=%s, which hides loadavg; watch needs a full proc mount)",
				snapshot.ErrProcUnreadable, err, opts.Root, subset)
		}
		return nil, fmt.Errorf("%w: %w", snapshot.ErrProcUnreadable, err)
	}
	w := &Watcher{
		opts: opts, last: last,
		live: map[int]*proc{}, known: map[snapshot.Key]*proc{}, adopters: map[int]bool{1: true}, kids: map[int][]*proc{},
		stats: Stats{Events: map[string]int{}, CPU: -1}, cpu: cpu,
	}
	if w.pidMax, err = readPIDMax(opts.Root); err != nil {
		w.pidMax = 1 << 22 // PID_MAX_LIMIT on 64-bit: the largest a PID can be
	}
	w.boot = bootWallTime()
	w.maxKeptOpen = maxKeptOpen()
	return w, nil
}

// Close releases the files the watcher keeps open.
func (w *Watcher) Close() error {
	for _, p := range w.live {
		p.closeFiles()
	}
	return w.last.Close()
}

// Ticks returns how many rounds the watcher has run; unlike Stats it may be called while Run
// runs.
func (w *Watcher) Ticks() int64 { return w.ticks.Load() }

// Stats returns what the watcher has done so far.
func (w *Watcher) Stats() Stats {
	s := w.stats
	s.Wakeups, s.Ticks = w.wakeups.Load(), w.ticks.Load()
	s.Events = maps.Clone(w.stats.Events)
	s.Live, s.Remembered = len(w.live), len(w.known)
	if w.started {
		s.Counts = w.counts()
	}
	return s
}

// Run watches until ctx is done, calling emit with each batch of events in the order they
// were seen. It returns nil when ctx ends it, or the first error of emit or of /proc/loadavg.
func (w *Watcher) Run(ctx context.Context, emit func([]Event) error) error {
	if !w.started {
		if err := w.Start(); err != nil {
			return err
		}
	}
	defer latencyThread()()
	if undo, err := w.pin(); err != nil {
		w.stats.PinError = err.Error()
	} else if undo != nil {
		defer undo()
	}
	wt := &waiter{efd: -1}
	if !w.opts.NoInotify {
		var dirs []string
		var err error
		wt, dirs, err = newWaiter(w.opts.InotifyDirs, &w.wakeups)
		if err != nil {
			w.stats.InotifyError = err.Error()
		}
		w.stats.InotifyDirs = dirs
	}
	defer wt.close()
	w.out = append(w.out, w.watchingEvent())
	if err := w.flush(emit); err != nil {
		return err
	}
	// due is when the next tick should run, counted from the start of the previous one, so
	// that a slow tick (a starved CPU, a huge rescan) shows as lateness too; the loop still
	// sleeps at least minSleep.
	due := time.Now().Add(w.opts.Interval)
	for {
		woke := wt.wait(max(time.Until(due), minSleep))
		if ctx.Err() != nil {
			w.reprobe(w.opts.Now()) // settle what the last tick found empty
			w.out = append(w.out, statsEvent(w.interval(w.opts.Now())))
			return w.flush(emit)
		}
		if !woke && time.Now().Before(due) {
			continue // a long interval is slept in maxWait steps
		}
		tickStart := time.Now()
		// Woken early or not, a tick that runs after it was due is late.
		if late := tickStart.Sub(due); w.noteLate(late, tickStart) {
			w.out = append(w.out, lateEvent(late, w.opts.Now()))
		}
		w.woken = woke
		w.execWoken = woke && wt.takeExecDir()
		if err := w.Tick(); err != nil {
			return err
		}
		if err := w.flush(emit); err != nil {
			return err
		}
		due = tickStart.Add(w.opts.Interval)
		if !w.nextYoung.IsZero() && w.nextYoung.Before(due) {
			due = w.nextYoung
		}
	}
}

func (w *Watcher) flush(emit func([]Event) error) error {
	if len(w.out) == 0 {
		return nil
	}
	batch := w.out
	w.out = nil
	return emit(batch)
}

// Start records the processes alive now, without events: they existed before the watch. Run
// calls it when it has not been called; calling it first lets a caller time the watch from
// the end of this initial scan, which takes a while on a host with thousands of processes.
func (w *Watcher) Start() error {
	w.started = true
	if w.opts.CPU == "" || w.opts.CPU == AutoCPU {
		w.idleAtStart, _ = readCPUIdle(w.opts.Root) // without it, AutoCPU does not pin
	}
	last, err := w.last.read()
	if err != nil {
		return fmt.Errorf("%w: %w", snapshot.ErrProcUnreadable, err)
	}
	w.lastPID = last
	now := w.opts.Now()
	w.lastTick = now
	w.startAccounting(now)
	if err := w.rescan(now, true); err != nil {
		return err
	}
	w.out = nil
	return nil
}

// Tick runs one round: the last-PID check, the young re-reads and, when due, the rescan.
func (w *Watcher) Tick() error {
	w.ticks.Add(1)
	last, err := w.last.read()
	if err != nil {
		return fmt.Errorf("%w: %w", snapshot.ErrProcUnreadable, err)
	}
	now := w.opts.Now()
	w.reprobe(now)
	if last != w.lastPID {
		w.probeRange(w.lastPID, last, now)
		w.lastPID = last
	}
	w.lastTick = now
	w.nextYoung = w.recheckYoung(now)
	if w.execWoken {
		w.execWoken = false
		w.spinPreExec()
	}
	if !now.Before(w.nextRescan) {
		if err := w.rescan(now, false); err != nil {
			return err
		}
	} else {
		w.stepRescan(now)
	}
	if !now.Before(w.nextStats) {
		w.nextStats = now.Add(w.opts.StatsEvery)
		w.out = append(w.out, statsEvent(w.interval(now)))
	}
	return nil
}

// catchUp probes the PIDs allocated since the last reading of last_pid.
func (w *Watcher) catchUp(now time.Time) error {
	last, err := w.last.read()
	if err != nil {
		return fmt.Errorf("%w: %w", snapshot.ErrProcUnreadable, err)
	}
	if last != w.lastPID {
		w.probeRange(w.lastPID, last, now)
		w.lastPID = last
	}
	return nil
}

// maxKeptOpen is how many stat files the watcher keeps open: half the file limit (which the
// Go runtime raises to the hard limit), at most 16384.
func maxKeptOpen() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 256
	}
	return int(min(rl.Cur/2, 16384))
}

// probeRange probes the PIDs allocated after prev up to last, wrapping at pid_max (back to
// reservedPIDs, as the kernel does), and counts what it finds (missed.go).
func (w *Watcher) probeRange(prev, last int, now time.Time) {
	next := func(pid int) int {
		if pid++; pid >= w.pidMax {
			return min(reservedPIDs, last)
		}
		return pid
	}
	n := last - prev
	if n < 0 {
		n += w.pidMax - min(reservedPIDs, last)
	}
	if n > maxBurst {
		// Counted as created and not probed; a rescan, at once, finds those still alive.
		skip := n - maxBurst
		w.stats.SkippedPIDs += int64(skip)
		w.acct.created += int64(skip)
		for range skip {
			prev = next(prev)
		}
		n = maxBurst
		w.nextRescan = now
	}
	floor := w.ticksAt(w.lastTick)
	for pid := prev; n > 0; n-- {
		pid = next(pid)
		if pid <= 0 {
			continue
		}
		w.count(pid, w.probeNew(pid, now, byFastPath), floor)
	}
}

// bootWallTime is the wall-clock time of boot: now minus CLOCK_BOOTTIME, the clock that
// start ticks count. Unlike btime in /proc/stat it is not rounded to the second.
func bootWallTime() time.Time {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return time.Time{}
	}
	return time.Now().Add(-time.Duration(ts.Nano()))
}

// pin runs the process on the CPU Options.CPU names, or on the one idlest during Start. It
// returns nil, nil when it does not pin (AnyCPU, or no reading of the idle times).
func (w *Watcher) pin() (undo func(), err error) {
	if w.opts.CPU == AnyCPU {
		return nil, nil
	}
	cpu := w.cpu
	if cpu < 0 {
		if w.idleAtStart == nil {
			return nil, nil
		}
		after, err := readCPUIdle(w.opts.Root)
		if err != nil {
			return nil, nil
		}
		var allowed unix.CPUSet
		if err := unix.SchedGetaffinity(0, &allowed); err != nil {
			return nil, err
		}
		if cpu = idlestCPU(w.idleAtStart, after, &allowed); cpu < 0 {
			return nil, nil
		}
	}
	undo, err = pinProcess(cpu)
	if err == nil {
		w.stats.CPU = cpu
	}
	return undo, err
}
