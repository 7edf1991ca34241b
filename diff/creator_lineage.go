package diff

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/procsnap/procsnap/snapshot"
)

// Lineage evidence for the creator inference: the cgroup and the audit session a process
// shares with a candidate. A daemon stays in its launcher's cgroup and audit session after any
// number of forks and setsid; only few processes share a cgroup or session a launcher made for
// itself, so the evidence is split among them (lineageWeight/(n-1) each).

// member is one process of a cgroup or audit session.
type member struct {
	proc *snapshot.Process
	inB  bool
}

// lineageIndex groups the processes of A and B (each identity once, B's record first) by
// cgroup and by audit session.
type lineageIndex struct {
	cgroup  map[string][]member
	session map[uint32][]member
}

func buildLineage(a, b *snapshot.Snapshot) *lineageIndex {
	x := &lineageIndex{cgroup: map[string][]member{}, session: map[uint32][]member{}}
	add := func(p *snapshot.Process, inB bool) {
		if p.Kthread {
			return
		}
		if k := cgroupKey(p); k != "" {
			x.cgroup[k] = append(x.cgroup[k], member{p, inB})
		}
		if s, ok := p.AuditSession(); ok {
			x.session[s] = append(x.session[s], member{p, inB})
		}
	}
	for i := range b.Processes {
		add(&b.Processes[i], true)
	}
	for i := range a.Processes {
		if pa := &a.Processes[i]; find(b, pa.Key()) == nil {
			add(pa, false)
		}
	}
	return x
}

// cgroupKey is the whole cgroup membership of p (v2 path and every v1 hierarchy), "" when
// unread.
func cgroupKey(p *snapshot.Process) string {
	if p.Cgroup == "" && len(p.CgroupV1) == 0 {
		return ""
	}
	return strings.Join(append([]string{p.Cgroup}, p.CgroupV1...), "\n")
}

// cgroupName is how a cgroup is named in evidence: its v2 path, else its v1 hierarchies.
func cgroupName(p *snapshot.Process) string {
	if p.Cgroup != "" && p.Cgroup != "/" || len(p.CgroupV1) == 0 {
		return p.Cgroup
	}
	return strings.Join(p.CgroupV1, " ")
}

// scoreLineage adds lineageWeight/(n-1) to every candidate in p's cgroup, and again to every
// candidate in p's audit session, where n processes (p included) share it and n <= maxHolders.
func (c *comparer) scoreLineage(p *snapshot.Process, get func(*snapshot.Process, bool) *candidate) {
	if c.lineage == nil {
		c.lineage = buildLineage(c.a, c.b)
	}
	share := func(ms []member, what string) {
		n := len(ms)
		if n < 2 || n > maxHolders {
			return
		}
		w := round2(lineageWeight / float64(n-1))
		for _, m := range ms {
			if cd := get(m.proc, m.inB); cd != nil {
				cd.score += w
				cd.lineage = append(cd.lineage, fmt.Sprintf("same %s (%d processes share it, +%.2f)", what, n, w))
			}
		}
	}
	if k := cgroupKey(p); k != "" {
		share(c.lineage.cgroup[k], "cgroup "+cgroupName(p))
	}
	if s, ok := p.AuditSession(); ok {
		share(c.lineage.session[s], fmt.Sprintf("audit session %d (loginuid %s)", s, loginName(p)))
	}
}

func loginName(p *snapshot.Process) string {
	if p.AuditLoginUID == nil || *p.AuditLoginUID == snapshot.AuditUnset {
		return "unset"
	}
	return fmt.Sprint(*p.AuditLoginUID)
}

// contradicted removes from cands every candidate whose audit session is set and differs from
// p's (set or not, when read): a child inherits its creator's audit session, which only a new
// login changes, and a set session is not unset again but by a privileged process doing so on
// purpose. It returns why each one was ruled out, sorted.
func (c *comparer) contradicted(p *snapshot.Process, cands map[snapshot.Key]*candidate) []string {
	if p.AuditSessionID == nil {
		return nil
	}
	sp := *p.AuditSessionID
	var out []string
	for k, cd := range cands {
		sq, ok := cd.proc.AuditSession()
		if !ok || sq == sp || cd.score <= 0 {
			continue
		}
		mine := strconv.FormatUint(uint64(sp), 10)
		if sp == snapshot.AuditUnset {
			mine = "unset"
		}
		out = append(out, fmt.Sprintf("%s: its audit session %d is not the process's (%s): a child inherits its creator's",
			describe(cd.proc), sq, mine))
		delete(cands, k)
	}
	sort.Strings(out)
	return out
}
