package snapshot

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
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

// validateLimits rejects numbers no kernel produces and header counts that disagree with the
// records. It does not reject ppid cycles: a cycle cannot come from one consistent moment, but a
// snapshot is read over time (a PID can be reused while the walk runs), so loading keeps them and
// every consumer walking the tree must stop at a pid it has already visited.
func (s *Snapshot) validateLimits() error {
	if s.Processes == nil {
		// procsnap writes "processes: []" even when it recorded none, last in the file.
		return fmt.Errorf("%w: no processes list (truncated?)", ErrInvalid)
	}
	for i := range s.Processes {
		if err := s.Processes[i].validateLimits(); err != nil {
			return err
		}
	}
	for _, sk := range s.Header.Skipped {
		if sk.PID <= 0 || sk.PID > pidMaxLimit {
			return fmt.Errorf("%w: header.skipped has pid %d (want 1 to %d)", ErrInvalid, sk.PID, pidMaxLimit)
		}
	}
	return s.validateCounts()
}

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

// validateCounts checks header.counts against the records when the header has them: every
// snapshot procsnap writes does, so a file that lost records (cut at a record boundary, or
// edited) is caught. processes and skipped must match; the summaries (threads, fds, zombies,
// each unread reason) must match when the header gives them (not 0): hand-written fixtures often
// leave them out, but a header never contradicts its records.
func (s *Snapshot) validateCounts() error {
	got := s.Header.Counts
	if got.Processes == 0 && got.Skipped == 0 {
		return nil
	}
	want := count(s)
	type check struct {
		name      string
		got, want int
	}
	checks := []check{{"processes", got.Processes, want.Processes}, {"skipped", got.Skipped, want.Skipped}}
	for _, c := range []check{{"threads", got.Threads, want.Threads}, {"fds", got.FDs, want.FDs},
		{"zombies", got.Zombies, want.Zombies}} {
		if c.got != 0 {
			checks = append(checks, c)
		}
	}
	for _, r := range slices.Sorted(maps.Keys(got.Unread)) {
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

// checkTrailer requires the YAML trailer in files of schema v1.1 and later that carry counts
// (every file procsnap writes): without it the file was cut short.
func checkTrailer(data []byte, s *Snapshot) error {
	if schemaMinor(s.Header.Schema) < 1 || s.Header.Counts.Processes == 0 && s.Header.Counts.Skipped == 0 {
		return nil
	}
	if !bytes.HasSuffix(bytes.TrimRight(data, " \t\r\n"), []byte(strings.TrimSpace(yamlTrailer))) {
		return fmt.Errorf("truncated: the last line is not %q", strings.TrimSpace(yamlTrailer))
	}
	return nil
}

// schemaMinor returns the minor version of a "procsnap/vMAJOR.MINOR" schema, 0 when absent.
func schemaMinor(schema string) int {
	_, minor, ok := strings.Cut(schema, ".")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(minor)
	if err != nil {
		return 0
	}
	return n
}
