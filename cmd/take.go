package cmd

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/snapshot"
)

type takeOptions struct {
	output  string
	format  string
	noFDs   bool
	noStack bool
	pids    []int
}

func (o *takeOptions) AddFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringVarP(&o.output, "output", "o", "", "write the snapshot to `FILE` (atomically, mode 0600) instead of stdout; .yaml, .yml, .json, optionally .gz")
	f.StringVar(&o.format, "format", "", "yaml or json (default: from the -o extension, else yaml)")
	f.BoolVar(&o.noFDs, "no-fds", false, "skip file descriptors (fd and fdinfo)")
	f.BoolVar(&o.noStack, "no-stack", false, "skip kernel stacks")
	f.IntSliceVar(&o.pids, "pid", nil, "record only this `PID` (repeatable)")
}

func newTakeCommand(g *globalOptions, io IO) *cobra.Command {
	o := &takeOptions{}
	c := &cobra.Command{
		Use:   "take",
		Short: "Take a snapshot of every process",
		Long: `Take a snapshot of every visible process: identity (pid, start ticks), tree (ppid, pgid,
sid, tpgid, tty, children), state, tracer, wchan, kernel stack, comm, exe, cmdline, cwd, ids,
signal masks and the SIGCHLD disposition, namespaces, and every file descriptor with its fdinfo.

What cannot be read (another user's fds, kernel stacks without CAP_SYS_ADMIN, a process that
exits mid-read) is recorded per field with its reason; it is never fatal.`,
		Example: `  procsnap take                       # YAML to stdout
  procsnap take -o before.yaml.gz     # compressed file, mode 0600
  procsnap take --format json --no-fds --pid 1 --pid $$`,
		RunE: func(c *cobra.Command, _ []string) error { return runTake(c.Context(), g, o, io.Out) },
	}
	o.AddFlags(c)
	return c
}

func runTake(ctx context.Context, g *globalOptions, o *takeOptions, out io.Writer) error {
	format := o.format
	if format != "" && format != snapshot.FormatYAML && format != snapshot.FormatJSON {
		return usageErrorf("--format %q: want yaml or json", format)
	}
	for _, p := range o.pids {
		if p <= 0 {
			return usageErrorf("--pid %d: want a positive PID", p)
		}
	}
	s, err := snapshot.Take(ctx, snapshot.TakeOptions{
		Root: g.procRoot, NoFDs: o.noFDs, NoStack: o.noStack, PIDs: o.pids, Version: Version(),
	})
	if err != nil {
		return err
	}
	if o.output != "" {
		if err := snapshot.WriteFile(o.output, s, format); err != nil {
			return fmt.Errorf("writing %s: %w", o.output, err)
		}
		return nil
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	if err := snapshot.Encode(bw, s, format); err != nil {
		return err
	}
	return bw.Flush()
}
