package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/procsnap/procsnap/snapshot/capture"
	snapformat "github.com/procsnap/procsnap/snapshot/format"
	"github.com/procsnap/procsnap/snapshot/proc"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/render/metrics"
)

type metricsOptions struct {
	output   string
	top      int
	noFDs    bool
	history  int
	captures captureSelect
}

func (o *metricsOptions) AddFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringVarP(&o.output, "output", "o", "", "write to `FILE` atomically (temporary file + rename, mode 0644 so node_exporter can read it), e.g. /var/lib/prometheus/node-exporter/procsnap.prom; stdout when empty")
	f.IntVar(&o.top, "top", metrics.DefaultTopN, "zombie parents (and executables leaking fds) with a series of their own; the rest are summed")
	f.IntVar(&o.history, "history", 120, "with DIR: read at most `N` older captures to date zombies")
	f.BoolVar(&o.noFDs, "no-fds", false, "live: skip file descriptors (no fd metrics)")
	o.captures.AddFlags(f)
}

func newMetricsCommand(g *globalOptions, io IO) *cobra.Command {
	o := &metricsOptions{}
	c := &cobra.Command{
		Use:   "metrics [SNAPSHOT | DIR]",
		Short: "Write Prometheus metrics: zombies by parent, orphans, adoptions, stopped, traced, leaked fds",
		Long: `Write the processes of the live host (no argument), of a snapshot file, or of the latest
capture of a capture directory (see take --dir) as Prometheus metrics in the text exposition
format, for node_exporter's textfile collector (--collector.textfile.directory).

Zombies are counted by parent, with the parent's pid, comm, executable and SIGCHLD disposition
as labels; the --top parents with most zombies get a series each and the rest one series with
parent_pid="other", so the number of series stays bounded. Labels never hold command lines.

Given a capture directory, older captures of the same boot tell since when each zombie has been
unreaped (procsnap_zombie_oldest_age_seconds, a lower bound: at most --history captures are
read), and the previous capture which
descriptors were leaked across exec since (procsnap_fds_leaked_across_exec). --since, --from
and --to pick the capture in effect at that time instead of the latest.

With -o the file is replaced atomically (a temporary file in the same directory, then rename),
so the collector never reads half a file; it is mode 0644 because node_exporter runs as another
user. The metric names and their meaning are in the README ("Across a fleet").`,
		Example: `  procsnap metrics                                        # live, to stdout
  procsnap metrics -o /var/lib/prometheus/node-exporter/procsnap.prom
  procsnap take --dir /var/lib/procsnap && procsnap metrics /var/lib/procsnap -o /var/lib/prometheus/node-exporter/procsnap.prom
  procsnap metrics before.yaml.gz --top 5`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runMetrics(c.Context(), g, o, args, io.Out) },
	}
	o.AddFlags(c)
	return c
}

func (o *metricsOptions) validate(args []string) error {
	if o.history < 0 {
		return usageErrorf("--history %d: want 0 or more captures", o.history)
	}
	if o.top < 1 {
		return usageErrorf("--top %d: want at least 1", o.top)
	}
	if o.output != "" && strings.HasSuffix(o.output, "/") {
		return usageErrorf("-o %s: name the file, e.g. %sprocsnap.prom", o.output, o.output)
	}
	if o.captures.set() && (len(args) == 0 || !isDir(args[0])) {
		return usageErrorf("--since, --from, --to and --host select captures in a directory: use metrics DIR")
	}
	return nil
}

func isDir(p string) bool { info, err := os.Stat(p); return err == nil && info.IsDir() }

func runMetrics(ctx context.Context, g *globalOptions, o *metricsOptions, args []string, out io.Writer) error {
	if err := o.validate(args); err != nil {
		return err
	}
	in, err := o.input(ctx, g, args)
	if err != nil {
		return err
	}
	in.TopN = o.top
	fams := metrics.Collect(in)
	if o.output == "" {
		return metrics.Write(out, fams)
	}
	if err := snapformat.AtomicWriteMode(o.output, 0o644, func(w io.Writer) error { return metrics.Write(w, fams) }); err != nil {
		return fmt.Errorf("writing %s: %w", o.output, err)
	}
	return nil
}

// input loads what the metrics are computed from: the live host, a snapshot file, or the
// latest (or selected) capture of a directory with its history.
func (o *metricsOptions) input(ctx context.Context, g *globalOptions, args []string) (metrics.Input, error) {
	if len(args) == 0 {
		s, err := proc.Take(ctx, proc.TakeOptions{Root: g.procRoot, NoFDs: o.noFDs, NoStack: true, Version: Version()})
		return metrics.Input{Current: s}, err
	}
	if !isDir(args[0]) {
		s, err := loadSnapshot(g, args[0])
		return metrics.Input{Current: s}, err
	}
	return o.fromCaptures(ctx, args[0])
}

// fromCaptures reads the capture in effect at --to (the latest by default) and walks older
// captures, newest first, while one of its zombies could still be older.
func (o *metricsOptions) fromCaptures(ctx context.Context, dir string) (metrics.Input, error) {
	cs, err := o.captures.captures(dir)
	if err != nil {
		return metrics.Input{}, err
	}
	from, to, err := o.captures.window(time.Now())
	if err != nil {
		return metrics.Input{}, err
	}
	w, err := capture.CaptureWindow(cs, from, to)
	if err != nil {
		return metrics.Input{}, fmt.Errorf("%s: %w", dir, err)
	}
	last := len(w) - 1
	cur, err := loadSnapshot(nil, w[last].Path) // a capture, never "-"
	if err != nil {
		return metrics.Input{}, err
	}
	in := metrics.Input{Current: cur}
	h := metrics.NewZombieHistory(cur)
	for i := last - 1; i >= 0 && i >= last-o.history; i-- {
		if err := ctx.Err(); err != nil {
			return in, err
		}
		s, err := snapformat.Load(w[i].Path)
		if err != nil {
			continue // an unreadable capture ends nothing: the next older one may still tell
		}
		if i == last-1 {
			in.Previous = s
		}
		if !h.Older(s) {
			break
		}
	}
	in.ZombieSince = h.Since()
	return in, nil
}
