// Command jsondoc writes docs/json.md, the fields of every command's json and jsonl output for
// users: each field's path, JSON type and meaning, read from the struct tags and doc comments of
// the types the commands encode, so that the page follows the code. go generate ./... runs it
// (the directive below), as does, from the module root:
//
//	go run ./scripts/jsondoc > docs/json.md
//
// Its test fails when docs/json.md is stale (go test ./scripts/jsondoc -update rewrites it).
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/procsnap/procsnap/render"
)

//go:generate go run . -root ../.. -out ../../docs/json.md

func main() {
	root := flag.String("root", ".", "the module root")
	out := flag.String("out", "", "the file to write, whole or not at all (default: standard output)")
	flag.Parse()
	var doc bytes.Buffer
	err := write(&doc, *root)
	if err == nil && *out == "" {
		_, err = os.Stdout.Write(doc.Bytes())
	} else if err == nil {
		err = os.WriteFile(*out, doc.Bytes(), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "jsondoc:", err)
		os.Exit(1)
	}
}

// typeDef is a named type of the module: its package and declaration.
type typeDef struct {
	pkg  string
	spec *ast.TypeSpec
}

// index maps "pkg.Type" to its declaration, for every non-test file of the module.
type index map[string]typeDef

func parseModule(root string) (index, error) {
	ix := index{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "bin", "fixtures", "testdata", "scripts", "bench", "node_modules", "contrib", "docs":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, s := range g.Specs {
				ts := s.(*ast.TypeSpec)
				ix[f.Name.Name+"."+ts.Name.Name] = typeDef{f.Name.Name, ts}
			}
		}
		return nil
	})
	return ix, err
}

// lookup returns the first of names that the module declares: a type may sit in one package
// or, after a move, another.
func (ix index) lookup(names ...string) (typeDef, error) {
	for _, n := range names {
		if d, ok := ix[n]; ok {
			return d, nil
		}
	}
	return typeDef{}, fmt.Errorf("no type %s in the module", strings.Join(names, " or "))
}

// row is one documented field.
type row struct{ path, typ, meaning string }

// walker turns a struct type into rows, recursing into the module's named struct types.
type walker struct {
	ix    index
	rows  []row
	stack []string // the types being walked: a type inside itself is not walked again
}

func (w *walker) structFields(prefix string, d typeDef) {
	st, ok := d.spec.Type.(*ast.StructType)
	if !ok {
		return
	}
	key := d.pkg + "." + d.spec.Name.Name
	for _, k := range w.stack {
		if k == key {
			w.rows = append(w.rows, row{prefix + "…", "", "the same fields again, one level down"})
			return
		}
	}
	w.stack = append(w.stack, key)
	defer func() { w.stack = w.stack[:len(w.stack)-1] }()
	for _, f := range st.Fields.List {
		name, omit := jsonName(f)
		if omit {
			continue
		}
		if name == "" { // embedded without a tag: its fields are flattened into this object
			if t, ok := w.named(d.pkg, f.Type); ok {
				w.structFields(prefix, t)
			}
			continue
		}
		meaning := comment(f)
		if meaning == "" {
			meaning = glossary[d.spec.Name.Name+"."+name]
		}
		if meaning == "" {
			meaning = glossary[name]
		}
		w.field(prefix+name, d.pkg, f.Type, meaning)
	}
}

// field adds the row of one field and, for objects, the rows of their fields.
func (w *walker) field(path, pkg string, t ast.Expr, meaning string) {
	typ, elem := w.describe(pkg, t)
	w.rows = append(w.rows, row{path, typ, meaning})
	if elem == nil {
		return
	}
	switch {
	case strings.HasPrefix(typ, "array"):
		path += "[]"
	case strings.HasPrefix(typ, "object of"):
		path += ".KEY"
	}
	if d, ok := w.named(pkg, elem); ok {
		if _, isStruct := d.spec.Type.(*ast.StructType); isStruct {
			w.structFields(path+".", d)
		}
	}
}

