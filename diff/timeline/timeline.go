package timeline

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
	"github.com/procsnap/procsnap/snapshot/capture"
	"github.com/procsnap/procsnap/snapshot/format"
)

// Interval is what happened between two consecutive captures of a capture directory.
type Interval struct {
	AFile string `yaml:"a_file" json:"a_file"`
	BFile string `yaml:"b_file" json:"b_file"`
	// Result holds the two sides, notes, events and B's zombie report. For an interval across a
	// reboot (or PID namespaces) it has the sides and a note but no events.
	diff.Result `yaml:",inline"`
}

// Options choose the events an interval keeps and let a caller follow the comparison.
type Options struct {
	// AllStates reports every state change, including R/S/D/I flips (diff.Options.AllStates).
	AllStates bool
	// Kinds and PIDs, when set, keep only the events of these kinds and PIDs (diff.Result.Filter).
	Kinds []string
	PIDs  []int
	// Progress, when set, is called before each capture is read with its index and the count.
	Progress func(done, total int)
	// Keep, when set, receives every capture read, in order, with its file name.
	Keep func(name string, s *snapshot.Snapshot)
	// Each, when set, receives each interval's two sides and its result as soon as it is
	// compared; an error stops the comparison.
	Each func(a, b *snapshot.Snapshot, res *diff.Result) error
}

// Compare loads the captures cs in order and compares each consecutive pair of readable ones.
func Compare(ctx context.Context, cs []capture.Capture, o Options) ([]Interval, error) {
	var ivs []Interval
	var prev *snapshot.Snapshot
	var prevFile string
	var notes []string
	for i, c := range cs {
		if o.Progress != nil {
			o.Progress(i, len(cs))
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s, err := format.Load(c.Path)
		if err != nil {
			notes = append(notes, fmt.Sprintf("skipped %s: %v", c.Name, err))
			continue
		}
		if o.Keep != nil {
			o.Keep(c.Name, s)
		}
		if prev != nil {
			iv, err := Between(prev, s, prevFile, c.Name, o)
			if err != nil {
				return nil, err
			}
			if o.Each != nil {
				if err := o.Each(prev, s, &iv.Result); err != nil {
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

// Between compares a and b, read from the files named aFile and bFile. Across a reboot or PID
// namespaces there is nothing to match: the interval gets a note and no events.
func Between(a, b *snapshot.Snapshot, aFile, bFile string, o Options) (Interval, error) {
	res, err := diff.Compare(a, b, diff.Options{AllStates: o.AllStates})
	if errors.Is(err, diff.ErrBootMismatch) || errors.Is(err, diff.ErrPIDNamespaceMismatch) {
		res, ferr := diff.Compare(a, b, diff.Options{Force: true})
		if ferr != nil {
			return Interval{}, ferr
		}
		res.Events = []diff.Event{}
		res.Zombies = diff.ZombieReport{Summary: "not compared: " + err.Error()}
		res.Notes = []string{"no events: " + err.Error()}
		return Interval{AFile: aFile, BFile: bFile, Result: *res}, nil
	}
	if err != nil {
		return Interval{}, fmt.Errorf("%s → %s: %w", aFile, bFile, err)
	}
	return Interval{AFile: aFile, BFile: bFile, Result: *res.Filter(o.Kinds, o.PIDs)}, nil
}
