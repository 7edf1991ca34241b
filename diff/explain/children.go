package explain

import (
	"github.com/procsnap/procsnap/snapshot"
)

func (x *explainer) children() Children {
	p := x.p
	c := Children{SigChld: p.SigChld, Unseen: gaps(p, "children")}
	for i := range x.s.Processes {
		q := &x.s.Processes[i]
		if q.PPID != p.PID || q.PID == p.PID {
			continue
		}
		ch := Child{Proc: procOf(q), State: q.State}
		if !q.IsZombie() {
			c.Live = append(c.Live, ch)
			continue
		}
		if x.in.Trail != nil {
			if t, ok := x.in.Trail.zombieSince[q.Key()]; ok {
				ch.Since = &t
			}
		}
		c.Zombies = append(c.Zombies, ch)
	}
	c.Reaps = reaps(p, len(c.Zombies))
	if p.SigChld == "" && !p.IsZombie() && !p.Kthread {
		c.Unseen = append(c.Unseen, Gap{What: "SIGCHLD disposition", Reason: orReason(p.Unread["status"])})
	}
	if len(x.s.Header.Options.PIDs) > 0 {
		c.Unseen = append(c.Unseen, Gap{What: "children outside the snapshot's --pid list", Reason: "not read"})
	}
	return c
}

// reaps says whether p collects its dead children, from its SIGCHLD disposition and the zombies
// it has now.
func reaps(p *snapshot.Process, zombies int) string {
	switch {
	case p.IsZombie():
		return "no: it is a zombie itself; its children go to init or a subreaper"
	case p.SigChld == snapshot.SigChldIgnore:
		return "automatically: SIGCHLD is ignored, so the kernel reaps its children"
	case zombies > 0 && p.SigChld == snapshot.SigChldDefault:
		return "no: SIGCHLD is at its default and it holds zombies: it is not waiting for them"
	case zombies > 0:
		return "not now: it catches SIGCHLD but holds zombies it has not waited for"
	case p.SigChld == snapshot.SigChldHandler:
		return "likely: it catches SIGCHLD and holds no zombie"
	case p.SigChld == snapshot.SigChldDefault:
		return "when it waits: SIGCHLD is at its default and it holds no zombie"
	}
	return "unknown: SIGCHLD disposition not read"
}

func orReason(s string) string {
	if s == "" {
		return "not recorded"
	}
	return s
}
