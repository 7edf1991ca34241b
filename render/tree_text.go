package render

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// WriteTree writes the parent tree, one line per process: pid, comm, state and markers.
func WriteTree(w io.Writer, f *Forest, st Style) error {
	return WriteTreeWith(w, f, st, TreeOptions{})
}

// WriteTreeWith writes the parent tree as WriteTree does, shaped by o: arguments, identical
// sibling leaves merged, lines cut to o.Width.
func WriteTreeWith(w io.Writer, f *Forest, st Style, o TreeOptions) error {
	bw := bufio.NewWriter(w)
	ts := newTreeStyle(st, o)
	for _, r := range f.Roots {
		writeSubtree(bw, r, "", "", "", false, ts, 0)
	}
	return bw.Flush()
}

// WriteSessions writes the session view: a header per session, a header per process group,
// then the parent tree of the group's shown members.
func WriteSessions(w io.Writer, sessions []*Session, st Style) error {
	return WriteSessionsWith(w, sessions, st, TreeOptions{})
}

// WriteSessionsWith writes the session view as WriteSessions does, shaped by o as the tree is:
// arguments, identical siblings merged, every line (headers too) cut to o.Width.
func WriteSessionsWith(w io.Writer, sessions []*Session, st Style, o TreeOptions) error {
	bw := bufio.NewWriter(w)
	ts := newTreeStyle(st, o)
	for _, s := range sessions {
		writeTreeLine(bw, "", 0, st.paint(sgrBold, sessionTitle(s))+sessionDetails(s), o.Width)
		for _, g := range s.Groups {
			writeTreeLine(bw, "  ", 0, groupTitle(g, st), o.Width)
			// The group's roots are not merged: their parents, which their lines name, differ.
			for _, r := range g.Roots {
				writeSubtree(bw, r, "    ", "    ", s.TTY, true, ts, 0)
			}
		}
	}
	return bw.Flush()
}

func sessionTitle(s *Session) string {
	switch {
	case s.SID == 0:
		return "session 0 (the kernel's: kernel threads, and processes that never called setsid)"
	case s.LeaderExited:
		return fmt.Sprintf("session %d (leader exited)", s.SID)
	}
	return fmt.Sprintf("session %d (leader %d %s)", s.SID, s.Leader.PID, clean(s.Leader.Comm))
}

func sessionDetails(s *Session) string {
	if s.SID == 0 {
		return ""
	}
	if s.TTY == "" {
		return " no tty"
	}
	d := " tty " + s.TTY
	if s.ForegroundPGID != 0 {
		d += fmt.Sprintf(", foreground group %d", s.ForegroundPGID)
	}
	return d
}

func groupTitle(g *Group, st Style) string {
	t := fmt.Sprintf("group %d", g.PGID)
	switch {
	case g.PGID == 0:
	case g.LeaderGone:
		t += " (leader gone)"
	default:
		t += fmt.Sprintf(" (leader %d %s)", g.Leader.PID, clean(g.Leader.Comm))
	}
	var tags []string
	if g.Foreground {
		tags = append(tags, st.paint(sgrGreen, "foreground"))
	}
	if g.Orphaned && g.PGID != 0 {
		o := "orphaned"
		if g.OrphanUncertain {
			o += " (a parent is missing from the snapshot)"
		}
		tags = append(tags, st.paint(sgrYellow, o))
	}
	if len(tags) > 0 {
		t += " " + strings.Join(tags, ", ")
	}
	return t
}

// MaxTreeIndent is the depth from which the tree stops indenting: deeper lines keep the
// indentation of that depth and say their depth ("[depth 20000] "), so that a 20,000-deep
// parent chain prints in space linear in its length, not quadratic.
const MaxTreeIndent = 64

// writeSubtree writes n with prefix first, its descendants with prefix rest. ttyAbove is the
// terminal already shown above n; inGroup is set in the session view, where a root's parent
// sits in another group. depth is n's depth below the root.
func writeSubtree(bw *bufio.Writer, n *Node, first, rest, ttyAbove string, inGroup bool, ts treeStyle, depth int) {
	writeTreeLine(bw, first, depth, nodeLine(n, ttyAbove, inGroup, ts), ts.o.Width)
	kids := mergeChildren(n.Children, ts)
	for i, m := range kids {
		branch, next := "├── ", "│   "
		if i == len(kids)-1 {
			branch, next = "└── ", "    "
		}
		if depth >= MaxTreeIndent {
			next = "" // the indentation stops growing here
		}
		if m.count > 1 {
			writeTreeLine(bw, rest+branch, depth+1, mergedLine(m, ts), ts.o.Width)
			continue
		}
		writeSubtree(bw, m.n, rest+branch, rest+next, n.TTY, false, ts, depth+1)
	}
}

