package render

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/procsnap/procsnap/snapshot"
)

// deepChain makes a chain of n processes, each the parent of the next.
func deepChain(tb testing.TB, n int) *snapshot.Snapshot {
	tb.Helper()
	procs := make([]p, 0, n)
	for pid := 1; pid <= n; pid++ {
		procs = append(procs, p{pid, pid - 1, pid, pid, ""})
	}
	return snap(tb, procs...)
}

// TestTreeDeepChainIsLinear: a parent chain 5,000 deep prints in space linear in its length.
// Every line stays within the indentation of MaxTreeIndent levels and says its depth beyond it
// (on main the 5,000th line was indented 20,000 bytes, 50 MB in all; 20,000 deep took 1.5 GB).
func TestTreeDeepChainIsLinear(t *testing.T) {
	const n = 5000
	var buf bytes.Buffer
	if err := WriteTree(&buf, BuildForest(deepChain(t, n)), Style{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("%d lines, want %d", len(lines), n)
	}
	maxLine := 0
	for _, l := range lines {
		maxLine = max(maxLine, len(l))
	}
	if limit := 4*3*(MaxTreeIndent+1) + 200; maxLine > limit {
		t.Errorf("longest line %d bytes, want at most %d", maxLine, limit)
	}
	if last := lines[n-1]; !strings.Contains(last, "[depth 4999] ") {
		t.Errorf("the deepest line does not say its depth: %q", last)
	}
	if l := lines[MaxTreeIndent]; strings.Contains(l, "[depth") {
		t.Errorf("line at depth %d already says its depth: %q", MaxTreeIndent, l)
	}
}

// BenchmarkTreeDeepChain: before the indentation cap, 20,000 deep took 13 s and 1.5 GB RSS.
func BenchmarkTreeDeepChain(b *testing.B) {
	s := deepChain(b, 20000)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteTree(io.Discard, BuildForest(s), Style{}); err != nil {
			b.Fatal(err)
		}
	}
}

// manySessions makes n sessions of one process each under init, none with a terminal: each
// session's terminal was looked for by a walk of the whole forest, quadratic in sessions.
func manySessions(tb testing.TB, n int) *snapshot.Snapshot {
	tb.Helper()
	procs := []p{{1, 0, 1, 1, ""}}
	for pid := 2; pid <= n; pid++ {
		procs = append(procs, p{pid, 1, pid, pid, ""})
	}
	return snap(tb, procs...)
}

// BenchmarkSessionsManySessions: 10,000 sessions without a terminal.
func BenchmarkSessionsManySessions(b *testing.B) {
	s := manySessions(b, 10000)
	b.ReportAllocs()
	for b.Loop() {
		f := BuildForest(s)
		if err := WriteSessions(io.Discard, BuildSessions(f, f), Style{}); err != nil {
			b.Fatal(err)
		}
	}
}
