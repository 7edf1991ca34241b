package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/procsnap/procsnap/snapshot/format"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/snapshot"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// loadFixture reads a snapshot under testdata.
func loadFixture(tb testing.TB, name string) *snapshot.Snapshot {
	tb.Helper()
	s, err := format.Load(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatalf("loading fixture: %v", err)
	}
	return s
}

// golden compares got with testdata/NAME.golden, or rewrites it under -update.
func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test ./render -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		tb.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestGolden(t *testing.T) {
	s := loadFixture(t, "sessions.yaml")
	full := BuildForest(s)
	selectT := func(tb testing.TB, flt Filter) *Forest {
		tb.Helper()
		f, err := full.Select(flt)
		if err != nil {
			tb.Fatal(err)
		}
		return f
	}
	ps := func(format, columns, sort string) func(*bytes.Buffer, *Forest) error {
		return func(b *bytes.Buffer, f *Forest) error {
			cols, err := ParseColumns(columns)
			if err != nil {
				return err
			}
			keys, err := ParseSort(sort)
			if err != nil {
				return err
			}
			rows := Rows(f, keys, true)
			switch format {
			case "json":
				return WritePSJSON(b, rows, cols)
			case "yaml":
				return WritePSYAML(b, rows, cols)
			}
			return WritePSTable(b, rows, cols, TableOptions{})
		}
	}
	sessions := func(st Style) func(*bytes.Buffer, *Forest) error {
		return func(b *bytes.Buffer, f *Forest) error { return WriteSessions(b, BuildSessions(full, f), st) }
	}
	cases := []struct {
		name  string
		flt   Filter
		write func(*bytes.Buffer, *Forest) error
	}{
		{"tree", Filter{}, func(b *bytes.Buffer, f *Forest) error { return WriteTree(b, f, Style{}) }},
		{"tree_color", Filter{}, func(b *bytes.Buffer, f *Forest) error { return WriteTree(b, f, Style{Color: true}) }},
		{"tree_json", Filter{}, func(b *bytes.Buffer, f *Forest) error { return WriteTreeJSON(b, f) }},
		{"tree_pid_420", Filter{PID: 420}, func(b *bytes.Buffer, f *Forest) error { return WriteTree(b, f, Style{}) }},
		{"tree_pid_451_color", Filter{PID: 451}, func(b *bytes.Buffer, f *Forest) error { return WriteTree(b, f, Style{Color: true}) }},
		{"tree_args", Filter{}, func(b *bytes.Buffer, f *Forest) error {
			return WriteTreeWith(b, f, Style{}, TreeOptions{Args: true, Merge: true})
		}},
		{"tree_args_width40", Filter{}, func(b *bytes.Buffer, f *Forest) error {
			return WriteTreeWith(b, f, Style{}, TreeOptions{Args: true, Width: 40})
		}},
		{"tree_comm_loop", Filter{Comms: []string{"loop-[bc]"}}, func(b *bytes.Buffer, f *Forest) error { return WriteTree(b, f, Style{}) }},
		{"sessions", Filter{}, sessions(Style{})},
		{"sessions_color", Filter{}, sessions(Style{Color: true})},
		{"sessions_user_1000", Filter{UIDs: []int{1000}}, sessions(Style{})},
		{"sessions_json", Filter{}, func(b *bytes.Buffer, f *Forest) error { return WriteSessionsJSON(b, BuildSessions(full, f)) }},
		{"ps", Filter{}, ps("table", DefaultColumns, "pid")},
		{"ps_all_sort_sid", Filter{}, ps("table", "all", "sid,-pid")},
		{"ps_json", Filter{PID: 450}, ps("json", DefaultColumns, "")},
		{"ps_comm_matches_only", Filter{Comms: []string{"loop-[bc]", "tail"}}, func(b *bytes.Buffer, f *Forest) error {
			keys, err := ParseSort("-pid")
			if err != nil {
				return err
			}
			rows := Rows(f, keys, false)
			return WritePSTable(b, rows, Columns, TableOptions{})
		}},
		{"ps_yaml", Filter{Comms: []string{"defunct", "daemon"}}, ps("yaml", "pid,ppid,stat,fds,markers,comm", "-fds")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b, selectT(t, tc.flt)); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, b.Bytes())
		})
	}
}
