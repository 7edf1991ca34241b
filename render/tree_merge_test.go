package render

import (
	"strings"
	"testing"

	"github.com/procsnap/procsnap/snapshot"
)

func TestMergeChildren(t *testing.T) {
	leaf := func(pid int, comm string, args ...string) *Node {
		return &Node{PID: pid, Comm: comm, State: "S", proc: &snapshot.Process{Cmdline: append([]string{comm}, args...)}}
	}
	parent := leaf(9, "sh")
	parent.Children = []*Node{leaf(99, "sleep", "1")}
	// chain is bash -c CMD with one child running CMD, PIDs pid and pid+1.
	chain := func(pid int, cmd string) *Node {
		n := leaf(pid, "bash", "-c", cmd)
		n.Children = []*Node{leaf(pid+1, "sleep", strings.Fields(cmd)[1:]...)}
		return n
	}
	// fork is sh with two different children.
	fork := func(pid int) *Node {
		n := leaf(pid, "sh")
		n.Children = []*Node{leaf(pid+1, "sleep"), leaf(pid+2, "cat")}
		return n
	}
	cases := []struct {
		name string
		kids []*Node
		o    TreeOptions
		want []int // count of each printed child
	}{
		{"no merge", []*Node{leaf(1, "sleep", "400"), leaf(2, "sleep", "400")}, TreeOptions{Args: true}, []int{1, 1}},
		{"identical merge", []*Node{leaf(1, "sleep", "400"), leaf(2, "sleep", "400"), leaf(3, "sleep", "400")}, TreeOptions{Args: true, Merge: true}, []int{3}},
		{"args tell apart", []*Node{leaf(1, "sleep", "400"), leaf(2, "sleep", "401")}, TreeOptions{Args: true, Merge: true}, []int{1, 1}},
		{"without args only comm", []*Node{leaf(1, "sleep", "400"), leaf(2, "sleep", "401")}, TreeOptions{Merge: true}, []int{2}},
		{"a parent is not a leaf", []*Node{parent, leaf(3, "sh"), leaf(4, "sh")}, TreeOptions{Merge: true}, []int{1, 2}},
		{"identical subtrees merge", []*Node{chain(1, "sleep 1"), chain(3, "sleep 1"), chain(5, "sleep 2")}, TreeOptions{Args: true, Merge: true}, []int{2, 1}},
		{"subtrees without args", []*Node{chain(1, "sleep 1"), chain(3, "sleep 1"), chain(5, "sleep 2")}, TreeOptions{Merge: true}, []int{3}},
		{"-p keeps subtrees apart", []*Node{chain(1, "sleep 1"), chain(3, "sleep 1")}, TreeOptions{Args: true}, []int{1, 1}},
		{"two kinds of child stand alone", []*Node{fork(1), fork(4)}, TreeOptions{Merge: true}, []int{1, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := mergeChildren(tc.kids, newTreeStyle(Style{}, tc.o))
			if len(got) != len(tc.want) {
				t.Fatalf("got %d lines, want %d", len(got), len(tc.want))
			}
			for i, m := range got {
				if m.count != tc.want[i] {
					t.Errorf("line %d counts %d, want %d", i, m.count, tc.want[i])
				}
			}
		})
	}
	lines := []struct {
		name string
		kids []*Node
		want string
	}{
		{"leaves", []*Node{leaf(1, "sleep", "400"), leaf(2, "sleep", "400"), leaf(3, "sleep", "400"), leaf(4, "sleep", "400")}, "4*[sleep 400] S"},
		{"chains", []*Node{chain(1, "sleep 777"), chain(3, "sleep 777"), chain(5, "sleep 777")}, "3*[bash -c sleep 777 S───sleep 777 S]"},
		{"nested", []*Node{withKids(leaf(1, "sh"), chain(10, "sleep 7"), chain(20, "sleep 7")), withKids(leaf(2, "sh"), chain(30, "sleep 7"), chain(40, "sleep 7"))},
			"2*[sh S───2*[bash -c sleep 7 S───sleep 7 S]]"},
	}
	for _, tc := range lines {
		ts := newTreeStyle(Style{}, TreeOptions{Args: true, Merge: true})
		m := mergeChildren(tc.kids, ts)
		if len(m) != 1 {
			t.Fatalf("%s: %d lines, want 1", tc.name, len(m))
		}
		if got := mergedLine(m[0], ts); got != tc.want {
			t.Errorf("%s: mergedLine = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func withKids(n *Node, kids ...*Node) *Node {
	n.Children = kids
	return n
}

// TestMergeLongChainStandsAlone: a chain of more processes than fit on one line is printed as a
// tree, and merging a 20,000-deep chain stays linear (each subtree's form is worked out once).
func TestMergeLongChainStandsAlone(t *testing.T) {
	var root *Node
	for pid := 20000; pid > 0; pid-- {
		n := &Node{PID: pid, Comm: "sh", State: "S"}
		if root != nil {
			n.Children = []*Node{root}
		}
		root = n
	}
	ts := newTreeStyle(Style{}, TreeOptions{Merge: true})
	if c := compactOf(root, ts); c.key != "" {
		t.Errorf("a 20,000-deep chain has a one-line form of %d processes", c.nodes)
	}
	var b strings.Builder
	if err := WriteTreeWith(&b, &Forest{Roots: []*Node{root}}, Style{}, TreeOptions{Merge: true}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "\n"); n != 20000 {
		t.Errorf("%d lines, want 20000", n)
	}
}
