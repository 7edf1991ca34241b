package watch

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"

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
// PIDs already known with the same start are ignored.
func (w *Watcher) probeNew(pid int, now time.Time, how seenBy) {
	w.stats.Probes++
	dir := w.opts.Root + "/" + strconv.Itoa(pid)
	cmd, err := os.Open(dir + "/cmdline")
	if err != nil {
		return
	}
	var s sighting
	cb, cerr := preadWhole(cmd, &w.buf, maxCmdline)
	if cerr == nil {
		s.Cmdline = splitCmdline(cb)
	}
	st, err := os.Open(dir + "/stat")
	if err != nil {
		cmd.Close()
		return
	}
	b, err := preadWhole(st, &w.buf, 4096)
	if err == nil {
		err = parseStat(b, &s)
	}
	if err == nil {
		var sb []byte
		if sb, err = os.ReadFile(dir + "/status"); err == nil {
			s.Tgid, s.UID, err = parseStatus(sb)
		}
	}
	if err != nil || s.Tgid != pid {
		st.Close()
		cmd.Close()
		return
	}
	key := snapshot.Key{PID: pid, StartTicks: s.Start}
	if old := w.live[pid]; old != nil {
		if old.key == key {
			st.Close()
			cmd.Close()
			return
		}
		w.gone(old, now) // the PID was reused: the one we knew has exited
	}
	w.add(&s, st, cmd, now, how)
}

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
		w.young = append(w.young, p)
	} else {
		cmd.Close()
	}
	e := p.event(KindStarted, now)
	e.Chain = w.chain(p)
	e.Late = how == byRescan
	e.Summary = fmt.Sprintf("started %s, child of %s", program(s.Comm, s.Cmdline), w.describe(s.PPID))
	if e.Late {
		e.Summary += " (seen by a rescan, late)"
	}
	w.emit(e)
	if s.State == 'Z' || s.State == 'T' || s.State == 't' {
		for _, e := range p.stateEvents('R', now, w.opts.ZombieAfter) {
			w.emit(e)
		}
	}
}

