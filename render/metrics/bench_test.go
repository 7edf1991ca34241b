package metrics

import (
	"io"
	"testing"

	"github.com/procsnap/procsnap/snapshot"
)

func BenchmarkCollect(b *testing.B) {
	s := host(t0, false)
	for i := range 5000 {
		pid := 10000 + i
		st := "S"
		if i%10 == 0 {
			st = "Z"
		}
		s.Processes = append(s.Processes, snapshot.Process{PID: pid, StartTicks: uint64(pid), PPID: 10000 + i%50*3,
			PGID: 10000, SID: 10000, Comm: "w", State: st,
			FDs: []snapshot.FD{{FD: 3, Target: "/tmp/x", Kind: snapshot.KindFile, Flags: "02"}}})
	}
	for b.Loop() {
		if err := Write(io.Discard, Collect(Input{Current: s})); err != nil {
			b.Fatal(err)
		}
	}
}
