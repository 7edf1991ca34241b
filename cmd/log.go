package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/procsnap/procsnap/snapshot/capture"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/diff/timeline"
	"github.com/procsnap/procsnap/render"
	"github.com/procsnap/procsnap/render/fleet"
	"github.com/procsnap/procsnap/snapshot"
)

type logOptions struct {
	captures  captureSelect
	format    string
	kinds     []string
	pids      []int
	allStates bool
	all       bool
	table     tableFlags
	// progress is stderr: comparing captures shows progress there when it is a terminal.
	progress io.Writer
	// fleet, for --format ecs or ocsf, receives each interval's events as it is compared.
	fleet *fleet.Encoder
}

func (o *logOptions) AddFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&o.format, "format", render.FormatTable, "output format: "+strings.Join(logFormats(), ", "))
	f.StringSliceVar(&o.kinds, "kind", nil, "show only events of these `KIND`s (comma-separated or repeated)")
	f.IntSliceVar(&o.pids, "pid", nil, "show only events of this `PID` (repeatable)")
	f.BoolVar(&o.allStates, "all-states", false, "report every state change, including R/S/D/I flips")
	f.BoolVar(&o.all, "all", false, "list every fd event instead of folding them per process and interval (table only)")
	o.table.AddFlags(f)
	o.captures.AddFlags(f)
}

func newLogCommand(io IO) *cobra.Command {
	o := &logOptions{}
	c := &cobra.Command{
		Use:   "log DIR",
		Short: "Show a timeline of what happened across the captures in a directory",
		Long: `Diff each consecutive pair of captures in a capture directory (see take --dir), oldest
first, and show every event in time order with the interval it happened in: when a process
started or exited, became a zombie, was reparented or daemonized, when a PID was reused.

--since, --from and --to limit the timeline; it starts at the capture in effect at the start
(the last one taken at or before it). An interval across a reboot has no events, only a note;
a capture that cannot be read is skipped with a note. jsonl captures are not read back.`,
		Example: `  procsnap log /var/lib/procsnap
  procsnap log /var/lib/procsnap --since 6h --kind became_zombie,reparented
  procsnap log /var/lib/procsnap --from "2026-11-24 01:00" --to "2026-11-24 02:00" --format jsonl`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.table.columns = os.Getenv("COLUMNS")
			o.progress = io.Err
			return runLog(c.Context(), o, args[0], io.Out)
		},
	}
	o.AddFlags(c)
	return c
}

func (o *logOptions) validate() error {
	return validateEventFlags(o.format, logFormats(), o.kinds, o.pids)
}

func runLog(ctx context.Context, o *logOptions, dir string, out io.Writer) error {
	if err := o.validate(); err != nil {
		return err
	}
	from, to, err := o.captures.window(time.Now())
	if err != nil {
		return err
	}
	cs, err := o.captures.captures(dir)
	if err != nil {
		return err
	}
	w, err := capture.CaptureWindow(cs, from, to)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	if len(w) < 2 {
		if o.captures.set() {
			return fmt.Errorf("%s: %s leaves one capture (%s): %w to compare it with; a timeline needs two",
				dir, o.captures.describe(), w[0].Name, snapshot.ErrNoCapture)
		}
		return fmt.Errorf("%s: %w to compare with %s: a timeline needs two", dir, snapshot.ErrNoCapture, w[0].Name)
	}
	if fleet.IsFormat(o.format) {
		if o.fleet, err = fleet.NewEncoder(out, o.format, Version()); err != nil {
			return err
		}
	}
	ivs, err := o.timeline(ctx, w, nil)
	if err != nil || o.fleet != nil {
		return err
	}
	if o.format == render.FormatTable {
		t := o.table.options(out)
		t.All = o.all || len(o.kinds) > 0
		return render.TimelineTable(out, ivs, len(w), t)
	}
	return render.Timeline(out, ivs, len(w), o.format)
}

// timeline compares each consecutive pair of readable captures in w (timeline.Compare), showing
// progress and feeding the fleet encoder. keep, when set, receives every capture read.
func (o *logOptions) timeline(ctx context.Context, w []capture.Capture, keep func(string, *snapshot.Snapshot)) ([]timeline.Interval, error) {
	progress := render.NewProgress(o.progress, "comparing captures")
	defer progress.Done()
	opts := o.timelineOptions()
	opts.Progress, opts.Keep = progress.Update, keep
	if o.fleet != nil {
		opts.Each = o.fleet.Diff
	}
	return timeline.Compare(ctx, w, opts)
}

func (o *logOptions) timelineOptions() timeline.Options {
	return timeline.Options{AllStates: o.allStates, Kinds: o.kinds, PIDs: o.pids}
}
