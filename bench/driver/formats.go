package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
)

// The formats suite (issue 20): the same commands on YAML and on JSON, for the binary under test
// and, with -baseline, for an older binary in the same rounds, so that before and after see the
// same load. Every job's peak RSS is also given per process of the host.

// formatInputs are the files the format jobs read: two snapshots in each format (a before b,
// with 1% of the population ended between them) and a capture directory holding the same pair.
type formatInputs struct {
	aYAML, bYAML, aJSON, bJSON string
	dirYAML, dirJSON           string
	out                        string // scratch directory for take -o
}

// takeFormatInputs takes the first (second=false) or second capture of each format into the
// capture directories and, after the second, points the inputs at the files.
func takeFormatInputs(bin string, in *formatInputs, second bool) error {
	for _, d := range []struct{ dir, format string }{{in.dirYAML, "yaml"}, {in.dirJSON, "json"}} {
		if err := os.MkdirAll(d.dir, 0o700); err != nil {
			return err
		}
		if err := runQuiet(bin, "take", "--dir", d.dir, "--format", d.format); err != nil {
			return err
		}
	}
	if !second {
		return nil
	}
	var err error
	if in.aYAML, in.bYAML, err = twoCaptures(in.dirYAML); err != nil {
		return err
	}
	in.aJSON, in.bJSON, err = twoCaptures(in.dirJSON)
	return err
}

// twoCaptures returns the two files of a capture directory, oldest first (names sort by time).
func twoCaptures(dir string) (string, string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", "", err
	}
	var names []string
	for _, e := range ents {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	if len(names) != 2 {
		return "", "", fmt.Errorf("%s: want 2 captures, found %d", dir, len(names))
	}
	return filepath.Join(dir, names[0]), filepath.Join(dir, names[1]), nil
}

// formatJobs returns the format jobs of bin, their names prefixed by label ("" for the binary
// under test).
func formatJobs(bin, label string, in formatInputs) []job {
	p := func(s string) string {
		if label == "" {
			return s
		}
		return label + ": " + s
	}
	o := filepath.Join(in.out, strings.ReplaceAll(label, " ", "_")+"x")
	return []job{
		{Name: p(jobTakeYAML), Argv: []string{bin, "take", "--force", "-o", o + ".yaml"}},
		{Name: p(jobTakeJSON), Argv: []string{bin, "take", "--force", "-o", o + ".json"}},
		{Name: p(jobDiffYAML), Argv: []string{bin, "diff", in.aYAML, in.bYAML}},
		{Name: p(jobDiffJSON), Argv: []string{bin, "diff", in.aJSON, in.bJSON}},
		{Name: p(jobTreeYAML), Argv: []string{bin, "tree", "--sessions", in.aYAML}},
		{Name: p(jobTreeJSON), Argv: []string{bin, "tree", "--sessions", in.aJSON}},
		{Name: p(jobLogYAML), Argv: []string{bin, "log", in.dirYAML}},
		{Name: p(jobLogJSON), Argv: []string{bin, "log", in.dirJSON}},
	}
}

// Format job names.
const (
	jobTakeYAML = "take -o x.yaml"
	jobTakeJSON = "take -o x.json"
	jobDiffYAML = "diff a.yaml b.yaml"
	jobDiffJSON = "diff a.json b.json"
	jobTreeYAML = "tree --sessions a.yaml"
	jobTreeJSON = "tree --sessions a.json"
	jobLogYAML  = "log dir (yaml)"
	jobLogJSON  = "log dir (json)"
)

// baselineLabel prefixes the jobs of the -baseline binary.
const baselineLabel = "before"

// formatTargets are issue 20's targets, computed on the binary under test.
func formatTargets(sz *sizeResult, in formatInputs) []target {
	get := func(name string) *result {
		for j := range sz.Results {
			if sz.Results[j].Name == name && sz.Results[j].NA == "" {
				return &sz.Results[j]
			}
		}
		return nil
	}
	var ts []target
	ratioTarget := func(what, of, to string, limit float64, rss bool) {
		a, b := get(of), get(to)
		if a == nil || b == nil {
			return
		}
		m := a.WallMS / b.WallMS
		if rss {
			m = a.MaxRSSMB / b.MaxRSSMB
		}
		ts = append(ts, target{What: what, Measured: m, Limit: limit, Met: m <= limit})
	}
	ratioTarget("take json / yaml (wall)", jobTakeJSON, jobTakeYAML, 1.2, false)
	ratioTarget("take json / yaml (max RSS)", jobTakeJSON, jobTakeYAML, 1.2, true)
	ratioTarget("diff json / yaml (wall)", jobDiffJSON, jobDiffYAML, 1.2, false)
	ratioTarget("diff json / yaml (max RSS)", jobDiffJSON, jobDiffYAML, 1.2, true)
	if t := get(jobTakeJSON); t != nil {
		ts = append(ts, target{What: "take -o x.json max RSS MiB", Measured: t.MaxRSSMB, Limit: maxTakeRSS,
			Met: t.MaxRSSMB <= maxTakeRSS})
	}
	inputs := float64(fileSize(in.aYAML)+fileSize(in.bYAML)) / (1 << 20)
	for _, name := range []string{jobDiffYAML, jobDiffJSON} {
		if d := get(name); d != nil && inputs > 0 {
			m := d.MaxRSSMB / inputs
			ts = append(ts, target{What: name + " max RSS / size of the two YAML inputs", Measured: m,
				Limit: 1.2, Met: m <= 1.2})
		}
	}
	return ts
}

func fileSize(path string) int64 {
	info, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return info.Size()
}

// printFormats prints the format jobs side by side: the binary under test, the baseline when
// measured, and peak RSS per process of the host.
func printFormats(w io.Writer, sz sizeResult) {
	byName := map[string]result{}
	for _, r := range sz.Results {
		byName[r.Name] = r
	}
	if _, ok := byName[jobTakeYAML]; !ok {
		return
	}
	procs := float64(sz.N + sz.Others)
	fmt.Fprintf(w, "\nJSON and YAML (inputs: a.yaml %.1f MiB, a.json %.1f MiB; KiB/proc = max RSS / %d processes)\n",
		float64(sz.InputYAML)/(1<<20), float64(sz.InputJSON)/(1<<20), sz.N+sz.Others)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "command\tbefore wall ms\tafter wall ms\tafter/before\tbefore RSS MiB\tafter RSS MiB\tafter/before\tbefore KiB/proc\tafter KiB/proc\t")
	for _, name := range []string{jobTakeYAML, jobTakeJSON, jobDiffYAML, jobDiffJSON, jobTreeYAML, jobTreeJSON, jobLogYAML, jobLogJSON} {
		a, okA := byName[name]
		b, okB := byName[baselineLabel+": "+name]
		if !okA || a.NA != "" {
			continue
		}
		kib := func(r result) float64 { return r.MaxRSSMB * 1024 / procs }
		if !okB || b.NA != "" {
			fmt.Fprintf(tw, "%s\t-\t%.0f\t-\t-\t%.1f\t-\t-\t%.1f\t\n", name, a.WallMS, a.MaxRSSMB, kib(a))
			continue
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.2f×\t%.1f\t%.1f\t%.2f×\t%.1f\t%.1f\t\n", name, b.WallMS, a.WallMS,
			a.WallMS/b.WallMS, b.MaxRSSMB, a.MaxRSSMB, a.MaxRSSMB/b.MaxRSSMB, kib(b), kib(a))
	}
	tw.Flush()
}
