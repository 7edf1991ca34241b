package render

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/procsnap/procsnap/diff"
)

// DiffTable writes the human view of r, the answer first: the two sides and notes, the event
// counts by kind, the ranked findings (diff.Summarize), then the per-process detail with
// descriptor events folded into one row per process unless o.All, then the zombie parents.
// Tables are cut to o.Width (0: nothing is cut).
func DiffTable(w io.Writer, r *diff.Result, o TableOptions) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := diffTable(bw, r, o); err != nil {
		return err
	}
	return bw.Flush()
}

func diffTable(w io.Writer, r *diff.Result, o TableOptions) error {
	writeCut(w, fmt.Sprintf("A: %s  %s  %d processes", r.A.Hostname, stamp(r.A.TakenAt), r.A.Processes), o.Width)
	writeCut(w, fmt.Sprintf("B: %s  %s  %d processes  (+%s)", r.B.Hostname, stamp(r.B.TakenAt), r.B.Processes,
		r.Elapsed.Round(time.Millisecond)), o.Width)
	for _, n := range r.Notes {
		writeCut(w, "note: "+n, o.Width)
	}
	s := diff.Summarize(r)
	writeCounts(w, s, o.Width)
	if err := writeFindings(w, findingRows(s.Findings, nil, o), false, o); err != nil {
		return err
	}
	if len(r.Events) > 0 {
		fmt.Fprintln(w)
		if err := writeEvents(w, nil, r.Events, o); err != nil {
			return err
		}
	}
	return zombieParents(w, &r.Zombies, o)
}

// writeCut writes one line cut to width (0: whole).
func writeCut(w io.Writer, line string, width int) {
	if width > 0 {
		line = cut(line, width)
	}
	fmt.Fprintln(w, line)
}

// writeCounts writes "N events: 7321 fd_inherited, 512 started, ..." wrapped at width.
func writeCounts(w io.Writer, s diff.Summary, width int) {
	if s.Events == 0 {
		fmt.Fprintln(w, "no events")
		return
	}
	items := make([]string, len(s.Counts))
	for i, c := range s.Counts {
		items[i] = fmt.Sprintf("%d %s", c.Count, c.Kind)
	}
	wrapList(w, fmt.Sprintf("%s: ", plural(s.Events, "event", "events")), items, width)
}

// timedFinding is a finding and, in a timeline, the capture that showed it.
type timedFinding struct {
	diff.Finding
	by time.Time
}

// findingRows turns findings into table rows: WHAT, PID, COMMAND, DETAIL, and WHEN first when
// times is given (a timeline).
func findingRows(fs []diff.Finding, times []time.Time, o TableOptions) [][]string {
	rows := make([][]string, len(fs))
	for i, f := range fs {
		row := []string{f.Kind, strconv.Itoa(f.PID), commandText(f.Cmdline, f.Comm, o.Width), f.Detail}
		if times != nil {
			row = append([]string{logStamp(times[i])}, row...)
		}
		rows[i] = row
	}
	return rows
}

func writeFindings(w io.Writer, rows [][]string, timed bool, o TableOptions) error {
	fmt.Fprintln(w)
	if len(rows) == 0 {
		writeCut(w, "findings: none (no daemon, reparenting, zombie, fd leak, PID reuse, stop or trace)", o.Width)
		return nil
	}
	fmt.Fprintf(w, "findings, most notable first:\n")
	header := []string{"WHAT", "PID", "COMMAND", "DETAIL"}
	if timed {
		header = append([]string{"BY"}, header...)
	}
	return plainTable(w, header, rows, o)
}

// commandText is a command line for a table cell, cut to a quarter of the width so the detail
// keeps most of it; the comm when the command line is not known.
func commandText(cmdline []string, comm string, width int) string {
	s := comm
	if len(cmdline) > 0 {
		s = clean(strings.Join(cmdline, " "))
	}
	if width > 0 {
		s = cut(s, max(16, width/4))
	}
	return s
}

// eventKey identifies a process in the event list.
type eventKey struct {
	pid   int
	start uint64
}

// writeEvents writes the per-process detail. Descriptor events are folded into one "fds" row
// per process (at the place of its first) unless o.All; since, when not nil, gives each event's
// interval start and end (a timeline).
func writeEvents(w io.Writer, since func(i int) (string, string), events []diff.Event, o TableOptions) error {
	cmds := map[eventKey]string{}
	for i := range events {
		e := &events[i]
		if k := (eventKey{e.PID, e.StartTicks}); len(e.Cmdline) > 0 && cmds[k] == "" {
			cmds[k] = commandText(e.Cmdline, e.Comm, o.Width)
		}
	}
	folds := map[eventKey]diff.FDFold{}
	if !o.All {
		for _, f := range diff.FoldFDs(events) {
			folds[eventKey{f.PID, f.StartTicks}] = f
		}
	}
	var rows [][]string
	folded, fdEvents := map[eventKey]bool{}, 0
	for i := range events {
		e := &events[i]
		k := eventKey{e.PID, e.StartTicks}
		kind, summary := e.Kind, e.Summary
		if diff.IsFDKind(e.Kind) && !o.All {
			fdEvents++
			if folded[k] {
				continue
			}
			folded[k] = true
			kind, summary = "fds", folds[k].Summary
		}
		cmd := cmds[k]
		if cmd == "" {
			cmd = commandText(nil, e.Comm, o.Width)
		}
		row := []string{strconv.Itoa(e.PID), cmd, kind, summary}
		if since != nil {
			a, b := since(i)
			row = append([]string{a, b}, row...)
		}
		rows = append(rows, row)
	}
	header := []string{"PID", "COMMAND", "EVENT", "SUMMARY"}
	if since != nil {
		header = append([]string{"SINCE", "BY"}, header...)
	}
	title := "events by process"
	if since != nil {
		title = "events, oldest first"
	}
	if fdEvents > 0 {
		title += fmt.Sprintf(" (%s folded into %s; --all shows each)",
			plural(fdEvents, "fd event", "fd events"), plural(len(folded), "row", "rows"))
	}
	writeCut(w, title+":", o.Width)
	return plainTable(w, header, rows, o)
}

// zombieParents writes the zombie summary and one row per parent of a zombie.
func zombieParents(w io.Writer, z *diff.ZombieReport, o TableOptions) error {
	fmt.Fprintln(w)
	writeCut(w, "zombies: "+z.Summary, o.Width)
	if len(z.Parents) == 0 {
		return nil
	}
	var rows [][]string
	for _, p := range z.Parents {
		reaping := "maybe"
		if p.NotReaping {
			reaping = "no"
		}
		rows = append(rows, []string{strconv.Itoa(p.PID), p.Comm, p.State, p.Wchan, p.SigChld,
			strconv.Itoa(p.Zombies), strconv.Itoa(p.Lingering), reaping})
	}
	return plainTable(w, []string{"PARENT", "COMM", "STATE", "WCHAN", "SIGCHLD", "ZOMBIES", "SINCE A", "REAPING"}, rows, o)
}
