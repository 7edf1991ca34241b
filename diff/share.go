package diff

import (
	"cmp"
	"slices"

	"github.com/procsnap/procsnap/snapshot"
)

// Holders indexes the open file descriptions of every process of one snapshot, so that the
// processes sharing a description with a given process can be found (the creator evidence of
// diff, reused by explain).
type Holders struct {
	idx *holderIndex
}

// Sharer is a process that holds open file descriptions another process also holds.
type Sharer struct {
	Proc *snapshot.Process
	// Shared lists the descriptions, one per object, lowest fd of the explained process first.
	Shared []SharedFD
	// Score is the sum of the weights of the shared descriptions (see doc.go).
	Score float64
}

// FDHolder is one other process's descriptor on the same open file description.
type FDHolder struct {
	PID  int    `yaml:"pid" json:"pid"`
	Comm string `yaml:"comm" json:"comm"`
	FD   int    `yaml:"fd" json:"fd"`
}

// IndexHolders indexes the descriptors of s.
func IndexHolders(s *snapshot.Snapshot) *Holders {
	return &Holders{idx: buildHolders(&snapshot.Snapshot{}, s)}
}

// FDsReadable reports whether p's descriptor table was recorded.
func FDsReadable(p *snapshot.Process) bool { return fdsReadable(p) }

// Sharers returns every other process holding one of p's open file descriptions, best score
// first, then by PID, weighed as diff weighs creators (a renumbered description a third). Objects held by more than maxHolders processes are skipped: they say
// nothing about who created whom.
func (h *Holders) Sharers(p *snapshot.Process) []Sharer {
	byKey := map[snapshot.Key]*Sharer{}
	done := map[snapshot.Key]map[objKey]bool{}
	h.idx.eachShared(p, func(fd *snapshot.FD, k objKey, w float64, o holder) {
		key := o.proc.Key()
		if done[key] == nil {
			done[key] = map[objKey]bool{}
			byKey[key] = &Sharer{Proc: o.proc}
		}
		if done[key][k] {
			return
		}
		done[key][k] = true
		s := byKey[key]
		sh := sharedFD(fd, o, h.idx.countOf(k), w)
		s.Score += sh.Weight
		s.Shared = append(s.Shared, sh)
	})
	out := make([]Sharer, 0, len(byKey))
	for _, s := range byKey {
		s.Score = round2(s.Score)
		out = append(out, *s)
	}
	slices.SortFunc(out, func(x, y Sharer) int {
		if d := cmp.Compare(y.Score, x.Score); d != 0 {
			return d
		}
		return cmp.Compare(x.Proc.PID, y.Proc.PID)
	})
	return out
}

// Others returns the other processes' descriptors on fd's open file description (p holds fd),
// by PID then fd. Unlike Sharers it does not skip widely held objects.
func (h *Holders) Others(p *snapshot.Process, fd *snapshot.FD) []FDHolder {
	k := keyOf(fd)
	if k == (objKey{}) {
		return nil
	}
	var out []FDHolder
	for _, o := range h.idx.of(k) {
		if o.proc.Key() == p.Key() || !sameDescription(fd, o.fd, true) {
			continue
		}
		out = append(out, FDHolder{PID: o.proc.PID, Comm: o.proc.Comm, FD: o.fd.FD})
	}
	slices.SortFunc(out, func(x, y FDHolder) int {
		return cmp.Or(cmp.Compare(x.PID, y.PID), cmp.Compare(x.FD, y.FD))
	})
	return out
}

// eachShared calls fn for every descriptor of another process that shares one of p's open file
// descriptions, skipping objects held by more than maxHolders processes and close-on-exec
// descriptors p must have opened itself after an exec.
func (h *holderIndex) eachShared(p *snapshot.Process, fn func(fd *snapshot.FD, k objKey, w float64, o holder)) {
	if !fdsReadable(p) {
		return
	}
	for i := range p.FDs {
		fd := &p.FDs[i]
		k := keyOf(fd)
		if k == (objKey{}) || h.countOf(k) > maxHolders {
			continue
		}
		w := h.weight(k, ubiquitous(fd.Target) && !h.terminalOfOneSession(k, fd.Target, p))
		for _, o := range h.of(k) {
			if o.proc.Key() == p.Key() || !sameDescription(fd, o.fd, o.inB) || (fd.CloExec && runsOther(o.proc, p)) {
				continue // p opened a close-on-exec fd itself after its exec: not shared
			}
			fn(fd, k, w, o)
		}
	}
}
