package diff

import (
	"fmt"

	"github.com/procsnap/procsnap/snapshot"
)

// busyStates are the states a running system flips between on its own: running, sleeping,
// disk sleep and idle. Transitions among them are noise unless Options.AllStates.
var busyStates = map[string]bool{"R": true, "S": true, "D": true, "I": true}

func stoppedState(s string) bool { return s == "T" || s == "t" }

// stateSame reports traced/untraced and stopped/continued/state_changed for a process in both
// snapshots. became_zombie is a lifecycle event (lifecycle.go).
func (c *comparer) stateSame(pa, pb *snapshot.Process) {
	c.tracerSame(pa, pb)
	if pa.State == pb.State || pb.State == "Z" { // became_zombie or leader_exited
		return
	}
	e := Event{OldState: pa.State, NewState: pb.State, Wchan: pb.Wchan}
	switch {
	case stoppedState(pb.State) && !stoppedState(pa.State):
		e.Kind = KindStopped
		e.Summary = fmt.Sprintf("stopped (%s → %s)", pa.State, pb.State)
		if pb.State == "t" {
			e.Summary = fmt.Sprintf("stopped by its tracer (%s → t)", pa.State)
		}
	case stoppedState(pa.State) && !stoppedState(pb.State):
		e.Kind = KindContinued
		e.Summary = fmt.Sprintf("continued (%s → %s)", pa.State, pb.State)
	case busyStates[pa.State] && busyStates[pb.State] && !c.opts.AllStates:
		return
	default:
		e.Kind = KindStateChanged
		e.Summary = fmt.Sprintf("state %s → %s", pa.State, pb.State)
		if pb.Wchan != "" && pb.Wchan != "0" {
			e.Summary += " in " + pb.Wchan
		}
	}
	c.emit(pb, e)
}

// tracerSame reports a tracer that appeared, went, or changed.
func (c *comparer) tracerSame(pa, pb *snapshot.Process) {
	if pa.TracerPID == pb.TracerPID {
		return
	}
	if _, unread := pb.Unread["status"]; unread {
		return
	}
	if _, unread := pa.Unread["status"]; unread {
		return
	}
	if pa.TracerPID != 0 {
		t := c.refPIDIn(c.a, pa.TracerPID, RoleTracer)
		c.emit(pb, Event{Kind: KindUntraced, TracerPID: pa.TracerPID, Tracer: t,
			Summary: "no longer traced by " + tracerName(t)})
	}
	c.emitTraced(pb)
}

// emitTraced reports p's tracer, if any.
func (c *comparer) emitTraced(p *snapshot.Process) {
	if p.TracerPID == 0 {
		return
	}
	t := c.refPIDIn(c.b, p.TracerPID, RoleTracer)
	c.emit(p, Event{Kind: KindTraced, TracerPID: p.TracerPID, Tracer: t, Summary: "traced by " + tracerName(t)})
}

// tracerName names a tracer. TracerPid is the tracing thread's id: when that thread is not its
// process's main thread, no recorded process has that PID.
func tracerName(t *Ref) string {
	if t.Comm == "" {
		return fmt.Sprintf("thread %d (not a process leader: its process is not named in the snapshot)", t.PID)
	}
	return fmt.Sprintf("%d (%s)", t.PID, t.Comm)
}

func (c *comparer) refPIDIn(s *snapshot.Snapshot, pid int, role string) *Ref {
	if p := s.Find(pid); p != nil {
		return ref(p, role)
	}
	return c.refPID(pid, role)
}
