package cmd

import (
	"io"
	"slices"
	"time"

	"github.com/procsnap/procsnap/snapshot/proc"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/internal/watch"
	"github.com/procsnap/procsnap/render"
	"github.com/procsnap/procsnap/render/fleet"
	"github.com/procsnap/procsnap/snapshot"
)

// The fleet formats (ecs, ocsf) are accepted by take, diff, log and watch beside their own.
func diffFormats() []string { return slices.Concat(render.DiffFormats, fleet.Formats) }
func logFormats() []string  { return slices.Concat(render.LogFormats, fleet.Formats) }
func watchFormats() []string {
	return slices.Concat([]string{render.WatchTable, render.WatchJSONL}, fleet.Formats)
}

// writeDiff writes the events of res, the comparison of a and b, in format.
func writeDiff(out io.Writer, a, b *snapshot.Snapshot, res *diff.Result, format string, t render.TableOptions) error {
	switch {
	case format == render.FormatTable:
		return render.DiffTable(out, res, t)
	case !fleet.IsFormat(format):
		return render.Diff(out, res, format)
	}
	if res.Swapped {
		a, b = b, a
	}
	e, err := fleet.NewEncoder(out, format, Version())
	if err != nil {
		return err
	}
	return e.Diff(a, b, res)
}

// eventPrinter writes watch events as they come, then a summary.
type eventPrinter interface {
	Events([]watch.Event) error
	Summary(time.Duration, watch.Stats) error
}

// fleetWatchPrinter writes watch events as ECS or OCSF documents; the summary, not an event,
// is left out of the NDJSON stream.
type fleetWatchPrinter struct {
	enc  *fleet.Encoder
	host fleet.Host
}

func (p *fleetWatchPrinter) Events(evs []watch.Event) error           { return p.enc.Watch(p.host, evs) }
func (p *fleetWatchPrinter) Summary(time.Duration, watch.Stats) error { return nil }

// newWatchPrinter returns the printer of format; the fleet formats need the host's identity.
func newWatchPrinter(g *globalOptions, out io.Writer, format string) (eventPrinter, error) {
	if !fleet.IsFormat(format) {
		return render.NewWatchPrinter(out, format)
	}
	h, err := proc.ReadHost(g.procRoot)
	if err != nil {
		return nil, err
	}
	enc, err := fleet.NewEncoder(out, format, Version())
	if err != nil {
		return nil, err
	}
	return &fleetWatchPrinter{enc: enc, host: fleet.HostOf(&h)}, nil
}