// describe names the JSON type of t and returns the element expression to recurse into.
func (w *walker) describe(pkg string, t ast.Expr) (string, ast.Expr) {
	switch x := t.(type) {
	case *ast.StarExpr:
		s, e := w.describe(pkg, x.X)
		return s + " or null", e
	case *ast.ArrayType:
		if id, ok := x.Elt.(*ast.Ident); ok && id.Name == "byte" {
			return "string (base64)", nil
		}
		s, e := w.describe(pkg, x.Elt)
		return "array of " + s, e
	case *ast.MapType:
		s, e := w.describe(pkg, x.Value)
		return "object of " + s, e
	case *ast.InterfaceType:
		return "any", nil
	case *ast.SelectorExpr:
		switch q := x.X.(*ast.Ident).Name + "." + x.Sel.Name; q {
		case "time.Time":
			return "string (RFC 3339 time)", nil
		case "time.Duration":
			return "integer (nanoseconds)", nil
		}
	case *ast.Ident:
		switch n := x.Name; {
		case n == "string":
			return "string", nil
		case n == "bool":
			return "boolean", nil
		case strings.HasPrefix(n, "int") || strings.HasPrefix(n, "uint"):
			return "integer", nil
		case strings.HasPrefix(n, "float"):
			return "number", nil
		case n == "any":
			return "any", nil
		}
	}
	d, ok := w.named(pkg, t)
	if !ok {
		return "object", nil
	}
	if _, isStruct := d.spec.Type.(*ast.StructType); isStruct {
		return "object", t
	}
	return w.describe(d.pkg, d.spec.Type) // a named basic type: its underlying type
}

// named resolves an identifier or pkg.Name to the module's declaration.
func (w *walker) named(pkg string, t ast.Expr) (typeDef, bool) {
	switch x := t.(type) {
	case *ast.StarExpr:
		return w.named(pkg, x.X)
	case *ast.Ident:
		d, ok := w.ix[pkg+"."+x.Name]
		return d, ok
	case *ast.SelectorExpr:
		d, ok := w.ix[x.X.(*ast.Ident).Name+"."+x.Sel.Name]
		return d, ok
	}
	return typeDef{}, false
}

// jsonName is the field's JSON name as encoding/json gives it ("" for an embedded field
// without a name in its tag), and whether JSON leaves it out.
func jsonName(f *ast.Field) (name string, omit bool) {
	tag := ""
	if f.Tag != nil {
		tag, _ = strconv.Unquote(f.Tag.Value)
	}
	j := reflect.StructTag(tag).Get("json")
	n, _, _ := strings.Cut(j, ",")
	switch {
	case n == "-":
		return "", true
	case n != "":
		return n, false
	case len(f.Names) == 0:
		return "", false
	case !f.Names[0].IsExported():
		return "", true
	}
	return f.Names[0].Name, false
}

// comment is the field's doc comment (or line comment) as one line.
func comment(f *ast.Field) string {
	c := f.Doc
	if c == nil {
		c = f.Comment
	}
	if c == nil {
		return ""
	}
	return strings.Join(strings.Fields(c.Text()), " ")
}

// section is one output of one command.
type section struct {
	title, intro string
	pre          []row    // fields written beside the type's, first
	types        []string // the type, by its possible names
	prefix       string
}

