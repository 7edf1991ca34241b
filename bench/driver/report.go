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
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// sizeResult is every measurement on one population.
type sizeResult struct {
	N           int       `json:"processes"`
	Others      int       `json:"other_processes"`
	Load1Before float64   `json:"load1_before"`
	Load1After  float64   `json:"load1_after"`
	Results     []result  `json:"results"`
	GoBench     []goBench `json:"go_bench,omitempty"`
	Ratios      []ratio   `json:"ratios"`
	Targets     []target  `json:"targets,omitempty"`
	// InputYAML and InputJSON are the sizes of the first snapshot in each format (formats suite).
	InputYAML int64 `json:"input_yaml_bytes,omitempty"`
	InputJSON int64 `json:"input_json_bytes,omitempty"`
}

type ratio struct {
	Of      string  `json:"of"`
	To      string  `json:"to"`
	Wall    float64 `json:"wall"`
	CPU     float64 `json:"cpu"`
	Present bool    `json:"present"`
}

type target struct {
	What     string  `json:"what"`
	Measured float64 `json:"measured"`
	Limit    float64 `json:"limit"`
	Met      bool    `json:"met"`
	NA       string  `json:"na,omitempty"`
}

type goBench struct {
	Name        string  `json:"name"`
	NsPerOp     float64 `json:"ns_per_op"`
	BytesPerOp  float64 `json:"bytes_per_op"`
	AllocsPerOp float64 `json:"allocs_per_op"`
}

type report struct {
	Date      time.Time    `json:"date"`
	Commit    string       `json:"commit"`
	Binary    string       `json:"binary"`
	Host      string       `json:"host"`
	CPUs      int          `json:"cpus"`
	Kernel    string       `json:"kernel"`
	UID       int          `json:"uid"`
	Runs      int          `json:"runs"`
	Sizes     []sizeResult `json:"sizes"`
	RSSGrowth *target      `json:"rss_growth,omitempty"`
}

func newReport(c config, bin string) *report {
	r := &report{Date: time.Now().UTC(), Binary: bin, CPUs: runtime.NumCPU(), UID: os.Getuid(), Runs: c.runs}
	if out, err := exec.Command("git", "describe", "--always", "--dirty").Output(); err == nil {
		r.Commit = strings.TrimSpace(string(out))
	}
	r.Host, _ = os.Hostname()
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		r.Kernel = strings.TrimSpace(string(b))
	}
	return r
}

// The pairs the table shows as ratios, and the targets on them.
var ratioPairs = [][2]string{
	{jobTakeNoFDs, jobPS}, {jobTakeNoFDs, jobFloor},
	{jobTake, jobLsof}, {jobTake, jobFloorFDs},
	{jobDiff, jobTake}, {jobTree, jobTake},
}

var targetLimits = []struct {
	of, to string
	limit  float64
}{
	{jobTakeNoFDs, jobPS, 0.7}, {jobTakeNoFDs, jobFloor, 2},
	{jobTake, jobLsof, 0.4}, {jobTake, jobFloorFDs, 2},
	{jobDiff, jobTake, 1},
}

// maxTakeRSS is the bound on take's peak RSS.
const maxTakeRSS = 64

func (r *report) finish() {
	for i := range r.Sizes {
		sz := &r.Sizes[i]
		get := func(name string) *result {
			for j := range sz.Results {
				if sz.Results[j].Name == name {
					return &sz.Results[j]
				}
			}
			return nil
		}
		if get(jobTake) == nil {
			continue // the formats suite alone: its targets are in already
		}
		pair := func(of, to string) ratio {
			a, b := get(of), get(to)
			rt := ratio{Of: of, To: to}
			if a != nil && b != nil && a.NA == "" && b.NA == "" && b.WallMS > 0 && b.CPUMS > 0 {
				rt.Wall, rt.CPU, rt.Present = a.WallMS/b.WallMS, a.CPUMS/b.CPUMS, true
			}
			return rt
		}
		for _, p := range ratioPairs {
			sz.Ratios = append(sz.Ratios, pair(p[0], p[1]))
		}
		// The baseline's ratios (-baseline), to the same peers, or to its own take.
		for _, p := range ratioPairs {
			of, to := baselineLabel+": "+p[0], p[1]
			if get(of) == nil {
				continue
			}
			if get(baselineLabel+": "+to) != nil {
				to = baselineLabel + ": " + to
			}
			sz.Ratios = append(sz.Ratios, pair(of, to))
		}
		for _, t := range targetLimits {
			tg := target{What: t.of + " / " + t.to + " (wall)", Limit: t.limit}
			for _, rt := range sz.Ratios {
				if rt.Of == t.of && rt.To == t.to {
					tg.Measured, tg.Met = rt.Wall, rt.Present && rt.Wall <= t.limit
					if !rt.Present {
						tg.NA = "n/a: command not present"
					}
				}
			}
			sz.Targets = append(sz.Targets, tg)
		}
		if t := get(jobTake); t != nil && t.NA == "" {
			sz.Targets = append(sz.Targets, target{What: "take max RSS MiB", Measured: t.MaxRSSMB,
				Limit: maxTakeRSS, Met: t.MaxRSSMB <= maxTakeRSS})
		}
	}
	if len(r.Sizes) >= 2 {
		first, last := r.Sizes[0], r.Sizes[len(r.Sizes)-1]
		a, b := rssOf(first, jobTake), rssOf(last, jobTake)
		if a > 0 && b > 0 {
			// Linear (or better): RSS grows no faster than the process count does.
			scale := float64(last.N+last.Others) / float64(first.N+first.Others)
			r.RSSGrowth = &target{
				What:     fmt.Sprintf("take max RSS growth %d→%d processes (≤ process growth %.2f×)", first.N, last.N, scale),
				Measured: b / a, Limit: scale, Met: b/a <= scale,
			}
		}
	}
}

