package render

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/olekukonko/tablewriter/pkg/twwidth"

	"github.com/procsnap/procsnap/diff/explain"
	"github.com/procsnap/procsnap/diff/timeline"
	"github.com/procsnap/procsnap/snapshot"
	"github.com/procsnap/procsnap/snapshot/capture"
)

// TestEveryViewFitsNarrowTerminals: every human view (ps, diff, log, ls, tree, tree --sessions,
// explain) fits terminals of 40, 60, 72 and 80 columns: no line is wider, so nothing wraps,
// and what was cut ends with the marker (explain wraps instead of cutting). Width 0 (a pipe,
// or --wide) cuts nothing.
func TestEveryViewFitsNarrowTerminals(t *testing.T) {
	s := loadFixture(t, "sessions.yaml")
	full := BuildForest(s)
	ex, err := explain.Explain(explain.Input{Snapshot: loadFixture(t, "explain.yaml"), PID: 13096, File: "explain.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	caps := []capture.CaptureInfo{
		{Capture: capture.Capture{Name: "db1-20261124T010000.000000000Z.yaml.gz", Host: "db1", Time: at},
			Header: snapshot.Header{BootID: "0f2d9c4e-8b1a-4c3e-9d2f-6a5b4c3d2e1f"}},
		{Capture: capture.Capture{Name: "db1-20261124T010500.000000000Z.yaml.gz", Host: "db1", Time: at.Add(5 * time.Minute)},
			Err: errors.New("not a snapshot: gzip: invalid header")},
	}
	cols, err := ParseColumns(DefaultColumns)
	if err != nil {
		t.Fatal(err)
	}
	tree := TreeOptions{Args: true, Merge: true}
	views := []struct {
		name string
		cuts bool // cuts rather than wraps
		// write writes the view at width (0: nothing cut).
		write func(b *bytes.Buffer, width int) error
	}{
		{"ps", true, func(b *bytes.Buffer, w int) error {
			return WritePSTable(b, Rows(full, nil, true), cols, TableOptions{Width: w})
		}},
		{"diff", true, func(b *bytes.Buffer, w int) error { return DiffTable(b, sampleResult(), TableOptions{Width: w}) }},
		{"log", true, func(b *bytes.Buffer, w int) error {
			return TimelineTable(b, []timeline.Interval{{AFile: "a.yaml", BFile: "b.yaml", Result: *sampleResult()}}, 2, TableOptions{Width: w})
		}},
		{"ls", true, func(b *bytes.Buffer, w int) error { return CaptureTable(b, caps, TableOptions{Width: w}) }},
		{"tree", true, func(b *bytes.Buffer, w int) error {
			o := tree
			o.Width = w
			if err := WriteTreeWith(b, full, Style{}, o); err != nil {
				return err
			}
			return WriteKthreadsHidden(b, 12, w)
		}},
		{"sessions", true, func(b *bytes.Buffer, w int) error {
			o := tree
			o.Width = w
			return WriteSessionsWith(b, BuildSessions(full, full), Style{}, o)
		}},
		{"explain", false, func(b *bytes.Buffer, w int) error { return ExplainWidth(b, ex, "text", w) }},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			var whole bytes.Buffer
			if err := v.write(&whole, 0); err != nil {
				t.Fatal(err)
			}
			if v.cuts && strings.Contains(whole.String(), CutMarker) {
				t.Errorf("width 0 cut something:\n%s", whole.String())
			}
			for _, width := range []int{40, 60, 72, 80} {
				var b bytes.Buffer
				if err := v.write(&b, width); err != nil {
					t.Fatal(err)
				}
				widest := 0
				for _, line := range strings.Split(strings.TrimSuffix(whole.String(), "\n"), "\n") {
					widest = max(widest, twwidth.Width(line))
				}
				for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
					if w := twwidth.Width(line); w > width {
						t.Errorf("width %d: a line of %d columns: %q", width, w, line)
					}
				}
				if v.cuts && widest > width && !strings.Contains(b.String(), CutMarker) {
					t.Errorf("width %d: no cut marker, yet the widest line is %d columns:\n%s", width, widest, b.String())
				}
			}
		})
	}
}

// TestTimelineClockOnTerminal: on a terminal, a log whose captures share one UTC day shows
// times of day in its columns (a date would take 11 of 80 columns twice over) and names the
// day in its last line; on a pipe, or across days, every time keeps its date.
func TestTimelineClockOnTerminal(t *testing.T) {
	r := sampleResult() // 2026-11-24 01:00:00 and 01:01:30
	one := []timeline.Interval{{AFile: "a.yaml", BFile: "b.yaml", Result: *r}}
	var b bytes.Buffer
	if err := TimelineTable(&b, one, 2, TableOptions{Width: 80}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if body := strings.Join(lines[:len(lines)-1], "\n"); !strings.Contains(body, "01:00:00.000 01:01:30.000 620") || strings.Contains(body, "2026-11-24") {
		t.Errorf("the rows do not show times of day alone:\n%s", b.String())
	}
	if !strings.Contains(lines[len(lines)-1], "2026-11-24 01:00:00.000") {
		t.Errorf("the last line does not name the day: %q", lines[len(lines)-1])
	}
	b.Reset()
	if err := TimelineTable(&b, one, 2, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "2026-11-24 01:00:00.000  2026-11-24 01:01:30.000  620") {
		t.Errorf("on a pipe the rows lost their dates:\n%s", b.String())
	}
	two := *r
	two.B.TakenAt = two.A.TakenAt.Add(24 * time.Hour)
	b.Reset()
	if err := TimelineTable(&b, []timeline.Interval{{Result: two}}, 2, TableOptions{Width: 200}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "2026-11-25 01:00:00.000") {
		t.Errorf("across two days the rows lost their dates:\n%s", b.String())
	}
}
