package archtest

import (
	"bufio"
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// graph maps a package (its directory relative to the module root, "." for the root) to the
// packages of this module it imports, sorted.
type graph map[string][]string

// drawing is the package graph drawn in the root doc.go: layers from the top, each package with
// its imports, and each package's layer (0 at the bottom).
type drawing struct {
	edges graph
	layer map[string]int
	names []string // layer names, from the top
}

// readDrawing parses the "# Package graph" list of the root package's doc comment.
func readDrawing(tb testing.TB) drawing {
	tb.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../../doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		tb.Fatal(err)
	}
	d, err := parseDrawing(f.Doc.Text())
	if err != nil {
		tb.Fatalf("doc.go: %v", err)
	}
	return d
}

// parseDrawing reads the indented lines "layer:" and "pkg → dep dep" (or "pkg → -") of doc.
func parseDrawing(doc string) (drawing, error) {
	d := drawing{edges: graph{}, layer: map[string]int{}}
	var order []string // packages in drawing order
	pkgLayer := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(doc))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "\t") {
			continue
		}
		line = strings.TrimSpace(line)
		if name, ok := strings.CutSuffix(line, ":"); ok && !strings.Contains(line, "→") {
			d.names = append(d.names, name)
			continue
		}
		pkg, deps, ok := strings.Cut(line, "→")
		if !ok {
			continue
		}
		if len(d.names) == 0 {
			return d, fmt.Errorf("package line %q before any layer", line)
		}
		pkg = strings.TrimSpace(pkg)
		if _, dup := d.edges[pkg]; dup {
			return d, fmt.Errorf("package %s drawn twice", pkg)
		}
		list := []string{}
		if f := strings.Fields(deps); !slices.Equal(f, []string{"-"}) {
			list = f
		}
		slices.Sort(list)
		d.edges[pkg] = list
		pkgLayer[pkg] = len(d.names) - 1
		order = append(order, pkg)
	}
	if len(order) == 0 {
		return d, fmt.Errorf("no package graph found")
	}
	for _, p := range order {
		d.layer[p] = len(d.names) - 1 - pkgLayer[p]
	}
	return d, nil
}

// sourceGraph is the graph of non-test imports read from the source files, as the compiler
// sees them (every package directory under the root).
func sourceGraph(tb testing.TB) graph {
	tb.Helper()
	g := graph{}
	for _, f := range sources(tb) {
		dir := path.Dir(f.path)
		if _, ok := g[dir]; !ok {
			g[dir] = []string{}
		}
		for _, imp := range imports(f.ast) {
			if rel, ok := moduleRel(imp); ok && !slices.Contains(g[dir], rel) {
				g[dir] = append(g[dir], rel)
			}
		}
	}
	for p := range g {
		slices.Sort(g[p])
	}
	return g
}

// moduleRel returns imp relative to the module root when imp is a package of this module.
func moduleRel(imp string) (string, bool) {
	if imp == module {
		return ".", true
	}
	return strings.CutPrefix(imp, module+"/")
}

// violations compares the graph of the code with the drawing: a package or an arrow in the code
// that is not drawn, a drawn package or arrow the code lacks, and an arrow that goes up a layer.
func violations(d drawing, code graph) []string {
	var out []string
	for _, p := range sortedKeys(code) {
		allowed, drawn := d.edges[p]
		if !drawn {
			out = append(out, fmt.Sprintf("package %s is not in the package graph of doc.go", p))
			continue
		}
		for _, imp := range code[p] {
			if !slices.Contains(allowed, imp) {
				out = append(out, fmt.Sprintf("%s imports %s, an arrow the package graph of doc.go does not draw (it draws %s → %s)",
					p, imp, p, strings.Join(orNone(allowed), " ")))
			}
		}
	}
	for _, p := range sortedKeys(d.edges) {
		imps, exists := code[p]
		if !exists {
			out = append(out, fmt.Sprintf("doc.go draws package %s, which does not exist", p))
			continue
		}
		for _, dep := range d.edges[p] {
			if !slices.Contains(imps, dep) {
				out = append(out, fmt.Sprintf("doc.go draws %s → %s, which the code does not import", p, dep))
			}
			if l, ok := d.layer[dep]; ok && l > d.layer[p] {
				out = append(out, fmt.Sprintf("doc.go draws %s → %s, up from layer %q to layer %q",
					p, dep, d.names[len(d.names)-1-d.layer[p]], d.names[len(d.names)-1-l]))
			} else if !ok {
				out = append(out, fmt.Sprintf("doc.go draws %s → %s, a package it does not list", p, dep))
			}
		}
	}
	return out
}

func orNone(s []string) []string {
	if len(s) == 0 {
		return []string{"-"}
	}
	return s
}

