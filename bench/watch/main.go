// Command watchbench is the benchmark of procsnap watch (make bench-watch): catch rate per
// process lifetime, CPU on an idle host and with a population of idle processes, and memory
// over churn. It optionally measures a peer (pspy) the same way in the same run.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var buckets = []int{0, 100, 1000, 10000, 100000}

// tool is a watcher under test: how to start it and how to read what it caught.
type tool struct {
	name   string
	argv   []string
	ready  string                            // output that says the tool has finished starting ("" : wait 3 s)
	caught func(out []byte) map[int][]string // pid → command lines seen
}

func main() {
	procsnap := flag.String("procsnap", "bin/procsnap", "procsnap binary")
	spawner := flag.String("spawner", "bin/watch-spawn", "spawner binary (bench/watch/spawner/spawn.c)")
	pspy := flag.String("pspy", "", "pspy binary to measure the same way (optional)")
	procsnapB := flag.String("procsnap-b", "", "a second procsnap binary (a change to compare), measured in turn with the first in the extra runs (optional)")
	count := flag.Int("count", 200, "processes per lifetime bucket and run")
	gap := flag.Duration("gap", 20*time.Millisecond, "mean gap between spawns")
	runs := flag.Int("runs", 3, "catch-rate and CPU runs per tool (medians are reported)")
	window := flag.Duration("window", 20*time.Second, "CPU measurement window")
	pop := flag.Int("population", 2000, "idle processes for the loaded CPU measurement")
	churn := flag.Duration("churn", 0, "also run a churn of this long and sample procsnap's RSS")
	churnPause := flag.Duration("churn-pause", 0, "pause between two batches of 100 spawns in the churn (a lighter churn for a long soak)")
	churnOnly := flag.Bool("churn-only", false, "run only the churn (the soak), not the catch and CPU runs")
	isolate := flag.Bool("isolate", os.Geteuid() == 0, "also measure CPU in a PID namespace of the tool's own (needs root and unshare)")
	work := flag.String("work", "", "directory for outputs (default: a temp dir)")
	static := flag.String("static", "", "statically linked spawner: also run it from /tmp (the static-in-/tmp rows)")
	loaded := flag.Bool("loaded", false, "also run the catch runs and the daemons with one busy loop per CPU")
	noCPU := flag.Bool("no-cpu", false, "skip the CPU measurements")
	withDaemons := flag.Bool("daemons", false, "start real daemons from a shell and report their launch chains")
	only := flag.String("only", "", "run only these parts, comma-separated: extra (catch runs quiet and loaded, with -static),\n"+
		"daemons, exact (missed count against the truth in a PID namespace; root), cpu10k (CPU with 10,000 idle\n"+
		"processes in a PID namespace; root), main (catch and CPU runs of every tool)")
	flag.Parse()

	dir := *work
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			fail(err)
		}
	} else {
		var err error
		if dir, err = os.MkdirTemp("", "watchbench"); err != nil {
			fail(err)
		}
	}
	tools := []tool{{name: "procsnap", argv: []string{*procsnap, "watch", "--format", "jsonl"}, ready: `"kind":"watching"`, caught: procsnapCaught}}
	if *procsnapB != "" {
		tools = append(tools, tool{name: "procsnap-b", argv: []string{*procsnapB, "watch", "--format", "jsonl"}, ready: `"kind":"watching"`, caught: procsnapCaught})
	}
	if *pspy != "" {
		tools = append(tools, tool{name: "pspy", argv: []string{*pspy, "-c=false", "-f=false"}, ready: "\ndone\n", caught: pspyCaught})
	}
	fmt.Printf("host: %d CPUs, load average %s, %d processes; medians of %d runs\n",
		numCPU(), loadavg(), countProcs(), *runs)

	want := func(part string) bool { return *only == "" || slices.Contains(strings.Split(*only, ","), part) }
	for _, t := range tools {
		if *churnOnly {
			break
		}
		if t.name == "procsnap" {
			extraRuns(tools, *spawner, *static, *loaded, want("extra"), *withDaemons && want("daemons"), *count, *gap, *runs, dir)
			if *isolate && want("exact") {
				exactRuns(t, *spawner, *static, *count, *gap, *runs, dir)
			}
			if *isolate && want("cpu10k") {
				var v []float64
				for range *runs {
					la := loadavg()
					v = append(v, must(cpuIsolated(t, *spawner, 10000, dir, *window)))
					fmt.Printf("  CPU with 10,000 idle processes, own PID namespace: %.2f%% of a core (load %s)\n", v[len(v)-1], la)
				}
				fmt.Printf("  CPU with 10,000 idle processes: median %.2f%% of a core\n", median(v))
			}
		}
		if !want("main") {
			continue
		}
		var rates [][]float64
		var idle, loaded, nsIdle, nsLoaded []float64
		for r := 0; r < *runs; r++ {
			rates = append(rates, catchRun(t, *spawner, *count, *gap, dir, r))
			if *noCPU {
				continue
			}
			idle = append(idle, cpuRun(t, dir, *window, nil))
			loaded = append(loaded, cpuRun(t, dir, *window, func() func() { return population(*spawner, *pop) }))
			if *isolate {
				nsIdle = append(nsIdle, must(cpuIsolated(t, *spawner, 0, dir, *window)))
				nsLoaded = append(nsLoaded, must(cpuIsolated(t, *spawner, *pop, dir, *window)))
			}
		}
		report(t.name, rates, idle, loaded, *count, *pop, *window)
		if *isolate {
			fmt.Printf("  CPU own PID namespace %5.2f%% of a core (median; runs %s)\n", median(nsIdle), list(nsIdle))
			fmt.Printf("  CPU ns + %d idle    %5.2f%% of a core (median; runs %s)\n", *pop, median(nsLoaded), list(nsLoaded))
		}
	}
	if *churn > 0 {
		churnRun(tools[0], *spawner, *churn, *churnPause, dir)
	}
}

