package watch

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
)

// userHZ is USER_HZ, the unit of start ticks (fixed at 100 by the kernel ABI).
const userHZ = 100

// maxChain bounds a creation chain (and guards against loops).
const maxChain = 64

func (w *Watcher) emit(e Event) {
	p := w.known[e.Key()]
	if w.opts.PID != 0 && (p == nil || !p.follow) {
		return
	}
	w.stats.Events[e.Kind]++
	w.out = append(w.out, e)
}

// probeNew reads a PID that may be a new process: cmdline first (it disappears first when a
// process exits), then stat (identity, kept open), then status (tgid, uid). Threads, the
// PIDs already known with the same start are ignored. It says what the PID turned out to be.
func (w *Watcher) probeNew(pid int, now time.Time, how seenBy) probed {
	w.stats.Probes++
	dir := w.opts.Root + "/" + strconv.Itoa(pid)
	cmd, err := os.Open(dir + "/cmdline")
	if err != nil {
		return probedAbsent
	}
	var s sighting
	cb, cerr := preadWhole(cmd, &w.buf, maxCmdline)
	if cerr == nil {
		s.Cmdline = splitCmdline(cb)
	}
	st, err := os.Open(dir + "/stat")
	if err != nil {
		cmd.Close()
		return probedAbsent
	}
	b, err := preadWhole(st, &w.buf, 4096)
	if err == nil {
		err = parseStat(b, &s)
	}
	if err == nil {
		var sb []byte
		if sb, err = os.ReadFile(dir + "/status"); err == nil {
			s.Tgid, s.UID, err = parseStatus(sb)
		} else if vanished(err) && s.Threads == 1 {
			// It exited between stat and status, with its command line read: seen in an
			// strace of watch, where each read is slow. Keep it: stat showed one thread,
			// so it is no thread of another process (that would show two at least) but a
			// process of its own, whose uid is unknown.
			s.Tgid, s.UID, err = pid, -1, nil
		}
	}
	if err != nil || s.Tgid != pid {
		st.Close()
		cmd.Close()
		if err == nil {
			return probedThread(s.Start)
		}
		return probedAbsent
	}
	key := snapshot.Key{PID: pid, StartTicks: s.Start}
	if old := w.live[pid]; old != nil {
		if old.key == key {
			st.Close()
			cmd.Close()
			return probedKnown
		}
		w.gone(old, now) // the PID was reused: the one we knew has exited
	}
	w.add(&s, st, cmd, now, how)
	return probedNew
}

// probed is what probeNew found at a PID: probedAbsent (nothing there: gone, or not yet
// visible), probedKnown (a process already followed), probedNew (a process it now follows),
// or, for a thread, its start ticks plus probedThreadBase.
type probed uint64

const (
	probedAbsent probed = iota
	probedKnown
	probedNew
	probedThreadBase
)

func probedThread(start uint64) probed { return probedThreadBase + probed(start) }

// seenBy says how a process was found.
type seenBy int

const (
	byFastPath seenBy = iota // a new PID after the last-PID check
	byRescan                 // listed by a rescan, missed by the fast path
	atStart                  // alive when the watch started
)

