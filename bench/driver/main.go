// Command driver is `make bench`: it starts synthetic populations of idle processes, measures
// procsnap against ps, lsof and a minimal C reader of the same /proc files (the physical floor),
// prints one table of ratios and writes it as JSON. See the README's "Benchmark" section.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type config struct {
	bin, srcDir, outDir string
	sizes               []int
	runs                int
	goBench             bool
	// suite is "all", "classic" (procsnap against ps, lsof and the floor) or "formats" (JSON and
	// YAML side by side, issue 20).
	suite string
	// baseline is an older procsnap binary measured beside bin ("": none).
	baseline string
	warmup   bool
}

func main() {
	var c config
	var sizes string
	flag.StringVar(&c.bin, "bin", "bin/procsnap", "the procsnap binary to measure")
	flag.StringVar(&c.srcDir, "src", "bench", "the directory holding population.c and floor.c")
	flag.StringVar(&c.outDir, "out", "bench/out", "where to write the JSON results")
	flag.StringVar(&sizes, "sizes", "1000,5000", "population sizes, comma-separated")
	flag.IntVar(&c.runs, "runs", 5, "timed runs per command (after one warm-up run)")
	flag.BoolVar(&c.goBench, "gobench", true, "also run the Go allocation benchmark of the reader")
	flag.BoolVar(&c.warmup, "warmup", true, "run every job once, untimed, before the timed runs")
	flag.StringVar(&c.suite, "suite", "all", "all, classic (against ps, lsof and the floor) or formats (JSON beside YAML)")
	flag.StringVar(&c.baseline, "baseline", "", "an older procsnap binary to measure beside -bin, in the same rounds")
	flag.Parse()
	for _, f := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 10 {
			fmt.Fprintf(os.Stderr, "bench: -sizes %q: want numbers >= 10\n", sizes)
			os.Exit(2)
		}
		c.sizes = append(c.sizes, n)
	}
	if c.suite != "all" && c.suite != "classic" && c.suite != "formats" {
		fmt.Fprintf(os.Stderr, "bench: -suite %q: want all, classic or formats\n", c.suite)
		os.Exit(2)
	}
	if c.suite == "formats" {
		c.goBench = false
	}
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

