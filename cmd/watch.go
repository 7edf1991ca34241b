package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/internal/watch"
	"github.com/procsnap/procsnap/render"
	"github.com/procsnap/procsnap/snapshot"
	"github.com/procsnap/procsnap/snapshot/proc"
)

type watchOptions struct {
	// progress is stderr: the first scan shows progress there when it is a terminal.
	progress      io.Writer
	interval      time.Duration
	rescan        time.Duration
	duration      time.Duration
	pid           int
	format        string
	record        string
	snapshotEvery time.Duration
	noInotify     bool
	cpu           string
	redact        bool
	// redactPatterns are user patterns for --redact-pattern (they imply --redact).
	redactPatterns []string
	// wide keeps whole lines on a terminal; columns is $COLUMNS (RunE reads it, tests set it).
	wide    bool
	columns string
}

func (o *watchOptions) AddFlags(c *cobra.Command) {
	f := c.Flags()
	f.DurationVar(&o.interval, "interval", watch.DefaultInterval, "period of the new-process check while nothing is starting (1 ms while something is)")
	f.DurationVar(&o.rescan, "rescan", watch.DefaultRescan, "period of the full rescan (reparenting, state, zombies, setsid of older processes)")
	f.DurationVar(&o.duration, "duration", 0, "stop after `D` and print the summary (default: until Ctrl-C)")
	f.IntVar(&o.pid, "pid", 0, "report only this `PID` and its descendants")
	f.StringVar(&o.format, "format", render.WatchTable, "table, jsonl, or ecs or ocsf (one ECS or OCSF document per event)")
	f.StringVar(&o.record, "record", "", "also write events.jsonl and periodic full snapshots into `DIR`")
	f.DurationVar(&o.snapshotEvery, "snapshot-every", time.Minute, "with --record, period of the full snapshots")
	f.BoolVar(&o.noInotify, "no-inotify", false, "do not wake up on inotify IN_OPEN events in library and $PATH directories")
	f.BoolVar(&o.redact, "redact", false, "remove secrets from command lines in the events printed and recorded, and in --record snapshots (the rules of take --redact)")
	f.StringArrayVar(&o.redactPatterns, "redact-pattern", nil, "also redact what this Go `REGEX` matches, as take --redact-pattern does; repeatable; implies --redact")
	f.BoolVarP(&o.wide, "wide", "w", false, "do not cut table lines to the terminal's width (nothing is cut on a pipe)")
	f.StringVar(&o.cpu, "cpu", watch.AutoCPU, "run on this `CPU`: auto (the idlest at start), any (not pinned) or a CPU number")
}

func newWatchCommand(g *globalOptions, io IO) *cobra.Command {
	o := &watchOptions{}
	c := &cobra.Command{
		Use:   "watch",
		Short: "Poll /proc continuously and print process events as they happen",
		Long: `Poll /proc continuously, without privileges, and print a line per event as it happens:
started (pid, ppid, uid, cmdline, creation chain), exec, exited (with lifetime), reparented,
became_zombie, reaped, stopped, continued, traced, setsid, setpgid, and daemonized with the
full creation chain the watch saw, even after the creators exited.

New processes are found by watching the last allocated PID in /proc/loadavg and reading only
the new PIDs, so a process that lives a millisecond is usually still caught; a slower rescan
follows older processes. The watch runs all its threads on one CPU (--cpu), which on a
small VM catches more of the processes that exit within a millisecond of their exec.
Ctrl-C or --duration ends the watch with a summary.`,
		Example: `  procsnap watch
  procsnap watch --duration 1m --format jsonl
  procsnap watch --pid 812 --record /var/tmp/rec`,
		RunE: func(c *cobra.Command, _ []string) error {
			if note := proc.HidepidNote(g.procRoot); note != "" {
				fmt.Fprintf(c.ErrOrStderr(), "note: %s; watch does not see them\n", note)
			}
			o.progress = io.Err
			o.columns = os.Getenv("COLUMNS")
			return runWatch(c.Context(), g, o, io.Out)
		},
	}
	o.AddFlags(c)
	return c
}

func (o *watchOptions) validate() error {
	switch {
	case !slices.Contains(watchFormats(), o.format):
		return usageErrorf("--format %q: want one of %s", o.format, strings.Join(watchFormats(), ", "))
	case o.interval <= 0:
		return usageErrorf("--interval %s: want a positive duration", o.interval)
	case o.rescan <= 0:
		return usageErrorf("--rescan %s: want a positive duration", o.rescan)
	case o.duration < 0:
		return usageErrorf("--duration %s: want a positive duration", o.duration)
	case o.pid < 0:
		return usageErrorf("--pid %d: want a positive PID", o.pid)
	case o.snapshotEvery <= 0:
		return usageErrorf("--snapshot-every %s: want a positive duration", o.snapshotEvery)
	}
	if _, err := watch.ParseCPU(o.cpu); err != nil {
		return usageErrorf("--cpu: %v", err)
	}
	return nil
}

// redactor returns the Redactor of --redact and --redact-pattern, or nil.
func (o *watchOptions) redactor() (*snapshot.Redactor, error) {
	if !o.redact && len(o.redactPatterns) == 0 {
		return nil, nil
	}
	r, err := snapshot.NewRedactor(o.redactPatterns)
	if err != nil {
		return nil, usageErrorf("--redact-pattern: %w", err)
	}
	return r, nil
}

func runWatch(ctx context.Context, g *globalOptions, o *watchOptions, out io.Writer) (err error) {
	if err := o.validate(); err != nil {
		return err
	}
	red, err := o.redactor()
	if err != nil {
		return err
	}
	pr, err := newWatchPrinter(g, out, o.format)
	if err != nil {
		return usageError{err}
	}
	if tp, ok := pr.(*render.WatchPrinter); ok && !o.wide {
		tp.Width = render.TermWidth(out, o.columns)
	}
	w, err := watch.New(watch.Options{
		Root: g.procRoot, Interval: o.interval, Rescan: o.rescan, PID: o.pid, NoInotify: o.noInotify,
		CPU: o.cpu,
	})
	if err != nil {
		return err
	}
	defer w.Close()
	stop := render.NewProgress(o.progress, "watch: reading the processes alive now").While()
	err = w.Start()
	stop()
	if err != nil {
		return err
	}
	var rec *recording
	if o.record != "" {
		// The initial scan and the first snapshot come before --duration starts counting.
		if rec, err = openRecording(ctx, g, o, red); err != nil {
			return err
		}
	}
	runCtx, cancel := ctx, context.CancelFunc(func() {})
	if o.duration > 0 {
		runCtx, cancel = context.WithTimeout(ctx, o.duration)
	}
	defer cancel()
	emit := pr.Events
	if rec != nil {
		rec.start(runCtx, o.snapshotEvery)
		emit = func(evs []watch.Event) error {
			if err := rec.Events(evs); err != nil {
				return err
			}
			return pr.Events(evs)
		}
	}
	if red != nil { // before anything is printed or recorded
		unredacted := emit
		emit = func(evs []watch.Event) error { watch.Redact(red, evs); return unredacted(evs) }
	}
	start := time.Now()
	err = w.Run(runCtx, emit)
	if rec != nil {
		err = errors.Join(err, rec.finish(ctx))
	}
	if err != nil {
		return err
	}
	if err := pr.Summary(time.Since(start), w.Stats()); err != nil {
		return err
	}
	return ctx.Err() // Ctrl-C: interrupted (130) after the summary
}
