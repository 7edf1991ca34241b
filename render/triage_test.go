package render

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/olekukonko/tablewriter/pkg/twwidth"

	"github.com/procsnap/procsnap/diff"
)

func TestDiffTableFitsWidth(t *testing.T) {
	for _, width := range []int{72, 80, 200} {
		var buf bytes.Buffer
		if err := DiffTable(&buf, sampleResult(), TableOptions{Width: width}); err != nil {
			t.Fatal(err)
		}
		cutSeen := false
		for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
			if w := twwidth.Width(line); w > width {
				t.Errorf("width %d: line of %d columns: %q", width, w, line)
			}
			cutSeen = cutSeen || strings.Contains(line, CutMarker)
		}
		if width < 200 && !cutSeen {
			t.Errorf("width %d: nothing was cut, yet the summary is longer:\n%s", width, buf.String())
		}
	}
	var whole bytes.Buffer
	if err := DiffTable(&whole, sampleResult(), TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(whole.String(), CutMarker) {
		t.Errorf("width 0 (a pipe) cut something:\n%s", whole.String())
	}
	if !strings.Contains(whole.String(), "leads its process group 600") {
		t.Errorf("width 0 lost the end of a summary:\n%s", whole.String())
	}
}

func TestDiffTableFoldsFDs(t *testing.T) {
	r := sampleResult()
	for fd := 4; fd < 7; fd++ {
		n := fd
		r.Events = append(r.Events, diff.Event{Kind: diff.KindFDInherited, PID: 620, StartTicks: 6200, Comm: "pgbouncer",
			FD: &n, Target: "pipe:[1]", From: &diff.Ref{PID: 600, Comm: "pgbouncer"}, Summary: "fd shares creator's fd"})
	}
	cases := []struct {
		name      string
		all       bool
		want      []string
		notWanted string
	}{
		{"folded", false, []string{"fds      inherited 4 descriptors", "4 fd events folded into 1 row"}, "fd_inherited  fd"},
		{"all", true, []string{"fd_inherited  fd 3", "fd_inherited  fd shares"}, "folded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := DiffTable(&buf, r, TableOptions{All: tc.all}); err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.want {
				if !strings.Contains(buf.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, buf.String())
				}
			}
			if strings.Contains(buf.String(), tc.notWanted) {
				t.Errorf("output has %q:\n%s", tc.notWanted, buf.String())
			}
		})
	}
}

func TestPlainTableNoHeaders(t *testing.T) {
	var buf bytes.Buffer
	rows := [][]string{{"1", "init"}, {"20", "sleep 400"}}
	if err := plainTable(&buf, []string{"PID", "COMMAND"}, rows, TableOptions{NoHeaders: true}); err != nil {
		t.Fatal(err)
	}
	if want := "1   init\n20  sleep 400\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

func TestCapFindings(t *testing.T) {
	var fs []diff.Finding
	for i := 0; i < 5; i++ {
		fs = append(fs, diff.Finding{Kind: diff.FindingDaemonized, PID: 100 + i}, diff.Finding{Kind: diff.FindingNotReaping, PID: 200 + i})
	}
	for i := 0; i < 7; i++ {
		fs = append(fs, diff.Finding{Kind: diff.FindingFDLeaked, PID: 300 + i})
	}
	kept, _, more := capFindings(fs, nil, 3)
	if len(kept) != 13 {
		t.Errorf("kept %d findings, want 5 daemons + 5 parents not reaping + 3 leaks", len(kept))
	}
	if len(more) != 1 || more[0] != (diff.KindCount{Kind: diff.FindingFDLeaked, Count: 4}) {
		t.Errorf("more = %v, want 4 more fd_leaked", more)
	}
	if all, _, more := capFindings(fs, nil, 0); len(all) != len(fs) || more != nil {
		t.Errorf("max 0 kept %d of %d, more %v", len(all), len(fs), more)
	}
	var buf bytes.Buffer
	writeMore(&buf, more, 0)
	if want := "  … and 4 more fd_leaked (--kind fd_leaked lists them)\n"; buf.String() != want {
		t.Errorf("writeMore = %q, want %q", buf.String(), want)
	}
}

// TestPerKindFitsHeight: on a short terminal the capped kinds shrink to "… and N more" lines so
// that every daemon and parent not reaping stays on the first screen.
func TestPerKindFitsHeight(t *testing.T) {
	var fs []diff.Finding
	for i := 0; i < 13; i++ {
		fs = append(fs, diff.Finding{Kind: diff.FindingNotReaping, PID: 200 + i})
	}
	for i := 0; i < 20; i++ {
		fs = append(fs, diff.Finding{Kind: diff.FindingFDLeaked, PID: 300 + i})
	}
	fs = append(fs, diff.Finding{Kind: diff.FindingStopped, PID: 400})
	cases := []struct {
		height, want int
	}{
		{0, 3},   // height unknown: MaxPerKind
		{50, 3},  // room for 3 of each
		{24, -1}, // 4 lines above, 13 parents: only "… and N more" lines fit
		{25, 1},
		{26, 2},
	}
	for _, tc := range cases {
		if got := perKind(fs, TableOptions{MaxPerKind: 3, Height: tc.height}, 4); got != tc.want {
			t.Errorf("height %d: perKind = %d, want %d", tc.height, got, tc.want)
		}
	}
}

// TestFindingsPackedOnShortScreen: 30 parents not reaping on a 24-line terminal are all named,
// merged by comm, within the width and before line 24.
func TestFindingsPackedOnShortScreen(t *testing.T) {
	var fs []diff.Finding
	fs = append(fs, diff.Finding{Kind: diff.FindingDaemonized, PID: 15615, Comm: "sleep", Cmdline: []string{"sleep", "400"}, Detail: "created by 15252 (bash)"})
	for i := 0; i < 30; i++ {
		fs = append(fs, diff.Finding{Kind: diff.FindingNotReaping, PID: 12000 + i, Comm: "bench-worker", Detail: "1 zombie"})
	}
	fs = append(fs, diff.Finding{Kind: diff.FindingNotReaping, PID: 1, Comm: "init", Detail: "1 zombie"})
	var buf bytes.Buffer
	o := TableOptions{Width: 80, Height: 24, MaxPerKind: 3}
	if err := findingsSection(&buf, fs, nil, o, 4); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if 4+len(lines)+1 > 24 {
		t.Errorf("%d lines of findings after 4 do not fit 24:\n%s", len(lines), buf.String())
	}
	for _, l := range lines {
		if twwidth.Width(l) > 80 {
			t.Errorf("line wider than 80: %q", l)
		}
	}
	for _, f := range fs {
		if !strings.Contains(buf.String(), strconv.Itoa(f.PID)) {
			t.Errorf("pid %d (%s) not named:\n%s", f.PID, f.Kind, buf.String())
		}
	}
	if !strings.Contains(buf.String(), "not_reaping (31): 30× bench-worker: 12000 12001") {
		t.Errorf("parents not merged by comm:\n%s", buf.String())
	}
}
