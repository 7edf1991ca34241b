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
