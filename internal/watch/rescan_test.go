package watch

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestListPIDs lists a fake proc root: numeric names only, sorted, through a small buffer that
// takes several getdents calls; and the real /proc, which holds this process.
func TestListPIDs(t *testing.T) {
	root := t.TempDir()
	var want []int
	for i := 1; i <= 300; i++ {
		want = append(want, i*7)
	}
	names := []string{"self", "0", "abc", "7x", "-3", "99999999999999999999", "thread-self"}
	for _, pid := range want {
		names = append(names, strconv.Itoa(pid))
	}
	for _, n := range names {
		if err := os.Mkdir(filepath.Join(root, n), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	buf := make([]byte, 1024) // listPIDs grows it to its own size
	got, err := listPIDs(root, &buf, []int{5, 6})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("listPIDs (-want +got):\n%s", d)
	}
	got, err = listPIDs("/proc", &buf, got)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(got, os.Getpid()) || !slices.IsSorted(got) {
		t.Errorf("listing of /proc: %d PIDs, sorted %v, holds %d: %v", len(got), slices.IsSorted(got), os.Getpid(), slices.Contains(got, os.Getpid()))
	}
	if _, err := listPIDs(filepath.Join(root, "missing"), &buf, nil); err == nil {
		t.Error("listing a missing root: no error")
	}
}

// BenchmarkListPIDs lists the real /proc as a rescan does: no allocation once warm.
func BenchmarkListPIDs(b *testing.B) {
	var buf []byte
	var pids []int
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if pids, err = listPIDs("/proc", &buf, pids); err != nil {
			b.Fatal(err)
		}
	}
}
