package render

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/olekukonko/tablewriter"
	"gopkg.in/yaml.v3"

	"github.com/procsnap/procsnap/diff"
)

// LogFormats lists the formats Timeline accepts.
var LogFormats = []string{FormatTable, FormatYAML, FormatJSON, FormatJSONL}

// Interval is what happened between two consecutive captures of a capture directory.
type Interval struct {
	AFile string `yaml:"a_file" json:"a_file"`
	BFile string `yaml:"b_file" json:"b_file"`
	// Result holds the two sides, notes, events and B's zombie report. For an interval across a
	// reboot (or PID namespaces) it has the sides and a note but no events.
	diff.Result `yaml:",inline"`
}

// Timeline writes the intervals of procsnap log, oldest first, in format:
//   - table: the notes (reboots, skipped files), then one row per event with the interval it
//     happened in (SINCE is capture A's time, BY capture B's), then a summary line.
//   - yaml, json: the intervals with both file names and every Result field.
//   - jsonl: one object per event: since, by, host and the event's fields.
func Timeline(w io.Writer, ivs []Interval, captures int, format string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch format {
	case FormatTable, "":
		err = timelineTable(bw, ivs, captures)
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
		return fmt.Errorf("%w: %q (want table, yaml, json or jsonl)", ErrUnknownFormat, format)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func nonNil(ivs []Interval) []Interval {
	if ivs == nil {
		return []Interval{}
	}
	return ivs
}

func timelineTable(w io.Writer, ivs []Interval, captures int) error {
	events := 0
	for _, iv := range ivs {
		events += len(iv.Events)
	}
	timelineNotes(w, ivs)
	if events > 0 {
		t := tablewriter.NewTable(w)
		t.Header("SINCE", "BY", "PID", "COMM", "EVENT", "SUMMARY")
		for _, iv := range ivs {
			since, by := logStamp(iv.A.TakenAt), logStamp(iv.B.TakenAt)
			for _, e := range iv.Events {
				if err := t.Append([]string{since, by, strconv.Itoa(e.PID), e.Comm, e.Kind, e.Summary}); err != nil {
					return err
				}
			}
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	span := ""
	if len(ivs) > 0 {
		span = fmt.Sprintf(", %s to %s", logStamp(ivs[0].A.TakenAt), logStamp(ivs[len(ivs)-1].B.TakenAt))
	}
	_, err := fmt.Fprintf(w, "%d events in %d intervals between %d captures%s\n", events, len(ivs), captures, span)
	return err
}

// timelineNotes prints each distinct note once: with its interval when it concerns one, with a
// count when it recurs (such as --no-fds on every capture).
func timelineNotes(w io.Writer, ivs []Interval) {
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
				fmt.Fprintf(w, "note: %s → %s: %s\n", logStamp(iv.A.TakenAt), logStamp(iv.B.TakenAt), n)
			case c > 1:
				fmt.Fprintf(w, "note: in %d intervals: %s\n", c, n)
				count[n] = 0
			}
		}
	}
}

func timelineJSONL(w io.Writer, ivs []Interval) error {
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
