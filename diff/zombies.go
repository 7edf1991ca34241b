package diff

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ZombieReport describes every zombie in B and the parents that are not reaping them.
type ZombieReport struct {
	Zombies []Zombie       `yaml:"zombies,omitempty" json:"zombies,omitempty"`
	Parents []ZombieParent `yaml:"parents,omitempty" json:"parents,omitempty"`
	Summary string         `yaml:"summary" json:"summary"`
}

// Zombie is one zombie of B.
type Zombie struct {
	PID        int    `yaml:"pid" json:"pid"`
	StartTicks uint64 `yaml:"start_ticks" json:"start_ticks"`
	Comm       string `yaml:"comm" json:"comm"`
	PPID       int    `yaml:"ppid" json:"ppid"`
	// InA says it was already a zombie in A, so it has been one for at least B−A.
	InA bool `yaml:"in_a" json:"in_a"`
	// ZombieAtLeastSeconds is B−A in seconds when InA, else zero.
	ZombieAtLeastSeconds float64 `yaml:"zombie_at_least_seconds,omitempty" json:"zombie_at_least_seconds,omitempty"`
}

// ZombieParent is a process with zombie children in B.
type ZombieParent struct {
	PID        int    `yaml:"pid" json:"pid"`
	StartTicks uint64 `yaml:"start_ticks,omitempty" json:"start_ticks,omitempty"`
	Comm       string `yaml:"comm" json:"comm"`
	// Cmdline is the parent's command line in B.
	Cmdline []string `yaml:"cmdline,omitempty" json:"cmdline,omitempty"`
	State   string   `yaml:"state,omitempty" json:"state,omitempty"`
	Wchan   string   `yaml:"wchan,omitempty" json:"wchan,omitempty"`
	// SigChld is the parent's SIGCHLD disposition: default, ignore or handler ("" if unread).
	SigChld string `yaml:"sigchld,omitempty" json:"sigchld,omitempty"`
	Zombies int    `yaml:"zombies" json:"zombies"`
	// Lingering counts its zombies that were already zombies in A.
	Lingering int `yaml:"lingering" json:"lingering"`
	// NotReaping is set when at least one zombie lingered from A to B: the parent did not wait
	// for it for at least B−A.
	NotReaping bool `yaml:"not_reaping" json:"not_reaping"`
}

// zombieReport builds the report from B, using A to tell which zombies lingered.
func (c *comparer) zombieReport() ZombieReport {
	var r ZombieReport
	parents := map[int]*ZombieParent{}
	for i := range c.b.Processes {
		z := &c.b.Processes[i]
		if !z.IsZombie() || observer(c.b, z) {
			continue
		}
		za := c.findA(z.Key())
		inA := za != nil && za.IsZombie()
		zz := Zombie{PID: z.PID, StartTicks: z.StartTicks, Comm: z.Comm, PPID: z.PPID, InA: inA}
		if inA {
			zz.ZombieAtLeastSeconds = c.res.ElapsedSeconds
		}
		r.Zombies = append(r.Zombies, zz)
		zp := parents[z.PPID]
		if zp == nil {
			zp = &ZombieParent{PID: z.PPID}
			if p := c.b.Find(z.PPID); p != nil {
				zp.StartTicks, zp.Comm, zp.State, zp.Wchan, zp.SigChld = p.StartTicks, p.Comm, p.State, p.Wchan, p.SigChld
				zp.Cmdline = p.Cmdline
			}
			parents[z.PPID] = zp
		}
		zp.Zombies++
		if inA {
			zp.Lingering++
			zp.NotReaping = c.res.Elapsed > 0
		}
	}
	for _, zp := range parents {
		r.Parents = append(r.Parents, *zp)
	}
	slices.SortFunc(r.Parents, func(x, y ZombieParent) int { return cmp.Compare(x.PID, y.PID) })
	r.Summary = zombieSummary(r, c.res.Elapsed)
	return r
}

func zombieSummary(r ZombieReport, elapsed time.Duration) string {
	if len(r.Zombies) == 0 {
		return "no zombies"
	}
	var stuck, fresh []string
	for _, p := range r.Parents {
		d := fmt.Sprintf("%d (%s, %s, SIGCHLD %s, state %s, wchan %s)", p.PID, p.Comm, plural(p.Zombies, "zombie"),
			orUnknown(p.SigChld), orUnknown(p.State), orUnknown(p.Wchan))
		if p.NotReaping {
			stuck = append(stuck, d)
		} else {
			fresh = append(fresh, d)
		}
	}
	s := fmt.Sprintf("%s under %s", plural(len(r.Zombies), "zombie"), plural(len(r.Parents), "parent"))
	if len(stuck) > 0 {
		s += fmt.Sprintf("; not reaping for at least %s: %s", elapsed.Round(time.Millisecond), strings.Join(stuck, ", "))
	}
	if len(fresh) > 0 {
		s += "; new since A (may still be reaped): " + strings.Join(fresh, ", ")
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
