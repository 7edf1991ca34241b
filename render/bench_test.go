package render

import (
	"io"
	"testing"

	"github.com/procsnap/procsnap/snapshot"
)

// bigSnapshot makes n processes: 100 sessions of shells, each with groups of three, plus a
// ppid cycle and a missing parent, so every path of the builders runs.
func bigSnapshot(tb testing.TB, n int) *snapshot.Snapshot {
	tb.Helper()
	procs := []p{{1, 0, 1, 1, ""}}
	for pid := 2; pid <= n; pid++ {
		switch {
		case pid%100 == 2: // a session leader under init
			procs = append(procs, p{pid, 1, pid, pid, ""})
		case pid%3 == 0: // a group leader under its session leader
			sid := pid - (pid-2)%100
			procs = append(procs, p{pid, sid, pid, sid, ""})
		default: // a member of the previous group, sometimes a zombie
			prev := procs[len(procs)-1]
			st := ""
			if pid%7 == 0 {
				st = "Z"
			}
			procs = append(procs, p{pid, prev.pid, prev.pgid, prev.sid, st})
		}
	}
	procs = append(procs, p{n + 1, n + 2, n + 1, n + 1, ""}, p{n + 2, n + 1, n + 1, n + 1, ""}, p{n + 3, 99999999, n + 3, n + 3, ""})
	return snap(tb, procs...)
}

func BenchmarkSessionsView(b *testing.B) {
	s := bigSnapshot(b, 10000)
	for b.Loop() {
		f := BuildForest(s)
		if err := WriteSessions(io.Discard, BuildSessions(f, f), Style{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPSTable(b *testing.B) {
	f := BuildForest(bigSnapshot(b, 10000))
	cols, err := ParseColumns(DefaultColumns)
	if err != nil {
		b.Fatal(err)
	}
	keys, err := ParseSort("pid")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rows := Rows(f, keys, false)
		if err := WritePSTable(io.Discard, rows, cols, TableOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