func run(c config) error {
	if err := ensureTool("lsof", "lsof", func(s string) { logf("%s", s) }); err != nil {
		return err
	}
	if err := ensureTool("ps", "procps", func(s string) { logf("%s", s) }); err != nil {
		return err
	}
	bin, err := filepath.Abs(c.bin)
	if err != nil {
		return err
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("procsnap binary: %w (run make build first)", err)
	}
	work, err := os.MkdirTemp("", "procsnap-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	popBin, err := compile(filepath.Join(c.srcDir, "population.c"), work, popComm)
	if err != nil {
		return err
	}
	floorBin, err := compile(filepath.Join(c.srcDir, "floor.c"), work, "floor")
	if err != nil {
		return err
	}
	if c.baseline, err = absBinary(c.baseline); err != nil {
		return fmt.Errorf("baseline binary: %w", err)
	}
	var testBin string
	if c.goBench {
		testBin = filepath.Join(work, "proc.test")
		logf("compiling the Go benchmark of the reader")
		if err := runQuiet("go", "test", "-c", "-o", testBin, "./snapshot/proc"); err != nil {
			return err
		}
	}

	// A population must never outlive the benchmark: stop it on SIGINT/SIGTERM too.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep := newReport(c, bin)
	for _, n := range c.sizes {
		sz, err := measureSize(ctx, c, n, sizeTools{bin: bin, pop: popBin, floor: floorBin, test: testBin, work: work})
		if err != nil {
			return err
		}
		rep.Sizes = append(rep.Sizes, sz)
		testBin = "" // the Go benchmark runs once, on the first population
	}
	rep.finish()
	rep.print(os.Stdout)
	path, err := rep.write(c.outDir)
	if err != nil {
		return err
	}
	logf("wrote %s", path)
	return nil
}

// absBinary returns the absolute path of an existing binary ("" stays "").
func absBinary(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	_, err = os.Stat(abs)
	return abs, err
}

type sizeTools struct{ bin, pop, floor, test, work string }

// measureSize starts a population of n processes, measures every job on it, and always stops it.
func measureSize(ctx context.Context, c config, n int, t sizeTools) (sz sizeResult, err error) {
	before := countProcs()
	logf("starting %d idle processes (%d running now)", n, before)
	pop, err := startPopulation(t.pop, n, 5*time.Minute)
	if err != nil {
		return sz, err
	}
	stopped := make(chan struct{})
	defer func() {
		logf("stopping the %d processes", n)
		pop.stop()
		close(stopped)
	}()
	go func() { // on SIGINT/SIGTERM stop the population before the process dies
		select {
		case <-ctx.Done():
			pop.stop()
			logf("interrupted: population stopped")
			os.Exit(130)
		case <-stopped:
		}
	}()
	sz = sizeResult{N: n, Others: before, Load1Before: load1()}
	jobs, in, err := takeInputs(c, t, pop, n)
	if err != nil {
		return sz, err
	}
	if t.test != "" {
		logf("Go allocation benchmark of the reader on %d processes", n)
		if sz.GoBench, err = runGoBench(t.test); err != nil {
			return sz, err
		}
	}
	logf("measuring %d commands × %d runs on %d processes", len(jobs), c.runs, n)
	sz.Results, err = measure(jobs, c.runs, c.warmup, func(s string) { logf("%d processes: %s", n, s) })
	sz.Load1After = load1()
	if err == nil && in.aYAML != "" {
		sz.InputYAML, sz.InputJSON = fileSize(in.aYAML), fileSize(in.aJSON)
		sz.Targets = formatTargets(&sz, in)
	}
	return sz, err
}

// takeInputs takes the snapshots the jobs of c.suite read, ending 1% of the population between
// the first and the second, and returns the jobs.
func takeInputs(c config, t sizeTools, pop *population, n int) ([]job, formatInputs, error) {
	classic, formats := c.suite != "formats", c.suite != "classic"
	a, b := filepath.Join(t.work, "a.yaml"), filepath.Join(t.work, "b.yaml")
	in := formatInputs{out: t.work, // one capture directory per population size
		dirYAML: filepath.Join(t.work, fmt.Sprintf("captures-yaml-%d", n)),
		dirJSON: filepath.Join(t.work, fmt.Sprintf("captures-json-%d", n))}
	for _, second := range []bool{false, true} {
		if second {
			killSome(pop, n/100) // some events for diff: 1% of the population exits
		}
		if classic {
			out := a
			if second {
				out = b
			}
			if err := runQuiet(t.bin, "take", "--force", "-o", out); err != nil {
				return nil, in, err
			}
		}
		if formats {
			if err := takeFormatInputs(t.bin, &in, second); err != nil {
				return nil, in, err
			}
		}
	}
	var jobs []job
	if classic {
		jobs = buildJobs(t, a, b)
		if c.baseline != "" {
			jobs = append(jobs, baselineJobs(t.bin, c.baseline, jobs)...)
		}
	}
	if formats {
		jobs = append(jobs, formatJobs(t.bin, "", in)...)
		if c.baseline != "" {
			jobs = append(jobs, formatJobs(c.baseline, baselineLabel, in)...)
		}
	}
	return jobs, in, nil
}

// Job names, used by the report to compute ratios.
const (
	jobPS        = "ps -eo …"
	jobFloor     = "floor (no fds)"
	jobTakeNoFDs = "take --no-fds"
	jobLsof      = "lsof -n -P"
	jobFloorFDs  = "floor (fds)"
	jobTake      = "take"
	jobDiff      = "diff a b"
	jobTree      = "tree --sessions a"
)

func buildJobs(t sizeTools, a, b string) []job {
	jobs := []job{
		{Name: jobPS, Argv: []string{"ps", "-eo", "pid,ppid,pgid,sid,tpgid,tty,stat,wchan,comm"}},
		{Name: jobFloor, Argv: []string{t.floor, "/proc"}},
		{Name: jobTakeNoFDs, Argv: []string{t.bin, "take", "--no-fds"}},
		{Name: jobLsof, Argv: []string{"lsof", "-n", "-P"}},
		{Name: jobFloorFDs, Argv: []string{t.floor, "/proc", "fds"}},
		{Name: jobTake, Argv: []string{t.bin, "take"}},
		{Name: jobDiff, Argv: []string{t.bin, "diff", a, b}},
		{Name: jobTree, Argv: []string{t.bin, "tree", "--sessions", a}},
	}
	for i := range jobs {
		markAbsent(&jobs[i])
	}
	return jobs
}

// markAbsent marks j not run when its binary lacks its command (diff and tree, which older
// procsnaps did not have).
func markAbsent(j *job) {
	if cmd := j.Argv[1]; (cmd == "diff" || cmd == "tree") && !commandPresent(j.Argv[0], cmd) {
		j.NA = "n/a: command not present"
	}
}

// baselineJobs are the jobs of jobs that run bin, run by the binary baseline instead and named
// "before: NAME", so that before and after are measured against the same peers in the same rounds.
func baselineJobs(bin, baseline string, jobs []job) []job {
	var out []job
	for _, j := range jobs {
		if j.Argv[0] != bin {
			continue // ps, lsof, the floor
		}
		b := job{Name: baselineLabel + ": " + j.Name, Argv: append([]string{baseline}, j.Argv[1:]...)}
		markAbsent(&b)
		out = append(out, b)
	}
	return out
}

// killSome ends k population members (not session leaders' roots: any member will do).
func killSome(p *population, k int) {
	for i := len(p.pids) - 1; i >= 0 && k > 0; i -= 7 {
		if isPopulation(p.pids[i]) && syscall.Kill(p.pids[i], syscall.SIGKILL) == nil {
			k--
		}
	}
	time.Sleep(200 * time.Millisecond)
}

func countProcs() int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return -1
	}
	n := 0
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err == nil {
			n++
		}
	}
	return n
}

func load1() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f, _, _ := strings.Cut(string(b), " ")
	v, err := strconv.ParseFloat(f, 64)
	if err != nil {
		return -1
	}
	return v
}
