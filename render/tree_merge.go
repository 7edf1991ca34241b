package render

import (
	"slices"
	"strconv"
	"strings"
)

// TreeOptions shape the text tree, as pstree's flags do.
type TreeOptions struct {
	// Args shows each process's command-line arguments after its comm (pstree -a).
	Args bool
	// Merge prints identical sibling leaves once, as "4*[sleep]" ("4*[sleep 400]" with Args),
	// as pstree does by default. pstree -p turns merging off since the PIDs differ.
	Merge bool
	// Width cuts each line to the terminal's width with CutMarker (0: nothing is cut).
	Width int
}

// treeStyle is what writeSubtree needs beyond the node: colours, the tree options, and the
// compact text of each subtree already worked out (each is needed once per ancestor level).
type treeStyle struct {
	st      Style
	o       TreeOptions
	compact map[*Node]compactSubtree
}

func newTreeStyle(st Style, o TreeOptions) treeStyle {
	return treeStyle{st: st, o: o, compact: map[*Node]compactSubtree{}}
}

// maxCompactNodes bounds the processes of a subtree printed on one line: a longer chain is
// printed as a tree, which keeps a 20,000-deep chain linear.
const maxCompactNodes = 8

// argsText is the arguments of n after argv[0], cleaned, or "" when it has none or they were
// not read.
func argsText(n *Node) string {
	if n.proc == nil || len(n.proc.Cmdline) < 2 {
		return ""
	}
	return clean(strings.Join(n.proc.Cmdline[1:], " "))
}

// compactSubtree is a subtree that fits on one line, as pstree prints one:
// "bash -c x S───2*[sleep 400 S]". key tells identical subtrees apart (it adds what the text
// leaves out: tty, threads); key is "" when the subtree may not be merged.
type compactSubtree struct {
	text, key string
	nodes     int
}

// compactOf returns the one-line form of the subtree at n: n's text and, joined by "───", that
// of its only kind of child (identical children merged as "N*[...]"). A subtree with a line that
// must stand alone (an ancestor of a match, a parent of zombies), with children of different
// kinds, or of more than maxCompactNodes processes has none (key "").
func compactOf(n *Node, ts treeStyle) compactSubtree {
	if c, ok := ts.compact[n]; ok {
		return c
	}
	var c compactSubtree
	if !n.Context && n.ZombieChildren == 0 {
		c = compactSubtree{text: leafText(n, ts.o), nodes: 1}
		c.key = c.text + "\x00" + n.TTY + "\x00" + strconv.Itoa(n.Threads)
		switch kids := mergeChildren(n.Children, ts); len(kids) {
		case 0:
		case 1:
			k := kids[0].sub
			if k.key == "" || c.nodes+k.nodes*kids[0].count > maxCompactNodes {
				c = compactSubtree{}
				break
			}
			text, key := k.text, k.key
			if kids[0].count > 1 {
				text = strconv.Itoa(kids[0].count) + "*[" + text + "]"
				key = strconv.Itoa(kids[0].count) + "*[" + key + "]"
			}
			c.text += "───" + text
			c.key += "───" + key
			c.nodes += k.nodes * kids[0].count
		default:
			c = compactSubtree{}
		}
	}
	ts.compact[n] = c
	return c
}

// leafText is n's part of a merged line: comm, arguments when shown, state and the markers.
func leafText(n *Node, o TreeOptions) string {
	return leafName(n, o) + leafState(n)
}

// leafName is comm and, when shown, the arguments: "sleep 400".
func leafName(n *Node, o TreeOptions) string {
	s := clean(n.Comm)
	if a := argsText(n); o.Args && a != "" {
		s += " " + a
	}
	return s
}

// leafState is " S" and the markers: " Z [zombie]".
func leafState(n *Node) string {
	s := " " + n.State
	var tags []string
	for _, m := range n.Markers {
		if t, _ := markerText(n, m); t != "" {
			tags = append(tags, t)
		}
	}
	if len(tags) > 0 {
		s += " [" + strings.Join(tags, ", ") + "]"
	}
	return s
}

// mergedChild is a child to print, and how many identical siblings it stands for; sub is its
// one-line form when it has one.
type mergedChild struct {
	n     *Node
	count int
	sub   compactSubtree
}

// mergeChildren groups identical subtrees among children (same one-line form, see compactOf),
// keeping the order of each group's first member; without ts.o.Merge each child stands for
// itself.
func mergeChildren(children []*Node, ts treeStyle) []mergedChild {
	out := make([]mergedChild, 0, len(children))
	at := map[string]int{}
	for _, c := range children {
		var sub compactSubtree
		if ts.o.Merge {
			sub = compactOf(c, ts)
		}
		if i, ok := at[sub.key]; ok && sub.key != "" {
			out[i].count++
			continue
		}
		if sub.key != "" {
			at[sub.key] = len(out)
		}
		out = append(out, mergedChild{c, 1, sub})
	}
	return slices.Clip(out)
}

// mergedLine is the line of m.count identical subtrees: leaves as "4*[sleep 400] S", state and
// markers after, as they are shared; longer ones as "3*[bash S───sleep 777 S]", each process
// with its state and markers (a zombie stays marked).
func mergedLine(m mergedChild, ts treeStyle) string {
	if m.sub.nodes == 1 {
		return strconv.Itoa(m.count) + "*[" + leafName(m.n, ts.o) + "]" + leafState(m.n)
	}
	return strconv.Itoa(m.count) + "*[" + m.sub.text + "]"
}
