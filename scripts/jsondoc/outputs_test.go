package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/internal/watch"
	"github.com/procsnap/procsnap/render"
)

// TestOutputsAreDocumented: every key of real outputs (the goldens the commands' tests keep
// current, and watch's jsonl written here) is a documented field of its section, so the page
// cannot miss a field the code writes, whatever marshals it.
func TestOutputsAreDocumented(t *testing.T) {
	root := filepath.Join("..", "..")
	ix, err := parseModule(root)
	if err != nil {
		t.Fatal(err)
	}
	var watchOut bytes.Buffer
	pr, err := render.NewWatchPrinter(&watchOut, render.WatchJSONL)
	if err != nil {
		t.Fatal(err)
	}
	fd := 3
	ev := watch.Event{Time: time.Unix(1, 0), UID: 1000, LifetimeNS: 5, Late: true, ChainHow: "seen", LateNS: 7,
		Event:    diff.Event{Kind: diff.KindStarted, PID: 10, StartTicks: 100, Comm: "sleep", PPID: 1, FD: &fd},
		Chain:    []watch.Ancestor{{PID: 1, StartTicks: 1, Comm: "init", Cmdline: []string{"init"}, Exited: true, Inferred: true}},
		Watching: &watch.Start{Processes: 3, CPU: 1, PinError: "x", InotifyDirs: []string{"/usr"}, InotifyError: "y"},
	}
	if err := pr.Events([]watch.Event{ev}); err != nil {
		t.Fatal(err)
	}
	st := watch.Stats{Ticks: 1, Events: map[string]int{"started": 1}, SkippedPIDs: 1, InotifyDirs: []string{"/usr"}, InotifyError: "x", PinError: "y"}
	st.Pending, st.HostCreated, st.Outside, st.Host, st.LateTicks, st.MaxLateNS = 1, 2, 3, true, 4, 5
	if err := pr.Summary(time.Second, st); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(watchOut.String(), "\n"), "\n")
	outputs := map[string][]string{ // section title prefix → outputs, as text
		"take --format json":        goldens(t, root, "snapshot", func(b []byte) bool { return bytes.HasPrefix(b, []byte("header:")) }),
		"diff --format json":        files(t, root, "render/testdata/diff_json.golden", "cmd/testdata/diff_json.golden"),
		"diff --format jsonl":       files(t, root, "render/testdata/diff_jsonl.golden", "cmd/testdata/diff_jsonl.golden"),
		"log --format jsonl":        files(t, root, "cmd/testdata/log.jsonl.golden"),
		"tree --format json":        files(t, root, "render/testdata/tree_json.golden"),
		"tree --sessions":           files(t, root, "render/testdata/sessions_json.golden"),
		"explain --format json":     files(t, root, "render/testdata/explain_listener_child_json.golden"),
		"watch --format jsonl: one": {strings.Join(lines[:len(lines)-1], "")},
		"watch --format jsonl: the": {lines[len(lines)-1]},
	}
	for _, s := range sections {
		for prefix, outs := range outputs {
			if rest, ok := strings.CutPrefix(s.title, prefix); !ok || rest != "" && rest[0] != ' ' && rest[0] != ':' {
				continue // "diff --format json" is not "diff --format jsonl"
			}
			rows, err := s.rows(ix)
			if err != nil {
				t.Fatal(err)
			}
			for _, out := range outs {
				for _, p := range keyPaths(t, out) {
					if !documented(p, rows) {
						t.Errorf("%s: %s is written but not documented", s.title, p)
					}
				}
			}
		}
	}
}

// goldens returns the golden files under root/dir whose content passes keep.
func goldens(tb testing.TB, root, dir string, keep func([]byte) bool) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".golden") {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil && keep(b) {
			out = append(out, string(b))
		}
		return err
	})
	if err != nil || len(out) == 0 {
		tb.Fatalf("no snapshot golden under %s: %v", dir, err)
	}
	return out
}

func files(tb testing.TB, root string, names ...string) []string {
	tb.Helper()
	out := make([]string, len(names))
	for i, n := range names {
		b, err := os.ReadFile(filepath.Join(root, n))
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = string(b)
	}
	return out
}

// keyPaths flattens a JSON (or JSONL, or YAML) text into the paths of its keys, "a[].b".
func keyPaths(tb testing.TB, text string) []string {
	tb.Helper()
	var docs []any
	if strings.HasPrefix(text, "header:") {
		var v any
		if err := yaml.Unmarshal([]byte(text), &v); err != nil {
			tb.Fatal(err)
		}
		docs = append(docs, v)
	} else {
		dec := json.NewDecoder(bufio.NewReader(strings.NewReader(text)))
		for dec.More() {
			var v any
			if err := dec.Decode(&v); err != nil {
				tb.Fatal(err)
			}
			docs = append(docs, v)
		}
	}
	set := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				set[prefix+k] = true
				walk(prefix+k+".", e)
			}
		case []any:
			for _, e := range x {
				walk(strings.TrimSuffix(prefix, ".")+"[].", e)
			}
		}
	}
	for _, d := range docs {
		if arr, ok := d.([]any); ok { // log --format json: an array at the top
			for _, e := range arr {
				walk("[].", e)
			}
			continue
		}
		walk("", d)
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// documented reports whether path is a documented field: listed, a key of a documented map,
// or inside a structure documented as repeating itself ("…").
func documented(path string, rows []row) bool {
	for _, r := range rows {
		switch {
		case r.path == path:
			return true
		case strings.HasPrefix(r.typ, "object of") && strings.HasPrefix(path, r.path+"."):
			return true
		case strings.HasSuffix(r.path, "…") && strings.HasPrefix(path, strings.TrimSuffix(r.path, "…")):
			return true
		}
	}
	return false
}
