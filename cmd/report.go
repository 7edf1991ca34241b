package cmd

import (
	"context"
	"fmt"
	"github.com/procsnap/procsnap/diff/timeline"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/procsnap/procsnap/snapshot/capture"
	snapformat "github.com/procsnap/procsnap/snapshot/format"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/internal/watch"
	"github.com/procsnap/procsnap/render"
	"github.com/procsnap/procsnap/render/report"
	"github.com/procsnap/procsnap/snapshot"
)

type reportOptions struct {
	output    string
	allStates bool
	captures  captureSelect
}

func (o *reportOptions) AddFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringVarP(&o.output, "output", "o", "", "write the page to `FILE` (required; mode 0600, replaced atomically)")
	f.BoolVar(&o.allStates, "all-states", false, "report every state change, including R/S/D/I flips")
	o.captures.AddFlags(f)
}

func newReportCommand(io IO) *cobra.Command {
	o := &reportOptions{}
	c := &cobra.Command{
		Use:   "report A B -o FILE | report DIR -o FILE",
		Short: "Write one self-contained HTML page describing what happened",
		Long: `Write one HTML page an investigator can attach to an incident ticket: it opens offline in
any browser (inline CSS and SVG, a small inline script, nothing fetched). It shows a summary with
counts by event kind and the notable findings ranked; the sessions → process groups → processes
tree of the last snapshot marked with what changed (started, exited, reparented, daemonized with
the inferred creator and its evidence); a timeline of every process from first to last sighting
(one bar per process group when there are more than 300), with zombies, reparenting and exec
marked and a filter box; charts of zombies per parent and processes by state over time; and the
events and descriptor leaks as filterable tables.

The input is two snapshot files, a capture directory (see take --dir; --since, --from, --to and
--host select captures as for log), or a watch --record directory (its periodic snapshots).
Captures are compared in order as procsnap log does: an interval across a reboot has no events,
only a note, and an unreadable capture is skipped with a note.`,
		Example: `  procsnap report /var/lib/procsnap -o night.html
  procsnap report /var/lib/procsnap --since 8h -o night.html
  procsnap report before.yaml after.yaml -o incident.html
  procsnap report /var/tmp/rec -o watch.html        # a watch --record directory`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error { return runReport(c.Context(), o, args, io.Out) },
	}
	o.AddFlags(c)
	return c
}

func runReport(ctx context.Context, o *reportOptions, args []string, out io.Writer) error {
	if o.output == "" {
		return usageErrorf("report needs -o FILE: the page is written to a file")
	}
	var in *report.Input
	var err error
	if info, serr := os.Stat(args[0]); len(args) == 1 && serr == nil && info.IsDir() {
		in, err = o.fromDir(ctx, args[0])
	} else if len(args) == 2 {
		if o.captures.set() {
			return usageErrorf("--since, --from, --to and --host select captures in a directory: use report DIR")
		}
		in, err = o.fromFiles(args[0], args[1])
	} else {
		return usageErrorf("report takes two snapshot files or one directory, got %q", args)
	}
	if err != nil {
		return err
	}
	in.Generator = "procsnap " + Version()
	if err := snapformat.AtomicWrite(o.output, func(w io.Writer) error { return report.Write(w, in) }); err != nil {
		return fmt.Errorf("writing %s: %w", o.output, err)
	}
	return render.WrittenPath(out, o.output)
}

// fromDir reads the captures of a capture or recording directory and compares them in order.
func (o *reportOptions) fromDir(ctx context.Context, dir string) (*report.Input, error) {
	from, to, err := o.captures.window(time.Now())
	if err != nil {
		return nil, err
	}
	cs, err := o.captures.captures(dir)
	if err != nil {
		return nil, err
	}
	w, err := capture.CaptureWindow(cs, from, to)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if len(w) < 2 {
		return nil, fmt.Errorf("%s: %w to compare with %s: a report needs two", dir, snapshot.ErrNoCapture, w[0].Name)
	}
	in := &report.Input{Source: fmt.Sprintf("capture directory %s", dir)}
	if _, err := os.Stat(filepath.Join(dir, watch.EventsFile)); err == nil {
		in.Source = fmt.Sprintf("watch --record directory %s (its snapshots; %s is not drawn)", dir, watch.EventsFile)
	}
	lo := &logOptions{allStates: o.allStates}
	in.Intervals, err = lo.timeline(ctx, w, func(name string, s *snapshot.Snapshot) {
		in.Snapshots = append(in.Snapshots, s)
		in.Names = append(in.Names, name)
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return in, nil
}

// fromFiles compares two snapshot files, oldest first whatever the order given.
func (o *reportOptions) fromFiles(pathA, pathB string) (*report.Input, error) {
	a, b, err := loadBoth(nil, pathA, pathB) // report reads no standard input
	if err != nil {
		return nil, err
	}
	if b.Header.TakenAt.Before(a.Header.TakenAt) {
		a, b, pathA, pathB = b, a, pathB, pathA
	}
	iv, err := timeline.Between(a, b, filepath.Base(pathA), filepath.Base(pathB), timeline.Options{AllStates: o.allStates})
	if err != nil {
		return nil, err
	}
	return &report.Input{Source: "snapshots " + pathA + " and " + pathB, Snapshots: []*snapshot.Snapshot{a, b},
		Names: []string{iv.AFile, iv.BFile}, Intervals: []timeline.Interval{iv}}, nil
}
