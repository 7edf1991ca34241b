package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// busyLoops starts one busy loop per CPU at normal priority and returns the function that
// ends them (by PID): the loaded runs of the issue.
func busyLoops() func() {
	var cs []*exec.Cmd
	for range numCPU() {
		c := exec.Command("sh", "-c", "while :; do :; done")
		if err := c.Start(); err != nil {
			fail(err)
		}
		cs = append(cs, c)
	}
	return func() {
		for _, c := range cs {
			_ = c.Process.Kill()
			_ = c.Wait()
		}
	}
}

// staticSpawner copies the statically linked spawner into /tmp itself (where anyone can drop a
// program; the watch wakes on exec there, not in its subdirectories) and returns its path and
// the function that removes it.
func staticSpawner(src string) (string, func()) {
	dst := filepath.Join("/tmp", fmt.Sprintf("psm-static-%d", os.Getpid()))
	in, err := os.Open(src)
	if err != nil {
		fail(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		fail(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		fail(err)
	}
	if err := out.Close(); err != nil {
		fail(err)
	}
	return dst, func() { os.Remove(dst) }
}

// missedReport reads what procsnap reported as missed (the sum of its stats events) and counts
// the truth among the spawner's processes: those no event names at all (caught counts only
// those seen after their exec; a process seen only before its exec was seen, not missed).
// On a shared host the reported count covers every process of the host, so it is at least
// the spawner's; in a PID namespace of its own it would be the spawner's alone.
func missedReport(out, spawned []byte) (reported, created, truth, total int64) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	named := map[int]bool{}
	for sc.Scan() {
		var e struct {
			Kind     string `json:"kind"`
			PID      int    `json:"pid"`
			Interval *struct {
				Created int64 `json:"created"`
				Missed  int64 `json:"missed"`
			} `json:"interval"`
		}
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		if e.Kind == "stats" && e.Interval != nil {
			reported += e.Interval.Missed
			created += e.Interval.Created
		}
		named[e.PID] = true
	}
	sc = bufio.NewScanner(bytes.NewReader(spawned))
	for sc.Scan() {
		var pid int
		if _, err := fmt.Sscan(sc.Text(), &pid); err == nil && pid > 0 {
			total++
			if !named[pid] {
				truth++
			}
		}
	}
	return reported, created, truth, total
}

// killPID ends a process the benchmark started (a daemon), by PID.
func killPID(pid int) {
	if pid > 1 {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

func atoiOr0(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// extraRuns are the additions: catch runs quiet and loaded (one busy loop per CPU),
// with the dynamic spawner and the static one run from /tmp, each with the missed count
// procsnap reported beside the truth; and the launch chains of real daemons, quiet and loaded.
// Every tool of ts (procsnap first, then pspy when given) takes each run in turn, so that
// both see the same host load; procsnap alone has a missed count and daemons.
func extraRuns(ts []tool, spawner, static string, loaded, catch, withDaemons bool, count int, gap time.Duration, runs int, dir string) {
	t := ts[0]
	type variant struct {
		label, spawner string
		load           bool
	}
	vs := []variant{{"quiet dynamic", spawner, false}}
	if static != "" {
		p, rm := staticSpawner(static)
		defer rm()
		vs = append(vs, variant{"quiet static /tmp", p, false})
	}
	if loaded {
		for _, v := range slices.Clone(vs) {
			vs = append(vs, variant{strings.Replace(v.label, "quiet", "loaded", 1), v.spawner, true})
		}
	}
	if !catch {
		vs = nil
	}
	fmt.Printf("\ncatch runs (%d per bucket; %d runs each): caught %% per bucket %v µs; procsnap's missed reported vs the truth\n", count, runs, buckets)
	for i, v := range vs {
		for r := range runs {
			for _, tt := range ts {
				var end func()
				if v.load {
					end = busyLoops()
				}
				la := loadavg()
				rates, out, spawned, cpu := catchRunOut(tt, v.spawner, count, gap, dir, fmt.Sprintf("v%d-%d", i, r))
				if end != nil {
					end()
				}
				if !strings.HasPrefix(tt.name, "procsnap") {
					fmt.Printf("  %-10s %-19s run %d (load %s): %s | cpu %.1f%%\n", tt.name, v.label, r, la, list(rates), cpu)
					continue
				}
				rep, created, truth, total := missedReport(out, spawned)
				fmt.Printf("  %-10s %-19s run %d (load %s): %s | cpu %.1f%% | missed reported %d of %d created (whole host); spawner's not seen at all %d of %d\n",
					tt.name, v.label, r, la, list(rates), cpu, rep, created, truth, total)
			}
		}
	}
	if withDaemons {
		daemonRun(t, dir, "quiet")
		if loaded {
			end := busyLoops()
			daemonRun(t, dir, "loaded")
			end()
		}
	}
}
