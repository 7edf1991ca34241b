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

// treeStyle is what writeSubtree needs beyond the node: colours and the tree options.
type treeStyle struct {
	st Style
	o  TreeOptions
}

// argsText is the arguments of n after argv[0], cleaned, or "" when it has none or they were
// not read.
func argsText(n *Node) string {
	if n.proc == nil || len(n.proc.Cmdline) < 2 {
		return ""
	}
	return clean(strings.Join(n.proc.Cmdline[1:], " "))
}

// mergeKey is what makes two sibling leaves identical: comm, arguments (when shown), state,
// markers, tty, threads. A process with children is never merged.
func mergeKey(n *Node, args bool) string {
	if len(n.Children) > 0 || n.Context || n.ZombieChildren > 0 {
		return ""
	}
	k := n.Comm + "\x00" + n.State + "\x00" + n.TTY + "\x00" + strconv.Itoa(n.Threads) + "\x00" +
		strings.Join(n.Markers, ",")
	if args {
		k += "\x00" + argsText(n)
	}
	return k
}

// mergedChild is a child to print, and how many identical siblings it stands for.
type mergedChild struct {
	n     *Node
	count int
}

// mergeChildren groups the identical leaves among children (see mergeKey), keeping the
// order of each group's first member; without merge each child stands for itself.
func mergeChildren(children []*Node, o TreeOptions) []mergedChild {
	out := make([]mergedChild, 0, len(children))
	at := map[string]int{}
	for _, c := range children {
		k := ""
		if o.Merge {
			k = mergeKey(c, o.Args)
		}
		if i, ok := at[k]; ok && k != "" {
			out[i].count++
			continue
		}
		if k != "" {
			at[k] = len(out)
		}
		out = append(out, mergedChild{c, 1})
	}
	return slices.Clip(out)
}

// mergedLine is the line of count identical leaves, "4*[sleep 400] S", with the markers
// they share (a zombie stays marked a zombie).
func mergedLine(n *Node, count int, o TreeOptions) string {
	s := clean(n.Comm)
	if a := argsText(n); o.Args && a != "" {
		s += " " + a
	}
	line := strconv.Itoa(count) + "*[" + s + "] " + n.State
	var tags []string
	for _, m := range n.Markers {
		if t, _ := markerText(n, m); t != "" {
			tags = append(tags, t)
		}
	}
	if len(tags) > 0 {
		line += " [" + strings.Join(tags, ", ") + "]"
	}
	return line
}
