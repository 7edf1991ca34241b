package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
)

// Chart geometry, in SVG user units: the plot sits inside the margins.
const (
	chartW, chartH               = 720, 240
	padL, padR, padTop, padBelow = 52, 12, 12, 30
	// maxZombieLines is how many parents get their own line; the others are summed.
	maxZombieLines = 6
	// maxMarkers is the number of points above which lines are drawn without point markers.
	maxMarkers = 60
)

type chart struct {
	W, H, X0, X1, Y0, Y1 int
	Series               []series
	XTicks, YTicks       []axisTick
	Empty                string
}

type series struct {
	Label, Class, Points, Dash string
	Area                       bool
	Markers                    []string // path data of one marker per point
}

type axisTick struct {
	X, Y   string
	Label  string
	Anchor string // text-anchor of an x tick: start, middle or end
}

// plot maps capture index and value to SVG coordinates.
type plot struct {
	pos  []float64
	ymax int
}

func (p plot) x(i int) float64 { return padL + p.pos[i]/100*(chartW-padL-padR) }
func (p plot) y(v int) float64 {
	return chartH - padBelow - float64(v)/float64(max(1, p.ymax))*(chartH-padTop-padBelow)
}

func coord(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func newChart(snaps []*snapshot.Snapshot, p plot) chart {
	c := chart{W: chartW, H: chartH, X0: padL, X1: chartW - padR, Y0: padTop, Y1: chartH - padBelow}
	step := max(1, len(snaps)/6)
	for i, s := range snaps {
		if i%step == 0 || i == len(snaps)-1 {
			anchor := "middle"
			if i == 0 {
				anchor = "start"
			} else if i == len(snaps)-1 {
				anchor = "end"
			}
			c.XTicks = append(c.XTicks, axisTick{X: coord(p.x(i)), Label: s.Header.TakenAt.UTC().Format("15:04:05"), Anchor: anchor})
		}
	}
	for _, v := range []int{0, p.ymax / 2, p.ymax} {
		if v == 0 || v != p.ymax/2 || p.ymax >= 2 {
			c.YTicks = append(c.YTicks, axisTick{Y: coord(p.y(v)), Label: strconv.Itoa(v)})
		}
	}
	return c
}

// markerShapes differ by shape, not only by colour: circle, square, triangle, diamond, cross, bar.
var markerShapes = []string{
	"M%s %sm-3 0a3 3 0 1 0 6 0a3 3 0 1 0 -6 0",
	"M%s %sm-3 -3h6v6h-6z",
	"M%s %sm0 -4l4 7h-8z",
	"M%s %sm0 -4l4 4l-4 4l-4 -4z",
	"M%s %sm-3 -3l6 6m0 -6l-6 6",
	"M%s %sm-4 0h8",
	"M%s %sm0 -4v8",
}

var dashes = []string{"", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", ""}

// zombieChart draws the zombies of each parent in every snapshot, one line per parent for the
// parents with the most zombies and one for all the others.
func zombieChart(snaps []*snapshot.Snapshot) chart {
	perSnap := make([]map[int]int, len(snaps))
	peak := map[int]int{}
	for i, s := range snaps {
		perSnap[i] = diff.ZombieParents(s)
		for pid, n := range perSnap[i] {
			peak[pid] = max(peak[pid], n)
		}
	}
	parents := make([]int, 0, len(peak))
	for pid := range peak {
		parents = append(parents, pid)
	}
	slices.SortFunc(parents, func(a, b int) int { return cmp.Or(cmp.Compare(peak[b], peak[a]), cmp.Compare(a, b)) })
	p := plot{pos: positions(snaps), ymax: max(1, ymaxLines(perSnap, parents))}
	c := newChart(snaps, p)
	if len(parents) == 0 {
		c.Empty = "no zombies in any of the " + strconv.Itoa(len(snaps)) + " snapshots"
		return c
	}
	shown, rest := parents[:min(len(parents), maxZombieLines)], parents[min(len(parents), maxZombieLines):]
	for n, pid := range shown {
		vals := make([]int, len(snaps))
		for i := range snaps {
			vals[i] = perSnap[i][pid]
		}
		c.Series = append(c.Series, line2(p, vals, n, "parent "+strconv.Itoa(pid)+" "+parentComm(snaps, pid)))
	}
	if len(rest) > 0 {
		vals := make([]int, len(snaps))
		for i := range snaps {
			for _, pid := range rest {
				vals[i] += perSnap[i][pid]
			}
		}
		c.Series = append(c.Series, line2(p, vals, len(shown), plural(len(rest), "other parent")))
	}
	return c
}

// ymaxLines is the largest value any drawn line reaches.
func ymaxLines(perSnap []map[int]int, parents []int) int {
	m := 0
	for _, ps := range perSnap {
		other := 0
		for n, pid := range parents {
			if n < maxZombieLines {
				m = max(m, ps[pid])
			} else {
				other += ps[pid]
			}
		}
		m = max(m, other)
	}
	return m
}

// parentComm is the comm of pid in the latest snapshot that has it.
func parentComm(snaps []*snapshot.Snapshot, pid int) string {
	for i := len(snaps) - 1; i >= 0; i-- {
		if p := snaps[i].Find(pid); p != nil {
			return p.Comm
		}
	}
	return "(never seen)"
}

func line2(p plot, vals []int, n int, label string) series {
	s := series{Label: label, Class: "c" + strconv.Itoa(n%7), Dash: dashes[n%len(dashes)]}
	var b strings.Builder
	for i, v := range vals {
		x, y := coord(p.x(i)), coord(p.y(v))
		fmt.Fprintf(&b, "%s,%s ", x, y)
		if len(vals) <= maxMarkers {
			s.Markers = append(s.Markers, fmt.Sprintf(markerShapes[n%len(markerShapes)], x, y))
		}
	}
	s.Points = strings.TrimSpace(b.String())
	return s
}

// stateLayers are the stacked layers of the state chart, bottom first: state letters and label.
var stateLayers = []struct{ states, label string }{
	{"R", "R running"}, {"S", "S sleeping"}, {"D", "D disk sleep"}, {"I", "I idle (kernel)"},
	{"Tt", "T/t stopped or traced"}, {"Z", "Z zombie"}, {"", "other"},
}

// stateChart stacks the processes of each snapshot by state.
func stateChart(snaps []*snapshot.Snapshot) chart {
	counts := make([][]int, len(snaps))
	ymax := 0
	for i, s := range snaps {
		counts[i] = make([]int, len(stateLayers))
		for st, n := range diff.StateCounts(s) {
			counts[i][layerOf(st)] += n
		}
		total := 0
		for _, n := range counts[i] {
			total += n
		}
		ymax = max(ymax, total)
	}
	p := plot{pos: positions(snaps), ymax: max(1, ymax)}
	c := newChart(snaps, p)
	base := make([]int, len(snaps))
	for l, layer := range stateLayers {
		var top, bottom []string
		any := false
		for i := range snaps {
			bottom = append(bottom, coord(p.x(i))+","+coord(p.y(base[i])))
			base[i] += counts[i][l]
			any = any || counts[i][l] > 0
			top = append(top, coord(p.x(i))+","+coord(p.y(base[i])))
		}
		if !any {
			continue
		}
		slices.Reverse(bottom)
		first, peak, final := counts[0][l], 0, counts[len(snaps)-1][l]
		for i := range snaps {
			peak = max(peak, counts[i][l])
		}
		label := fmt.Sprintf("%s: %d → %d (peak %d)", layer.label, first, final, peak)
		c.Series = append(c.Series, series{Label: label, Class: "s" + strconv.Itoa(l), Area: true,
			Points: strings.Join(append(top, bottom...), " ")})
	}
	return c
}

func layerOf(state string) int {
	for i, l := range stateLayers {
		if l.states != "" && strings.Contains(l.states, state) {
			return i
		}
	}
	return len(stateLayers) - 1
}
