package render

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
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
	used := 2 + len(r.Notes) + writeCounts(w, s, o.Width)
	if err := findingsSection(w, s.Findings, nil, o, used); err != nil {
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

// alwaysNamed are the finding kinds MaxPerKind never caps.
var alwaysNamed = map[string]bool{diff.FindingDaemonized: true, diff.FindingReparented: true, diff.FindingNotReaping: true}

// capFindings keeps at most max findings of each kind not alwaysNamed (all when max is 0, none
// when it is negative), with
// their times when given, and counts those left out by kind, in rank order.
func capFindings(fs []diff.Finding, times []time.Time, max int) ([]diff.Finding, []time.Time, []diff.KindCount) {
	if max == 0 {
		return fs, times, nil
	}
	seen := map[string]int{}
	var outF []diff.Finding
	var outT []time.Time
	var more []diff.KindCount
	for i, f := range fs {
		seen[f.Kind]++
		if alwaysNamed[f.Kind] || seen[f.Kind] <= max {
			outF = append(outF, f)
			if times != nil {
				outT = append(outT, times[i])
			}
			continue
		}
		if len(more) == 0 || more[len(more)-1].Kind != f.Kind {
			more = append(more, diff.KindCount{Kind: f.Kind})
		}
		more[len(more)-1].Count++
	}
	return outF, outT, more
}

// perKind is how many findings of each capped kind to list: o.MaxPerKind, or fewer when
// that keeps the findings within o.Height, given the used lines above them. The title, the
// header and the blank lines around the findings take 4 more; the detail's title 1.
func perKind(fs []diff.Finding, o TableOptions, used int) int {
	if o.MaxPerKind <= 0 || o.Height <= 0 {
		return o.MaxPerKind
	}
	avail := o.Height - used - 5
	for m := o.MaxPerKind; m > 0; m-- {
		kept, _, more := capFindings(fs, nil, m)
		if len(kept)+len(more) <= avail {
			return m
		}
	}
	return -1 // only the kinds always named, and one line per capped kind
}

// writeMore says how many findings capFindings left out and how to list them.
func writeMore(w io.Writer, more []diff.KindCount, width int) {
	for _, m := range more {
		how := "--kind " + m.Kind + " lists them"
		if m.Kind == diff.FindingZombies {
			how = "the zombie table below lists them"
		}
		writeCut(w, fmt.Sprintf("  … and %d more %s (%s)", m.Count, m.Kind, how), width)
	}
}

// writeCut writes one line cut to width (0: whole).
func writeCut(w io.Writer, line string, width int) {
	if width > 0 {
		line = cut(line, width)
	}
	fmt.Fprintln(w, line)
}

// writeCounts writes "N events: 7321 fd_inherited, 512 started, ..." wrapped at width, and
// returns the number of lines written.
func writeCounts(w io.Writer, s diff.Summary, width int) int {
	if s.Events == 0 {
		fmt.Fprintln(w, "no events")
		return 1
	}
	items := make([]string, len(s.Counts))
	for i, c := range s.Counts {
		items[i] = fmt.Sprintf("%d %s", c.Count, c.Kind)
	}
	return wrapList(w, fmt.Sprintf("%s: ", plural(s.Events, "event", "events")), items, width)
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
			row = append([]string{o.stamp(times[i])}, row...)
		}
		rows[i] = row
	}
	return rows
}

// findingsSection writes the findings (with their capture times in a timeline): capped per
// kind to fit o.Height (perKind), and, when even the kinds always named do not fit, those with
// many findings packed into wrapped "PID comm" lines, so that every one is still named.
func findingsSection(w io.Writer, fs []diff.Finding, times []time.Time, o TableOptions, used int) error {
	fs, times, more := capFindings(fs, times, perKind(fs, o, used))
	packed := packKinds(fs, len(more), o, used)
	var rowsF []diff.Finding
	var rowsT []time.Time
	for i, f := range fs {
		if !packed[f.Kind] {
			rowsF = append(rowsF, f)
			if times != nil {
				rowsT = append(rowsT, times[i])
			}
		}
	}
	if times != nil && rowsT == nil {
		rowsT = []time.Time{}
	}
	fmt.Fprintln(w)
	if len(fs) == 0 {
		writeCut(w, "findings: none (no daemon, reparenting, zombie, fd leak, PID reuse, stop or trace)", o.Width)
		return nil
	}
	fmt.Fprintf(w, "findings, most notable first:\n")
	if len(rowsF) > 0 {
		header := []string{"WHAT", "PID", "COMMAND", "DETAIL"}
		if times != nil {
			header = append([]string{"BY"}, header...)
		}
		if err := plainTable(w, header, findingRows(rowsF, rowsT, o), o); err != nil {
			return err
		}
	}
	for _, k := range diff.FindingKinds {
		if packed[k] {
			writePacked(w, k, fs, o.Width)
		}
	}
	writeMore(w, more, o.Width)
	return nil
}

// packKinds chooses the kinds always named to pack, largest first, until the findings fit in
// o.Height (none when the height is unknown or they fit as rows).
func packKinds(fs []diff.Finding, more int, o TableOptions, used int) map[string]bool {
	if o.Height <= 0 {
		return nil
	}
	avail := o.Height - used - 5
	count := map[string]int{}
	for _, f := range fs {
		count[f.Kind]++
	}
	lines := len(fs) + more
	packed := map[string]bool{}
	kinds := slices.Clone(diff.FindingKinds)
	slices.SortStableFunc(kinds, func(x, y string) int { return count[y] - count[x] })
	for _, k := range kinds {
		if lines <= avail || !alwaysNamed[k] || count[k] < 2 {
			continue
		}
		var buf bytes.Buffer
		writePacked(&buf, k, fs, o.Width)
		lines += bytes.Count(buf.Bytes(), []byte("\n")) - count[k]
		packed[k] = true
	}
	return packed
}

// writePacked names every finding of kind on wrapped lines: "not_reaping (30): 1 process_api,
// 27× procsnap-bench: 7929 12885 ..., 15294 sleep". Findings of the same comm are merged, as
// pstree merges identical children.
func writePacked(w io.Writer, kind string, fs []diff.Finding, width int) {
	var order []string
	pids := map[string][]string{}
	n := 0
	for _, f := range fs {
		if f.Kind != kind {
			continue
		}
		n++
		if pids[f.Comm] == nil {
			order = append(order, f.Comm)
		}
		pids[f.Comm] = append(pids[f.Comm], strconv.Itoa(f.PID))
	}
	items := make([]string, len(order))
	for i, c := range order {
		if p := pids[c]; len(p) == 1 {
			items[i] = p[0] + " " + c
		} else {
			items[i] = fmt.Sprintf("%d× %s: %s", len(p), c, strings.Join(p, " "))
		}
	}
	wrapList(w, fmt.Sprintf("%s (%d): ", kind, n), items, width)
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
