package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/olekukonko/tablewriter/pkg/twwidth"

	"github.com/procsnap/procsnap/diff"
)

func TestDiffTableFitsWidth(t *testing.T) {
	for _, width := range []int{60, 80, 200} {
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
