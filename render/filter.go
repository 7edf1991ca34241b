package render

import (
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
)

// ErrNoSuchPID marks a --pid that is not in the snapshot.
var ErrNoSuchPID = errors.New("no such process in the snapshot")

// Filter selects the processes a view shows. The zero Filter selects everything.
type Filter struct {
	// PID, when not 0, keeps the subtree of PID and its ancestors.
	PID int
	// UIDs keeps processes whose real uid is one of these.
	UIDs []int
	// Comms keeps processes whose comm matches one of these shell patterns (path.Match).
	Comms []string
	// NoKthreads leaves kernel threads out (tree hides them unless --kthreads).
	NoKthreads bool
}

// Validate reports a malformed comm pattern.
func (flt Filter) Validate() error {
	for _, c := range flt.Comms {
		if _, err := path.Match(c, ""); err != nil {
			return fmt.Errorf("comm pattern %q: %w", c, err)
		}
	}
	return nil
}

// IsZero reports whether flt selects everything.
func (flt Filter) IsZero() bool { return flt.PID == 0 && len(flt.UIDs) == 0 && len(flt.Comms) == 0 }

// Match reports whether n passes the uid and comm filters (not the PID one).
func (flt Filter) Match(n *Node) bool {
	if flt.NoKthreads && n.Has(MarkKthread) {
		return false
	}
	if len(flt.UIDs) > 0 && !slices.Contains(flt.UIDs, n.UID) {
		return false
	}
	if len(flt.Comms) == 0 {
		return true
	}
	for _, c := range flt.Comms {
		if ok, _ := path.Match(c, n.Comm); ok {
			return true
		}
	}
	return false
}

// Select returns a new forest holding the processes that match flt (inside the subtree of
// flt.PID when set) and, marked Context, their ancestors, so each match keeps its place in the
// tree. Markers and zombie counts keep describing the whole snapshot. The PID filter fails with
// ErrNoSuchPID when flt.PID is not in f.
func (f *Forest) Select(flt Filter) (*Forest, error) {
	out := &Forest{nodes: map[int]*Node{}, NoFDs: f.NoFDs}
	if flt.PID == 0 {
		for _, r := range f.Roots {
			if c := out.copyMatching(r, flt); c != nil {
				out.Roots = append(out.Roots, c)
			}
		}
		return out, nil
	}
	start := f.nodes[flt.PID]
	if start == nil {
		return nil, fmt.Errorf("pid %d: %w", flt.PID, ErrNoSuchPID)
	}
	top := out.copyMatching(start, flt)
	if top == nil {
		return out, nil
	}
	for a := start.parent; a != nil; a = a.parent {
		c := out.copyNode(a, true)
		c.Children = []*Node{top}
		top.parent = c
		top = c
	}
	out.Roots = []*Node{top}
	return out, nil
}

// copyMatching copies n and the parts of its subtree that match flt or lead to a match; it
// returns nil when nothing below n matches.
func (f *Forest) copyMatching(n *Node, flt Filter) *Node {
	var kids []*Node
	for _, c := range n.Children {
		if k := f.copyMatching(c, flt); k != nil {
			kids = append(kids, k)
		}
	}
	matched := flt.Match(n)
	if !matched && len(kids) == 0 {
		return nil
	}
	c := f.copyNode(n, !matched)
	c.Children = kids
	for _, k := range kids {
		k.parent = c
	}
	return c
}

func (f *Forest) copyNode(n *Node, context bool) *Node {
	c := *n
	c.Markers = slices.Clone(n.Markers)
	c.Children, c.parent, c.Context = nil, nil, context
	f.nodes[c.PID] = &c
	return &c
}

// Kthreads counts the kernel threads of f.
func (f *Forest) Kthreads() int {
	n := 0
	f.Walk(func(x *Node, _ int) {
		if x.Has(MarkKthread) {
			n++
		}
	})
	return n
}

// WriteKthreadsHidden writes the line saying how many kernel threads a view left out, cut to
// width (0: whole).
func WriteKthreadsHidden(w io.Writer, n, width int) error {
	if n == 0 {
		return nil
	}
	line := fmt.Sprintf("(%s hidden; --kthreads shows them)", plural(n, "kernel thread", "kernel threads"))
	if width > 0 {
		line = cut(line, width)
	}
	_, err := fmt.Fprintln(w, line)
	return err
}
