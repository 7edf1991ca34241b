package cmd

import (
	"context"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/render"
)

type treeOptions struct {
	sessions bool
	kthreads bool
	format   string
	args     bool
	pids     bool
	table    tableFlags
	view     viewOptions
}

func (o *treeOptions) AddFlags(c *cobra.Command) {
	f := c.Flags()
	f.BoolVar(&o.sessions, "sessions", false, "group by session, then process group, then parent tree")
	f.StringVar(&o.format, "format", "text", "text or json")
	f.BoolVar(&o.kthreads, "kthreads", false, "show kernel threads (hidden by default, with a line saying how many)")
	f.BoolVarP(&o.args, "arguments", "a", false, "show command-line arguments; identical sibling subtrees merge as 4*[sleep 400] or 3*[bash S───sleep 9 S] (pstree -a)")
	f.BoolVarP(&o.pids, "show-pids", "p", false, "never merge identical siblings, each keeps its PID (pstree -p; PIDs are always shown)")
	f.BoolVarP(&o.table.wide, "wide", "w", false, "do not cut lines to the terminal's width")
	o.view.AddFlags(c)
}

func newTreeCommand(g *globalOptions, io IO) *cobra.Command {
	o := &treeOptions{}
	c := &cobra.Command{
		Use:   "tree [SNAPSHOT]",
		Short: "Show the process tree, or sessions → process groups → processes",
		Long: `Show the processes of a snapshot file (YAML or JSON, optionally .gz), or of the live system
when no file is given, as the parent tree: one line per process with its pid, comm, state and
markers: zombie, stopped, traced by whom, session leader, group leader, foreground (its group owns
the terminal), tty (where it changes), exe deleted, child of pid 1 (adopted by init, or started by
it without setsid: one snapshot cannot tell), kernel thread, N threads, N zombie children (a
parent not reaping), parent N missing (a root because its parent is not in the snapshot), ppid
cycle broken here (the snapshot's ppid links formed a loop).

As pstree: -a shows each process's arguments after its comm, and merges identical sibling
subtrees (same comm, arguments, state, markers, tty, threads, all the way down) into one line
that names no PID: leaves as "4*[sleep 400] S", a process and its only kind of child as
"3*[bash -c sleep 9 S───sleep 9 S]" (up to 8 processes a line; a parent of zombies always stands
alone). PIDs are always shown, so -p is accepted as in pstree -p and, as there, turns merging
off. On a terminal, lines are cut to its width with "…" ($COLUMNS overrides it); -w/--wide cuts
nothing, and nothing is cut on a pipe or in a file. -a, -p and -w work with --sessions too.

With --sessions, processes are grouped by session (its leader or "leader exited", its controlling
tty and foreground group), then by process group (its leader or "leader gone", foreground, and
whether it is an orphaned process group: no member has a parent in another group of the same
session, the kernel's rule), then shown as the parent tree inside the group.

Filters keep the matching processes and, marked "ancestor of a match", their ancestors. Colour is
used only when the output is a terminal and NO_COLOR is empty. The live system is read without
file descriptors or kernel stacks. Kernel threads are hidden (a last line says how many):
--kthreads shows them; the kernel's session 0 comes last.`,
		Example: `  procsnap tree                           # this host, parent tree
  procsnap tree --sessions                # sessions → groups → processes
  procsnap tree --sessions before.yaml.gz # a saved snapshot
  procsnap tree --pid $$                  # this shell: its subtree and ancestors
  procsnap tree -a --pid $$               # with arguments, identical children merged
  procsnap tree --user alice --comm 'ssh*'
  procsnap tree --sessions --format json | jq '.sessions[] | select(.leader_exited)'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.view.noColor = os.Getenv("NO_COLOR")
			o.table.columns = os.Getenv("COLUMNS")
			return runTree(c.Context(), g, o, args, io.Out)
		},
	}
	o.AddFlags(c)
	return c
}

func runTree(ctx context.Context, g *globalOptions, o *treeOptions, args []string, out io.Writer) error {
	if o.format != "text" && o.format != "json" {
		return usageErrorf("--format %q: want text or json", o.format)
	}
	if _, err := o.view.filter(); err != nil {
		return err
	}
	s, err := readSnapshot(ctx, g, args, false)
	if err != nil {
		return err
	}
	o.view.noKthreads = !o.kthreads
	full, shown, err := o.view.forest(s)
	if err != nil {
		return err
	}
	hidden := 0
	if !o.kthreads {
		hidden = full.Kthreads() - shown.Kthreads()
	}
	st := render.AutoStyle(out, o.view.noColor)
	switch {
	case o.sessions && o.format == "json":
		return render.WriteSessionsJSON(out, render.BuildSessions(full, shown))
	case o.sessions:
		err = render.WriteSessionsWith(out, render.BuildSessions(full, shown), st, o.treeOptions(out))
	case o.format == "json":
		return render.WriteTreeJSON(out, shown)
	default:
		err = render.WriteTreeWith(out, shown, st, o.treeOptions(out))
	}
	if err != nil {
		return err
	}
	return render.WriteKthreadsHidden(out, hidden, o.treeOptions(out).Width)
}

// treeOptions maps -a, -p and -w onto the text tree's options: merging comes with -a, as the
// arguments tell identical children apart, and -p turns it off, as in pstree.
func (o *treeOptions) treeOptions(out io.Writer) render.TreeOptions {
	t := render.TreeOptions{Args: o.args, Merge: o.args && !o.pids}
	if !o.table.wide {
		t.Width = render.TermWidth(out, o.table.columns)
	}
	return t
}
