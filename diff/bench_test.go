package diff

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/procsnap/procsnap/snapshot/format"

	"github.com/procsnap/procsnap/snapshot"
)

// syntheticPair builds two snapshots of n processes with about 12 fds each, and between them
// the churn of a busy host: 5% exited, 5% started (a fifth of them adopted, so creators are
// inferred), 2% exec'd, 5% opened or closed an fd, 10% flipped R/S.
func syntheticPair(n int) (a, b *snapshot.Snapshot) {
	hdr := func(at time.Time) snapshot.Header {
		return snapshot.Header{Schema: snapshot.Schema, TakenAt: at, BootID: bootID, PIDNamespace: pidNS, TakerPID: 1 << 30}
	}
	mk := func(pid int, start uint64, ppid int) snapshot.Process {
		p := proc(pid, start, ppid, fmt.Sprintf("w%d", pid%50))
		p.SID, p.PGID = ppid, ppid
		p.FDs = stdio("/dev/null", 4)
		p.FDs = append(p.FDs, sock(3, uint64(100000+pid), "2004002"), pipe(4, uint64(200000+pid/2), "0"),
			file(5, fmt.Sprintf("/var/log/app%d.log", pid%40), uint64(300000+pid%40), int64(pid), "102001"))
		for k := 6; k < 12; k++ {
			p.FDs = append(p.FDs, file(k, fmt.Sprintf("/usr/lib/lib%d.so", k), uint64(400000+k), 0, "2100000"))
		}
		return p
	}
	a = &snapshot.Snapshot{Header: hdr(t0)}
	b = &snapshot.Snapshot{Header: hdr(t1)}
	a.Processes = append(a.Processes, proc(1, 1, 0, "init"))
	b.Processes = append(b.Processes, proc(1, 1, 0, "init"))
	for i := 2; i <= n; i++ {
		parent := 1 + (i % 97)
		pa := mk(i, uint64(i), parent)
		a.Processes = append(a.Processes, pa)
		pb := mk(i, uint64(i), parent)
		pb.FDs[5].Pos += 4096 // offsets move: no event
		switch {
		case i%20 == 0: // exited
			continue
		case i%50 == 1:
			pb.Comm, pb.Exe, pb.Cmdline = "exec'd", "/usr/bin/other", []string{"other"}
		case i%20 == 3:
			pb.FDs = pb.FDs[:len(pb.FDs)-1]
		case i%10 == 5:
			pb.State = "R"
		}
		b.Processes = append(b.Processes, pb)
	}
	for i := n + 1; i <= n+n/20; i++ {
		ppid := 2 + i%(n-1)
		if i%5 == 0 {
			ppid = 1 // adopted: creator inference runs
		}
		b.Processes = append(b.Processes, mk(i, uint64(i+n), ppid))
	}
	a.Sort()
	b.Sort()
	return a, b
}

func BenchmarkCompare(b *testing.B) {
	for _, n := range []int{1000, 3000, 10000} {
		sa, sb := syntheticPair(n)
		b.Run(fmt.Sprintf("procs=%d", n), func(b *testing.B) {
			var events int
			for b.Loop() {
				res, err := Compare(sa, sb, Options{})
				if err != nil {
					b.Fatal(err)
				}
				events = len(res.Events)
			}
			b.ReportMetric(float64(events), "events")
		})
	}
}

// BenchmarkCompareFiles diffs two real snapshot files named by PROCSNAP_BENCH_A and
// PROCSNAP_BENCH_B (skipped when unset), separating loading from comparing.
func BenchmarkCompareFiles(b *testing.B) {
	pa, pb := os.Getenv("PROCSNAP_BENCH_A"), os.Getenv("PROCSNAP_BENCH_B")
	if pa == "" || pb == "" {
		b.Skip("set PROCSNAP_BENCH_A and PROCSNAP_BENCH_B to two snapshot files")
	}
	var sa, sb *snapshot.Snapshot
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			var err error
			if sa, err = format.Load(pa); err != nil {
				b.Fatal(err)
			}
			if sb, err = format.Load(pb); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run(fmt.Sprintf("compare/%d+%d", len(sa.Processes), len(sb.Processes)), func(b *testing.B) {
		for b.Loop() {
			if _, err := Compare(sa, sb, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
