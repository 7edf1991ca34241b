package render

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseColumnsAndSort(t *testing.T) {
	names := func(cols []Column) []string {
		var out []string
		for _, c := range cols {
			out = append(out, c.Name)
		}
		return out
	}
	cases := []struct {
		name, columns, sort string
		wantCols            []string
		wantSort            []string // name, or -name when descending
		wantErr             error
	}{
		{"defaults", DefaultColumns, "pid",
			[]string{"ppid", "pid", "pgid", "sid", "tty", "tpgid", "stat", "uid", "wchan", "fds", "markers", "command"},
			[]string{"pid"}, nil},
		{"spaces and case", "PID, comm", " -fds, +sid ,", []string{"pid", "comm"}, []string{"-fds", "sid"}, nil},
		{"all", "all", "", names(Columns), nil, nil},
		{"unknown column", "pid,rss", "pid", nil, nil, ErrUnknownColumn},
		{"unknown sort key", "pid", "-rss", []string{"pid"}, nil, ErrUnknownColumn},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cols, err := ParseColumns(tc.columns)
			if err == nil {
				var keys []SortKey
				keys, err = ParseSort(tc.sort)
				var got []string
				for _, k := range keys {
					n := k.Column.Name
					if k.Desc {
						n = "-" + n
					}
					got = append(got, n)
				}
				if diff := cmp.Diff(tc.wantSort, got); err == nil && diff != "" {
					t.Errorf("sort (-want +got):\n%s", diff)
				}
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil {
				if diff := cmp.Diff(tc.wantCols, names(cols)); diff != "" {
					t.Errorf("columns (-want +got):\n%s", diff)
				}
			}
		})
	}
}
