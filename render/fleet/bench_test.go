package fleet

import (
	"fmt"
	"io"
	"testing"

	"github.com/procsnap/procsnap/snapshot"
)

// bigSnapshot is the test host with n more processes: shells with children, each a session.
func bigSnapshot(n int) *snapshot.Snapshot {
	_, b := testPair()
	for i := range n {
		pid := 10000 + i
		leader := pid - pid%4
		b.Processes = append(b.Processes, snapshot.Process{PID: pid, StartTicks: uint64(pid), PPID: max(leader, 1),
			PGID: leader, SID: leader, Comm: "w", State: "S", Exe: "/usr/bin/w", Threads: 1,
			Cmdline: []string{"/usr/bin/w", "--id", fmt.Sprint(i)}, Cwd: "/srv",
			FDs: []snapshot.FD{{FD: 3, Target: "socket:[1]", Kind: snapshot.KindSocket, Flags: "02"}}})
	}
	sortByPID(b)
	return b
}

func BenchmarkProcesses(b *testing.B) {
	s := bigSnapshot(5000)
	for _, format := range Formats {
		b.Run(format, func(b *testing.B) {
			e, err := NewEncoder(io.Discard, format, "bench")
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := e.Processes(s); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(s.Processes)), "ns/process")
		})
	}
}
