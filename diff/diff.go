package diff

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/procsnap/procsnap/snapshot"
)

// Sentinel errors, for errors.Is. Compare returns them wrapped with both values.
var (
	// ErrBootMismatch marks two snapshots taken in different boots of the host: PIDs and start
	// ticks cannot be matched across a reboot.
	ErrBootMismatch = errors.New("snapshots are from different boots")
	// ErrPIDNamespaceMismatch marks two snapshots taken in different PID namespaces.
	ErrPIDNamespaceMismatch = errors.New("snapshots are from different PID namespaces")
)

// Options shapes a comparison.
type Options struct {
	// Force compares snapshots from different boots or PID namespaces anyway.
	Force bool
	// AllStates reports every state transition, including R, S, D and I flips.
	AllStates bool
}

// Side describes one of the two snapshots compared.
type Side struct {
	TakenAt      time.Time `yaml:"taken_at" json:"taken_at"`
	Hostname     string    `yaml:"hostname" json:"hostname"`
	BootID       string    `yaml:"boot_id" json:"boot_id"`
	PIDNamespace string    `yaml:"pid_namespace" json:"pid_namespace"`
	Processes    int       `yaml:"processes" json:"processes"`
}

// Result is what happened between snapshot A and snapshot B.
type Result struct {
	A Side `yaml:"a" json:"a"`
	B Side `yaml:"b" json:"b"`
	// Elapsed is B's time minus A's; ElapsedSeconds is the same, serialised.
	Elapsed        time.Duration `yaml:"-" json:"-"`
	ElapsedSeconds float64       `yaml:"elapsed_seconds" json:"elapsed_seconds"`
	// Swapped is set when the snapshots were given newest first and were swapped.
	Swapped bool `yaml:"swapped,omitempty" json:"swapped,omitempty"`
	// Forced is set when a boot or namespace mismatch was overridden by Options.Force.
	Forced bool `yaml:"forced,omitempty" json:"forced,omitempty"`
	// Notes are facts about the comparison itself (swaps, forced matches, missing fds).
	Notes []string `yaml:"notes,omitempty" json:"notes,omitempty"`
	// Events are sorted by PID, start ticks, kind (in the order of Kinds), then fd.
	Events []Event `yaml:"events" json:"events"`
	// Zombies reports every zombie in B.
	Zombies ZombieReport `yaml:"zombies" json:"zombies"`
}

// Compare infers what happened between snapshots a and b. It refuses snapshots from different
// boots or PID namespaces (ErrBootMismatch, ErrPIDNamespaceMismatch) unless opts.Force; when b was
// taken before a, the two are swapped and Result.Swapped says so. Neither snapshot is modified.
func Compare(a, b *snapshot.Snapshot, opts Options) (*Result, error) {
	if a == nil || b == nil {
		return nil, errors.New("diff: nil snapshot")
	}
	res := &Result{}
	if b.Header.TakenAt.Before(a.Header.TakenAt) {
		a, b = b, a
		res.Swapped = true
		res.Notes = append(res.Notes, "B was taken before A: the snapshots were swapped")
	}
	if err := checkComparable(a, b, opts, res); err != nil {
		return nil, err
	}
	res.A, res.B = sideOf(a), sideOf(b)
	res.Elapsed = b.Header.TakenAt.Sub(a.Header.TakenAt)
	res.ElapsedSeconds = res.Elapsed.Seconds()
	c := newComparer(a, b, opts, res)
	c.run()
	sortEvents(res.Events)
	if res.Events == nil {
		res.Events = []Event{}
	}
	res.Zombies = c.zombieReport()
	return res, nil
}

func sideOf(s *snapshot.Snapshot) Side {
	h := &s.Header
	return Side{TakenAt: h.TakenAt, Hostname: h.Hostname, BootID: h.BootID,
		PIDNamespace: h.PIDNamespace, Processes: len(s.Processes)}
}

