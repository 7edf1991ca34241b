package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/snapshot"
)

type takeOptions struct {
	output  string
	format  string
	noFDs   bool
	noStack bool
	pids    []int
	force   bool
	redact  bool
	// redactPatterns are user patterns for --redact-pattern (they imply --redact).
	redactPatterns []string
}

func (o *takeOptions) AddFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringVarP(&o.output, "output", "o", "", "write the snapshot to `FILE` (atomically, mode 0600) instead of stdout; .yaml, .yml, .json, optionally .gz")
	f.StringVar(&o.format, "format", "", "yaml or json (default: from the -o extension, else yaml)")
	f.BoolVar(&o.noFDs, "no-fds", false, "skip file descriptors (fd and fdinfo)")
	f.BoolVar(&o.noStack, "no-stack", false, "skip kernel stacks")
	f.IntSliceVar(&o.pids, "pid", nil, "record only this `PID` (repeatable)")
	f.BoolVar(&o.force, "force", false, "let -o replace a file that is not one of your procsnap snapshots, or a symlink (replaced, never followed)")
	f.BoolVar(&o.redact, "redact", false, "remove secrets from command lines before anything is written (mysql -pX, --password=X, --token X, PASSWORD=X, user:pass@ in URLs)")
	f.StringArrayVar(&o.redactPatterns, "redact-pattern", nil, "also redact what this Go `REGEX` matches (its groups, if any) in cmdline, comm, exe, cwd and fd targets; repeatable; implies --redact")
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
  procsnap take --redact --redact-pattern 'sk_live_\w+' -o /tmp/snap.yaml
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
	var redact *snapshot.Redactor
	if o.redact || len(o.redactPatterns) > 0 {
		r, err := snapshot.NewRedactor(o.redactPatterns)
		if err != nil {
			return usageErrorf("--redact-pattern: %w", err)
		}
		redact = r
	}
	if o.output != "" && !o.force {
		if _, err := snapshot.CheckOutput(o.output); err != nil {
			return outputError(o.output, err)
		}
	}
	s, err := snapshot.Take(ctx, snapshot.TakeOptions{
		Root: g.procRoot, NoFDs: o.noFDs, NoStack: o.noStack, PIDs: o.pids, Version: Version(),
		Redact: redact,
	})
	if err != nil {
		return err
	}
	if o.output != "" {
		if err := snapshot.WriteOutput(o.output, s, format, o.force); err != nil {
			return outputError(o.output, err)
		}
		return nil
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	if err := snapshot.Encode(bw, s, format); err != nil {
		return err
	}
	return bw.Flush()
}

// outputError maps a refusal to replace the -o file (or a file planted there meanwhile) to a usage
// error, which --force answers; anything else is a failure to write.
func outputError(path string, err error) error {
	if errors.Is(err, snapshot.ErrRefuseReplace) {
		return usageError{err}
	}
	if errors.Is(err, fs.ErrExist) {
		return usageErrorf("%s appeared while the snapshot was taken; not replaced (use --force): %w", path, err)
	}
	return fmt.Errorf("writing %s: %w", path, err)
}
