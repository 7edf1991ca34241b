package watch

import (
	"fmt"
	"os"
	"time"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
)

// proc is one process the watcher knows, alive or remembered after its exit.
type proc struct {
	key       snapshot.Key
	parent    snapshot.Key // the parent it was born to (ppid at first sight); zero if unknown
	birthPPID int
	cur       sighting
	uid       int
	start     time.Time // kernel start time, 1/USER_HZ precision
	firstSeen time.Time
	exitedAt  time.Time // zero while alive
	zombieAt  time.Time // when it was first seen as a zombie; zero otherwise

	young     bool
	youngEnd  time.Time
	nextCheck time.Time     // when a young process is re-read next
	step      time.Duration // and the period after that, doubling from HotInterval
	preZombie byte          // the state before it became a zombie
	idle      int           // rescans in a row (log2, capped) that found it unchanged
	skip      int           // rescans it sits out before its next re-read (see maxSkip)
	stat      *os.File      // kept open while alive: reads follow this process, not a reused PID
	cmd       *os.File      // kept open while young

	inferred string // how parent was inferred (adopted.go), "" when it was seen
	// adoptedAtBirth is set for a process first seen already adopted: its parent then was
	// not its creator.
	adoptedAtBirth bool
	preexisting    bool // alive when the watch started: its parent at birth is unknown
	follow         bool // matches the --pid filter
	zombieSaid     bool // became_zombie was emitted
	exitSaid       bool // exited was emitted
	daemonSaid     bool // daemonized was emitted
	spun           bool // spinPreExec has re-read it
}

func (p *proc) alive() bool { return p.exitedAt.IsZero() }

func (p *proc) closeFiles() {
	if p.stat != nil {
		p.stat.Close()
		p.stat = nil
	}
	p.closeCmd()
}

func (p *proc) closeCmd() {
	if p.cmd != nil {
		p.cmd.Close()
		p.cmd = nil
	}
}

// event makes an event of kind about p at t, with p's current identity and command.
func (p *proc) event(kind string, t time.Time) Event {
	return Event{Time: t, UID: p.uid, Event: diff.Event{
		Kind: kind, PID: p.key.PID, StartTicks: p.key.StartTicks,
		PPID: p.cur.PPID, Comm: p.cur.Comm, Cmdline: p.cur.Cmdline,
	}}
}

// lifetime is the time from the kernel start time to t.
func (p *proc) lifetime(t time.Time) int64 {
	if p.start.IsZero() || t.Before(p.start) {
		return 0
	}
	return t.Sub(p.start).Nanoseconds()
}

// diffSighting returns the events between p's previous sighting and s, and updates p.
// Exit (a vanished process) is handled by the caller; a zombie state is an exit here.
func (p *proc) diffSighting(s *sighting, now time.Time, zombieAfter time.Duration) []Event {
	old := p.cur
	if s.Cmdline == nil && s.Comm == old.Comm {
		s.Cmdline = old.Cmdline // cmdline not re-read: unchanged as far as we know
	}
	p.cur = *s
	var out []Event
	// A first read that raced an exec (comm already new, argv not yet in place) has no command
	// line: the exec is reported when the argv appears, with an empty old_cmdline.
	if s.State != 'Z' && !s.Kthread && (s.Comm != old.Comm || !equalStrings(s.Cmdline, old.Cmdline)) {
		e := p.event(KindExec, now)
		e.Cmdline, e.OldCmdline, e.NewCmdline = nil, old.Cmdline, s.Cmdline
		e.Summary = fmt.Sprintf("exec: %s → %s", program(old.Comm, old.Cmdline), program(s.Comm, s.Cmdline))
		out = append(out, e)
	}
	if s.PPID != old.PPID && s.State != 'Z' {
		e := p.event(KindReparented, now)
		e.OldPPID, e.NewPPID = old.PPID, s.PPID
		out = append(out, e) // the watcher fills old_parent, adopter and the summary
	}
	switch {
	case s.SID != old.SID:
		e := p.event(KindSetsid, now)
		e.OldSID, e.NewSID, e.OldPGID, e.NewPGID = old.SID, s.SID, old.PGID, s.PGID
		e.Summary = fmt.Sprintf("setsid: session %d → %d, group %d → %d", old.SID, s.SID, old.PGID, s.PGID)
		out = append(out, e)
	case s.PGID != old.PGID:
		e := p.event(KindSetpgid, now)
		e.OldPGID, e.NewPGID = old.PGID, s.PGID
		e.Summary = fmt.Sprintf("setpgid: group %d → %d in session %d", old.PGID, s.PGID, s.SID)
		out = append(out, e)
	}
	out = append(out, p.stateEvents(old.State, now, zombieAfter)...)
	return out
}

// stateEvents reports stops, continues, traces and zombies.
func (p *proc) stateEvents(was byte, now time.Time, zombieAfter time.Duration) []Event {
	is := p.cur.State
	state := func(kind, summary string) Event {
		e := p.event(kind, now)
		e.OldState, e.NewState = string(was), string(is)
		e.Summary = summary
		return e
	}
	var out []Event
	switch {
	case is == 'Z':
		if p.zombieAt.IsZero() {
			p.zombieAt, p.preZombie = now, was
			if was == 'Z' {
				p.preZombie = '?'
			}
		}
		// A zombie that lingers past zombieAfter is reported became_zombie, then exited (now,
		// with the lifetime up to when it was first seen a zombie); one reaped sooner only
		// exited (gone).
		if !p.zombieSaid && now.Sub(p.zombieAt) >= zombieAfter {
			p.zombieSaid = true
			e := state(KindBecameZombie, fmt.Sprintf("became a zombie; parent %d has not reaped it", p.cur.PPID))
			e.OldState = string(p.preZombie)
			e.LifetimeNS = p.lifetime(p.zombieAt)
			out = append(out, e)
		}
		if p.zombieSaid && !p.exitSaid {
			p.exitSaid = true
			e := state(KindExited, "")
			e.LifetimeNS = p.lifetime(p.zombieAt)
			e.Summary = fmt.Sprintf("exited after %s (a zombie, child of %d)", lifetimeString(e.LifetimeNS), p.cur.PPID)
			out = append(out, e)
		}
	case is == was:
	case is == 'T':
		out = append(out, state(KindStopped, "stopped (by a signal)"))
	case is == 't':
		out = append(out, state(KindTraced, "stopped by its tracer"))
	case was == 't':
		out = append(out, state(KindUntraced, "left the tracing stop"))
	case was == 'T':
		out = append(out, state(KindContinued, "continued"))
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// program names a command for a summary: argv[0], else [comm].
func program(comm string, argv []string) string {
	if len(argv) > 0 {
		return argv[0]
	}
	return "[" + comm + "]"
}

// lifetimeString rounds a lifetime for a summary.
func lifetimeString(ns int64) string {
	d := time.Duration(ns)
	if d < time.Second {
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}