// add starts tracking a process and emits started (unless it predates the watch).
func (w *Watcher) add(s *sighting, st, cmd *os.File, now time.Time, how seenBy) {
	p := &proc{
		key: snapshot.Key{PID: s.PID, StartTicks: s.Start}, cur: *s, uid: s.UID,
		birthPPID: s.PPID, firstSeen: now, preexisting: how == atStart,
	}
	if w.keptOpen < w.maxKeptOpen {
		p.stat = st
		w.keptOpen++
	} else {
		st.Close()
	}
	if !w.boot.IsZero() {
		p.start = w.boot.Add(time.Duration(s.Start) * time.Second / userHZ)
	}
	if parent := w.live[s.PPID]; parent != nil && parent.key.StartTicks <= s.Start {
		p.parent = parent.key
		p.follow = parent.follow
	}
	if how != atStart && !s.Kthread && w.adopted(s, now) {
		p.adoptedAtBirth = true
		w.inferCreator(p, now)
	}
	p.follow = p.follow || w.opts.PID == 0 || s.PID == w.opts.PID
	w.live[s.PID] = p
	w.known[p.key] = p
	w.stats.Seen++
	if how == atStart {
		cmd.Close()
		return
	}
	if len(w.young) < maxYoung && !s.Kthread {
		p.young, p.youngEnd, p.cmd = true, now.Add(w.opts.Young), cmd
		p.step, p.nextCheck = w.opts.HotInterval, now.Add(w.opts.HotInterval)
		if w.woken {
			// Found on an inotify wake-up: most likely in the middle of its execve (the
			// loader's IN_OPEN comes before the new command line is in place). Look again
			// as soon as the loader can have run.
			p.step, p.nextCheck = w.opts.HotInterval/2, now.Add(wakeFirstCheck)
		}
		w.young = append(w.young, p)
	} else {
		cmd.Close()
	}
	e := p.event(KindStarted, now)
	e.Chain, e.ChainHow = w.chain(p), chainHow(p)
	e.Late = how == byRescan
	e.Summary = fmt.Sprintf("started %s, child of %s", program(s.Comm, s.Cmdline), w.describe(s.PPID))
	switch {
	case p.inferred != "":
		e.Summary = fmt.Sprintf("started %s, adopted by %s; created by %s (inferred)",
			program(s.Comm, s.Cmdline), w.describe(s.PPID), w.describeKey(p.parent))
	case p.adoptedAtBirth:
		e.Summary = fmt.Sprintf("started %s, adopted by %s; creator unknown", program(s.Comm, s.Cmdline), w.describe(s.PPID))
	}
	if e.Late {
		e.Summary += " (seen by a rescan, late)"
	}
	w.emit(e)
	if s.State == 'Z' || s.State == 'T' || s.State == 't' {
		for _, e := range p.stateEvents('R', now, w.opts.ZombieAfter) {
			w.emit(e)
		}
	}
	w.checkDaemon(p, now)
}

// chain returns p's creation chain: the parent it was born to, that parent's, and so on.
func (w *Watcher) chain(p *proc) []Ancestor {
	var out []Ancestor
	for from, k := p, p.parent; k.PID != 0 && len(out) < maxChain; {
		a := w.known[k]
		if a == nil {
			out = append(out, Ancestor{PID: k.PID, StartTicks: k.StartTicks, Inferred: from.inferred != ""})
			break
		}
		out = append(out, Ancestor{
			PID: a.key.PID, StartTicks: a.key.StartTicks, Comm: a.cur.Comm,
			Cmdline: a.cur.Cmdline, Exited: !a.alive() || a.cur.State == 'Z', // a zombie has exited
			Inferred: from.inferred != "",
		})
		from, k = a, a.parent
	}
	return out
}

// reread reads p's stat through its kept-open file (and its cmdline while young). ok is
// false when p has exited and been reaped.
func (w *Watcher) reread(p *proc) (s sighting, ok bool) {
	var b []byte
	var err error
	if p.stat != nil {
		b, err = preadWhole(p.stat, &w.buf, 4096)
	} else {
		b, err = os.ReadFile(w.opts.Root + "/" + strconv.Itoa(p.key.PID) + "/stat")
	}
	if err != nil || parseStat(b, &s) != nil || s.Start != p.key.StartTicks {
		return s, false
	}
	s.Tgid, s.UID = p.cur.Tgid, p.cur.UID
	if s.State == 'Z' {
		return s, true // a zombie's cmdline is empty: keep the last one
	}
	if p.cmd != nil || s.Comm != p.cur.Comm {
		s.Cmdline = w.readCmdline(p)
	}
	if s.Comm != p.cur.Comm && s.Cmdline == nil && !s.Kthread {
		// An exec in progress: the kernel sets comm before the new argv is in place. Report
		// the exec at the next read, with its command line.
		s.Comm, s.Cmdline = p.cur.Comm, p.cur.Cmdline
	}
	return s, true
}

func (w *Watcher) readCmdline(p *proc) []string {
	if p.cmd != nil {
		if b, err := preadWhole(p.cmd, &w.buf, maxCmdline); err == nil {
			if sameCmdline(b, p.cur.Cmdline) {
				return p.cur.Cmdline
			}
			return splitCmdline(b)
		}
		return p.cur.Cmdline
	}
	b, err := os.ReadFile(w.opts.Root + "/" + strconv.Itoa(p.key.PID) + "/cmdline")
	if err != nil {
		return p.cur.Cmdline
	}
	return splitCmdline(b)
}

