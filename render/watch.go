package render

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/procsnap/procsnap/internal/watch"
)

// Formats of watch output.
const (
	WatchTable = "table"
	WatchJSONL = "jsonl"
)

// maxCmdWidth bounds a command line in the table format.
const maxCmdWidth = 160

// WatchPrinter writes watch events as they come, one line each, flushing after every batch.
type WatchPrinter struct {
	w      *bufio.Writer
	format string
	// Width cuts each table line to this many columns with CutMarker (0: nothing cut, as on a
	// pipe or with --wide); jsonl is never cut.
	Width int
}

// NewWatchPrinter returns a printer of the given format (table or jsonl).
func NewWatchPrinter(w io.Writer, format string) (*WatchPrinter, error) {
	if format != WatchTable && format != WatchJSONL {
		return nil, fmt.Errorf("watch format %q: want table or jsonl", format)
	}
	return &WatchPrinter{w: bufio.NewWriter(w), format: format}, nil
}

// Events writes a batch of events and flushes.
func (p *WatchPrinter) Events(evs []watch.Event) error {
	for i := range evs {
		if p.format == WatchJSONL {
			b, err := json.Marshal(&evs[i])
			if err != nil {
				return err
			}
			p.w.Write(b)
			p.w.WriteByte('\n')
			continue
		}
		if quietStats(&evs[i]) {
			continue
		}
		line := WatchLine(&evs[i])
		if p.Width > 0 {
			line = cut(line, p.Width)
		}
		p.w.WriteString(line)
		p.w.WriteByte('\n')
	}
	return p.w.Flush()
}

// Summary writes the end-of-watch summary: a line of counts in the table format, a
// {"summary": ...} object in jsonl.
func (p *WatchPrinter) Summary(elapsed time.Duration, st watch.Stats) error {
	if p.format == WatchJSONL {
		b, err := json.Marshal(struct {
			Summary any `json:"summary"`
		}{struct {
			ElapsedNS int64 `json:"elapsed_ns"`
			watch.Stats
		}{elapsed.Nanoseconds(), st}})
		if err != nil {
			return err
		}
		p.w.Write(b)
		p.w.WriteByte('\n')
		return p.w.Flush()
	}
	kinds := make([]string, 0, len(st.Events))
	for k := range st.Events {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", st.Events[k], k))
	}
	if len(parts) == 0 {
		parts = []string{"no events"}
	}
	// The summary is written whole: on a terminal its lines wrap at spaces to the width.
	var b strings.Builder
	fmt.Fprintf(&b, "watched %s: %s\n", elapsed.Round(time.Millisecond), strings.Join(parts, ", "))
	fmt.Fprintf(&b, "%d processes seen, %d alive, %d remembered, %d forgotten; %d ticks, %d rescans, %d probes, %d inotify wake-ups\n",
		st.Seen, st.Live, st.Remembered, st.Forgotten, st.Ticks, st.Rescans, st.Probes, st.Wakeups)
	fmt.Fprintf(&b, "%s\n", st.Counts)
	if st.CPU >= 0 {
		fmt.Fprintf(&b, "ran on CPU %d\n", st.CPU)
	}
	if st.InotifyError != "" {
		fmt.Fprintf(&b, "inotify unavailable (%s): polling only\n", st.InotifyError)
	}
	if st.PinError != "" {
		fmt.Fprintf(&b, "not pinned to one CPU (%s): short-lived processes may be missed more often\n", st.PinError)
	}
	for line := range strings.Lines(b.String()) {
		line = strings.TrimSuffix(line, "\n")
		if p.Width <= 0 {
			p.w.WriteString(line + "\n")
			continue
		}
		for _, l := range wrap(line, p.Width) {
			p.w.WriteString(l + "\n")
		}
	}
	return p.w.Flush()
}

// WatchLine formats one event as a table line: UTC time, kind, pid, the summary, the command
// and, where known, the creation chain.
func WatchLine(e *watch.Event) string {
	if l, ok := watchSelfLine(e); ok {
		return l
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %-13s pid=%-7d %s", e.Time.UTC().Format("15:04:05.000000"), e.Kind, e.PID, e.Summary)
	switch e.Kind {
	case watch.KindStarted, watch.KindDaemonized:
		uid := "?" // it exited before its status could be read
		if e.UID >= 0 {
			uid = strconv.Itoa(e.UID)
		}
		fmt.Fprintf(&b, "; uid %s: %s", uid, Cmd(e.Comm, e.Cmdline, maxCmdWidth))
	case watch.KindExec:
		fmt.Fprintf(&b, ": %s", Cmd(e.Comm, e.NewCmdline, maxCmdWidth))
	default:
		fmt.Fprintf(&b, ": %s", Cmd(e.Comm, e.Cmdline, maxCmdWidth/2))
	}
	if len(e.Chain) > 0 {
		b.WriteString("  chain:")
		for _, a := range e.Chain {
			arrow := "←"
			if a.Inferred {
				arrow = "⇠" // not seen: inferred (chain_how says from what)
			}
			fmt.Fprintf(&b, " %s %d %s", arrow, a.PID, Cmd(a.Comm, a.Cmdline, 40))
			if a.Exited {
				b.WriteString(" (exited)")
			}
		}
		if e.ChainHow != "" && e.ChainHow != "seen" {
			fmt.Fprintf(&b, "  [%s]", e.ChainHow)
		}
	}
	return b.String()
}

// quietStats reports whether a stats event has nothing to say in the table format: nothing
// missed and no late tick (jsonl writes every one).
func quietStats(e *watch.Event) bool {
	return e.Kind == watch.KindStats && e.Interval != nil && e.Interval.Missed <= 0 &&
		e.Interval.LateTicks == 0 && e.Interval.Outside == 0
}

// watchSelfLine formats the events a watch makes about itself: watching, late and stats.
func watchSelfLine(e *watch.Event) (string, bool) {
	switch e.Kind {
	case watch.KindWatching, watch.KindLate, watch.KindStats:
		return fmt.Sprintf("%s %-13s %s", e.Time.UTC().Format("15:04:05.000000"), e.Kind, e.Summary), true
	}
	return "", false
}

// Cmd formats a command line for a table: arguments quoted when they need it, cut at width;
// the comm in brackets when there is no command line (kernel threads, zombies).
func Cmd(comm string, argv []string, width int) string {
	if len(argv) == 0 {
		return "[" + comm + "]"
	}
	var b strings.Builder
	for i, a := range argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\") || strings.IndexFunc(a, notPrint) >= 0 {
			a = strconv.Quote(a)
		}
		b.WriteString(a)
		if b.Len() > width {
			break
		}
	}
	s := b.String()
	if len(s) > width {
		cut := width
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func notPrint(r rune) bool { return !strconv.IsPrint(r) }
