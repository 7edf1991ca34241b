package render

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/procsnap/procsnap/snapshot"
)

// ErrUnknownColumn marks a --columns or --sort name that is not a ps column.
var ErrUnknownColumn = errors.New("unknown column")

// Column is one column of the ps table.
type Column struct {
	// Name is the name --columns and --sort take, and the key in JSON and YAML.
	Name   string
	Header string
	// value is the typed value for JSON and YAML (nil for unknown); text the table cell.
	value func(r *Row) any
	text  func(r *Row) string
	cmp   func(a, b *Row) int
}

// Row is one process of the ps table.
type Row struct {
	node *Node
	p    *snapshot.Process
	fds  int // -1 when not read, -2 when unreadable
}

// DefaultColumns are the columns of `ps axj` that a snapshot holds (it has no cpu time), then
// the state markers, wchan and fd count.
const DefaultColumns = "ppid,pid,pgid,sid,tty,tpgid,stat,uid,wchan,fds,markers,command"

func intCol(name, header string, f func(r *Row) int) Column {
	return Column{Name: name, Header: header,
		value: func(r *Row) any { return f(r) },
		text:  func(r *Row) string { return fmt.Sprint(f(r)) },
		cmp:   func(a, b *Row) int { return cmp.Compare(f(a), f(b)) },
	}
}

func strCol(name, header, none string, f func(r *Row) string) Column {
	return Column{Name: name, Header: header,
		value: func(r *Row) any {
			if v := f(r); v != "" {
				return v
			}
			return nil
		},
		text: func(r *Row) string {
			if v := f(r); v != "" {
				return clean(v)
			}
			return none
		},
		cmp: func(a, b *Row) int { return cmp.Compare(f(a), f(b)) },
	}
}

// Columns lists every ps column, in the order `--columns all` shows them.
var Columns = []Column{
	intCol("ppid", "PPID", func(r *Row) int { return r.p.PPID }),
	intCol("pid", "PID", func(r *Row) int { return r.p.PID }),
	intCol("pgid", "PGID", func(r *Row) int { return r.p.PGID }),
	intCol("sid", "SID", func(r *Row) int { return r.p.SID }),
	strCol("tty", "TTY", "?", func(r *Row) string { return r.p.TTY }),
	intCol("tpgid", "TPGID", func(r *Row) int { return r.p.TPGID }),
	strCol("stat", "STAT", "", stat),
	intCol("uid", "UID", func(r *Row) int { return r.p.UID }),
	intCol("euid", "EUID", func(r *Row) int { return r.p.EUID }),
	intCol("threads", "THREADS", func(r *Row) int { return r.p.Threads }),
	strCol("wchan", "WCHAN", "-", func(r *Row) string { return r.p.Wchan }),
	fdsColumn(),
	strCol("start", "START", "-", func(r *Row) string {
		if r.p.StartTime.IsZero() {
			return ""
		}
		return r.p.StartTime.UTC().Format(time.RFC3339)
	}),
	markersColumn(),
	strCol("comm", "COMM", "", func(r *Row) string { return r.p.Comm }),
	strCol("command", "COMMAND", "", command),
}

func fdsColumn() Column {
	c := intCol("fds", "FDS", func(r *Row) int { return r.fds })
	c.value = func(r *Row) any {
		if r.fds < 0 {
			return nil
		}
		return r.fds
	}
	c.text = func(r *Row) string {
		switch r.fds {
		case -1:
			return "-"
		case -2:
			return "?"
		}
		return fmt.Sprint(r.fds)
	}
	return c
}

func markersColumn() Column {
	texts := func(r *Row) []string {
		var out []string
		for _, m := range r.node.Markers {
			if t, _ := markerText(r.node, m); t != "" {
				out = append(out, t)
			}
		}
		if r.node.ZombieChildren > 0 {
			out = append(out, plural(r.node.ZombieChildren, "zombie child", "zombie children"))
		}
		return out
	}
	return Column{Name: "markers", Header: "MARKERS",
		value: func(r *Row) any {
			if len(r.node.Markers) == 0 {
				return nil
			}
			return r.node.Markers
		},
		text: func(r *Row) string { return strings.Join(texts(r), ", ") },
		cmp: func(a, b *Row) int {
			return cmp.Compare(strings.Join(a.node.Markers, ","), strings.Join(b.node.Markers, ","))
		},
	}
}

// stat is ps's STAT: the state letter, then s for a session leader, l for a multi-threaded
// process and + for a member of the foreground group.
func stat(r *Row) string {
	s := r.p.State
	if r.node.Has(MarkSessionLeader) {
		s += "s"
	}
	if r.p.Threads > 1 {
		s += "l"
	}
	if r.node.Has(MarkForeground) {
		s += "+"
	}
	return s
}

// command is the command line, or [comm] like ps when there is none (kernel threads, zombies).
func command(r *Row) string {
	if len(r.p.Cmdline) == 0 {
		return "[" + r.p.Comm + "]"
	}
	return strings.Join(r.p.Cmdline, " ")
}

// ParseColumns turns "pid,comm" (or "all") into columns.
func ParseColumns(spec string) ([]Column, error) {
	if spec == "all" {
		return slices.Clone(Columns), nil
	}
	var out []Column
	for _, name := range strings.Split(spec, ",") {
		c, ok := column(strings.TrimSpace(name))
		if !ok {
			return nil, unknownColumn(name)
		}
		out = append(out, c)
	}
	return out, nil
}

func column(name string) (Column, bool) {
	i := slices.IndexFunc(Columns, func(c Column) bool { return c.Name == strings.ToLower(name) })
	if i < 0 {
		return Column{}, false
	}
	return Columns[i], true
}

func unknownColumn(name string) error {
	names := make([]string, len(Columns))
	for i, c := range Columns {
		names[i] = c.Name
	}
	return fmt.Errorf("%w %q (want %s)", ErrUnknownColumn, name, strings.Join(names, ", "))
}

// SortKey is one key of a ps sort: a column, ascending unless Desc.
type SortKey struct {
	Column Column
	Desc   bool
}

// ParseSort turns "sid,-pid" into sort keys: comma-separated column names, each optionally
// prefixed by - for descending (or + for ascending) order.
func ParseSort(spec string) ([]SortKey, error) {
	var keys []SortKey
	for _, name := range strings.Split(spec, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		c, ok := column(strings.TrimLeft(name, "+-"))
		if !ok {
			return nil, unknownColumn(name)
		}
		keys = append(keys, SortKey{c, strings.HasPrefix(name, "-")})
	}
	return keys, nil
}

// Rows returns the processes of f as ps rows sorted by keys; ties are broken by PID. Processes
// that are in f only as ancestors of a match (Node.Context) are left out unless withContext is
// set.
func Rows(f *Forest, keys []SortKey, withContext bool) []*Row {
	var rows []*Row
	f.Walk(func(n *Node, _ int) {
		if withContext || !n.Context {
			rows = append(rows, newRow(f, n))
		}
	})
	slices.SortStableFunc(rows, func(a, b *Row) int {
		for _, k := range keys {
			if c := k.Column.cmp(a, b); c != 0 {
				if k.Desc {
					return -c
				}
				return c
			}
		}
		return cmp.Compare(a.p.PID, b.p.PID)
	})
	return rows
}

func newRow(f *Forest, n *Node) *Row {
	r := &Row{node: n, p: n.proc, fds: len(n.proc.FDs)}
	switch {
	case f.NoFDs || n.proc.Kthread:
		r.fds = -1
	case n.proc.Unread["fds"] != "":
		r.fds = -2
	}
	return r
}