// checkComparable refuses snapshots whose PIDs cannot be matched, unless forced.
func checkComparable(a, b *snapshot.Snapshot, opts Options, res *Result) error {
	ha, hb := &a.Header, &b.Header
	var errs []error
	switch {
	case ha.BootID == "" || hb.BootID == "":
		res.Notes = append(res.Notes, "boot_id missing from a snapshot: cannot tell whether both are from the same boot")
	case ha.BootID != hb.BootID:
		errs = append(errs, fmt.Errorf("%w: boot_id %s (taken %s) vs %s (taken %s)", ErrBootMismatch,
			ha.BootID, stamp(ha.TakenAt), hb.BootID, stamp(hb.TakenAt)))
	}
	if err := checkPIDNamespace(a, b, res); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil
	}
	if !opts.Force {
		return errors.Join(errs...)
	}
	res.Forced = true
	for _, e := range errs {
		res.Notes = append(res.Notes, "forced: "+e.Error())
	}
	return nil
}

// checkPIDNamespace compares the PID namespaces the snapshots read. When a header does not name
// its namespace (an unprivileged take of a container's /proc, or a file of schema v1.1 or older,
// which recorded the taker's), pid 1 decides: the init of a namespace lives as long as the
// namespace, so two pid 1 with different start ticks are two namespaces.
func checkPIDNamespace(a, b *snapshot.Snapshot, res *Result) error {
	na, nb := a.Header.PIDNamespace, b.Header.PIDNamespace
	if na != "" && nb != "" {
		if na != nb {
			return fmt.Errorf("%w: %s vs %s", ErrPIDNamespaceMismatch, na, nb)
		}
		return nil
	}
	if ia, ib := a.Find(1), b.Find(1); ia != nil && ib != nil {
		if ia.StartTicks != ib.StartTicks {
			return fmt.Errorf("%w: pid 1 is %s (start %d) in A and %s (start %d) in B", ErrPIDNamespaceMismatch,
				ia.Comm, ia.StartTicks, ib.Comm, ib.StartTicks)
		}
		return nil
	}
	res.Notes = append(res.Notes, "pid_namespace missing from a snapshot and pid 1 not in both: cannot tell whether both read the same PID namespace")
	return nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// comparer holds the two snapshots and the indexes every event family shares.
type comparer struct {
	a, b *snapshot.Snapshot
	opts Options
	res  *Result
	// scopeA and scopeB are the PID restrictions of each snapshot (nil: every process).
	scopeA, scopeB map[int]bool
	// skippedB maps PIDs listed in B but not recorded to the reason.
	skippedB map[int]string
	// fdsA and fdsB say whether the snapshots recorded descriptors at all.
	fdsA, fdsB bool
	// holders indexes every descriptor by object, built on first use (holderIndex): most
	// diffs infer no creator and need none of it.
	holders *holderIndex
	// byNum is fdsSame's index of A's descriptors by number, reused from process to process.
	byNum map[int]*snapshot.FD
	// subreapers are the PIDs other than init seen adopting a process.
	subreapers map[int]bool
	// creators caches inferred creators by identity.
	creators map[snapshot.Key]Creator
	// lineage groups processes by cgroup and audit session, built on first use.
	lineage *lineageIndex
}

func newComparer(a, b *snapshot.Snapshot, opts Options, res *Result) *comparer {
	c := &comparer{a: a, b: b, opts: opts, res: res,
		scopeA: scope(a), scopeB: scope(b),
		fdsA: !a.Header.Options.NoFDs, fdsB: !b.Header.Options.NoFDs,
	}
	c.skippedB = make(map[int]string, len(b.Header.Skipped))
	for _, s := range b.Header.Skipped {
		c.skippedB[s.PID] = s.Reason
	}
	if !c.fdsA || !c.fdsB {
		res.Notes = append(res.Notes, "a snapshot was taken with --no-fds: no fd events, creators from sessions only")
	}
	c.subreapers = findSubreapers(a, b)
	c.creators = map[snapshot.Key]Creator{}
	return c
}

func scope(s *snapshot.Snapshot) map[int]bool {
	if len(s.Header.Options.PIDs) == 0 {
		return nil
	}
	m := make(map[int]bool, len(s.Header.Options.PIDs))
	for _, p := range s.Header.Options.PIDs {
		m[p] = true
	}
	return m
}

func inScope(m map[int]bool, pid int) bool { return m == nil || m[pid] }

// observer reports whether p is the procsnap process that took its own snapshot: its fds are
// the reads of /proc itself, not events.
func observer(s *snapshot.Snapshot, p *snapshot.Process) bool {
	return s.Header.TakerPID != 0 && p.PID == s.Header.TakerPID
}

// run walks both snapshots in PID order and dispatches every process to the event families.
func (c *comparer) run() {
	as, bs := c.a.Processes, c.b.Processes
	i, j := 0, 0
	for i < len(as) || j < len(bs) {
		switch {
		case j == len(bs) || (i < len(as) && as[i].PID < bs[j].PID):
			c.gone(&as[i])
			i++
		case i == len(as) || bs[j].PID < as[i].PID:
			c.appeared(&bs[j], nil)
			j++
		default:
			pa, pb := &as[i], &bs[j]
			if pa.StartTicks == pb.StartTicks {
				c.same(pa, pb)
			} else {
				c.appeared(pb, pa)
			}
			i++
			j++
		}
	}
}

// same handles a process present in both snapshots.
func (c *comparer) same(pa, pb *snapshot.Process) {
	if observer(c.a, pa) || observer(c.b, pb) {
		return
	}
	c.lifecycleSame(pa, pb)
	c.treeSame(pa, pb)
	c.stateSame(pa, pb)
	c.fdsSame(pa, pb)
	c.daemonCheck(pb, pa)
}

// appeared handles a process of B that is not in A; old is the process that held its PID in A.
func (c *comparer) appeared(pb, old *snapshot.Process) {
	if observer(c.b, pb) || !inScope(c.scopeA, pb.PID) {
		return
	}
	if old != nil && observer(c.a, old) {
		old = nil
	}
	c.lifecycleNew(pb, old)
	c.emitTraced(pb)
	c.fdsNew(pb)
	c.daemonCheck(pb, nil)
}

// gone handles a process of A whose PID is not in B.
func (c *comparer) gone(pa *snapshot.Process) {
	if observer(c.a, pa) || !inScope(c.scopeB, pa.PID) {
		return
	}
	if r, ok := c.skippedB[pa.PID]; ok && r != snapshot.ReasonVanished {
		c.res.Notes = append(c.res.Notes, fmt.Sprintf("pid %d (%s) was listed in B but not recorded (%s): fate unknown", pa.PID, pa.Comm, r))
		return
	}
	c.lifecycleGone(pa)
}

// emit adds an event about p, filling the identity fields.
func (c *comparer) emit(p *snapshot.Process, e Event) {
	e.PID, e.StartTicks, e.Comm = p.PID, p.StartTicks, p.Comm
	if e.Cmdline == nil && !IsFDKind(e.Kind) {
		e.Cmdline = p.Cmdline // enough to tell "sleep 400" from "sleep 401"
	}
	c.res.Events = append(c.res.Events, e)
}

// findA and findB return the process with this identity in A or B, or nil.
func (c *comparer) findA(k snapshot.Key) *snapshot.Process { return find(c.a, k) }
func (c *comparer) findB(k snapshot.Key) *snapshot.Process { return find(c.b, k) }

func find(s *snapshot.Snapshot, k snapshot.Key) *snapshot.Process {
	p := s.Find(k.PID)
	if p == nil || (k.StartTicks != 0 && p.StartTicks != k.StartTicks) {
		return nil
	}
	return p
}

// alive reports whether the process with identity k is in B and not a zombie.
func (c *comparer) alive(k snapshot.Key) bool {
	p := c.findB(k)
	return p != nil && !p.IsZombie()
}

func ref(p *snapshot.Process, role string) *Ref {
	return &Ref{PID: p.PID, StartTicks: p.StartTicks, Comm: p.Comm, Role: role}
}

// refPID names a PID as B (else A) shows it, for processes known only by PID.
func (c *comparer) refPID(pid int, role string) *Ref {
	if p := c.b.Find(pid); p != nil {
		return ref(p, role)
	}
	if p := c.a.Find(pid); p != nil {
		return ref(p, role)
	}
	return &Ref{PID: pid, Role: role}
}

func sortEvents(ev []Event) {
	slices.SortStableFunc(ev, func(x, y Event) int {
		if x.PID != y.PID {
			return x.PID - y.PID
		}
		if x.StartTicks != y.StartTicks {
			if x.StartTicks < y.StartTicks {
				return -1
			}
			return 1
		}
		if d := kindRank[x.Kind] - kindRank[y.Kind]; d != 0 {
			return d
		}
		if d := deref(x.FD) - deref(y.FD); d != 0 {
			return d
		}
		return strings.Compare(x.Target, y.Target)
	})
}

func deref(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}