// observe re-reads p and emits what changed, or its exit. It reports whether anything did.
func (w *Watcher) observe(p *proc, now time.Time) (changed bool) {
	s, ok := w.reread(p)
	if !ok {
		w.gone(p, now)
		return true
	}
	changed = s.State != p.cur.State || s.PPID != p.cur.PPID || s.SID != p.cur.SID || s.PGID != p.cur.PGID || s.Comm != p.cur.Comm
	evs := p.diffSighting(&s, now, w.opts.ZombieAfter)
	for i := range evs {
		if evs[i].Kind == KindReparented {
			w.fillReparented(&evs[i], p, now)
		}
		w.emit(evs[i])
	}
	w.checkDaemon(p, now)
	return changed || len(evs) > 0
}

// fillReparented names the old parent (re-reading it first, so its exit is reported before
// the adoption) and the adopter.
func (w *Watcher) fillReparented(e *Event, p *proc, now time.Time) {
	old := w.live[e.OldPPID]
	if old != nil && old != p {
		w.observe(old, now)
	}
	exited := w.live[e.OldPPID] != old || old == nil || old.cur.State == 'Z'
	e.OldParentExited = &exited
	e.OldParent = &diff.Ref{PID: e.OldPPID, Role: diff.RoleParent}
	if old != nil {
		e.OldParent.StartTicks, e.OldParent.Comm = old.key.StartTicks, old.cur.Comm
	}
	w.adopters[e.NewPPID] = true
	role := diff.RoleSubreaper
	if e.NewPPID == 1 {
		role = diff.RoleInit
	}
	e.Adopter = w.ref(e.NewPPID, role)
	how := "still alive"
	if exited {
		how = "exited"
	}
	e.Summary = fmt.Sprintf("reparented: parent %d (%s, %s) → %d (%s, %s)",
		e.OldPPID, e.OldParent.Comm, how, e.NewPPID, e.Adopter.Comm, role)
}

// ref names a live process.
func (w *Watcher) ref(pid int, role string) *diff.Ref {
	r := &diff.Ref{PID: pid, Role: role}
	if p := w.live[pid]; p != nil {
		r.StartTicks, r.Comm = p.key.StartTicks, p.cur.Comm
	}
	return r
}

// describe names a process for a summary: "812 (sshd)".
func (w *Watcher) describe(pid int) string {
	if p := w.live[pid]; p != nil {
		return fmt.Sprintf("%d (%s)", pid, p.cur.Comm)
	}
	return strconv.Itoa(pid)
}

// maxWakeRecheck bounds how many young processes an inotify wake-up re-reads before they are
// due: those not yet seen to exec (see preExec). The first IN_OPEN of an exec (the loader,
// opened by execve itself) comes before the new command line is in place, and on a loaded
// host a forked child can wait milliseconds for a CPU between fork, exec and exit, past the
// scheduled re-reads that back off from HotInterval; the loader's opening of libc, once the
// new command line is in place, wakes the loop again. On a loaded host these re-reads leave
// fewer processes seen only with their parent's command line (README, "Measurements behind the
// code").
const maxWakeRecheck = 64

// wakeFirstCheck is when a process found on an inotify wake-up is first re-read.
const wakeFirstCheck = 200 * time.Microsecond

// preExec reports whether p has only been seen as a copy of its parent: no command line yet
// (an exec in progress) or its parent's.
func (w *Watcher) preExec(p *proc) bool {
	if len(p.cur.Cmdline) == 0 {
		return true
	}
	parent := w.known[p.parent]
	return parent != nil && equalStrings(parent.cur.Cmdline, p.cur.Cmdline)
}

