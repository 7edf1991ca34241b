package snapshot

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Bounds of the kernel that no real snapshot exceeds.
const (
	// pidMaxLimit is PID_MAX_LIMIT on 64-bit Linux (2^22): kernel.pid_max cannot be set higher.
	pidMaxLimit = 1 << 22
	// fdLimit is above the largest fs.nr_open the kernel accepts (1<<30 minus a little).
	fdLimit = 1 << 30
)

// validateLimits rejects numbers in p that no kernel produces.
func (p *Process) validateLimits() error {
	ids := []struct {
		name string
		v    int
		min  int
	}{{"ppid", p.PPID, 0}, {"pgid", p.PGID, 0}, {"sid", p.SID, 0},
		{"tpgid", p.TPGID, -1}, {"tracer_pid", p.TracerPID, 0}, {"threads", p.Threads, 0}}
	if p.PID > pidMaxLimit {
		return fmt.Errorf("%w: pid %d is above PID_MAX_LIMIT (%d)", ErrInvalid, p.PID, pidMaxLimit)
	}
	for _, id := range ids {
		if id.v < id.min || id.v > pidMaxLimit {
			return fmt.Errorf("%w: pid %d has %s %d (want %d to %d)", ErrInvalid, p.PID, id.name, id.v, id.min, pidMaxLimit)
		}
	}
	for _, l := range []struct {
		name string
		v    []int
	}{{"children", p.Children}, {"nspid", p.NSpid}, {"nspgid", p.NSpgid}, {"nssid", p.NSsid}} {
		for _, v := range l.v {
			if v < 0 || v > pidMaxLimit {
				return fmt.Errorf("%w: pid %d has %s entry %d (want 0 to %d)", ErrInvalid, p.PID, l.name, v, pidMaxLimit)
			}
		}
	}
	for j := range p.FDs {
		fd := p.FDs[j].FD
		if fd >= fdLimit {
			return fmt.Errorf("%w: pid %d has fd %d (want below %d)", ErrInvalid, p.PID, fd, fdLimit)
		}
		if j > 0 && fd <= p.FDs[j-1].FD {
			return fmt.Errorf("%w: pid %d lists fd %d after fd %d (want ascending, no duplicates)", ErrInvalid, p.PID, fd, p.FDs[j-1].FD)
		}
	}
	return nil
}

// validateCounts checks every header.counts against the records: processes, skipped, threads,
// fds, zombies and each unread reason (a reason the records hold but the header leaves out counts
// as 0 there). procsnap writes every count (none is omitempty), and the documentation allows no
// form without them, so a file that lost records (cut at a record boundary, or edited) or a
// header edited by hand is refused; a file with no records has counts all 0 and may leave them out.
func validateCounts(got, want Counts) error {
	type check struct {
		name      string
		got, want int
	}
	checks := []check{{"processes", got.Processes, want.Processes}, {"skipped", got.Skipped, want.Skipped},
		{"threads", got.Threads, want.Threads}, {"fds", got.FDs, want.FDs}, {"zombies", got.Zombies, want.Zombies}}
	reasons := maps.Clone(got.Unread)
	if reasons == nil {
		reasons = map[string]int{}
	}
	maps.Copy(reasons, want.Unread)
	for _, r := range slices.Sorted(maps.Keys(reasons)) {
		checks = append(checks, check{"unread." + r, got.Unread[r], want.Unread[r]})
	}
	for _, c := range checks {
		if c.got != c.want {
			return fmt.Errorf("%w: header.counts.%s is %d but the file holds %d (truncated or edited?)",
				ErrInvalid, c.name, c.got, c.want)
		}
	}
	return nil
}

// Validate checks the schema version and the invariants every reader relies on: processes sorted
// by unique positive PID, no negative ids, numbers within the kernel's limits, header counts that
// agree with the records (Checker, one process at a time).
func (s *Snapshot) Validate() error {
	var c Checker
	for i := range s.Processes {
		c.Add(&s.Processes[i])
	}
	return c.Finish(&s.Header, s.Processes != nil)
}

// Checker validates a snapshot one process at a time, for a reader that checks a file without
// keeping its records (validate): Add each process in file order, then Finish with the header.
// It returns what Validate returns for the same snapshot, the same first error.
type Checker struct {
	n       int
	prevPID int
	counts  Counts
	// order is the first error of the records' order and signs, limit the first of their
	// limits: Validate reports the schema, then order, then a missing list, then limit.
	order, limit error
}

// Add checks p, the next process of the file. p may be reused once Add returns.
func (c *Checker) Add(p *Process) {
	i := c.n
	c.n++
	c.counts.add(p)
	if c.order == nil {
		c.order = p.validateOrder(i, c.prevPID)
	}
	c.prevPID = p.PID
	if c.limit == nil {
		c.limit = p.validateLimits()
	}
}