func must(v float64, err error) float64 {
	if err != nil {
		fail(err)
	}
	return v
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "watchbench:", err)
	os.Exit(1)
}

// start runs a tool with its output in a file; the returned stop interrupts it and waits.
func start(t tool, out string) (*exec.Cmd, func()) {
	f, err := os.Create(out)
	if err != nil {
		fail(err)
	}
	c := exec.Command(t.argv[0], t.argv[1:]...)
	c.Stdout, c.Stderr = f, f
	if err := c.Start(); err != nil {
		fail(err)
	}
	// Startup (the initial scan, pspy's inotify watches) is not measured.
	time.Sleep(3 * time.Second)
	for deadline := time.Now().Add(2 * time.Minute); t.ready != "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if b, _ := os.ReadFile(out); bytes.Contains(b, []byte(t.ready)) {
			break
		}
	}
	return c, func() {
		_ = c.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = c.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = c.Process.Kill()
			<-done
		}
		f.Close()
	}
}

// catchRun starts the tool, spawns count processes per bucket and returns the caught share
// per bucket: the PID seen with the marker in its command line.
func catchRun(t tool, spawner string, count int, gap time.Duration, dir string, run int) []float64 {
	rates, _, _, _ := catchRunOut(t, spawner, count, gap, dir, fmt.Sprint(run))
	return rates
}

// catchRunOut is catchRun, also returning the tool's output, the spawner's list and the
// tool's CPU while the spawner ran (% of a core).
func catchRunOut(t tool, spawner string, count int, gap time.Duration, dir, label string) ([]float64, []byte, []byte, float64) {
	out := filepath.Join(dir, fmt.Sprintf("%s-catch-%s.out", t.name, label))
	c, stop := start(t, out)
	t0, c0 := time.Now(), cpuNS(c.Process.Pid)
	spawned, err := exec.Command(spawner, "run", strconv.Itoa(count), strconv.Itoa(int(gap.Microseconds()))).Output()
	if err != nil {
		fail(fmt.Errorf("spawner: %w", err))
	}
	cpu := 100 * float64(cpuNS(c.Process.Pid)-c0) / float64(time.Since(t0).Nanoseconds())
	time.Sleep(2 * time.Second)
	stop()
	b, err := os.ReadFile(out)
	if err != nil {
		fail(err)
	}
	return caughtRates(t, b, spawned), b, spawned, cpu
}

// caughtRates is the caught share per bucket: the spawner's PIDs seen with their marker.
func caughtRates(t tool, b, spawned []byte) []float64 {
	seen := t.caught(b)
	hits := map[int]int{}
	total := map[int]int{}
	sc := bufio.NewScanner(bytes.NewReader(spawned))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 {
			continue
		}
		pid, _ := strconv.Atoi(f[0])
		life, _ := strconv.Atoi(f[1])
		total[life]++
		if slices.ContainsFunc(seen[pid], func(c string) bool { return strings.Contains(c, f[2]) }) {
			hits[life]++
		}
	}
	rates := make([]float64, len(buckets))
	for i, b := range buckets {
		if total[b] > 0 {
			rates[i] = 100 * float64(hits[b]) / float64(total[b])
		}
	}
	return rates
}