var sections = []section{
	{title: "take --format json (and yaml): a snapshot", types: []string{"snapshot.Snapshot"},
		intro: "One object: the header, then every process. YAML has the same fields and names. `diff`, `log`, `tree`, `ps` and `explain` read it back."},
	{title: "take --format jsonl: one line per process", types: []string{"snapshot.jsonlLine", "format.jsonlLine"},
		intro: "One object per line and per process: the process's fields beside the snapshot's schema, host, boot id and time, so that every line stands alone. Export only: procsnap does not read it back."},
	{title: "diff --format json (and yaml)", types: []string{"diff.Result"},
		intro: "One object: both sides, the notes, every event (descriptor events unfolded), and the zombie report."},
	{title: "diff --format jsonl: one event per line", types: []string{"diff.Event"},
		intro: "Every event, uncut and unfolded, one object per line."},
	{title: "log --format json (and yaml): the intervals", types: []string{"timeline.Interval"}, prefix: "[].",
		intro: "An array of the intervals between consecutive captures, oldest first, each a diff result with the two file names."},
	{title: "log --format jsonl: one event per line", types: []string{"diff.Event"},
		pre: []row{
			{"since", "string (RFC 3339 time)", "when the capture before the event was taken"},
			{"by", "string (RFC 3339 time)", "when the capture that showed the event was taken"},
			{"host", "string", "the host of the captures"},
		},
		intro: "Every event of every interval, one object per line: the interval's times and host, then the event's fields."},
	{title: "tree --format json", types: []string{"render.Node"}, prefix: "roots[].",
		pre:   []row{{"roots", "array of object", "the processes without a parent in the view, by PID, each with its subtree"}},
		intro: "`{\"roots\": [...]}`: the parent tree, each process with its children nested under `children`."},
	{title: "tree --sessions --format json", types: []string{"render.Session"}, prefix: "sessions[].",
		pre:   []row{{"sessions", "array of object", "the sessions, by SID; the kernel's session 0 last"}},
		intro: "`{\"sessions\": [...]}`: sessions, their process groups, and the parent tree of each group under `processes`."},
	{title: "explain --format json (and yaml)", types: []string{"explain.Report"},
		intro: "One object: the process's identity, standing, lineage, descriptors, children and, with captures, history."},
	{title: "watch --format jsonl: one event per line", types: []string{"watch.Event"},
		intro: "Every event as the watch saw it: the diff event's fields, stamped with the time it was seen."},
	{title: "watch --format jsonl: the last line, the summary", types: []string{"watch.Stats"}, prefix: "summary.",
		pre: []row{
			{"summary", "object", "written once, when the watch ends (--duration, Ctrl-C or SIGTERM): `{\"summary\": {...}}`; tell it from an event by its only key"},
			{"summary.elapsed_ns", "integer", "how long the watch ran, in nanoseconds, from the end of its first scan"},
		},
		intro: "The last line of the stream is not an event but the watch's counts."},
}

func write(out io.Writer, root string) error {
	ix, err := parseModule(root)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(out)
	fmt.Fprintln(bw, "# procsnap's json and jsonl fields")
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "Generated by `go generate ./scripts/jsondoc` from the struct tags and doc comments of")
	fmt.Fprintln(bw, "the types each command encodes; do not edit. A path `a[].b` is field `b` of each element of")
	fmt.Fprintln(bw, "array `a`; `a.KEY` a value of object `a`. Fields marked omitempty in the code are left out when")
	fmt.Fprintln(bw, "empty, zero or false. `ps --format json` keys are the column names (below). metrics writes the")
	fmt.Fprintln(bw, "Prometheus text format, report HTML, and `--format ecs|ocsf` the ECS and OCSF schemas.")
	for _, s := range sections {
		rows, err := s.rows(ix)
		if err != nil {
			return err
		}
		fmt.Fprintf(bw, "\n## %s\n\n%s\n\n", s.title, s.intro)
		fmt.Fprintln(bw, "| field | type | meaning |")
		fmt.Fprintln(bw, "|---|---|---|")
		for _, r := range rows {
			fmt.Fprintf(bw, "| `%s` | %s | %s |\n", r.path, r.typ, cell(r.meaning))
		}
	}
	fmt.Fprint(bw, "\n## ps --format json (and yaml)\n\nAn array of objects, one per process, keyed by the column names of `--columns` in their\norder; an unknown value (descriptors not read, no terminal) is null.\n\n")
	fmt.Fprintln(bw, "| key | ps column |")
	fmt.Fprintln(bw, "|---|---|")
	for _, c := range render.Columns {
		fmt.Fprintf(bw, "| `%s` | %s |\n", c.Name, c.Header)
	}
	return bw.Flush()
}

// rows are the documented fields of the section: those written beside the type's, then the
// type's.
func (s section) rows(ix index) ([]row, error) {
	d, err := ix.lookup(s.types...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.title, err)
	}
	w := &walker{ix: ix}
	w.structFields(s.prefix, d)
	return append(append([]row(nil), s.pre...), w.rows...), nil
}

func cell(s string) string {
	if s == "" {
		return "—"
	}
	return strings.ReplaceAll(s, "|", `\|`)
}
