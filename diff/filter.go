package diff

import "slices"

// Filter returns a copy of r keeping only events of the given kinds (all when kinds is empty)
// and, when pids is not empty, only events and zombies of those PIDs (a zombie parent counts).
func (r *Result) Filter(kinds []string, pids []int) *Result {
	out := *r
	out.Events = nil
	for _, e := range r.Events {
		if (len(kinds) == 0 || slices.Contains(kinds, e.Kind)) && (len(pids) == 0 || slices.Contains(pids, e.PID)) {
			out.Events = append(out.Events, e)
		}
	}
	if out.Events == nil {
		out.Events = []Event{}
	}
	if len(pids) == 0 {
		return &out
	}
	z := ZombieReport{Summary: r.Zombies.Summary}
	for _, zz := range r.Zombies.Zombies {
		if slices.Contains(pids, zz.PID) || slices.Contains(pids, zz.PPID) {
			z.Zombies = append(z.Zombies, zz)
		}
	}
	for _, p := range r.Zombies.Parents {
		if slices.Contains(pids, p.PID) || slices.ContainsFunc(z.Zombies, func(zz Zombie) bool { return zz.PPID == p.PID }) {
			z.Parents = append(z.Parents, p)
		}
	}
	out.Zombies = z
	return &out
}

// Counts returns the number of events of each kind.
func (r *Result) Counts() map[string]int {
	m := map[string]int{}
	for _, e := range r.Events {
		m[e.Kind]++
	}
	return m
}
