package report

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/diff/timeline"
	"github.com/procsnap/procsnap/render"
	"github.com/procsnap/procsnap/snapshot"
)

// Input is what a report is drawn from.
type Input struct {
	// Source says what was read ("capture directory /var/lib/procsnap", "two snapshots").
	Source string
	// Generator names the program that wrote the page (procsnap and its version).
	Generator string
	// Snapshots are the snapshots read, oldest first, and Names their file names.
	Snapshots []*snapshot.Snapshot
	Names     []string
	// Intervals are the comparisons of consecutive snapshots, oldest first.
	Intervals []timeline.Interval
	// Notes are facts about the input (skipped captures, reboots) shown in the summary.
	Notes []string
}

// ErrTooFew is returned when fewer than two snapshots are given: a report compares.
var ErrTooFew = errors.New("a report needs at least two snapshots")

var (
	//go:embed page.html.tmpl
	pageTemplate string
	//go:embed page.css
	pageCSS string
	//go:embed page.js
	pageJS string

	tmpl = template.Must(template.New("page").Funcs(template.FuncMap{
		"css":    func() template.CSS { return template.CSS(pageCSS) },
		"js":     func() template.JS { return template.JS(pageJS) },
		"plural": plural,
	}).Parse(pageTemplate))
)

// page is everything the template shows.
type page struct {
	Title, Host, Source, Generator string
	From, To                       string
	Captures                       int
	Summary                        summary
	Findings                       []finding
	Tree                           tree
	Timeline                       timelineChart
	ZombieChart, StateChart        chart
	Events                         eventTable
	Leaks                          []leakRow
	Notes                          []string
}

// Write renders in as one HTML page to w.
func Write(w io.Writer, in *Input) error {
	if len(in.Snapshots) < 2 || len(in.Intervals) == 0 {
		return ErrTooFew
	}
	p := build(in)
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := tmpl.Execute(bw, p); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return bw.Flush()
}

func build(in *Input) *page {
	first, last := in.Snapshots[0], in.Snapshots[len(in.Snapshots)-1]
	spans := diff.Spans(in.Snapshots)
	marks := eventMarks(in.Intervals)
	p := &page{
		Host:      last.Header.Hostname,
		Source:    in.Source,
		Generator: in.Generator,
		From:      stamp(first.Header.TakenAt),
		To:        stamp(last.Header.TakenAt),
		Captures:  len(in.Snapshots),
		Notes:     intervalNotes(in),
	}
	p.Title = "procsnap report: " + p.Host + " " + p.From + " to " + p.To
	sum, findings, by := render.TimelineFindings(in.Intervals)
	p.Summary = buildSummary(in, sum)
	p.Events = buildEvents(in.Intervals, sum.Counts)
	p.Leaks = buildLeaks(in.Intervals)
	p.Tree = buildTree(in.Snapshots, spans, marks)
	p.Findings = buildFindings(findings, by, treeIDs(&p.Tree))
	p.Timeline = buildTimeline(in.Snapshots, spans)
	p.ZombieChart = zombieChart(in.Snapshots)
	p.StateChart = stateChart(in.Snapshots)
	return p
}

// intervalNotes lists the input notes, then each distinct interval note once.
func intervalNotes(in *Input) []string {
	out := append([]string(nil), in.Notes...)
	seen := map[string]bool{}
	for _, iv := range in.Intervals {
		for _, n := range iv.Notes {
			if !seen[n] {
				seen[n] = true
				out = append(out, iv.AFile+" → "+iv.BFile+": "+n)
			}
		}
	}
	return out
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }

// procID is the anchor of a process in the tree.
func procID(pid int, start uint64) string { return fmt.Sprintf("p-%d-%d", pid, start) }
