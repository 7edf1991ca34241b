package render

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/diff/timeline"
	"github.com/procsnap/procsnap/snapshot"
)

// LogFormats lists the formats Timeline accepts.
var LogFormats = []string{FormatTable, FormatYAML, FormatJSON, FormatJSONL}

// Timeline writes the intervals of procsnap log, oldest first, in format:
//   - table: the notes (reboots, skipped files), then one row per event with the interval it
//     happened in (SINCE is capture A's time, BY capture B's), then a summary line.
//   - yaml, json: the intervals with both file names and every Result field.
//   - jsonl: one object per event: since, by, host and the event's fields.
func Timeline(w io.Writer, ivs []timeline.Interval, captures int, format string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch format {
	case FormatTable, "":
		err = timelineTable(bw, ivs, captures, TableOptions{})
	case FormatYAML:
		enc := yaml.NewEncoder(bw)
		enc.SetIndent(2)
		if err = enc.Encode(nonNil(ivs)); err == nil {
			err = enc.Close()
		}
	case FormatJSON:
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		err = enc.Encode(nonNil(ivs))
	case FormatJSONL:
		err = timelineJSONL(bw, ivs)
	default:
		return fmt.Errorf("%w: %q (want table, yaml, json or jsonl)", snapshot.ErrUnknownFormat, format)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func nonNil(ivs []timeline.Interval) []timeline.Interval {
	if ivs == nil {
		return []timeline.Interval{}
	}
	return ivs
}

// TimelineTable writes the human view of a timeline, the answer first: notes, event counts by
// kind over every interval, the findings (each process and category once, from the last
// interval that showed it, with that capture's time), then every event in time order with its
// interval, descriptor events folded per process and interval unless o.All.
func TimelineTable(w io.Writer, ivs []timeline.Interval, captures int, o TableOptions) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := timelineTable(bw, ivs, captures, o); err != nil {
		return err
	}
	return bw.Flush()
}

func timelineTable(w io.Writer, ivs []timeline.Interval, captures int, o TableOptions) error {
	o.clock = o.Width > 0 && oneDay(ivs)
	notes := timelineNotes(w, ivs, o)
	var events []diff.Event
	var spans [][2]string
	for i := range ivs {
		iv := &ivs[i]
		since, by := o.stamp(iv.A.TakenAt), o.stamp(iv.B.TakenAt)
		for _, e := range iv.Events {
			events = append(events, e)
			spans = append(spans, [2]string{since, by})
		}
	}
	sum, plain, times := TimelineFindings(ivs)
	used := notes + writeCounts(w, sum, o.Width)
	if err := findingsSection(w, plain, times, o, used); err != nil {
		return err
	}
	if len(events) > 0 {
		fmt.Fprintln(w)
		span := func(i int) (string, string) { return spans[i][0], spans[i][1] }
		if err := writeEvents(w, span, events, o); err != nil {
			return err
		}
	}
	period := ""
	if len(ivs) > 0 {
		period = fmt.Sprintf(", %s to %s", logStamp(ivs[0].A.TakenAt), logStamp(ivs[len(ivs)-1].B.TakenAt))
	}
	writeCut(w, fmt.Sprintf("%d events in %d intervals between %d captures%s", len(events), len(ivs), captures, period), o.Width)
	return nil
}

// TimelineFindings summarises each interval (diff.Summarize) and merges the summaries: the
// counts add up, and the findings keep the rank of diff.Summarize, then time order, each with
// the time of the capture that showed it last (a parent still not reaping is named once).
func TimelineFindings(ivs []timeline.Interval) (sum diff.Summary, fs []diff.Finding, by []time.Time) {
	var tf []timedFinding
	for i := range ivs {
		s := diff.Summarize(&ivs[i].Result)
		sum.Merge(s)
		tf = mergeTimed(tf, s.Findings, ivs[i].B.TakenAt)
	}
	fs, by = make([]diff.Finding, len(tf)), make([]time.Time, len(tf))
	for i, f := range tf {
		fs[i], by[i] = f.Finding, f.by
	}
	return sum, fs, by
}

// mergeTimed adds the findings of one interval, taken at by, replacing an earlier finding of
// the same process and category (a parent still not reaping is named once, with its last
// time), and keeps them ranked as diff.Summarize does, then in time order.
func mergeTimed(fs []timedFinding, add []diff.Finding, by time.Time) []timedFinding {
	key := func(f diff.Finding) string {
		k := f.Kind
		if k == diff.FindingZombies {
			k = diff.FindingNotReaping
		}
		return fmt.Sprintf("%s/%d/%d", k, f.PID, f.StartTicks)
	}
	drop := map[string]bool{}
	for _, f := range add {
		drop[key(f)] = true
	}
	out := slices.DeleteFunc(fs, func(f timedFinding) bool { return drop[key(f.Finding)] })
	for _, f := range add {
		out = append(out, timedFinding{f, by})
	}
	slices.SortStableFunc(out, func(x, y timedFinding) int {
		return cmp.Or(cmp.Compare(slices.Index(diff.FindingKinds, x.Kind), slices.Index(diff.FindingKinds, y.Kind)),
			x.by.Compare(y.by), cmp.Compare(x.PID, y.PID))
	})
	return out
}

// timelineNotes prints each distinct note once: with its interval when it concerns one, with a
// count when it recurs (such as --no-fds on every capture).
func timelineNotes(w io.Writer, ivs []timeline.Interval, o TableOptions) int {
	width := o.Width
	lines := 0
	count := map[string]int{}
	for _, iv := range ivs {
		for _, n := range iv.Notes {
			count[n]++
		}
	}
	for _, iv := range ivs {
		for _, n := range iv.Notes {
			switch c := count[n]; {
			case c == 1:
				writeCut(w, fmt.Sprintf("note: %s → %s: %s", o.stamp(iv.A.TakenAt), o.stamp(iv.B.TakenAt), n), width)
				lines++
			case c > 1:
				writeCut(w, fmt.Sprintf("note: in %d intervals: %s", c, n), width)
				lines++
				count[n] = 0
			}
		}
	}
	return lines
}

func timelineJSONL(w io.Writer, ivs []timeline.Interval) error {
	enc := json.NewEncoder(w)
	for _, iv := range ivs {
		for i := range iv.Events {
			line := struct {
				Since time.Time `json:"since"`
				By    time.Time `json:"by"`
				Host  string    `json:"host"`
				*diff.Event
			}{iv.A.TakenAt, iv.B.TakenAt, iv.B.Hostname, &iv.Events[i]}
			if err := enc.Encode(&line); err != nil {
				return err
			}
		}
	}
	return nil
}

func logStamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000") }

// stamp is a capture time in a timeline's table: logStamp, or the time of day alone (o.clock).
func (o TableOptions) stamp(t time.Time) string {
	if o.clock {
		return t.UTC().Format("15:04:05.000")
	}
	return logStamp(t)
}

// oneDay reports whether every capture of ivs was taken on one UTC day.
func oneDay(ivs []timeline.Interval) bool {
	if len(ivs) == 0 {
		return false
	}
	y, m, d := ivs[0].A.TakenAt.UTC().Date()
	for _, iv := range ivs {
		for _, t := range []time.Time{iv.A.TakenAt, iv.B.TakenAt} {
			if y2, m2, d2 := t.UTC().Date(); y2 != y || m2 != m || d2 != d {
				return false
			}
		}
	}
	return true
}
