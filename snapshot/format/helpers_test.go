package format

import (
	"os"
	"testing"
	"time"

	"github.com/procsnap/procsnap/snapshot"
)

// The same helpers as in snapshot/capture's tests, which this package's tests cannot import.

var t0 = time.Date(2026, 11, 24, 1, 2, 3, 456789012, time.UTC)

// testSnapshot is a small valid snapshot of host taken at t.
func testSnapshot(tb testing.TB, host string, t time.Time, zombies int) *snapshot.Snapshot {
	tb.Helper()
	s := &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema, Hostname: host, TakenAt: t, BootID: "0f1e2d3c-aaaa-bbbb-cccc-000000000001"}}
	for pid := 1; pid <= 3+zombies; pid++ {
		p := snapshot.Process{PID: pid, StartTicks: uint64(pid * 10), PPID: max(pid-1, 0), State: "S", Comm: "p", Cmdline: []string{"p", "<a&b>"}}
		if pid > 3 {
			p.State = "Z"
		}
		s.Processes = append(s.Processes, p)
	}
	s.Header.Counts = s.Count()
	return s
}

func writeString(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
}
