package render

import (
	"slices"

	"github.com/procsnap/procsnap/snapshot"
)

// Markers a node can carry, as they appear in JSON. The text writers spell them out.
const (
	MarkZombie = "zombie"
	// MarkLeaderExited: state Z, but the thread-group leader alone exited and other threads run
	// on (snapshot.Process.LeaderExited): alive, not a zombie.
	MarkLeaderExited  = "leader_exited"
	MarkStopped       = "stopped"
	MarkTraced        = "traced"
	MarkKthread       = "kernel_thread"
	MarkSessionLeader = "session_leader"
	MarkGroupLeader   = "group_leader"
	MarkForeground    = "foreground"
	MarkExeDeleted    = "exe_deleted"
	MarkChildOfInit   = "child_of_init"
	MarkParentMissing = "parent_missing"
	MarkPPIDCycle     = "ppid_cycle"
)

// Node is one process in a tree. Children are sorted by PID.
type Node struct {
	PID     int    `json:"pid"`
	PPID    int    `json:"ppid"`
	PGID    int    `json:"pgid"`
	SID     int    `json:"sid"`
	TPGID   int    `json:"tpgid"`
	UID     int    `json:"uid"`
	Comm    string `json:"comm"`
	State   string `json:"state"`
	TTY     string `json:"tty,omitempty"`
	Threads int    `json:"threads"`
	// TracerPID is the tracer of a traced process, and TracerComm its comm when it is in the
	// snapshot.
	TracerPID  int    `json:"tracer_pid,omitempty"`
	TracerComm string `json:"tracer_comm,omitempty"`
	// ParentComm is the comm of the parent when it is in the snapshot.
	ParentComm string   `json:"parent_comm,omitempty"`
	Markers    []string `json:"markers,omitempty"`
	// ZombieChildren counts the children of this process that are zombies: it is not reaping them.
	ZombieChildren int `json:"zombie_children,omitempty"`
	// Context is set on a process shown only because it is an ancestor of one that matched the
	// filters.
	Context  bool    `json:"context,omitempty"`
	Children []*Node `json:"children,omitempty"`

	parent *Node
	proc   *snapshot.Process
}

// Has reports whether n carries the marker.
func (n *Node) Has(marker string) bool { return slices.Contains(n.Markers, marker) }

// Forest is the parent tree of a snapshot: every process exactly once, roots sorted by PID.
type Forest struct {
	Roots []*Node `json:"roots"`
	nodes map[int]*Node
	// NoFDs is set when the snapshot recorded no file descriptors on purpose.
	NoFDs bool `json:"-"`
}

// Node returns the node with the given PID, or nil.
func (f *Forest) Node(pid int) *Node { return f.nodes[pid] }

// Walk calls fn for every node, depth first, parents before children, in PID order.
func (f *Forest) Walk(fn func(n *Node, depth int)) {
	for _, r := range f.Roots {
		walk(r, 0, fn)
	}
}

func walk(n *Node, depth int, fn func(*Node, int)) {
	fn(n, depth)
	for _, c := range n.Children {
		walk(c, depth+1, fn)
	}
}

// BuildForest builds the parent tree of s. It never fails: a missing parent makes a root marked
// parent_missing, and each ppid cycle is broken at its lowest PID, marked ppid_cycle.
func BuildForest(s *snapshot.Snapshot) *Forest {
	f := &Forest{nodes: make(map[int]*Node, len(s.Processes)), NoFDs: s.Header.Options.NoFDs}
	order := make([]*Node, 0, len(s.Processes))
	for i := range s.Processes {
		n := newNode(&s.Processes[i])
		f.nodes[n.PID] = n
		order = append(order, n)
	}
	slices.SortFunc(order, func(a, b *Node) int { return a.PID - b.PID })
	parent := make(map[int]int, len(order))
	for _, n := range order {
		switch {
		case n.PPID == 0:
		case f.nodes[n.PPID] == nil:
			n.Markers = append(n.Markers, MarkParentMissing)
		default:
			parent[n.PID] = n.PPID
			n.ParentComm = f.nodes[n.PPID].Comm
		}
		if t := f.nodes[n.TracerPID]; n.TracerPID != 0 && t != nil {
			n.TracerComm = t.Comm
		}
	}
	for _, pid := range breakCycles(order, parent) {
		f.nodes[pid].Markers = append(f.nodes[pid].Markers, MarkPPIDCycle)
	}
	for _, n := range order {
		p, ok := parent[n.PID]
		if !ok {
			f.Roots = append(f.Roots, n)
			continue
		}
		pn := f.nodes[p]
		n.parent = pn
		pn.Children = append(pn.Children, n)
		if n.proc.IsZombie() {
			pn.ZombieChildren++
		}
	}
	return f
}

// breakCycles removes one link from every cycle of the parent map (pid → ppid), the link of
// the cycle's lowest PID, and returns those PIDs. Each PID is visited once: O(n), no recursion.
func breakCycles(order []*Node, parent map[int]int) []int {
	const (
		unseen = iota
		onPath
		done
	)
	state := make(map[int]int, len(order))
	var broken, path []int
	for _, n := range order {
		path = path[:0]
		cur, cycleAt := n.PID, -1
		for {
			if st := state[cur]; st == onPath {
				cycleAt = cur
				break
			} else if st == done {
				break
			}
			state[cur] = onPath
			path = append(path, cur)
			p, ok := parent[cur]
			if !ok {
				break
			}
			cur = p
		}
		if cycleAt >= 0 {
			cycle := path[slices.Index(path, cycleAt):]
			low := slices.Min(cycle)
			delete(parent, low)
			broken = append(broken, low)
		}
		for _, pid := range path {
			state[pid] = done
		}
	}
	slices.Sort(broken)
	return broken
}

func newNode(p *snapshot.Process) *Node {
	n := &Node{
		PID: p.PID, PPID: p.PPID, PGID: p.PGID, SID: p.SID, TPGID: p.TPGID, UID: p.UID,
		Comm: p.Comm, State: p.State, TTY: p.TTY, Threads: p.Threads, TracerPID: p.TracerPID,
		proc: p,
	}
	add := func(ok bool, m string) {
		if ok {
			n.Markers = append(n.Markers, m)
		}
	}
	add(p.IsZombie(), MarkZombie)
	add(p.LeaderExited(), MarkLeaderExited)
	add(p.State == "T", MarkStopped)
	add(p.State == "t" || p.TracerPID != 0, MarkTraced)
	add(p.Kthread, MarkKthread)
	add(p.SID != 0 && p.PID == p.SID, MarkSessionLeader)
	add(p.PGID != 0 && p.PID == p.PGID, MarkGroupLeader)
	add(p.TPGID > 0 && p.PGID == p.TPGID, MarkForeground)
	add(p.ExeDeleted, MarkExeDeleted)
	add(p.PPID == 1 && p.PID != p.SID && !p.Kthread, MarkChildOfInit)
	return n
}
