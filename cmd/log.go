package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/procsnap/procsnap/snapshot/capture"
	snapformat "github.com/procsnap/procsnap/snapshot/format"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/diff"
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

// timeline compares each consecutive pair of readable captures in w. Unreadable captures are
// skipped with a note on the interval that spans them. keep, when set, receives every capture read.
func (o *logOptions) timeline(ctx context.Context, w []capture.Capture, keep func(string, *snapshot.Snapshot)) ([]render.Interval, error) {
	var ivs []render.Interval
	var prev *snapshot.Snapshot
	var prevFile string
	var notes []string
	progress := render.NewProgress(o.progress, "comparing captures")
	defer progress.Done()
	for i, c := range w {
		progress.Update(i, len(w))
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s, err := snapformat.Load(c.Path)
		if err != nil {
			notes = append(notes, fmt.Sprintf("skipped %s: %v", c.Name, err))
			continue
		}
		if keep != nil {
			keep(c.Name, s)
		}
		if prev != nil {
			iv, err := o.interval(prev, s, prevFile, c.Name)
			if err != nil {
				return nil, err
			}
			if o.fleet != nil {
				if err := o.fleet.Diff(prev, s, &iv.Result); err != nil {
					return nil, err
				}
			}
			iv.Notes = append(notes, iv.Notes...)
			notes = nil
			ivs = append(ivs, iv)
		}
		prev, prevFile = s, c.Name
	}
	if len(ivs) == 0 {
		return nil, fmt.Errorf("%w: fewer than two readable captures (%s)", snapshot.ErrNoCapture, strings.Join(notes, "; "))
	}
	return ivs, nil
}

// interval diffs a and b. Across a reboot or PID namespaces there is nothing to match: the
// interval gets a note and no events.
func (o *logOptions) interval(a, b *snapshot.Snapshot, aFile, bFile string) (render.Interval, error) {
	res, err := diff.Compare(a, b, diff.Options{AllStates: o.allStates})
	if errors.Is(err, diff.ErrBootMismatch) || errors.Is(err, diff.ErrPIDNamespaceMismatch) {
		res, ferr := diff.Compare(a, b, diff.Options{Force: true})
		if ferr != nil {
			return render.Interval{}, ferr
		}
		res.Events = []diff.Event{}
		res.Zombies = diff.ZombieReport{Summary: "not compared: " + err.Error()}
		res.Notes = []string{"no events: " + err.Error()}
		return render.Interval{AFile: aFile, BFile: bFile, Result: *res}, nil
	}
	if err != nil {
		return render.Interval{}, fmt.Errorf("%s → %s: %w", aFile, bFile, err)
	}
	return render.Interval{AFile: aFile, BFile: bFile, Result: *res.Filter(o.kinds, o.pids)}, nil
}