// recheckYoung re-reads the young processes that are due, backing off exponentially from
// HotInterval, and retires those past their young period. It returns when the next one is due.
func (w *Watcher) recheckYoung(now time.Time) (next time.Time) {
	keep := w.young[:0]
	wakeBudget := 0
	if w.woken {
		wakeBudget = maxWakeRecheck
	}
	w.woken = false
	for _, p := range w.young {
		if p.alive() && !now.Before(p.nextCheck) {
			w.observe(p, now)
			p.step *= 2
			p.nextCheck = now.Add(p.step)
		} else if wakeBudget > 0 && p.alive() && now.After(p.firstSeen) && w.preExec(p) {
			// Something was just opened in a library directory: an exec is under way, maybe
			// this one's, which has so far only been seen with its parent's command line.
			wakeBudget--
			w.observe(p, now)
		}
		if p.alive() && now.Before(p.youngEnd) {
			keep = append(keep, p)
			if next.IsZero() || p.nextCheck.Before(next) {
				next = p.nextCheck
			}
			continue
		}
		p.young = false
		p.closeCmd()
	}
	clear(w.young[len(keep):])
	w.young = keep
	return next
}

// spinWindow is how recently a process must have been first seen for spinPreExec to re-read
// it: its fork, found by this tick or the one before (DefaultInterval).
const spinWindow = DefaultInterval

// spinFor bounds how long one wake-up re-reads its processes in spinPreExec, and spinEvery is
// the pause between two re-reads (a sleep: a busy loop took the CPU the exec needed). The 2 ms
// cover most execs of a static program after the wake-up (README: Measurements behind the code).
const (
	spinFor   = 2 * time.Millisecond
	spinEvery = 25 * time.Microsecond
)

// spinPreExec follows a wake-up from a program directory (spinDirs): an exec of a program
// there is under way, and a static program opens nothing else, so no later wake-up comes once
// its new command line is in place, and it may live a tenth of a millisecond after it, less
// than the young re-reads' first step on a loaded host. So the young processes first seen
// within spinWindow that are still copies of their parent are re-read every spinEvery until
// each has exec'd or exited, for at most spinFor; each process once (a fork that never execs,
// a subshell writing to /tmp, costs one spinFor).
func (w *Watcher) spinPreExec() {
	now := w.opts.Now()
	var todo []*proc
	for _, p := range w.young {
		if p.alive() && !p.spun && now.Sub(p.firstSeen) <= spinWindow && w.preExec(p) {
			p.spun = true
			todo = append(todo, p)
		}
	}
	pause := unix.NsecToTimespec(int64(spinEvery))
	for t0 := time.Now(); len(todo) > 0 && time.Since(t0) < spinFor; {
		now := w.opts.Now()
		keep := todo[:0]
		for _, p := range todo {
			w.observe(p, now)
			if p.alive() && p.cur.State != 'Z' && w.preExec(p) {
				keep = append(keep, p)
			}
		}
		todo = keep
		if len(todo) > 0 {
			_ = unix.Nanosleep(&pause, nil)
		}
	}
}

// gone records that p exited and was reaped.
func (w *Watcher) gone(p *proc, now time.Time) {
	if !p.alive() {
		return
	}
	p.exitedAt = now
	if p.stat != nil {
		w.keptOpen--
	}
	p.closeFiles()
	if w.live[p.key.PID] == p {
		delete(w.live, p.key.PID)
	}
	w.exited = append(w.exited, p)
	defer w.rereadKids(p, now)
	switch {
	case p.zombieSaid:
		e := p.event(KindReaped, now)
		e.LifetimeNS = p.lifetime(now)
		e.ReapedBy = w.ref(p.cur.PPID, diff.RoleParent)
		e.Summary = fmt.Sprintf("zombie reaped by %s", w.describe(p.cur.PPID))
		w.emit(e)
	case !p.exitSaid:
		p.exitSaid = true
		e := p.event(KindExited, now)
		e.LifetimeNS = p.lifetime(now)
		e.Summary = fmt.Sprintf("exited after %s (was %c, child of %d)", lifetimeString(e.LifetimeNS), p.cur.State, p.cur.PPID)
		if !p.zombieAt.IsZero() { // seen a zombie, reaped before it lingered
			e.LifetimeNS = p.lifetime(p.zombieAt)
			e.Summary = fmt.Sprintf("exited after %s (a zombie, child of %d, reaped since)", lifetimeString(e.LifetimeNS), p.cur.PPID)
		}
		w.emit(e)
	}
}
