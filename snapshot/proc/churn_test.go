package proc_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/procsnap/procsnap/snapshot/proc"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procsnap/procsnap/snapshot"
)

// life is one churn child: its pid and the start ticks /proc gave it.
type life struct {
	pid   int
	ticks uint64
}

// churner starts and reaps short processes ("true churn-SEQ", and every third "sh -c 'sleep
// 0.002' churn-SEQ") as fast as it can. It reads each child's start ticks before reaping it (an
// unreaped child keeps its pid), so the test knows every life a pid had.
type churner struct {
	mu     sync.Mutex
	lives  map[int]life     // by seq
	byPID  map[int][]uint64 // every start ticks seen per pid
	reaped map[life]bool    // lives exited and about to be reaped (or reaped)
	seq    int
}

func (c *churner) run(ctx context.Context, tb testing.TB) {
	for ctx.Err() == nil {
		c.mu.Lock()
		c.seq++
		seq := c.seq
		c.mu.Unlock()
		// Mostly /bin/true (gone once exec'd and loaded), every third a shell that sleeps 2 ms.
		marker := "churn-" + strconv.Itoa(seq)
		cmd := exec.Command("/bin/true", marker)
		if seq%3 == 0 {
			cmd = exec.Command("/bin/sh", "-c", "sleep 0.002", marker)
		}
		cmd.Env = []string{"PATH=/usr/bin:/bin"}
		if err := cmd.Start(); err != nil {
			tb.Errorf("start: %v", err)
			return
		}
		pid := cmd.Process.Pid
		ticks, err := startTicks(pid)
		if err != nil {
			tb.Errorf("pid %d unreaped but unreadable: %v", pid, err)
		}
		l := life{pid, ticks}
		c.mu.Lock()
		c.lives[seq] = l
		c.byPID[pid] = append(c.byPID[pid], ticks)
		c.mu.Unlock()
		// Wait for the exit without reaping (the zombie keeps the pid), mark the life as about
		// to be reaped, then reap: a life not marked still holds its pid.
		var info unix.Siginfo
		for {
			err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
			if !errors.Is(err, unix.EINTR) {
				break
			}
		}
		c.mu.Lock()
		c.reaped[l] = true
		c.mu.Unlock()
		_ = cmd.Wait()
	}
}

func startTicks(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	return strconv.ParseUint(f[19], 10, 64)
}

// TestTakeUnderChurn takes snapshots while hundreds of processes a second start and exit: four
// churners, and takes one after the other until 1,000 lives have begun and ended meanwhile. Take
// never fails; a record that shows churn-SEQ in its cmdline has exactly that life's pid and start
// ticks (no record mixes two lives); a churn pid reported vanished was reaped before Take
// returned; and every header validates (counts add up). The churn rate is logged, not asserted.
func TestTakeUnderChurn(t *testing.T) {
	if testing.Short() {
		t.Skip("starts thousands of processes")
	}
	const churners, lives = 4, 1000
	c := &churner{lives: map[int]life{}, byPID: map[int][]uint64{}, reaped: map[life]bool{}}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var running atomic.Int32 // churners still running: one that fails stops (and says why)
	for range churners {
		running.Add(1)
		wg.Go(func() { defer running.Add(-1); c.run(ctx, t) })
	}
	defer func() { cancel(); wg.Wait() }()
	stalled := func() bool { return running.Load() < churners }
	for c.started() < 2*churners { // every churner running
		if stalled() {
			t.Fatal("a churner stopped before the takes")
		}
		time.Sleep(time.Millisecond)
	}

	checked, vanished, takes := 0, 0, 0
	first, began := c.started(), time.Now()
	for i := 0; i < 5 || c.started()-first < lives; i++ {
		if stalled() {
			t.Fatalf("a churner stopped after %d lives", c.started()-first)
		}
		takes++
		// The first take walks all of /proc; the others read a window of pids around the newest
		// churn child, where pids are being allocated and freed, so that the test stays short
		// on a busy host (5,000 processes here) and under -race.
		opts := proc.TakeOptions{NoFDs: i%2 == 0, NoStack: true}
		if i > 0 {
			opts.PIDs = c.window(100)
		}
		before := c.unreaped()
		s, err := proc.Take(context.Background(), opts)
		if err != nil {
			t.Fatalf("Take %d under churn: %v", i, err)
		}
		c.mu.Lock()
		for _, p := range s.Processes {
			if seq, ok := churnSeq(p.Cmdline); ok {
				checked++
				// sh forks before it execs sleep: that child shows its parent's cmdline for a moment.
				l := c.lives[seq]
				mixed := p.PID == l.pid && p.StartTicks != l.ticks || p.PID != l.pid && p.PPID != l.pid
				if l.pid != 0 && mixed {
					t.Errorf("pid %d (ppid %d, start %d) shows churn-%d, whose life is pid %d start %d: two lives mixed",
						p.PID, p.PPID, p.StartTicks, seq, l.pid, l.ticks)
				}
			}
		}
		for _, sk := range s.Header.Skipped {
			if sk.Reason != snapshot.ReasonVanished && sk.Reason != snapshot.ReasonPIDReused {
				t.Errorf("pid %d skipped as %s", sk.PID, sk.Reason)
			}
			if s.Find(sk.PID) != nil {
				t.Errorf("pid %d both recorded and skipped", sk.PID)
			}
			if sk.Reason != snapshot.ReasonVanished {
				continue
			}
			if _, ok := c.byPID[sk.PID]; ok {
				vanished++
			}
			// A life that began before Take and was not reaped when it returned held its pid
			// throughout: Take cannot have found that pid gone.
			if l, ok := before[sk.PID]; ok && !c.reaped[l] {
				t.Errorf("pid %d reported vanished, but churn-life %+v held it from before the take until after", sk.PID, l)
			}
		}
		c.mu.Unlock()
		if err := s.Validate(); err != nil {
			t.Errorf("snapshot %d does not validate: %v", i, err)
			for _, p := range s.Processes {
				if p.PPID < 0 || p.PGID < 0 || p.SID < 0 || p.Threads < 0 || p.TracerPID < 0 {
					t.Logf("record: %+v", p)
				}
			}
		}
		time.Sleep(5 * time.Millisecond) // leave the churners the CPU most of the time
	}
	n, d := c.started()-first, time.Since(began)
	t.Logf("%d takes while %d churn processes started (%.0f a second); %d records checked against their life; %d skipped-as-vanished entries on churn pids",
		takes, n, float64(n)/d.Seconds(), checked, vanished)
}

// started is how many churn processes have been started.
func (c *churner) started() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seq
}

// unreaped returns the lives started and not yet reaped, by pid.
func (c *churner) unreaped() map[int]life {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[int]life{}
	for _, l := range c.lives {
		if !c.reaped[l] {
			out[l.pid] = l
		}
	}
	return out
}

// window returns n pids on each side of the newest churn child's.
func (c *churner) window(n int) []int {
	c.mu.Lock()
	last := c.lives[c.seq-1].pid
	c.mu.Unlock()
	var out []int
	for p := max(last-n, 2); p <= last+n; p++ {
		out = append(out, p)
	}
	return out
}

func churnSeq(cmdline []string) (int, bool) {
	for _, a := range cmdline {
		if s, ok := strings.CutPrefix(a, "churn-"); ok {
			n, err := strconv.Atoi(s)
			return n, err == nil
		}
	}
	return 0, false
}
