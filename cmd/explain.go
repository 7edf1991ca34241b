package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"

	"github.com/procsnap/procsnap/snapshot/capture"
	snapformat "github.com/procsnap/procsnap/snapshot/format"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/diff/explain"
	"github.com/procsnap/procsnap/internal/watch"
	"github.com/procsnap/procsnap/render"
	"github.com/procsnap/procsnap/snapshot"
)

type explainOptions struct {
	format string
	dir    string
	record string
}

func (o *explainOptions) AddFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&o.format, "format", "text", "text (an 80-column page), json or yaml")
	f.StringVar(&o.dir, "dir", "", "a capture `DIR` (take --dir): history, and creator evidence from the first capture holding it")
	f.StringVar(&o.record, "record", "", "a recording `DIR` (watch --record): the creation chain the watch saw")
}

func newExplainCommand(g *globalOptions, io IO) *cobra.Command {
	o := &explainOptions{}
	c := &cobra.Command{
		Use:   "explain PID [SNAPSHOT]",
		Short: "Explain one process: who created it, what it holds, where it stands",
		Long: `Explain one process of the live system (read with descriptors), or of a snapshot file, on
one 80-column page:

  IDENTITY     start time and age, exe (deleted?), cmdline, ids, cgroup, namespaces, threads,
               and what its state means (stopped, traced by whom, a zombie since when, a live
               process whose leader thread exited)
  STANDING     session and process group and who leads them, the controlling tty and whether
               its group is in the foreground, whether its group is orphaned
  LINEAGE      the parent chain up to init; for an adopted process (parent init or a subreaper)
               the ranked creator candidates, each with its evidence and confidence:
                 1 the creation chain a watch --record saw (definitive)
                 2 its parent in the first --dir capture holding it, or what vanished just
                   before it appeared
                 3 open file descriptions it shares with older processes (fd numbers on both
                   sides)
                 4 the same cgroup or audit login session as an older process
                 5 leading its session or process group
               and "unknown" with the reason when nothing names a creator
  DESCRIPTORS  like lsof -p: fd, type, target, flags (O_RDWR|O_APPEND...), close-on-exec,
               offset, and which other processes hold the same open file description
  CHILDREN     live children and zombies (since when, with --dir), and whether it reaps
  HISTORY      with --dir: first and last seen, exec and reparent events across captures

Every section lists what it could not see and why (run as an ordinary user, other users'
descriptors are unreadable). A PID that is not running, or not in the snapshot, is a one-line
error with exit status 4. --format json and yaml write the same report for scripts; the
README documents its fields.`,
		Example: `  procsnap explain 13096                   # who created this PPID-1 process?
  procsnap explain 13096 --dir /var/lib/procsnap --record /var/lib/procsnap/watch
  procsnap explain 13096 before.yaml.gz     # as a saved snapshot saw it
  procsnap explain $$ --format json | jq .lineage.verdict`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			return runExplain(c.Context(), g, o, args, io.Out)
		},
	}
	o.AddFlags(c)
	return c
}

func runExplain(ctx context.Context, g *globalOptions, o *explainOptions, args []string, out io.Writer) error {
	if !slices.Contains(render.ExplainFormats, o.format) {
		return usageErrorf("--format %q: want text, json or yaml", o.format)
	}
	pid, err := strconv.Atoi(args[0])
	if err != nil || pid <= 0 {
		return usageErrorf("PID %q: want a positive process id", args[0])
	}
	s, err := readSnapshot(ctx, g, args[1:], true)
	if err != nil {
		return err
	}
	in := explain.Input{Snapshot: s, PID: pid, Live: len(args) == 1}
	if !in.Live {
		in.File = args[1]
	}
	p := s.Find(pid)
	if p == nil {
		_, err := explain.Explain(in)
		return err
	}
	if o.dir != "" {
		if in.Trail, err = explainTrail(ctx, o.dir, s, p.Key()); err != nil {
			return err
		}
	}
	if o.record != "" {
		if in.Record, err = explainRecord(o.record, p.Key()); err != nil {
			return err
		}
	}
	r, err := explain.Explain(in)
	if err != nil {
		return err
	}
	return render.ExplainWidth(out, r, o.format, render.TermWidth(out, os.Getenv("COLUMNS")))
}

// explainTrail feeds the captures of dir (of s's host), oldest first, to a trail of key. A
// capture that cannot be read, or of another boot, is recorded in the trail and skipped.
func explainTrail(ctx context.Context, dir string, s *snapshot.Snapshot, key snapshot.Key) (*explain.Trail, error) {
	sel := &captureSelect{}
	if host := capture.CaptureHost(s.Header.Hostname); s.Header.Hostname != "" {
		all, err := capture.ListCaptures(dir)
		if err != nil {
			return nil, inputError{err}
		}
		if len(capture.CaptureHosts(all)) > 1 {
			sel.host = host
		}
	}
	cs, err := sel.captures(dir)
	if err != nil {
		return nil, err
	}
	t := explain.NewTrail(key)
	for _, c := range cs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cap, err := snapformat.Load(c.Path)
		if err != nil {
			t.Skip(c.Name, err)
			continue
		}
		if b := cap.Header.BootID; b != "" && s.Header.BootID != "" && b != s.Header.BootID {
			t.Skip(c.Name, errors.New("taken in another boot"))
			continue
		}
		t.Observe(cap)
	}
	return t, nil
}

// explainRecord reads the creation chains a watch recording holds for key.
func explainRecord(dir string, key snapshot.Key) (*explain.Record, error) {
	rec := &explain.Record{Dir: dir}
	n, err := watch.ReadEvents(dir, func(e *watch.Event) {
		if e.Key() != key || len(e.Chain) == 0 {
			return
		}
		cr := explain.Creation{Time: e.Time, Kind: e.Kind, Late: e.Late}
		for _, a := range e.Chain {
			cr.Chain = append(cr.Chain, explain.Proc{PID: a.PID, StartTicks: a.StartTicks, Comm: a.Comm, Gone: a.Exited})
		}
		rec.Creations = append(rec.Creations, cr)
	})
	if err != nil {
		return nil, inputError{fmt.Errorf("--record: %w", err)}
	}
	rec.Events = n
	return rec, nil
}
