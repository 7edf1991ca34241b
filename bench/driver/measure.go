package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

// job is one command line to measure.
type job struct {
	Name string   `json:"name"`
	Argv []string `json:"argv"`
	// NA says why the job was not run ("" when it was).
	NA string `json:"na,omitempty"`
}

// sample is one run of a job.
type sample struct {
	Wall   time.Duration
	CPU    time.Duration // user + system
	MaxRSS int64         // bytes
}

// result is the median of a job's runs.
type result struct {
	Name     string  `json:"name"`
	Argv     string  `json:"argv"`
	NA       string  `json:"na,omitempty"`
	Runs     int     `json:"runs"`
	WallMS   float64 `json:"wall_ms"`
	CPUMS    float64 `json:"cpu_ms"`
	MaxRSSMB float64 `json:"max_rss_mib"`
	WallMin  float64 `json:"wall_ms_min"`
	WallMax  float64 `json:"wall_ms_max"`
}

// runOnce runs argv with stdout discarded and returns its wall time, CPU time and peak RSS
// (from wait4's rusage).
func runOnce(argv []string) (sample, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, firstLine(stderr.String()))
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return sample{}, fmt.Errorf("%s: no rusage", argv[0])
	}
	return sample{
		Wall:   wall,
		CPU:    cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(),
		MaxRSS: ru.Maxrss * 1024,
	}, nil
}

// measure runs every job runs times, round robin (job A, B, C, A, B, C, ...) so that a burst of
// load from other users of the machine hits all jobs alike, after one untimed warm-up round
// when warmup is set.
func measure(jobs []job, runs int, warmup bool, progress func(string)) ([]result, error) {
	samples := make([][]sample, len(jobs))
	first := -1
	if !warmup {
		first = 0
	}
	for round := first; round < runs; round++ {
		for i, j := range jobs {
			if j.NA != "" {
				continue
			}
			s, err := runOnce(j.Argv)
			if err != nil {
				return nil, err
			}
			if round >= 0 {
				samples[i] = append(samples[i], s)
			}
		}
		if round >= 0 {
			progress(fmt.Sprintf("round %d/%d", round+1, runs))
		}
	}
	out := make([]result, len(jobs))
	for i, j := range jobs {
		out[i] = summarize(j, samples[i])
	}
	return out, nil
}

func summarize(j job, ss []sample) result {
	r := result{Name: j.Name, Argv: strings.Join(j.Argv, " "), NA: j.NA, Runs: len(ss)}
	if len(ss) == 0 {
		return r
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	var wall, cpu, rss []float64
	for _, s := range ss {
		wall = append(wall, ms(s.Wall))
		cpu = append(cpu, ms(s.CPU))
		rss = append(rss, float64(s.MaxRSS)/(1<<20))
	}
	r.WallMS, r.CPUMS, r.MaxRSSMB = median(wall), median(cpu), median(rss)
	r.WallMin, r.WallMax = slices.Min(wall), slices.Max(wall)
	return r
}

// median returns the median of xs (the mean of the middle two for an even count).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// commandPresent reports whether `procsnap help NAME` describes a command NAME. cobra answers an
// unknown topic with the root's help and exit status 0, so the usage line is what tells.
func commandPresent(bin, name string) bool {
	out, err := exec.Command(bin, "help", name).CombinedOutput()
	return err == nil && bytes.Contains(out, []byte("\n  procsnap "+name))
}

// runQuiet runs argv and fails with its stderr's first line.
func runQuiet(argv ...string) error {
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = nil, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, firstLine(stderr.String()))
	}
	return nil
}

// ensureTool installs a Debian package with apt-get when its command is missing.
func ensureTool(command, pkg string, log func(string)) error {
	if _, err := exec.LookPath(command); err == nil {
		return nil
	}
	log(fmt.Sprintf("%s missing: apt-get install -y %s", command, pkg))
	for _, argv := range [][]string{{"apt-get", "update", "-qq"}, {"apt-get", "install", "-y", "-qq", pkg}} {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("installing %s: %w", pkg, err)
		}
	}
	_, err := exec.LookPath(command)
	return err
}
