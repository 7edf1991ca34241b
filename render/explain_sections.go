package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/procsnap/procsnap/diff/explain"
)

func pageIdentity(pg *page, id *explain.Identity) {
	pg.head("IDENTITY")
	pg.field("started", fmt.Sprintf("%s, %s ago", id.StartTime.UTC().Format("2006-01-02 15:04:05Z"),
		ago(time.Duration(id.AgeSeconds)*time.Second)))
	exe := id.Exe
	switch {
	case exe == "" && id.State == "Z":
		exe = "none: a zombie has released its program"
	case exe == "":
		exe = "unknown"
	}
	if id.ExeDeleted {
		exe += " (deleted: the binary on disk is gone or replaced)"
	}
	pg.field("exe", exe)
	if len(id.Cmdline) > 0 {
		pg.field("cmdline", strings.Join(id.Cmdline, " "))
	}
	pg.field("ids", fmt.Sprintf("uid %d euid %d gid %d egid %d", id.UID, id.EUID, id.GID, id.EGID))
	if id.Cgroup != "" {
		pg.field("cgroup", id.Cgroup)
	}
	if id.AuditLoginUID != nil && id.AuditSessionID != nil {
		pg.field("audit", auditText(*id.AuditLoginUID, *id.AuditSessionID))
	}
	ns := id.VersusInit
	if len(id.NSpid) > 1 {
		ns += fmt.Sprintf("; pid %d inside its PID namespace", id.NSpid[len(id.NSpid)-1])
	}
	pg.field("namespaces", ns)
	pg.field("state", fmt.Sprintf("%s, %d thread(s): %s", id.State, id.Threads, id.Meaning))
	for _, r := range id.Reused {
		pg.field("pid reused", fmt.Sprintf("the captures also show pid %d as another process (%s, start %d)",
			r.PID, r.Comm, r.StartTicks))
	}
	pg.gaps(id.Unseen)
}

func pageStanding(pg *page, st *explain.Standing) {
	pg.head("STANDING")
	pg.field("session", fmt.Sprintf("%d, leader %s", st.SID, name(st.SessionLeader)))
	pg.field("group", fmt.Sprintf("%d, leader %s", st.PGID, name(st.GroupLeader)))
	switch {
	case st.TTY == "":
		pg.field("tty", "none (no controlling terminal)")
	case st.Foreground:
		pg.field("tty", st.TTY+", its group is in the foreground")
	default:
		pg.field("tty", st.TTY+", in the background")
	}
	orph := "no: a member's parent is in another group of its session"
	if st.OrphanedGroup {
		orph = "yes: no member's parent is in another group of its session"
	}
	pg.field("orphaned", orph)
	for _, n := range st.Notes {
		pg.field("note", n)
	}
	pg.gaps(st.Unseen)
}

func pageLineage(pg *page, l *explain.Lineage) {
	pg.head("LINEAGE")
	var ch []string
	for i := range l.Chain {
		ch = append(ch, name(&l.Chain[i]))
	}
	pg.field("chain", strings.Join(ch, " ← "))
	switch l.Adopted {
	case "init":
		pg.field("adopted", "by init: its creator exited, or init started it")
	case "subreaper":
		pg.field("adopted", "by a subreaper: its creator exited")
	}
	pg.field("creator", l.Verdict)
	for i, c := range l.Candidates {
		pg.field(fmt.Sprintf("%d.", i+1), fmt.Sprintf("%s: %s, rank %d, score %.2f", name(&c.Proc), c.Confidence, c.Rank, c.Score))
		for _, e := range c.Evidence {
			pg.field("", "- "+e)
		}
	}
	pg.gaps(l.Unseen)
}

func pageFDs(pg *page, d *explain.Descriptors) {
	pg.head(fmt.Sprintf("DESCRIPTORS (%d)", len(d.FDs)))
	for _, fd := range d.FDs {
		target := fd.Target
		if target == "" {
			target = "(unread: " + fd.Unread + ")"
		}
		flags := fd.Flags
		if flags == "" {
			flags = "flags unread"
		} else if !fd.CloExec {
			flags += ", inherited by exec"
		}
		v := fmt.Sprintf("%s %s; %s", fd.Kind, target, flags)
		if fd.Kind == "file" {
			v += fmt.Sprintf(", offset %d", fd.Pos)
		}
		if len(fd.Others) > 0 {
			var o []string
			shown := fd.Others[:min(len(fd.Others), 3)]
			for _, h := range shown {
				o = append(o, fmt.Sprintf("%d (%s) fd %d", h.PID, h.Comm, h.FD))
			}
			if more := fd.OthersTotal - len(shown); more > 0 {
				o = append(o, fmt.Sprintf("and %d more", more))
			}
			v += "; also held by " + strings.Join(o, ", ")
		}
		pg.field(fmt.Sprintf("fd %d", fd.FD), v)
	}
	pg.gaps(d.Unseen)
}

func pageChildren(pg *page, c *explain.Children) {
	pg.head(fmt.Sprintf("CHILDREN (%d live, %d zombie)", len(c.Live), len(c.Zombies)))
	for i := range c.Live {
		pg.field("live", fmt.Sprintf("%s, state %s", name(&c.Live[i].Proc), c.Live[i].State))
	}
	for _, z := range c.Zombies {
		v := fmt.Sprintf("%d (%s)", z.Proc.PID, z.Proc.Comm)
		if z.Since != nil {
			v += ", a zombie since " + z.Since.UTC().Format("2006-01-02 15:04:05Z")
		}
		pg.field("zombie", v)
	}
	if c.SigChld != "" {
		pg.field("SIGCHLD", c.SigChld)
	}
	pg.field("reaps", c.Reaps)
	pg.gaps(c.Unseen)
}

func pageHistory(pg *page, h *explain.HistoryPart) {
	pg.head(fmt.Sprintf("HISTORY (%d captures)", h.Captures))
	if !h.FirstSeen.IsZero() {
		pg.field("first seen", h.FirstSeen.UTC().Format("2006-01-02 15:04:05Z"))
		pg.field("last seen", h.LastSeen.UTC().Format("2006-01-02 15:04:05Z"))
	}
	for _, e := range h.Events {
		pg.field(e.Time.UTC().Format("15:04:05Z"), e.Summary)
	}
	pg.gaps(h.Unseen)
}

// auditText describes an audit login; 4294967295 means never set.
func auditText(uid, session uint32) string {
	const unset = 1<<32 - 1
	if uid == unset && session == unset {
		return "no login session (never set: started outside any login)"
	}
	u, sid := strconv.FormatUint(uint64(uid), 10), strconv.FormatUint(uint64(session), 10)
	if uid == unset {
		u = "unset"
	}
	if session == unset {
		sid = "unset"
	}
	return "login uid " + u + ", session " + sid
}
