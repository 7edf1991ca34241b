package render

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/olekukonko/tablewriter"
	"gopkg.in/yaml.v3"

	"github.com/procsnap/procsnap/diff"
)

// Output formats of Diff.
const (
	FormatTable = "table"
	FormatYAML  = "yaml"
	FormatJSON  = "json"
	FormatJSONL = "jsonl"
)

// DiffFormats lists the formats Diff accepts.
var DiffFormats = []string{FormatTable, FormatYAML, FormatJSON, FormatJSONL}

// ErrUnknownFormat marks a format name render does not write.
var ErrUnknownFormat = errors.New("unknown output format")

// Diff writes r to w in format (table, yaml, json or jsonl).
func Diff(w io.Writer, r *diff.Result, format string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch format {
	case FormatTable, "":
		err = diffTable(bw, r)
	case FormatYAML:
		enc := yaml.NewEncoder(bw)
		enc.SetIndent(2)
		if err = enc.Encode(r); err == nil {
			err = enc.Close()
		}
	case FormatJSON:
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		err = enc.Encode(r)
	case FormatJSONL:
		enc := json.NewEncoder(bw)
		for i := range r.Events {
			if err = enc.Encode(&r.Events[i]); err != nil {
				break
			}
		}
	default:
		return fmt.Errorf("%w: %q (want table, yaml, json or jsonl)", ErrUnknownFormat, format)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// summaryWidth is where long summaries wrap in the table.
const summaryWidth = 100

// diffTable writes the human view: header, notes, the event table, the zombie report.
func diffTable(w io.Writer, r *diff.Result) error {
	fmt.Fprintf(w, "A: %s  %s  %d processes\n", r.A.Hostname, stamp(r.A.TakenAt), r.A.Processes)
	fmt.Fprintf(w, "B: %s  %s  %d processes  (+%s)\n", r.B.Hostname, stamp(r.B.TakenAt), r.B.Processes,
		r.Elapsed.Round(time.Millisecond))
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	if len(r.Events) == 0 {
		fmt.Fprintln(w, "no events")
	} else {
		t := tablewriter.NewTable(w, tablewriter.WithRowMaxWidth(summaryWidth))
		t.Header("PID", "COMM", "EVENT", "SUMMARY")
		for _, e := range r.Events {
			if err := t.Append([]string{strconv.Itoa(e.PID), e.Comm, e.Kind, e.Summary}); err != nil {
				return err
			}
		}
		if err := t.Render(); err != nil {
			return err
		}
		fmt.Fprintf(w, "%d events\n", len(r.Events))
	}
	return zombieTable(w, &r.Zombies)
}

func zombieTable(w io.Writer, z *diff.ZombieReport) error {
	fmt.Fprintf(w, "zombies: %s\n", z.Summary)
	if len(z.Parents) == 0 {
		return nil
	}
	t := tablewriter.NewTable(w)
	t.Header("PARENT", "COMM", "STATE", "WCHAN", "SIGCHLD", "ZOMBIES", "SINCE A", "REAPING")
	for _, p := range z.Parents {
		reaping := "maybe"
		if p.NotReaping {
			reaping = "no"
		}
		row := []string{strconv.Itoa(p.PID), p.Comm, p.State, p.Wchan, p.SigChld,
			strconv.Itoa(p.Zombies), strconv.Itoa(p.Lingering), reaping}
		if err := t.Append(row); err != nil {
			return err
		}
	}
	return t.Render()
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
