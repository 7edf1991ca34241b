package render

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/internal/watch"
)

// TestWatchPrinterWidth: a table line of watch is cut to the printer's width with the marker,
// and left whole at width 0 (a pipe, --wide); jsonl is never cut.
func TestWatchPrinterWidth(t *testing.T) {
	long := strings.Repeat("x", 300)
	ev := watch.Event{Time: time.Date(2026, 12, 6, 1, 2, 3, 0, time.UTC),
		Event: diff.Event{Kind: diff.KindStarted, PID: 4242, Comm: "sleep", Summary: "started, child of 1",
			Cmdline: []string{"sleep", long}},
		Chain: []watch.Ancestor{{PID: 1, Comm: "init"}}}
	for _, tc := range []struct {
		name      string
		format    string
		width     int
		wantCut   bool
		wantWider bool
	}{
		{"table at 80", WatchTable, 80, true, false},
		{"table at 40", WatchTable, 40, true, false},
		{"table on a pipe", WatchTable, 0, false, true},
		{"jsonl at 80", WatchJSONL, 80, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			p, err := NewWatchPrinter(&b, tc.format)
			if err != nil {
				t.Fatal(err)
			}
			p.Width = tc.width
			if err := p.Events([]watch.Event{ev}); err != nil {
				t.Fatal(err)
			}
			line := strings.TrimSuffix(b.String(), "\n")
			if strings.Contains(line, "\n") {
				t.Fatalf("one event, several lines:\n%s", b.String())
			}
			w := displayWidth(line)
			if tc.wantCut && (w > tc.width || !strings.HasSuffix(line, CutMarker)) {
				t.Errorf("width %d, want at most %d ending with %q: %q", w, tc.width, CutMarker, line)
			}
			if tc.wantWider && (w <= 80 || strings.HasSuffix(line, CutMarker)) {
				t.Errorf("line cut (%d columns): %q", w, line)
			}
			if !strings.Contains(line, "4242") {
				t.Errorf("the PID is not on the line: %q", line)
			}
		})
	}
}

// TestWatchSummaryWraps: on a terminal the summary's lines wrap at spaces to the width, every
// word kept; on a pipe each stays one line.
func TestWatchSummaryWraps(t *testing.T) {
	st := watch.Stats{Seen: 74, Live: 71, Remembered: 74, Ticks: 424, Rescans: 4, Probes: 77, Wakeups: 14, CPU: 1,
		Events: map[string]int{"started": 4, "exec": 4, "exited": 3}}
	for _, width := range []int{0, 40, 80} {
		var b bytes.Buffer
		p, err := NewWatchPrinter(&b, WatchTable)
		if err != nil {
			t.Fatal(err)
		}
		p.Width = width
		if err := p.Summary(4*time.Second, st); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if width > 0 && displayWidth(l) > width {
				t.Errorf("width %d: line of %d columns: %q", width, displayWidth(l), l)
			}
		}
		if got := strings.Join(strings.Fields(out), " "); !strings.Contains(got, "77 probes, 14 inotify wake-ups") {
			t.Errorf("width %d: words lost:\n%s", width, out)
		}
		if width == 0 && !strings.Contains(out, "4 rescans, 77 probes, 14 inotify wake-ups\n") {
			t.Errorf("on a pipe the counts line was broken:\n%s", out)
		}
	}
}
