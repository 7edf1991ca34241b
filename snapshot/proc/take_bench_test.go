package proc

import (
	"context"
	"github.com/procsnap/procsnap/snapshot/format"
	"io"
	"path/filepath"
	"testing"

	"github.com/prometheus/procfs"
)

// livePIDs lists the processes of the live /proc, for benchmarks that read one per op.
func livePIDs(tb testing.TB) []int {
	tb.Helper()
	fs, err := procfs.NewFS(DefaultRoot)
	if err != nil {
		tb.Skip("no /proc:", err)
	}
	pids, err := listPIDs(fs, nil)
	if err != nil || len(pids) == 0 {
		tb.Skip("cannot list /proc:", err)
	}
	return pids
}

// BenchmarkReadProcess reads one live process per op, cycling through /proc, as Take does: the
// allocations per process read. `make bench` runs it on its synthetic population.
func BenchmarkReadProcess(b *testing.B) {
	for _, tc := range []struct {
		name  string
		noFDs bool
	}{{"fds", false}, {"nofds", true}} {
		b.Run(tc.name, func(b *testing.B) {
			pids := livePIDs(b)
			r := reader{root: DefaultRoot, opts: &TakeOptions{NoFDs: tc.noFDs}}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				r.readProcess(pids[i%len(pids)])
				i++
			}
		})
	}
}

// BenchmarkReadProcessProcfs reads the files procfs has readers for (stat, status, cmdline,
// wchan, fd targets, fdinfo) through procfs, one live process per op: the yardstick for the
// lean readers.
func BenchmarkReadProcessProcfs(b *testing.B) {
	pids := livePIDs(b)
	fs, err := procfs.NewFS(DefaultRoot)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p, err := fs.Proc(pids[i%len(pids)])
		i++
		if err != nil {
			continue
		}
		_, _ = p.Stat()
		_, _ = p.NewStatus()
		_, _ = p.CmdLine()
		_, _ = p.Wchan()
		_, _ = p.FileDescriptorTargets()
		_, _ = p.FileDescriptorsInfo()
	}
}

func BenchmarkTakeLive(b *testing.B) {
	for b.Loop() {
		if _, err := Take(context.Background(), TakeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeLive(b *testing.B) {
	s, err := Take(context.Background(), TakeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := format.Encode(io.Discard, s, format.FormatYAML); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadLive loads a snapshot file of the live system, as diff loads each of its two
// inputs: the part of diff's time that is not the comparison.
func BenchmarkLoadLive(b *testing.B) {
	for _, form := range []string{format.FormatYAML, format.FormatJSON} {
		b.Run(form, func(b *testing.B) {
			s, err := Take(context.Background(), TakeOptions{})
			if err != nil {
				b.Fatal(err)
			}
			path := filepath.Join(b.TempDir(), "s."+form)
			if err := format.WriteFile(path, s, ""); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := format.Load(path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
