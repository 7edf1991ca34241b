package explain

import (
	"fmt"

	"github.com/procsnap/procsnap/snapshot"
)

func (x *explainer) standing() Standing {
	p := x.p
	st := Standing{SID: p.SID, PGID: p.PGID, TTY: p.TTY, Unseen: gaps(p, "stat")}
	st.SessionLeader = x.leader(p.SID, func(q *snapshot.Process) bool { return q.SID == p.SID })
	st.GroupLeader = x.leader(p.PGID, func(q *snapshot.Process) bool { return q.PGID == p.PGID })
	if p.SID == 0 {
		st.Notes = append(st.Notes, "session 0: its session leader is outside this PID namespace")
	}
	if p.TTYNr != 0 {
		if st.TTY == "" {
			st.TTY = fmt.Sprintf("tty_nr %d", p.TTYNr)
		}
		st.Foreground = p.TPGID == p.PGID
	}
	st.OrphanedGroup = x.orphanedGroup()
	if len(x.s.Header.Options.PIDs) > 0 {
		st.Notes = append(st.Notes, "the snapshot holds only some PIDs: leaders and group members may be missing")
	}
	return st
}

// leader names the process leading a session or group id, marked gone when it exited or left.
func (x *explainer) leader(id int, member func(*snapshot.Process) bool) *Proc {
	if id <= 0 {
		return nil
	}
	q := x.s.Find(id)
	if q == nil || !member(q) {
		return &Proc{PID: id, Gone: true}
	}
	pr := procOf(q)
	return &pr
}

// orphanedGroup applies the kernel's rule: a process group is orphaned when no member has a
// parent in another group of the same session.
func (x *explainer) orphanedGroup() bool {
	p := x.p
	for i := range x.s.Processes {
		q := &x.s.Processes[i]
		if q.PGID != p.PGID || q.IsZombie() {
			continue
		}
		if parent := x.s.Find(q.PPID); parent != nil && parent.PGID != p.PGID && parent.SID == p.SID {
			return false
		}
	}
	return true
}
