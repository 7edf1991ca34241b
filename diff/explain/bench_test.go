package explain

import (
	"fmt"
	"testing"
	"time"

	"github.com/procsnap/procsnap/snapshot"
)

// benchSnapshot builds n processes under init, each with its stdio on /dev/null, a pipe shared
// with its neighbour and a private file, and one adopted daemon sharing a socket with pid 100.
func benchSnapshot(n int) *snapshot.Snapshot {
	t0 := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	ps := make([]snapshot.Process, 0, n)
	for i := range n {
		pid := 100 + i
		p := proc(pid, uint64(pid), 1, "worker")
		p.StartTime = t0.Add(time.Duration(pid) * time.Millisecond)
		p.FDs = []snapshot.FD{
			{FD: 0, Target: "/dev/null", Kind: snapshot.KindFile, Inode: 5, Flags: "0100000"},
			{FD: 3, Target: fmt.Sprintf("pipe:[%d]", 1000+pid/2), Kind: snapshot.KindPipe, Inode: uint64(1000 + pid/2), Flags: "0"},
			{FD: 4, Target: fmt.Sprintf("/var/log/w%d", pid), Kind: snapshot.KindFile, Inode: uint64(50000 + pid), Flags: "0102001", Pos: 10},
		}
		if i == 0 || i == n-1 {
			p.FDs = append(p.FDs, snapshot.FD{FD: 5, Target: "socket:[9]", Kind: snapshot.KindSocket, Inode: 9, Flags: "02"})
		}
		ps = append(ps, p)
	}
	return snap(t0.Add(time.Hour), append(ps, proc(1, 1, 0, "init"))...)
}

// BenchmarkExplain explains the adopted daemon of a 5,000-process snapshot: the cost after the
// snapshot was taken or loaded.
func BenchmarkExplain(b *testing.B) {
	s := benchSnapshot(5000)
	pid := 100 + 4999
	for b.Loop() {
		r, err := Explain(Input{Snapshot: s, PID: pid})
		if err != nil || r.Lineage.Creator == nil || r.Lineage.Creator.PID != 100 {
			b.Fatalf("%v %+v", err, r.Lineage)
		}
	}
}
