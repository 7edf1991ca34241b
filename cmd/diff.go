package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/procsnap/procsnap/snapshot/proc"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/render"
	"github.com/procsnap/procsnap/snapshot"
)

type diffOptions struct {
	format    string
	kinds     []string
	pids      []int
	exitCode  bool
	force     bool
	allStates bool
	all       bool
	table     tableFlags
	captures  captureSelect
}

func (o *diffOptions) AddFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&o.format, "format", render.FormatTable, "output format: "+strings.Join(diffFormats(), ", "))
	f.StringSliceVar(&o.kinds, "kind", nil, "show only events of these `KIND`s (comma-separated or repeated)")
	f.IntSliceVar(&o.pids, "pid", nil, "show only events of this `PID` (repeatable)")
	f.BoolVar(&o.exitCode, "exit-code", false, "exit 1 when there are events, 0 when there are none (like git diff)")
	f.BoolVar(&o.force, "force", false, "compare snapshots from different boots or PID namespaces anyway")
	f.BoolVar(&o.allStates, "all-states", false, "report every state change, including R/S/D/I flips")
	f.BoolVar(&o.all, "all", false, "list every fd event instead of folding them per process (table only)")
	o.table.AddFlags(f)
	o.captures.AddFlags(f)
}

func newDiffCommand(g *globalOptions, io IO) *cobra.Command {
	o := &diffOptions{}
	c := &cobra.Command{
		Use:   "diff A [B] | diff DIR",
		Short: "Explain what happened between two snapshots (or a snapshot and now)",
		Long: `Compare snapshot A with snapshot B (any format take writes, .gz too), or with the live
system when B is omitted, and report what happened to each process, with the evidence: started,
exited, pid_reused, exec, reparented (old parent, whether it exited, the adopter: init or a
subreaper), became_zombie, reaped, stopped, continued, traced, untraced, state_changed, setsid,
setpgid, tty_changed, fd_opened, fd_closed, fd_inherited, fd_leaked, daemonized and leader_exited
(a live process whose main thread exited). Processes
that appeared already adopted get their likely creator; every zombie of B is reported with its
parent's SIGCHLD disposition, state and wchan.

A process is identified by (pid, start ticks): the same PID with another start is a PID reuse.
Snapshots from different boots or PID namespaces are refused (exit 2) unless --force; when B is
older than A the two are swapped and a note says so.

Given a capture directory (see take --dir), diff compares its two latest captures, or, with
--since or --from, the capture in effect at that time (the last one taken at or before it) with
the latest one (or the last at or before --to). A note names the two files.`,
		Example: `  procsnap diff before.yaml after.yaml.gz
  procsnap diff before.yaml                      # against the live system
  procsnap diff a.yaml b.yaml --format jsonl --kind reparented,daemonized
  procsnap diff a.yaml b.yaml --exit-code >/dev/null || echo changed
  procsnap diff /var/lib/procsnap                # the two latest captures
  procsnap diff /var/lib/procsnap --since 1h     # the capture of an hour ago vs the latest`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			o.table.columns = os.Getenv("COLUMNS")
			return runDiff(c.Context(), g, o, args, io.Out)
		},
	}
	o.AddFlags(c)
	return c
}

func (o *diffOptions) validate() error {
	return validateEventFlags(o.format, diffFormats(), o.kinds, o.pids)
}

func runDiff(ctx context.Context, g *globalOptions, o *diffOptions, args []string, out io.Writer) error {
	if err := o.validate(); err != nil {
		return err
	}
	args, picked, err := o.captures.resolveDiffArgs(args, time.Now())
	if err != nil {
		return err
	}
	var a, b *snapshot.Snapshot
	if len(args) == 2 {
		if a, b, err = loadBoth(g, args[0], args[1]); err != nil {
			return err
		}
	} else {
		if a, err = loadSnapshot(g, args[0]); err != nil {
			return err
		}
		// Live: read what A recorded, and no kernel stacks (diff does not use them).
		b, err = proc.Take(ctx, proc.TakeOptions{Root: g.procRoot, NoFDs: a.Header.Options.NoFDs,
			NoStack: true, PIDs: a.Header.Options.PIDs, Version: Version()})
		if err != nil {
			return err
		}
	}
	res, err := diff.Compare(a, b, diff.Options{Force: o.force, AllStates: o.allStates})
	if err != nil {
		return fmt.Errorf("%s: %w (--force compares them anyway)", args[0], err)
	}
	res = res.Filter(o.kinds, o.pids)
	res.Notes = append(picked, res.Notes...)
	if err := writeDiff(out, a, b, res, o.format, o.tableOptions(out)); err != nil {
		return fmt.Errorf("writing diff: %w", err)
	}
	if o.exitCode && len(res.Events) > 0 {
		return errDifferences
	}
	return nil
}

// tableOptions: the table is cut to the terminal, and fd events are folded unless --all or
// --kind asked for events by kind.
func (o *diffOptions) tableOptions(out io.Writer) render.TableOptions {
	t := o.table.options(out)
	t.All = o.all || len(o.kinds) > 0
	return t
}

// loadBoth loads two snapshot files at once, one per core: loading is most of a diff's time.
// A's error is reported before B's, as when they were loaded one after the other.
func loadBoth(g *globalOptions, pathA, pathB string) (a, b *snapshot.Snapshot, err error) {
	if pathA == "-" && pathB == "-" {
		return nil, nil, usageErrorf("- names standard input for one snapshot only")
	}
	var errB error
	done := make(chan struct{})
	go func() {
		defer close(done)
		b, errB = loadSnapshot(g, pathB)
	}()
	a, err = loadSnapshot(g, pathA)
	<-done
	if err == nil {
		err = errB
	}
	if err != nil {
		return nil, nil, err
	}
	return a, b, nil
}

func loadSnapshot(g *globalOptions, path string) (*snapshot.Snapshot, error) {
	s, err := g.load(path)
	if err != nil {
		return nil, inputError{err}
	}
	return s, nil
}
