package explain

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/procsnap/procsnap/snapshot"
)

// maxMates bounds the older processes a cgroup or audit session may hold to say anything about
// who created whom: a service's cgroup with hundreds of workers names none of them.
const maxMates = 4

// cgroupOf returns p's cgroup v2 path, or on a v1-only host its name=systemd hierarchy's (the
// one that follows sessions and services), "" when not recorded.
func cgroupOf(p *snapshot.Process) string {
	if p.Cgroup != "" {
		return p.Cgroup
	}
	for _, h := range p.CgroupV1 {
		if path, ok := strings.CutPrefix(h, "name=systemd:"); ok {
			return path
		}
	}
	return ""
}

// fromGroup: rank 4, the same cgroup or audit login session as older processes. The only older
// process in it is a medium-confidence candidate, one of a few a low one.
func (x *explainer) fromGroup(c *cands) {
	p := x.p
	if cg := cgroupOf(p); cg != "" && cg != "/" {
		x.fromMates(c, "cgroup "+cg, func(q *snapshot.Process) bool { return cgroupOf(q) == cg })
	}
	if sid, ok := p.AuditSession(); ok {
		x.fromMates(c, "audit login session "+strconv.FormatUint(uint64(sid), 10), func(q *snapshot.Process) bool {
			s, ok := q.AuditSession()
			return ok && s == sid
		})
	}
}

func (x *explainer) fromMates(c *cands, what string, same func(q *snapshot.Process) bool) {
	p := x.p
	var mates []*snapshot.Process
	for i := range x.s.Processes {
		q := &x.s.Processes[i]
		if q.Key() == p.Key() || q.Kthread || q.IsZombie() || isInit(x.s, q.PID) || q.StartTicks > p.StartTicks || !same(q) {
			continue
		}
		mates = append(mates, q)
	}
	if len(mates) == 0 || len(mates) > maxMates {
		return
	}
	conf, how := Medium, "the only older process in its "+what
	if len(mates) > 1 {
		conf, how = Low, fmt.Sprintf("one of %d older processes in its %s", len(mates), what)
	}
	for _, q := range mates {
		c.add(procOf(q), 4, conf, 1/float64(len(mates)), how+"; "+startedBefore(q, p))
	}
}
