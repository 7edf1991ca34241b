package watch

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestReadCPUIdle(t *testing.T) {
	fixture, err := os.ReadFile("../../fixtures/proc/basic/stat")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, in string
		want     map[int]float64 // seconds: /proc/stat counts in USER_HZ (100) units
		ok       bool
	}{
		{"fixture", string(fixture), map[int]float64{0: 10}, true},
		{"idle plus iowait", "cpu  9 9 9 9 9\ncpu0 1 2 3 40 5 6 7\ncpu1 1 2 3 400 50 6 7\n", map[int]float64{0: 0.45, 1: 4.5}, true},
		{"no cpu line", "intr 1\nctxt 2\n", nil, false},
		{"not a number", "cpu0 1 2 3 x 5\n", nil, false},
		{"no file", "", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			if tc.in != "" {
				if err := os.WriteFile(root+"/stat", []byte(tc.in), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := readCPUIdle(root)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for cpu, v := range tc.want {
				if d := got[cpu] - v; d > 1e-9 || d < -1e-9 {
					t.Errorf("cpu%d = %g, want %g", cpu, got[cpu], v)
				}
			}
		})
	}
}

func TestIdlestCPU(t *testing.T) {
	var all, only1 unix.CPUSet
	for i := range 4 {
		all.Set(i)
	}
	only1.Set(1)
	for _, tc := range []struct {
		name          string
		before, after map[int]float64
		allowed       *unix.CPUSet
		want          int
	}{
		{"most idle", map[int]float64{0: 10, 1: 10, 2: 10}, map[int]float64{0: 20, 1: 90, 2: 50}, &all, 1},
		{"counts the delta, not the total", map[int]float64{0: 1000, 1: 0}, map[int]float64{0: 1010, 1: 50}, &all, 1},
		{"tie: highest cpu", map[int]float64{0: 0, 1: 0, 2: 0, 3: 0}, map[int]float64{2: 5, 1: 5, 0: 5, 3: 1}, &all, 2},
		{"not allowed", map[int]float64{0: 0, 1: 0}, map[int]float64{0: 90, 1: 10}, &only1, 1},
		{"cpu gone offline in between", map[int]float64{0: 0}, map[int]float64{0: 5, 3: 900}, &all, 0},
		{"counter went back", map[int]float64{0: 50, 1: 0}, map[int]float64{0: 10, 1: 1}, &all, 1},
		{"nothing allowed", map[int]float64{2: 0}, map[int]float64{2: 9}, &only1, -1},
		{"no reading", nil, nil, &all, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := idlestCPU(tc.before, tc.after, tc.allowed); got != tc.want {
				t.Errorf("idlestCPU = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestParseCPU(t *testing.T) {
	var allowed unix.CPUSet
	if err := unix.SchedGetaffinity(0, &allowed); err != nil {
		t.Fatal(err)
	}
	first := -1
	for i := 0; first < 0; i++ {
		if allowed.IsSet(i) {
			first = i
		}
	}
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"", -1, true}, {AutoCPU, -1, true}, {AnyCPU, -1, true},
		{strconv.Itoa(first), first, true},
		{"-1", -1, false}, {"one", -1, false}, {"1.5", -1, false},
		{"1023", -1, false}, // not allowed here: no test machine has 1,024 CPUs
		{"99999", -1, false},
	} {
		got, err := ParseCPU(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseCPU(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// affinities returns the CPUs each thread of this process may run on, and its slice.
func affinities(t *testing.T) map[int]threadSched {
	t.Helper()
	tids, err := threads()
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]threadSched{}
	for _, tid := range tids {
		var ts threadSched
		if err := unix.SchedGetaffinity(tid, &ts.cpus); err != nil {
			continue // exited since the listing
		}
		if a, err := unix.SchedGetAttr(tid, 0); err == nil {
			ts.slice = a.Runtime
		}
		out[tid] = ts
	}
	return out
}

type threadSched struct {
	cpus  unix.CPUSet
	slice uint64
}

// customSlices reports whether this kernel lets an unprivileged thread set its slice (6.12+).
func customSlices(t *testing.T) bool {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	undo := latencyThread()
	a, err := unix.SchedGetAttr(0, 0)
	undo()
	return err == nil && a.Runtime == shortSlice
}

// runUntilEvent runs w, starting short processes until an event is emitted, and returns what
// the threads of this process looked like from inside emit (on the watch loop's thread).
func runUntilEvent(t *testing.T, w *Watcher) (during map[int]threadSched, loopTID int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- w.Run(ctx, func([]Event) error {
			if during == nil {
				during, loopTID = affinities(t), unix.Gettid()
				close(got)
			}
			return nil
		})
	}()
	for deadline := time.Now().Add(15 * time.Second); ; {
		if err := exec.Command("/bin/sh", "-c", "exit 0").Run(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-got:
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			return during, loopTID
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no event in 15 s")
		}
	}
}

// TestRunPinsThreadsAndGivesThemBack: while Run runs, every thread of the process runs on the
// CPU Stats reports and the loop has the short slice; afterwards every thread has its CPUs
// and its default slice back.
func TestRunPinsThreadsAndGivesThemBack(t *testing.T) {
	if testing.Short() {
		t.Skip("real-kernel test")
	}
	var before unix.CPUSet
	if err := unix.SchedGetaffinity(0, &before); err != nil {
		t.Fatal(err)
	}
	slices := customSlices(t)
	for _, cpu := range []string{AutoCPU, AnyCPU} {
		t.Run(cpu, func(t *testing.T) {
			w, err := New(Options{CPU: cpu, Rescan: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			during, loop := runUntilEvent(t, w)
			st := w.Stats()
			if st.PinError != "" {
				t.Fatalf("pin error: %s", st.PinError)
			}
			for tid, ts := range during {
				switch {
				case cpu == AnyCPU && ts.cpus != before:
					t.Errorf("thread %d: %d CPUs with --cpu any, want the %d it had", tid, ts.cpus.Count(), before.Count())
				case cpu == AutoCPU && (ts.cpus.Count() != 1 || !ts.cpus.IsSet(st.CPU)):
					t.Errorf("thread %d: %d CPUs, want only CPU %d", tid, ts.cpus.Count(), st.CPU)
				}
			}
			if cpu == AnyCPU && st.CPU != -1 {
				t.Errorf("Stats.CPU = %d, want -1", st.CPU)
			}
			if slices && during[loop].slice != shortSlice {
				t.Errorf("loop thread %d: slice %d ns, want %d", loop, during[loop].slice, shortSlice)
			}
			for tid, ts := range affinities(t) {
				if ts.cpus != before {
					t.Errorf("after Run, thread %d: %d CPUs, want the %d it had", tid, ts.cpus.Count(), before.Count())
				}
				if ts.slice == shortSlice {
					t.Errorf("after Run, thread %d still has the short slice", tid)
				}
			}
		})
	}
	if !slices {
		t.Log("this kernel has no custom slices (before 6.12): the slice was not checked")
	}
}