// Finish checks h against the processes added; listed is false when the file had no
// processes list at all (procsnap writes "processes: []" even when it recorded none, last in the
// file).
func (c *Checker) Finish(h *Header, listed bool) error {
	if err := h.ValidateSchema(); err != nil {
		return err
	}
	if c.order != nil {
		return c.order
	}
	if !listed {
		return fmt.Errorf("%w: no processes list (truncated?)", ErrInvalid)
	}
	if c.limit != nil {
		return c.limit
	}
	// A ppid cycle is not refused: it cannot come from one consistent moment, but a snapshot is
	// read over time (a PID can be reused while the walk runs), so loading keeps them and every
	// consumer walking the tree must stop at a pid it has already visited.
	for _, sk := range h.Skipped {
		if sk.PID <= 0 || sk.PID > pidMaxLimit {
			return fmt.Errorf("%w: header.skipped has pid %d (want 1 to %d)", ErrInvalid, sk.PID, pidMaxLimit)
		}
	}
	want := c.counts
	want.Skipped = len(h.Skipped)
	return validateCounts(h.Counts, want)
}

// validateOrder checks process #i, whose predecessor in the file has pid prev (i > 0): a positive
// pid above prev, no negative ids.
func (p *Process) validateOrder(i, prev int) error {
	if p.PID <= 0 {
		return fmt.Errorf("%w: process #%d has pid %d", ErrInvalid, i, p.PID)
	}
	if i > 0 && p.PID <= prev {
		if p.PID == prev {
			return fmt.Errorf("%w: duplicate pid %d", ErrInvalid, p.PID)
		}
		return fmt.Errorf("%w: processes not sorted by pid (%d after %d)", ErrInvalid, p.PID, prev)
	}
	if p.PPID < 0 || p.PGID < 0 || p.SID < 0 || p.Threads < 0 || p.TracerPID < 0 {
		return fmt.Errorf("%w: pid %d has a negative ppid, pgid, sid, threads or tracer_pid", ErrInvalid, p.PID)
	}
	for j := range p.FDs {
		if p.FDs[j].FD < 0 {
			return fmt.Errorf("%w: pid %d has fd %d", ErrInvalid, p.PID, p.FDs[j].FD)
		}
	}
	return nil
}

// schemaRE is the form of every schema string procsnap writes: procsnap/vMAJOR.MINOR (or
// procsnap/vMAJOR, the first), decimal, without sign, leading zeros or anything after.
var schemaRE = regexp.MustCompile(`^procsnap/v(0|[1-9][0-9]{0,5})(?:\.(0|[1-9][0-9]{0,5}))?$`)

func schemaMajor(schema string) (int, error) {
	if schema == "" {
		return 0, fmt.Errorf("%w: no header.schema (is this a procsnap snapshot?)", ErrInvalid)
	}
	if !strings.HasPrefix(schema, "procsnap/v") {
		return 0, fmt.Errorf("%w: %q is not a procsnap schema", ErrSchema, schema)
	}
	m := schemaRE.FindStringSubmatch(schema)
	if m == nil {
		return 0, fmt.Errorf("%w: %q is not of the form procsnap/vMAJOR.MINOR", ErrSchema, schema)
	}
	return strconv.Atoi(m[1])
}

// Sort orders processes by PID and each process's fds by number; readers rely on it.
func (s *Snapshot) Sort() {
	sort.Slice(s.Processes, func(i, j int) bool { return s.Processes[i].PID < s.Processes[j].PID })
	for i := range s.Processes {
		fds := s.Processes[i].FDs
		sort.Slice(fds, func(a, b int) bool { return fds[a].FD < fds[b].FD })
	}
}

// validateSchema refuses a schema this procsnap cannot read, naming it.
func (h *Header) ValidateSchema() error {
	major, err := schemaMajor(h.Schema)
	if err != nil {
		return err
	}
	if major < SchemaMajorMin || major > SchemaMajorMax {
		return fmt.Errorf("%w: %q (this procsnap reads procsnap/v%d to procsnap/v%d)",
			ErrSchema, h.Schema, SchemaMajorMin, SchemaMajorMax)
	}
	return nil
}

// Count derives the header counts from the records.
func (s *Snapshot) Count() Counts {
	c := Counts{Skipped: len(s.Header.Skipped)}
	for i := range s.Processes {
		c.add(&s.Processes[i])
	}
	return c
}

// add counts p: one process, its threads, fds, whether a zombie, and what was left unread.
func (c *Counts) add(p *Process) {
	c.Processes++
	c.Threads += p.Threads
	c.FDs += len(p.FDs)
	if p.IsZombie() {
		c.Zombies++
	}
	for _, r := range p.Unread {
		c.AddUnread(r)
	}
	for _, fd := range p.FDs {
		if fd.Unread != "" {
			c.AddUnread(fd.Unread)
		}
	}
}