// chain returns p's creation chain: the parent it was born to, that parent's, and so on.
func (w *Watcher) chain(p *proc) []Ancestor {
	var out []Ancestor
	for k := p.parent; k.PID != 0 && len(out) < maxChain; {
		a := w.known[k]
		if a == nil {
			out = append(out, Ancestor{PID: k.PID, StartTicks: k.StartTicks})
			break
		}
		out = append(out, Ancestor{
			PID: a.key.PID, StartTicks: a.key.StartTicks, Comm: a.cur.Comm,
			Cmdline: a.cur.Cmdline, Exited: !a.alive(),
		})
		k = a.parent
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

// observe re-reads p and emits what changed, or its exit.
func (w *Watcher) observe(p *proc, now time.Time) {
	s, ok := w.reread(p)
	if !ok {
		w.gone(p, now)
		return
	}
	evs := p.diffSighting(&s, now, w.opts.ZombieAfter)
	for i := range evs {
		if evs[i].Kind == KindReparented {
			w.fillReparented(&evs[i], p, now)
		}
		w.emit(evs[i])
	}
	w.checkDaemon(p, now)
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

// checkDaemon emits daemonized, once, for a process that left its parent and leads its own
// session: the classic double fork.
func (w *Watcher) checkDaemon(p *proc, now time.Time) {
	if p.daemonSaid || p.preexisting || p.cur.State == 'Z' {
		return
	}
	if p.cur.PPID != p.birthPPID && p.cur.SID == p.key.PID {
		p.daemonSaid = true
		// Re-read the living ancestors first, so the chain says which have exited.
		for k, n := p.parent, 0; k.PID != 0 && n < maxChain; n++ {
			a := w.known[k]
			if a == nil {
				break
			}
			if a.alive() {
				if s, ok := w.reread(a); !ok || s.Start != a.key.StartTicks {
					w.gone(a, now)
				}
			}
			k = a.parent
		}
		e := p.event(KindDaemonized, now)
		e.Adopter = w.ref(p.cur.PPID, diff.RoleSubreaper)
		if p.cur.PPID == 1 {
			e.Adopter.Role = diff.RoleInit
		}
		e.Chain = w.chain(p)
		e.Summary = fmt.Sprintf("daemonized: born to %d, now leads session %d, adopted by %s",
			p.birthPPID, p.cur.SID, w.describe(p.cur.PPID))
		w.emit(e)
	}
}

// recheckYoung re-reads the young processes that are due, backing off exponentially from
// HotInterval, and retires those past their young period. It returns when the next one is due.
func (w *Watcher) recheckYoung(now time.Time) (next time.Time) {
	keep := w.young[:0]
	for _, p := range w.young {
		if p.alive() && !now.Before(p.nextCheck) {
			w.observe(p, now)
			p.step *= 2
			p.nextCheck = now.Add(p.step)
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
		w.emit(e)
	}
}

// rescan lists the proc root, probes the processes the fast path missed and queues every
// other live process for re-reading, which stepRescan spreads over the rescan period so the
// fast path never waits for a whole pass. The initial rescan records what is alive, without
// events, and re-reads nothing.
func (w *Watcher) rescan(now time.Time, initial bool) error {
	w.stats.Rescans++
	w.nextRescan = now.Add(w.opts.Rescan)
	pids, err := listPIDs(w.opts.Root)
	if err != nil {
		return err
	}
	how := byRescan
	if initial {
		how = atStart
	}
	for _, pid := range pids {
		if w.live[pid] == nil {
			w.probeNew(pid, now, how)
		}
	}
	// Whatever is left of the previous pass is finished first.
	for _, p := range w.scanQ[w.scanPos:] {
		if p.alive() && !p.young {
			w.observe(p, now)
		}
	}
	w.scanQ = w.scanQ[:0]
	for _, p := range w.live {
		w.scanQ = append(w.scanQ, p)
	}
	w.scanPos, w.scanFrom = 0, now
	w.prune(now)
	return nil
}

// stepRescan re-reads the share of the queued processes due by now.
func (w *Watcher) stepRescan(now time.Time) {
	left := len(w.scanQ) - w.scanPos
	if left <= 0 {
		return
	}
	due := len(w.scanQ)
	if el := now.Sub(w.scanFrom); el < w.opts.Rescan {
		due = int(int64(len(w.scanQ))*int64(el)/int64(w.opts.Rescan)) + 1
	}
	for w.scanPos < due && w.scanPos < len(w.scanQ) {
		p := w.scanQ[w.scanPos]
		w.scanQ[w.scanPos] = nil
		w.scanPos++
		if p.alive() && !p.young {
			w.observe(p, now)
		}
	}
}

// prune forgets exited processes after ForgetAfter unless a live process descends from them,
// and the oldest ones beyond MaxExited in any case.
func (w *Watcher) prune(now time.Time) {
	pinned := map[snapshot.Key]bool{}
	for _, p := range w.live {
		for k, n := p.parent, 0; k.PID != 0 && n < maxChain; n++ {
			a := w.known[k]
			if a == nil || a.alive() || pinned[k] {
				break
			}
			pinned[k] = true
			k = a.parent
		}
	}
	over := len(w.exited) - w.opts.MaxExited
	keep := w.exited[:0]
	for i, p := range w.exited {
		if i < over || (!pinned[p.key] && now.Sub(p.exitedAt) >= w.opts.ForgetAfter) {
			delete(w.known, p.key)
			w.stats.Forgotten++
			continue
		}
		keep = append(keep, p)
	}
	clear(w.exited[len(keep):])
	w.exited = keep
}

// listPIDs lists the numeric entries of the proc root.
func listPIDs(root string) ([]int, error) {
	f, err := os.Open(root)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", snapshot.ErrProcUnreadable, err)
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("%w: listing %s: %w", snapshot.ErrProcUnreadable, root, err)
	}
	pids := make([]int, 0, len(names))
	for _, n := range names {
		if pid, err := strconv.Atoi(n); err == nil && pid > 0 {
			pids = append(pids, pid)
		}
	}
	slices.Sort(pids)
	return pids, nil
}
