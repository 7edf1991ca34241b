package watch

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"

	"github.com/prometheus/procfs"
	"golang.org/x/sys/unix"
)

// Where the watch runs, and how soon it runs when woken. Each of the two settings below
// catches more of the processes that exit right after exec, both together the most (README,
// "Measurements behind the code"). ftrace showed why: a read of /proc/PID/stat or cmdline
// during an exec blocks on a lock the exec holds (down_read_killable in do_task_stat, and in
// __access_remote_vm for cmdline), the exec'ing process wakes the reader onto its own CPU, and
// there the reader waits behind it (the kernel does not preempt the exec) for up to a
// scheduler tick while the other CPU idles; inotify and timer wake-ups crossing to a halted
// vCPU add more. With every thread on one CPU those wake-ups stay local, and the short slice
// lets the woken watch preempt whatever runs there at the next chance.

// AutoCPU and AnyCPU are the special values of Options.CPU.
const (
	AutoCPU = "auto" // the allowed CPU that was idle longest during Start (the default)
	AnyCPU  = "any"  // no pinning: the threads run where the scheduler puts them
)

// shortSlice is the scheduler slice the watch's latency-critical threads ask for: the
// shortest EEVDF allows (0.1 ms, settable without privileges since Linux 6.12). A shorter
// slice does not give a thread more CPU time; it gives it an earlier deadline, so that it
// preempts the running task when woken instead of waiting for that task's slice to end.
const shortSlice = 100_000 // ns

// latencyThread locks the calling goroutine to its thread, asks for shortSlice and a 1 ns
// timer slack (so the 0.2-1 ms re-reads of young processes are not rounded up by 50 µs), and
// returns the function that undoes all three. Kernels before 6.12 keep their default slice.
func latencyThread() (undo func()) {
	runtime.LockOSThread()
	_ = unix.SchedSetAttr(0, &unix.SchedAttr{
		Size: unix.SizeofSchedAttr, Policy: unix.SCHED_NORMAL, Runtime: shortSlice,
	}, 0)
	_ = unix.Prctl(unix.PR_SET_TIMERSLACK, 1, 0, 0, 0)
	return func() {
		// Runtime 0 restores the default slice; slack 0 the default slack.
		_ = unix.SchedSetAttr(0, &unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_NORMAL}, 0)
		_ = unix.Prctl(unix.PR_SET_TIMERSLACK, 0, 0, 0, 0)
		runtime.UnlockOSThread()
	}
}

// ParseCPU checks an Options.CPU value: AutoCPU, AnyCPU or the number of a CPU this process
// may use, which it returns (-1 for the others).
func ParseCPU(s string) (int, error) {
	switch s {
	case "", AutoCPU, AnyCPU:
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n >= len(unix.CPUSet{})*64 {
		return -1, fmt.Errorf("CPU %q: want %s, %s or a CPU number", s, AutoCPU, AnyCPU)
	}
	var allowed unix.CPUSet
	if err := unix.SchedGetaffinity(0, &allowed); err == nil && !allowed.IsSet(n) {
		return -1, fmt.Errorf("CPU %d: not among the %d CPUs this process may use", n, allowed.Count())
	}
	return n, nil
}

// pinProcess runs every thread of this process on cpu (threads created later inherit it from
// their creator), and returns the function that gives each thread back the CPUs it had.
func pinProcess(cpu int) (undo func(), err error) {
	var all, one unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		return nil, err
	}
	if !all.IsSet(cpu) {
		return nil, fmt.Errorf("CPU %d: not among the CPUs this process may use", cpu)
	}
	one.Set(cpu)
	set := func(s *unix.CPUSet) error {
		tids, err := threads()
		if err != nil {
			return err
		}
		var errs []error
		for _, tid := range tids {
			if err := unix.SchedSetaffinity(tid, s); err != nil && !errors.Is(err, unix.ESRCH) {
				errs = append(errs, fmt.Errorf("thread %d: %w", tid, err))
			}
		}
		return errors.Join(errs...)
	}
	if err := set(&one); err != nil {
		_ = set(&all)
		return nil, fmt.Errorf("pinning to CPU %d: %w", cpu, err)
	}
	return func() { _ = set(&all) }, nil
}

// threads lists the thread IDs of this process.
func threads() ([]int, error) {
	fs, err := procfs.NewFS("/proc")
	if err != nil {
		return nil, err
	}
	ts, err := fs.AllThreads(os.Getpid())
	if err != nil {
		return nil, err
	}
	tids := make([]int, len(ts))
	for i, t := range ts {
		tids[i] = t.PID
	}
	return tids, nil
}

// readCPUIdle reads the idle and iowait time of each CPU, in seconds, from the proc root's stat
// file (with procfs, as take reads btime there).
func readCPUIdle(root string) (map[int]float64, error) {
	fs, err := procfs.NewFS(root)
	if err != nil {
		return nil, err
	}
	st, err := fs.Stat()
	if err != nil {
		return nil, err
	}
	if len(st.CPU) == 0 {
		return nil, fmt.Errorf("%w: %s/stat: no cpuN line", ErrMalformed, root)
	}
	out := make(map[int]float64, len(st.CPU))
	for cpu, c := range st.CPU {
		out[int(cpu)] = c.Idle + c.Iowait
	}
	return out, nil
}

// idlestCPU returns the CPU of allowed that was idle longest between two readings of
// readCPUIdle, or -1 when no allowed CPU is in both. On a tie (/proc/stat counts in 10 ms
// units, and Start is often shorter) it takes the highest-numbered CPU: CPU 0 is where
// interrupts and housekeeping land by default (pinned to CPU 0, the watch caught fewer of the
// processes that exit at once than pinned to CPU 1).
func idlestCPU(before, after map[int]float64, allowed *unix.CPUSet) int {
	best, bestIdle := -1, 0.0
	for cpu, a := range after {
		b, ok := before[cpu]
		if !ok || !allowed.IsSet(cpu) || a < b {
			continue
		}
		if d := a - b; best < 0 || d > bestIdle || (d == bestIdle && cpu > best) {
			best, bestIdle = cpu, d
		}
	}
	return best
}
