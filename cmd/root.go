package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/procsnap/procsnap/snapshot/proc"

	"github.com/spf13/cobra"
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

// Root returns procsnap's command tree wired to the standard streams, for tools that document
// it (the man page generator); it runs nothing.
func Root() *cobra.Command {
	return newRootCommand(IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
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
	root.PersistentFlags().StringVar(&g.procRoot, "proc", proc.DefaultRoot,
		"the proc filesystem to read (a container's /proc, or a fixture tree)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{plainFlagError(err)} })
	root.AddCommand(
		newTakeCommand(g, io),
		newTreeCommand(g, io),
		newPSCommand(g, io),
		newExplainCommand(g, io),
		newDiffCommand(g, io),
		newLsCommand(io),
		newLogCommand(io),
		newReportCommand(io),
		newWatchCommand(g, io),
		newMetricsCommand(g, io),
		newVersionCommand(io),
		newValidateCommand(g, io),
	)
	registerCompletions(root)
	root.Args = unknownCommand
	root.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
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

// unknownCommand refuses any argument to procsnap itself: it is a mistyped command (exit 2,
// with the nearest commands), never help and success, so a typo in a cron line does not pass.
func unknownCommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %s?", strings.Join(s, " or "))
	}
	return errors.New(msg)
}

// flagValueError matches pflag's message for a value it could not parse.
var flagValueError = regexp.MustCompile(`^invalid argument "(.*)" for "(?:-., )?(--[^"]+)" flag: (.*)$`)

// plainFlagError rewrites pflag's "invalid argument "abc" for "-p, --pid" flag: strconv.Atoi:
// parsing "abc": invalid syntax" as "--pid "abc": not a number": the user's input, not Go's.
func plainFlagError(err error) error {
	m := flagValueError.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	want := "not a valid value"
	switch {
	case strings.Contains(m[3], "ParseBool"):
		want = "want true or false"
	case strings.Contains(m[3], "strconv."):
		want = "not a number"
	case strings.Contains(m[3], "time:"):
		want = "not a duration (want 90s, 45m, 6h)"
	}
	return fmt.Errorf("%s %q: %s", m[2], m[1], want)
}
