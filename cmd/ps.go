package cmd

import (
	"context"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/render"
)

type psOptions struct {
	columns string
	sort    string
	format  string
	view    viewOptions
}

func (o *psOptions) AddFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&o.columns, "columns", render.DefaultColumns, "comma-separated `COLUMNS`, or all")
	f.StringVar(&o.sort, "sort", "pid", "sort by these comma-separated `COLUMNS`; prefix one with - to reverse it")
	f.StringVar(&o.format, "format", "table", "table, json or yaml")
	o.view.AddFlags(c)
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

FDS is "-" when descriptors were not read and "?" when they could not be (another user's process
without privileges). On the live system, descriptors are read only when the fds column is shown,
which it is by default: drop it from --columns for a faster listing.

Columns: ppid pid pgid sid tty tpgid stat uid euid threads wchan fds start markers comm command.
With --format json or yaml, each row is an object keyed by column name in column order; unknown
values are null.`,
		Example: `  procsnap ps                               # this host
  procsnap ps before.yaml.gz --sort -fds    # most descriptors first
  procsnap ps --columns pid,stat,wchan,command --comm 'nginx*'
  procsnap ps --user 0 --format json | jq '.[] | select(.stat | startswith("Z"))'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runPS(c.Context(), g, o, args, io.Out) },
	}
	o.AddFlags(c)
	return c
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
	if _, err := o.view.filter(); err != nil {
		return err
	}
	withFDs := slices.ContainsFunc(cols, func(c render.Column) bool { return c.Name == "fds" })
	s, err := readSnapshot(ctx, g, args, withFDs)
	if err != nil {
		return err
	}
	_, shown, err := o.view.forest(s)
	if err != nil {
		return err
	}
	// With --pid alone, the ancestors of PID are part of what was asked for; with --user or
	// --comm, only the matching processes are rows.
	alone := len(o.view.users) == 0 && len(o.view.comms) == 0
	rows := render.Rows(shown, keys, alone)
	switch o.format {
	case "json":
		return render.WritePSJSON(out, rows, cols)
	case "yaml":
		return render.WritePSYAML(out, rows, cols)
	}
	return render.WritePSTable(out, rows, cols)
}