// writeTreeLine writes one tree line: its prefix, the depth when past MaxTreeIndent, the
// text, all cut to width (0: whole).
func writeTreeLine(bw *bufio.Writer, prefix string, depth int, text string, width int) {
	line := prefix
	if depth > MaxTreeIndent {
		line += fmt.Sprintf("[depth %d] ", depth)
	}
	line += text
	if width > 0 {
		line = cut(line, width)
	}
	bw.WriteString(line + "\n")
}

func nodeLine(n *Node, ttyAbove string, groupRoot bool, ts treeStyle) string {
	st := ts.st
	faint := st
	if n.Context {
		st = Style{} // the whole line is faint: inner colours would end it early
	}
	head := fmt.Sprintf("%d %s %s", n.PID, clean(n.Comm), n.State)
	if a := argsText(n); ts.o.Args && a != "" {
		head = fmt.Sprintf("%d %s %s %s", n.PID, clean(n.Comm), a, n.State)
	}
	var tags []string
	for _, m := range n.Markers {
		if t, sgr := markerText(n, m); t != "" {
			tags = append(tags, st.paint(sgr, t))
		}
	}
	if n.TTY != "" && n.TTY != ttyAbove {
		tags = append(tags, "tty "+n.TTY)
	}
	if n.Threads > 1 {
		tags = append(tags, fmt.Sprintf("%d threads", n.Threads))
	}
	if n.ZombieChildren > 0 {
		tags = append(tags, st.paint(sgrRed, plural(n.ZombieChildren, "zombie child", "zombie children")))
	}
	if groupRoot && n.parent == nil && n.PPID != 0 && n.ParentComm != "" && !n.Has(MarkPPIDCycle) {
		tags = append(tags, fmt.Sprintf("parent %d %s", n.PPID, clean(n.ParentComm)))
	}
	if n.Context {
		tags = append(tags, "ancestor of a match")
	}
	line := head
	if len(tags) > 0 {
		line += " [" + strings.Join(tags, ", ") + "]"
	}
	if n.Context {
		return faint.paint(sgrFaint, line)
	}
	return line
}

func markerText(n *Node, m string) (text, sgr string) {
	switch m {
	case MarkZombie:
		return "zombie", sgrRed
	case MarkLeaderExited:
		return fmt.Sprintf("alive: leader thread exited, %s running", plural(len(n.proc.LiveTIDs), "thread", "threads")), sgrYellow
	case MarkStopped:
		return "stopped", sgrYellow
	case MarkTraced:
		switch {
		case n.TracerPID != 0 && n.TracerComm != "":
			return fmt.Sprintf("traced by %d %s", n.TracerPID, clean(n.TracerComm)), sgrYellow
		case n.TracerPID != 0:
			return fmt.Sprintf("traced by %d", n.TracerPID), sgrYellow
		}
		return "traced", sgrYellow
	case MarkKthread:
		return "kernel thread", ""
	case MarkSessionLeader:
		return "session leader", sgrBold
	case MarkGroupLeader:
		if n.Has(MarkSessionLeader) {
			return "", "" // a session leader always leads its group
		}
		return "group leader", sgrBold
	case MarkForeground:
		return "foreground", sgrGreen
	case MarkExeDeleted:
		return "exe deleted", sgrRed
	case MarkChildOfInit:
		return "child of pid 1", ""
	case MarkParentMissing:
		return fmt.Sprintf("parent %d missing", n.PPID), sgrRed
	case MarkPPIDCycle:
		return fmt.Sprintf("ppid cycle broken here (ppid %d)", n.PPID), sgrRed
	}
	return m, ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// clean makes a name from /proc safe to print: a comm may hold any byte, including escape
// sequences, so a name that is not plain printable text is quoted.
func clean(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}
