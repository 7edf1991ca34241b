package cmd

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/snapshot"
)

// version is set at link time (-ldflags "-X github.com/procsnap/procsnap/cmd.version=...");
// otherwise it comes from the module build info.
var version = ""

// Version returns procsnap's version string.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// globalOptions are the flags every command shares.
type globalOptions struct {
	procRoot string
	// stdin is what an input file named "-" reads.
	stdin io.Reader
}

// IO is where a command reads and writes.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
}

// Main runs procsnap with args and returns the exit code. It is the only caller of the
// error-to-exit-code mapping; main() is the only caller of os.Exit.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) ExitCode {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCommand(IO{In: stdin, Out: stdout, Err: stderr})
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil && !errors.Is(err, context.Canceled) {
		err = errors.Join(context.Canceled, err)
	}
	return exitCodeFor(err, stderr)
}

func newRootCommand(io IO) *cobra.Command {
	g := &globalOptions{stdin: io.In}
	root := &cobra.Command{
		Use:   "procsnap",
		Short: "Photograph a Linux host's processes from /proc and explain what changed",
		Long: `procsnap photographs every process of a Linux host from /proc, without privileges,
records what it could not read and why, and explains what changed between two photographs.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.Err)
	root.PersistentFlags().StringVar(&g.procRoot, "proc", snapshot.DefaultRoot,
		"the proc filesystem to read (a container's /proc, or a fixture tree)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newTakeCommand(g, io),
		newTreeCommand(g, io),
		newPSCommand(g, io),
		newDiffCommand(g, io),
		newLsCommand(io),
		newLogCommand(io),
		newWatchCommand(g, io),
		newMetricsCommand(g, io),
		newVersionCommand(io),
		newValidateCommand(g, io),
	)
	for _, c := range root.Commands() {
		addExitStatus(c)
	}
	addExitStatus(root)
	return root
}

func addExitStatus(c *cobra.Command) {
	if !strings.Contains(c.Long, "EXIT STATUS") {
		if c.Long == "" {
			c.Long = c.Short
		}
		c.Long += "\n" + exitStatusHelp
	}
	if c.Args == nil {
		c.Args = cobra.NoArgs
	}
	args := c.Args
	c.Args = func(cmd *cobra.Command, a []string) error {
		if err := args(cmd, a); err != nil {
			return usageError{err}
		}
		return nil
	}
}
