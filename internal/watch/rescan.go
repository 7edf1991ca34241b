package watch

import (
	"fmt"
	"slices"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procsnap/procsnap/snapshot"
)

// rescan lists the proc root, probes the processes the fast path missed and queues every
// other live process for re-reading, which stepRescan spreads over the rescan period so the
// fast path never waits for a whole pass. The initial rescan records what is alive, without
// events, and re-reads nothing.
func (w *Watcher) rescan(now time.Time, initial bool) error {
	w.stats.Rescans++
	w.nextRescan = now.Add(w.opts.Rescan)
	pids, err := listPIDs(w.opts.Root, &w.direntBuf, w.pids)
	if err != nil {
		return err
	}
	w.pids = pids
	how := byRescan
	if initial {
		how = atStart
	} else if err := w.catchUp(now); err != nil {
		// The PIDs allocated during the listing are probed (and counted) by the fast path
		// first, so that every process the listing finds had its PID counted as created.
		return err
	}
	for _, pid := range pids {
		if w.live[pid] == nil && w.probeNew(pid, now, how) == probedNew && how == byRescan {
			w.acct.processes++ // its PID was counted created, skipped or found empty
		}
	}
	// Whatever is left of the previous pass is finished first.
	for _, p := range w.scanQ[w.scanPos:] {
		if p.alive() && !p.young {
			w.scan(p, now)
		}
	}
	w.scanQ = w.scanQ[:0]
	clear(w.kids)
	for _, p := range w.live {
		w.kids[p.cur.PPID] = append(w.kids[p.cur.PPID], p)
		if _, listed := slices.BinarySearch(pids, p.key.PID); !listed && !initial {
			// Gone from the listing: reaped. Seen now, not at its next turn.
			w.observe(p, now)
			continue
		}
		if p.skip > 0 {
			p.skip--
			continue
		}
		w.scanQ = append(w.scanQ, p)
	}
	w.scanPos, w.scanFrom = 0, now
	w.prune(now)
	return nil
}

// maxSkip is how many rescans a process that has not changed for a while may sit out: it is
// re-read every rescan at first, then every 2nd, 4th, up to every (maxSkip+1)th while nothing
// changes, so the cost of a rescan follows what changes rather than how many processes there
// are. What does not wait: an exit that removes it from the listing (every rescan), and the
// reparenting when its parent is seen gone (rereadKids). What may wait up to maxSkip rescans:
// a stop, a zombie, a setsid or setpgid of a long-idle process.
const maxSkip = 7

// scan is a rescan's re-read of p: a process that did not change sits out more rescans.
func (w *Watcher) scan(p *proc, now time.Time) {
	if w.observe(p, now) {
		p.idle = 0
		return
	}
	p.idle = min(p.idle+1, 3)
	p.skip = min(1<<p.idle-1, maxSkip)
}

// rereadKids re-reads the live children of p, which has exited: they are being adopted.
func (w *Watcher) rereadKids(p *proc, now time.Time) {
	for _, c := range w.kids[p.key.PID] {
		if c != p && c.alive() && c.cur.PPID == p.key.PID {
			c.skip = 0
			w.observe(c, now)
		}
	}
}

// stepRescan re-reads the share of the queued processes due by now.
func (w *Watcher) stepRescan(now time.Time) {
	left := len(w.scanQ) - w.scanPos
	if left <= 0 {
		return
	}
	due := len(w.scanQ)
	if el := now.Sub(w.scanFrom); el < w.opts.Rescan {
		due = int(int64(len(w.scanQ))*int64(el)/int64(w.opts.Rescan)) + 1
	}
	for w.scanPos < due && w.scanPos < len(w.scanQ) {
		p := w.scanQ[w.scanPos]
		w.scanQ[w.scanPos] = nil
		w.scanPos++
		if p.alive() && !p.young {
			w.scan(p, now)
		}
	}
}

// prune forgets exited processes after ForgetAfter unless a live process descends from them,
// and the oldest ones beyond MaxExited in any case.
func (w *Watcher) prune(now time.Time) {
	pinned := map[snapshot.Key]bool{}
	for _, p := range w.live {
		for k, n := p.parent, 0; k.PID != 0 && n < maxChain; n++ {
			a := w.known[k]
			if a == nil || a.alive() || pinned[k] {
				break
			}
			pinned[k] = true
			k = a.parent
		}
	}
	over := len(w.exited) - w.opts.MaxExited
	keep := w.exited[:0]
	for i, p := range w.exited {
		if i < over || (!pinned[p.key] && now.Sub(p.exitedAt) >= w.opts.ForgetAfter) {
			delete(w.known, p.key)
			w.stats.Forgotten++
			continue
		}
		keep = append(keep, p)
	}
	clear(w.exited[len(keep):])
	w.exited = keep
}

// listPIDs lists the numeric entries of the proc root into buf (reused: a rescan of a host of
// 10,000 processes allocates nothing), sorted. It reads the directory with getdents64 and parses
// the names in place: Readdirnames made a string per entry, every second.
func listPIDs(root string, buf *[]byte, pids []int) ([]int, error) {
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", snapshot.ErrProcUnreadable, root, err)
	}
	defer unix.Close(fd)
	if len(*buf) < 64<<10 {
		*buf = make([]byte, 64<<10)
	}
	pids = pids[:0]
	for {
		n, err := unix.Getdents(fd, *buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w: listing %s: %w", snapshot.ErrProcUnreadable, root, err)
		}
		if n <= 0 {
			break
		}
		pids = appendDirentPIDs(pids, (*buf)[:n])
	}
	slices.Sort(pids)
	return pids, nil
}

// appendDirentPIDs appends the names of the linux_dirent64 records in b that are positive
// decimal numbers (reclen at offset 16, the NUL-terminated name at 19).
func appendDirentPIDs(pids []int, b []byte) []int {
	for len(b) >= 19 {
		reclen := int(b[16]) | int(b[17])<<8
		if reclen < 19 || reclen > len(b) {
			break
		}
		pid, ok := 0, false
		for _, c := range b[19:reclen] {
			if c == 0 {
				break
			}
			if c < '0' || c > '9' || pid > 1<<30 {
				ok = false
				break
			}
			pid, ok = pid*10+int(c-'0'), true
		}
		if ok && pid > 0 {
			pids = append(pids, pid)
		}
		b = b[reclen:]
	}
	return pids
}