func sortedKeys(g graph) []string {
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestPackageGraph checks the code's imports against the graph drawn in doc.go, both ways.
func TestPackageGraph(t *testing.T) {
	for _, v := range violations(readDrawing(t), sourceGraph(t)) {
		t.Error(v)
	}
}

// TestPackageGraphMatchesGoList checks that the graph read from the sources is the one go list
// reports (so build constraints hide nothing), and that each package's transitive dependencies
// within the module (go list -deps) are exactly those the drawing reaches from it.
func TestPackageGraphMatchesGoList(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}|{{join .Deps \" \"}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	direct, deps := graph{}, graph{}
	for line := range bytes.Lines(out) {
		f := strings.Split(strings.TrimSpace(string(line)), "|")
		p, _ := moduleRel(f[0])
		direct[p], deps[p] = internalOnly(f[1]), internalOnly(f[2])
	}
	if diff := cmp.Diff(direct, sourceGraph(t)); diff != "" {
		t.Errorf("imports read from the sources differ from go list's (-go list +sources):\n%s", diff)
	}
	d := readDrawing(t)
	for p, got := range deps {
		if want := d.reach(p); !slices.Equal(want, got) {
			t.Errorf("go list -deps %s: %v, but the drawing reaches %v", p, got, want)
		}
	}
}

func internalOnly(list string) []string {
	out := []string{}
	for _, imp := range strings.Fields(list) {
		if rel, ok := moduleRel(imp); ok {
			out = append(out, rel)
		}
	}
	slices.Sort(out)
	return out
}

// reach returns every package the drawing reaches from p, sorted.
func (d drawing) reach(p string) []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(q string) {
		for _, dep := range d.edges[q] {
			if !seen[dep] {
				seen[dep] = true
				walk(dep)
			}
		}
	}
	walk(p)
	out := []string{}
	for q := range seen {
		out = append(out, q)
	}
	slices.Sort(out)
	return out
}

// TestPackageGraphCatchesNewArrows runs the checker on the real drawing and the real code with
// one arrow added against the graph each time: every one must be reported, and nothing else.
func TestPackageGraphCatchesNewArrows(t *testing.T) {
	d, code := readDrawing(t), sourceGraph(t)
	if v := violations(d, code); len(v) > 0 {
		t.Fatalf("the real graph already has violations: %v", v)
	}
	for _, tc := range []struct{ from, to, want string }{
		{"diff", "snapshot/proc", "diff imports snapshot/proc, an arrow the package graph of doc.go does not draw (it draws diff → snapshot)"},
		{"internal/watch", "render", "internal/watch imports render, an arrow the package graph of doc.go does not draw (it draws internal/watch → diff snapshot snapshot/format snapshot/proc)"},
		{"snapshot", "snapshot/format", "snapshot imports snapshot/format, an arrow the package graph of doc.go does not draw (it draws snapshot → -)"},
		{"snapshot/proc", "internal/watch", "snapshot/proc imports internal/watch, an arrow the package graph of doc.go does not draw (it draws snapshot/proc → snapshot)"},
	} {
		t.Run(tc.from+"→"+tc.to, func(t *testing.T) {
			g := graph{}
			for p, imps := range code {
				g[p] = slices.Clone(imps)
			}
			g[tc.from] = append(g[tc.from], tc.to)
			if diff := cmp.Diff([]string{tc.want}, violations(d, g)); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("drawn upward", func(t *testing.T) {
		up := drawing{edges: graph{}, layer: d.layer, names: d.names}
		for p, imps := range d.edges {
			up.edges[p] = slices.Clone(imps)
		}
		up.edges["diff"] = append(up.edges["diff"], "render")
		g := graph{}
		for p, imps := range code {
			g[p] = slices.Clone(imps)
		}
		g["diff"] = append(g["diff"], "render")
		want := []string{`doc.go draws diff → render, up from layer "analyses" to layer "views"`}
		if diff := cmp.Diff(want, violations(up, g)); diff != "" {
			t.Errorf("violations (-want +got):\n%s", diff)
		}
	})
	t.Run("undrawn package", func(t *testing.T) {
		g := graph{"snapshot/extra": {"snapshot"}}
		for p, imps := range code {
			g[p] = imps
		}
		want := []string{"package snapshot/extra is not in the package graph of doc.go"}
		if diff := cmp.Diff(want, violations(d, g)); diff != "" {
			t.Errorf("violations (-want +got):\n%s", diff)
		}
	})
}

// TestTestImports lets tests import what their package may, plus fixtures/* and the rooms
// around the model, but never a package of a higher layer than their own.
func TestTestImports(t *testing.T) {
	d := readDrawing(t)
	extra := []string{"snapshot/proc", "snapshot/format", "snapshot/capture"}
	for _, f := range testSources(t) {
		dir := path.Dir(f.path)
		for _, imp := range imports(f.ast) {
			rel, ok := moduleRel(imp)
			if !ok || rel == dir || strings.HasPrefix(rel, "fixtures/") || slices.Contains(extra, rel) ||
				slices.Contains(d.edges[dir], rel) {
				continue
			}
			if d.layer[rel] > d.layer[dir] {
				t.Errorf("%s imports %s, a package of a higher layer", f.path, rel)
			}
		}
	}
}

func testSources(tb testing.TB) []file { return walkSources(tb, true) }