func rssOf(sz sizeResult, name string) float64 {
	for _, r := range sz.Results {
		if r.Name == name && r.NA == "" {
			return r.MaxRSSMB
		}
	}
	return 0
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\nprocsnap benchmark %s, commit %s, %d CPUs, kernel %s, uid %d, median of %d runs\n",
		r.Date.Format(time.RFC3339), r.Commit, r.CPUs, r.Kernel, r.UID, r.Runs)
	for _, sz := range r.Sizes {
		fmt.Fprintf(w, "\n== %d population processes (+%d others), load1 %.1f → %.1f ==\n",
			sz.N, sz.Others, sz.Load1Before, sz.Load1After)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "command\twall ms\t(min–max)\tcpu ms\tmax RSS MiB\t")
		for _, x := range sz.Results {
			if x.NA != "" {
				fmt.Fprintf(tw, "%s\t%s\t\t\t\t\n", x.Name, x.NA)
				continue
			}
			fmt.Fprintf(tw, "%s\t%.0f\t(%.0f–%.0f)\t%.0f\t%.1f\t\n", x.Name, x.WallMS, x.WallMin, x.WallMax, x.CPUMS, x.MaxRSSMB)
		}
		tw.Flush()
		fmt.Fprintln(w)
		printRatios(w, sz.Ratios)
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "target\tmeasured\tlimit\tmet")
		for _, t := range sz.Targets {
			fmt.Fprintf(tw, "%s\t%s\t%.2f\t%s\n", t.What, measured(t), t.Limit, verdict(t))
		}
		tw.Flush()
		printFormats(w, sz)
		for _, g := range sz.GoBench {
			fmt.Fprintf(w, "go bench %s: %.0f ns/op, %.0f B/op, %.1f allocs/op (op = one process read)\n",
				g.Name, g.NsPerOp, g.BytesPerOp, g.AllocsPerOp)
		}
	}
	if t := r.RSSGrowth; t != nil {
		fmt.Fprintf(w, "\n%s: %.2f×, %s\n", t.What, t.Measured, verdict(*t))
	}
}

// printRatios prints the ratios of the binary under test (wall, CPU) and, when a baseline was
// measured, its ratios in the same rounds beside them.
func printRatios(w io.Writer, ratios []ratio) {
	before := map[string]ratio{}
	for _, rt := range ratios {
		if of, ok := strings.CutPrefix(rt.Of, baselineLabel+": "); ok {
			before[of+" / "+strings.TrimPrefix(rt.To, baselineLabel+": ")] = rt
		}
	}
	cell := func(rt ratio) string {
		if !rt.Present {
			return "n/a\t"
		}
		return fmt.Sprintf("%.2f×\t%.2f×", rt.Wall, rt.CPU)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	if len(before) == 0 {
		fmt.Fprintln(tw, "ratio\twall\tcpu\t")
	} else {
		fmt.Fprintln(tw, "ratio\tbefore wall\tbefore cpu\tafter wall\tafter cpu\t")
	}
	for _, rt := range ratios {
		if strings.HasPrefix(rt.Of, baselineLabel+": ") {
			continue
		}
		name := rt.Of + " / " + rt.To
		if len(before) == 0 {
			fmt.Fprintf(tw, "%s\t%s\t\n", name, cell(rt))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t\n", name, cell(before[name]), cell(rt))
	}
	tw.Flush()
}

func measured(t target) string {
	if t.NA != "" {
		return t.NA
	}
	return strconv.FormatFloat(t.Measured, 'f', 2, 64)
}

func verdict(t target) string {
	switch {
	case t.NA != "":
		return "n/a"
	case t.Met:
		return "yes"
	}
	return "NO"
}

// write stores the report as bench/out/bench-<date>-<commit>.json and bench/out/latest.json.
func (r *report) write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", err
	}
	data = append(data, '\n')
	name := filepath.Join(dir, fmt.Sprintf("bench-%s-%s.json", r.Date.Format("20060102T150405Z"), r.Commit))
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return "", err
	}
	return name, os.WriteFile(filepath.Join(dir, "latest.json"), data, 0o644)
}

// runGoBench runs the reader's allocation benchmark (BenchmarkReadProcess) from a compiled test
// binary and parses its -benchmem lines.
func runGoBench(testBin string) ([]goBench, error) {
	cmd := exec.Command(testBin, "-test.run", "^$", "-test.bench", "^BenchmarkReadProcess", "-test.benchmem",
		"-test.benchtime", "2000x")
	cmd.Dir = "snapshot"
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go benchmark: %w: %s%s", err, firstLine(out.String()), firstLine(stderr.String()))
	}
	var res []goBench
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 8 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		g := goBench{Name: f[0]}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				g.NsPerOp = v
			case "B/op":
				g.BytesPerOp = v
			case "allocs/op":
				g.AllocsPerOp = v
			}
		}
		res = append(res, g)
	}
	if len(res) == 0 {
		return nil, fmt.Errorf("go benchmark printed no results: %s", firstLine(out.String()))
	}
	return res, nil
}
