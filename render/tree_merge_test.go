package render

import (
	"testing"

	"github.com/procsnap/procsnap/snapshot"
)

func TestMergeChildren(t *testing.T) {
	leaf := func(pid int, comm string, args ...string) *Node {
		return &Node{PID: pid, Comm: comm, State: "S", proc: &snapshot.Process{Cmdline: append([]string{comm}, args...)}}
	}
	parent := leaf(9, "sh")
	parent.Children = []*Node{leaf(99, "sleep", "1")}
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
		{"children never merge", []*Node{parent, leaf(3, "sh"), leaf(4, "sh")}, TreeOptions{Merge: true}, []int{1, 2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := mergeChildren(tc.kids, tc.o)
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
	if got := mergedLine(leaf(1, "sleep", "400"), 4, TreeOptions{Args: true}); got != "4*[sleep 400] S" {
		t.Errorf("mergedLine = %q", got)
	}
}