// cpuRun measures the tool's CPU (cpuNS) over window, after setup.
func cpuRun(t tool, dir string, window time.Duration, setup func() func()) float64 {
	if setup != nil {
		teardown := setup()
		defer teardown()
	}
	c, stop := start(t, filepath.Join(dir, t.name+"-cpu.out"))
	defer stop()
	time.Sleep(2 * time.Second)
	t0, c0 := time.Now(), cpuNS(c.Process.Pid)
	time.Sleep(window)
	t1, c1 := time.Now(), cpuNS(c.Process.Pid)
	return 100 * float64(c1-c0) / float64(t1.Sub(t0).Nanoseconds())
}

// population starts n idle processes and returns the function that kills them (by group).
func population(spawner string, n int) func() {
	c := exec.Command(spawner, "population", strconv.Itoa(n))
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := c.StdoutPipe()
	if err != nil {
		fail(err)
	}
	if err := c.Start(); err != nil {
		fail(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		fail(errors.New("population did not start"))
	}
	return func() {
		_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		_ = c.Wait()
	}
}

// churnRun runs procsnap watch while the spawner runs in a loop, sampling its RSS.
func churnRun(t tool, spawner string, d, pause time.Duration, dir string) {
	c, stop := start(t, filepath.Join(dir, "churn.out"))
	defer stop()
	fmt.Printf("\nchurn: %s of spawns (batches of 100 in 5 buckets, 2 ms apart, %s between batches), %s RSS (VmRSS):\n", d, pause, t.name)
	end := time.Now().Add(d)
	next := time.Now()
	spawned := 0
	for time.Now().Before(end) {
		if !time.Now().Before(next) {
			fmt.Printf("  t=%-5s rss=%6d kB  spawned=%d\n", time.Since(end.Add(-d)).Round(time.Second), rssKB(c.Process.Pid), spawned)
			next = next.Add(d / 10)
		}
		if err := exec.Command(spawner, "run", "20", "2000").Run(); err != nil {
			fail(err)
		}
		spawned += 100
		time.Sleep(pause)
	}
	fmt.Printf("  t=%-5s rss=%6d kB  spawned=%d\n", d.Round(time.Second), rssKB(c.Process.Pid), spawned)
}

func report(name string, rates [][]float64, idle, loaded []float64, count, pop int, window time.Duration) {
	fmt.Printf("\n%s: caught %% per lifetime after exec (%d per bucket per run; each run's %% listed, median first)\n", name, count)
	for i, b := range buckets {
		var col []float64
		for _, r := range rates {
			col = append(col, r[i])
		}
		fmt.Printf("  %-8s %6.1f%%   runs: %s\n", fmt.Sprintf("%gms", float64(b)/1000), median(col), list(col))
	}
	fmt.Printf("  CPU idle host         %5.2f%% of a core (median; runs %s; %s windows)\n", median(idle), list(idle), window)
	fmt.Printf("  CPU %d idle procs   %5.2f%% of a core (median; runs %s)\n", pop, median(loaded), list(loaded))
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

func list(v []float64) string {
	var s []string
	for _, x := range v {
		s = append(s, strconv.FormatFloat(x, 'f', 1, 64))
	}
	return strings.Join(s, " ")
}

// procsnapCaught reads procsnap's jsonl: the command lines of every event (each was read while
// the process was alive; exited repeats the last one read).
func procsnapCaught(out []byte) map[int][]string {
	seen := map[int][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e struct {
			Kind       string   `json:"kind"`
			PID        int      `json:"pid"`
			Cmdline    []string `json:"cmdline"`
			NewCmdline []string `json:"new_cmdline"`
		}
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.PID == 0 {
			continue
		}
		seen[e.PID] = append(seen[e.PID], strings.Join(append(e.Cmdline, e.NewCmdline...), " "))
	}
	return seen
}

var pspyLine = regexp.MustCompile(`CMD: UID=\d+\s+PID=(\d+)\s+\| (.*)$`)

// pspyCaught reads pspy's "CMD: UID=0 PID=123 | cmdline" lines.
func pspyCaught(out []byte) map[int][]string {
	seen := map[int][]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if m := pspyLine.FindStringSubmatch(l); m != nil {
			pid, _ := strconv.Atoi(m[1])
			seen[pid] = append(seen[pid], m[2])
		}
	}
	return seen
}

func rssKB(pid int) int {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(l)[1])
			return n
		}
	}
	return 0
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func countProcs() int {
	ents, _ := os.ReadDir("/proc")
	n := 0
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err == nil {
			n++
		}
	}
	return n
}

func numCPU() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return strings.Count(string(b), "\nprocessor") + 1
}
