package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// isolatedScript runs in a new PID namespace: it starts pop idle processes (when pop > 0),
// waits until they are all up, and runs the tool as a child of the shell, which is pid 1 there.
const isolatedScript = `pop=$1 spawner=$2 ready=$3; shift 3
if [ "$pop" -gt 0 ]; then
	"$spawner" population "$pop" > "$ready" &
	until grep -q ready "$ready" 2>/dev/null; do sleep 0.1; done
fi
"$@"`

// cpuIsolated measures the tool's CPU in a PID namespace of its own (unshare --pid --fork
// --mount-proc; root only). The machine is shared: its other users start and end processes
// all the time, and a watcher rightly reacts to them. In its own namespace the tool sees only
// itself and pop idle processes: the idle host the targets speak of.
func cpuIsolated(t tool, spawner string, pop int, dir string, window time.Duration) (float64, error) {
	out, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-cpu-ns-%d.out", t.name, pop)))
	if err != nil {
		return 0, err
	}
	defer out.Close()
	args := append([]string{"--pid", "--fork", "--mount-proc", "sh", "-c", isolatedScript, "sh",
		strconv.Itoa(pop), spawner, filepath.Join(dir, "ns-population.ready")}, t.argv...)
	c := exec.Command("unshare", args...)
	c.Stdout, c.Stderr = out, out
	if err := c.Start(); err != nil {
		return 0, err
	}
	var init, pid int
	defer func() {
		if init > 0 {
			_ = syscall.Kill(init, syscall.SIGKILL) // the namespace's pid 1: the kernel kills the rest
		} else {
			_ = c.Process.Kill()
		}
		_ = c.Wait()
		os.Remove(filepath.Join(dir, "ns-population.ready"))
	}()
	comm := filepath.Base(t.argv[0])
	for deadline := time.Now().Add(3 * time.Minute); pid == 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%s did not start in its PID namespace (see %s)", comm, out.Name())
		}
		if kids := children(c.Process.Pid); len(kids) > 0 {
			init = kids[0]
			for _, k := range children(init) {
				if b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", k)); strings.TrimSpace(string(b)) == comm[:min(len(comm), 15)] {
					pid = k
				}
			}
		}
	}
	time.Sleep(5 * time.Second) // the initial scan and start-up are not measured
	t0, c0 := time.Now(), cpuNS(pid)
	time.Sleep(window)
	t1, c1 := time.Now(), cpuNS(pid)
	return 100 * float64(c1-c0) / float64(t1.Sub(t0).Nanoseconds()), nil
}

// children lists the children of pid (from every thread's task/TID/children).
func children(pid int) []int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var out []int
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		for _, s := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(s); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// cpuNS is the CPU time of every live thread of pid, in nanoseconds (task/*/schedstat: far
// finer than the 10 ms ticks of stat's utime and stime, which matters at 1 or 2%).
func cpuNS(pid int) int64 {
	files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	var sum int64
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if fs := strings.Fields(string(b)); len(fs) > 0 {
			n, _ := strconv.ParseInt(fs[0], 10, 64)
			sum += n
		}
	}
	return sum
}
