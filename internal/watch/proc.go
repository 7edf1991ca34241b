package watch

import (
	"os"
	"strconv"
	"time"

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
	stat      *os.File      // kept open while alive: reads follow this process, not a reused PID
	cmd       *os.File      // kept open while young

	preexisting bool // alive when the watch started: its parent at birth is unknown
	follow      bool // matches the --pid filter
	zombieSaid  bool // became_zombie was emitted
	exitSaid    bool // exited was emitted
	daemonSaid  bool // daemonized was emitted
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
	return Event{
		Time: t, Kind: kind, PID: p.key.PID, StartTicks: p.key.StartTicks,
		PPID: p.cur.PPID, UID: p.uid, Comm: p.cur.Comm, Cmdline: p.cur.Cmdline,
	}
}

// change makes an event whose From and To are integers.
func (p *proc) change(kind string, t time.Time, from, to int) Event {
	e := p.event(kind, t)
	e.From, e.To = strconv.Itoa(from), strconv.Itoa(to)
	return e
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
	if old.Cmdline == nil && s.Comm == old.Comm {
		old.Cmdline = s.Cmdline // first read raced an exec in progress: not a new exec
		p.cur.Cmdline = s.Cmdline
	}
	if s.State != 'Z' && !s.Kthread && (s.Comm != old.Comm || !equalStrings(s.Cmdline, old.Cmdline)) {
		e := p.event(KindExec, now)
		e.From, e.To = old.Comm, s.Comm
		out = append(out, e)
	}
	if s.PPID != old.PPID {
		out = append(out, p.change(KindReparented, now, old.PPID, s.PPID))
	}
	switch {
	case s.SID != old.SID:
		out = append(out, p.change(KindSetsid, now, old.SID, s.SID))
	case s.PGID != old.PGID:
		out = append(out, p.change(KindSetpgid, now, old.PGID, s.PGID))
	}
	out = append(out, p.stateEvents(old.State, now, zombieAfter)...)
	return out
}

// stateEvents reports stops, continues, traces and zombies.
func (p *proc) stateEvents(was byte, now time.Time, zombieAfter time.Duration) []Event {
	is := p.cur.State
	state := func(kind string) Event {
		e := p.event(kind, now)
		e.From, e.To = string(was), string(is)
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
		if !p.exitSaid {
			p.exitSaid = true
			e := state(KindExited)
			e.LifetimeNS = p.lifetime(now)
			out = append(out, e)
		}
		if !p.zombieSaid && now.Sub(p.zombieAt) >= zombieAfter {
			p.zombieSaid = true
			e := state(KindBecameZombie)
			e.From = string(p.preZombie)
			e.LifetimeNS = p.lifetime(p.zombieAt)
			out = append(out, e)
		}
	case is == was:
	case is == 'T':
		out = append(out, state(KindStopped))
	case is == 't':
		out = append(out, state(KindTraced))
	case was == 'T' || was == 't':
		out = append(out, state(KindContinued))
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
