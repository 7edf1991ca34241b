package format

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/procsnap/procsnap/fixtures/badsnap"
	"github.com/procsnap/procsnap/snapshot"
)

// busySnapshot builds a snapshot of n processes shaped like a busy host: command lines, kernel
// stacks, namespaces, signal masks and about 14 fds each (stdio on /dev/null, a socket, a pipe,
// a log file, shared libraries), some unreadable.
func busySnapshot(n int) *snapshot.Snapshot {
	at := time.Date(2026, 11, 24, 1, 2, 3, 0, time.UTC)
	s := &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema, TakenAt: at, Hostname: "bench", UserHZ: 100}}
	for pid := 1; pid <= n; pid++ {
		p := snapshot.Process{PID: pid, StartTicks: uint64(1000 + pid), StartTime: at.Add(time.Duration(pid) * time.Millisecond),
			PPID: pid / 10, PGID: pid - pid%10, SID: pid - pid%100, TPGID: -1, State: "S", Threads: 1 + pid%3,
			Wchan: "do_sys_poll", Stack: []string{"do_sys_poll+0x3c6/0x4f0", "__x64_sys_poll+0xa6/0x140"},
			Comm: fmt.Sprintf("worker%d", pid%50), Exe: fmt.Sprintf("/usr/bin/worker%d", pid%50),
			Cmdline: []string{fmt.Sprintf("/usr/bin/worker%d", pid%50), "--config", "/etc/worker.conf", "-v",
				fmt.Sprintf("--id=%d", pid)},
			Cwd: "/", UID: 1000, EUID: 1000, GID: 1000, EGID: 1000, SigCaught: "0000000000014002",
			SigIgnored: "0000000000001000", SigBlocked: "0000000000000000", SigChld: snapshot.SigChldDefault,
			NSpid: []int{pid}, NSpgid: []int{pid - pid%10}, NSsid: []int{pid - pid%100},
			Namespaces: map[string]uint64{"mnt": 4026531841, "net": 4026531840, "pid": 4026531836, "user": 4026531837}}
		if pid%10 == 0 {
			p.Children = []int{pid + 1, pid + 2}
		}
		for fd := range 3 {
			p.FDs = append(p.FDs, snapshot.FD{FD: fd, Target: "/dev/null", Kind: snapshot.KindFile, Inode: 5, Flags: "02", Pos: 0, MntID: 22})
		}
		p.FDs = append(p.FDs,
			snapshot.FD{FD: 3, Target: fmt.Sprintf("socket:[%d]", 100000+pid), Kind: snapshot.KindSocket, Inode: uint64(100000 + pid), Flags: "02000002", CloExec: true, MntID: 8},
			snapshot.FD{FD: 4, Target: fmt.Sprintf("pipe:[%d]", 200000+pid/2), Kind: snapshot.KindPipe, Inode: uint64(200000 + pid/2), Flags: "00", MntID: 14},
			snapshot.FD{FD: 5, Target: fmt.Sprintf("/var/log/app%d.log", pid%40), Kind: snapshot.KindFile, Inode: uint64(300000 + pid%40), Flags: "0102001", Pos: int64(pid) * 512, MntID: 25})
		for fd := 6; fd < 14; fd++ {
			p.FDs = append(p.FDs, snapshot.FD{FD: fd, Target: fmt.Sprintf("/usr/lib/x86_64-linux-gnu/lib%d.so.1", fd), Kind: snapshot.KindFile,
				Inode: uint64(400000 + fd), Flags: "02100000", CloExec: true, MntID: 25})
		}
		if pid%7 == 0 {
			p.FDs = append(p.FDs, snapshot.FD{FD: 14, Kind: snapshot.KindOther, Unread: snapshot.ReasonPermissionDenied})
			p.Unread = map[string]string{"stack": snapshot.ReasonPermissionDenied}
		}
		s.Processes = append(s.Processes, p)
	}
	s.Header.Counts = s.Count() // as take sets them: the snapshot loads
	return s
}

// BenchmarkDecodeYAML decodes a 5,000-process YAML snapshot (or the file PROCSNAP_BENCH_FILE)
// with yaml.v3 alone and with the lean reader; retained-MB is the heap the decoded snapshot
// keeps alive.
func BenchmarkDecodeYAML(b *testing.B) {
	data := []byte(nil)
	if path := os.Getenv("PROCSNAP_BENCH_FILE"); path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			b.Fatal(err)
		}
	} else {
		data = encodeYAMLBytes(b, busySnapshot(5000))
	}
	for _, c := range []struct {
		name   string
		decode func([]byte, *snapshot.Snapshot) error
	}{{"yaml.v3", unmarshalYAML}, {"lean", unmarshal}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				var s snapshot.Snapshot
				if err := c.decode(data, &s); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(retainedMB(b, func() any {
				var s snapshot.Snapshot
				if err := c.decode(data, &s); err != nil {
					b.Fatal(err)
				}
				return &s
			}), "retained-MB") // after the loop: b.Loop's ResetTimer drops reported metrics
		})
	}
}

// retainedMB returns the heap that the result of decode keeps alive, in MB.
func retainedMB(tb testing.TB, decode func() any) float64 {
	tb.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := decode()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / 1e6
}

// BenchmarkDecodeShapes decodes a file of each shape #12 names, the one procsnap writes beside
// the densest ones (1,000,000 one-line records in YAML and JSON, 450,000 flow records for
// yaml.v3), and reports the bytes allocated per byte of input (alloc/input), which the
// footprint and values bounds keep small whatever the shape; the dense ones end in a refusal.
func BenchmarkDecodeShapes(b *testing.B) {
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"busy yaml", encodeYAMLBytes(b, busySnapshot(5000))},
		{"one-line yaml", badsnap.ShortRecords(1000000, false, 0)},
		{"one-line json", badsnap.ShortRecords(1000000, true, 0)},
		{"flow yaml", badsnap.FlowRecords(450000)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			var alloc uint64
			for b.Loop() {
				alloc += allocated(func() { _, _ = Decode(bytes.NewReader(c.data), c.name) })
			}
			b.ReportMetric(float64(alloc)/float64(b.N)/float64(len(c.data)), "alloc/input")
		})
	}
}
