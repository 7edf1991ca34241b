package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/render"
)

type psOptions struct {
	columns string
	sort    string
	format  string
	pids    []int
	ppids   []int
	users   []string
	comms   []string
	table   tableFlags
}

func (o *psOptions) AddFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringVarP(&o.columns, "columns", "o", render.DefaultColumns, "comma-separated `COLUMNS`, or all")
	f.StringVar(&o.sort, "sort", "pid", "sort by these comma-separated `COLUMNS`; prefix one with - to reverse it")
	f.StringVar(&o.format, "format", "table", "table, json or yaml")
	f.IntSliceVarP(&o.pids, "pid", "p", nil, "show the process with this `PID` (repeatable, comma-separated)")
	f.IntSliceVar(&o.ppids, "ppid", nil, "show the children of this `PID` (repeatable, comma-separated)")
	f.StringSliceVarP(&o.users, "user", "u", nil, "show processes whose effective user is `USER` (name or uid; repeatable)")
	f.StringSliceVar(&o.comms, "comm", nil, "show only processes whose comm matches this shell `PATTERN` (repeatable)")
	o.table.AddFlags(f)
}

func newPSCommand(g *globalOptions, io IO) *cobra.Command {
	o := &psOptions{}
	c := &cobra.Command{
		Use:   "ps [SNAPSHOT]",
		Short: "List processes as a table, like ps axj plus markers, wchan and fd count",
		Long: `List the processes of a snapshot file (YAML or JSON, optionally .gz), or of the live system
when no file is given, one row each: the columns of ps axj that a snapshot holds (PPID PID PGID
SID TTY TPGID STAT UID; there is no cpu TIME), then WCHAN, FDS and MARKERS (see procsnap tree
--help), then COMMAND. STAT is the state letter followed, as in ps, by s (session leader),
l (multi-threaded) and + (in the foreground group).

As in ps, -p, --ppid and -u select processes by PID, parent PID and effective user; a process
matching any of them is shown. --comm then keeps those whose comm matches. A selection that
matches nothing is an error (exit 2).

FDS is "-" when descriptors were not read and "?" when they could not be (another user's process
without privileges). On the live system, descriptors are read only when the fds column is shown
or sorted on, which it is by default: drop it from --columns for a faster listing. --sort fds on
a snapshot taken with --no-fds is an error.

On a terminal the table is cut to its width (long text ends in …); -w shows it all, and nothing
is cut on a pipe.

Columns: ppid pid pgid sid tty tpgid stat uid euid threads wchan fds start markers comm command.
With --format json or yaml, each row is an object keyed by column name in column order; unknown
values are null.`,
		Example: `  procsnap ps                               # this host
  procsnap ps -p 1,$$ -o pid,stat,command   # just these two processes
  procsnap ps -u www-data --sort -fds       # one user's processes, most descriptors first
  procsnap ps --ppid 1 --no-headers         # what init is the parent of
  procsnap ps before.yaml.gz --comm 'nginx*'
  procsnap ps --format json | jq '.[] | select(.stat | startswith("Z"))'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.table.columns = os.Getenv("COLUMNS")
			return runPS(c.Context(), g, o, args, io.Out)
		},
	}
	o.AddFlags(c)
	return c
}

// selection checks -p, --ppid and -u and resolves user names.
func (o *psOptions) selection() (render.RowSelect, error) {
	sel := render.RowSelect{PIDs: o.pids, PPIDs: o.ppids}
	for _, p := range append(slices.Clone(o.pids), o.ppids...) {
		if p < 0 {
			return sel, usageErrorf("--pid/--ppid %d: want a positive PID", p)
		}
	}
	for _, u := range o.users {
		uid, err := resolveUser(u)
		if err != nil {
			return sel, err
		}
		sel.EUIDs = append(sel.EUIDs, uid)
	}
	return sel, nil
}

func runPS(ctx context.Context, g *globalOptions, o *psOptions, args []string, out io.Writer) error {
	if !slices.Contains([]string{"table", "json", "yaml"}, o.format) {
		return usageErrorf("--format %q: want table, json or yaml", o.format)
	}
	cols, err := render.ParseColumns(o.columns)
	if err != nil {
		return usageErrorf("--columns: %w", err)
	}
	keys, err := render.ParseSort(o.sort)
	if err != nil {
		return usageErrorf("--sort: %w", err)
	}
	sel, err := o.selection()
	if err != nil {
		return err
	}
	flt := render.Filter{Comms: o.comms}
	if err := flt.Validate(); err != nil {
		return usageErrorf("--comm: %w", err)
	}
	isFDs := func(c render.Column) bool { return c.Name == "fds" }
	withFDs := slices.ContainsFunc(cols, isFDs) || slices.ContainsFunc(keys, func(k render.SortKey) bool { return isFDs(k.Column) })
	s, err := readSnapshot(ctx, g, args, withFDs)
	if err != nil {
		return err
	}
	shown, err := render.BuildForest(s).Select(flt)
	if err != nil {
		return inputError{err}
	}
	if err := render.CheckSortRead(shown, keys); err != nil {
		return usageErrorf("--sort %s: %w: the snapshot was taken with --no-fds", o.sort, err)
	}
	rows := render.SelectRows(render.Rows(shown, keys, false), sel)
	if len(rows) == 0 && (!sel.IsZero() || len(o.comms) > 0) {
		return inputError{fmt.Errorf("%w %s", render.ErrNoMatch, o.describeSelection())}
	}
	switch o.format {
	case "json":
		return render.WritePSJSON(out, rows, cols)
	case "yaml":
		return render.WritePSYAML(out, rows, cols)
	}
	return render.WritePSTable(out, rows, cols, o.table.options(out))
}

// describeSelection names the selection flags as the user gave them.
func (o *psOptions) describeSelection() string {
	var parts []string
	add := func(flag string, vals []string) {
		for _, v := range vals {
			parts = append(parts, flag+" "+v)
		}
	}
	add("-p", intsText(o.pids))
	add("--ppid", intsText(o.ppids))
	add("-u", o.users)
	add("--comm", o.comms)
	return joinOr(parts)
}

func intsText(v []int) []string {
	out := make([]string, len(v))
	for i, n := range v {
		out[i] = fmt.Sprint(n)
	}
	return out
}

func joinOr(parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	s := parts[0]
	for _, p := range parts[1:] {
		s += " or " + p
	}
	return s
}
