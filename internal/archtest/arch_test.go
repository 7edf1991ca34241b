package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/procsnap/procsnap"

// forbidden lists, per top-level directory of non-test code, the outside packages it must not
// use; imports within the module are checked against the package graph (graph_test.go).
var forbidden = map[string][]string{
	"snapshot": {"github.com/spf13/cobra", "github.com/olekukonko/tablewriter"},
	"diff":     {"github.com/spf13/cobra", "github.com/olekukonko/tablewriter"},
	"render":   {"github.com/spf13/cobra"},
	"internal": {"github.com/spf13/cobra"},
}

// forbiddenIn adds bans for one package directory, on top of its top-level directory's.
var forbiddenIn = map[string][]string{
	// The HTML report draws what diff decided: it never reads /proc or files, never fetches,
	// and has no table or YAML output.
	"render/report": {"net", "net/http", "os/exec",
		"github.com/olekukonko/tablewriter", "gopkg.in/yaml.v3", "github.com/prometheus/procfs"},
}

// toolDirs hold test helpers and benchmark drivers, which may run programs and print.
var toolDirs = []string{"fixtures", "bench", "scripts"}

type file struct {
	path string // relative to the module root, slash-separated
	ast  *ast.File
}

// sources returns the non-test Go files of the module.
func sources(tb testing.TB) []file { return walkSources(tb, false) }

// walkSources parses the module's Go files: the test files when tests is set, else the others.
func walkSources(tb testing.TB, tests bool) []file {
	tb.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		tb.Fatal(err)
	}
	var out []file
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" || rel == "bin" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") != tests {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		out = append(out, file{path: rel, ast: f})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(out) < 10 {
		tb.Fatalf("found only %d source files under %s: wrong root?", len(out), root)
	}
	return out
}

func topDir(rel string) string {
	if i := strings.IndexByte(rel, '/'); i >= 0 {
		return rel[:i]
	}
	return ""
}

func isToolFile(rel string) bool {
	for _, d := range toolDirs {
		if topDir(rel) == d {
			return true
		}
	}
	return false
}

func imports(f *ast.File) []string {
	var out []string
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		out = append(out, p)
	}
	return out
}

func TestImportDirection(t *testing.T) {
	for _, f := range sources(t) {
		bans := slices.Concat(forbidden[topDir(f.path)], forbiddenIn[path.Dir(f.path)])
		for _, imp := range imports(f.ast) {
			for _, ban := range bans {
				if imp == ban || strings.HasPrefix(imp, ban+"/") {
					t.Errorf("%s imports %s: see the package graph in doc.go", f.path, imp)
				}
			}
			if imp == module+"/fixtures" || strings.HasPrefix(imp, module+"/fixtures/") {
				if topDir(f.path) != "fixtures" {
					t.Errorf("%s imports %s: only tests import fixtures/", f.path, imp)
				}
			}
			if imp == "os/exec" && !isToolFile(f.path) {
				t.Errorf("%s imports os/exec: only tests and bench tooling run programs", f.path)
			}
		}
	}
}

// TestNoExitOrPrint enforces "exit only from main" and "only render/ writes, to an io.Writer".
func TestNoExitOrPrint(t *testing.T) {
	banned := map[string]string{
		"os.Exit":     "exit only from main.go",
		"log.Fatal":   "exit only from main.go",
		"log.Fatalf":  "exit only from main.go",
		"log.Fatalln": "exit only from main.go",
		"fmt.Print":   "write to an io.Writer, not stdout",
		"fmt.Printf":  "write to an io.Writer, not stdout",
		"fmt.Println": "write to an io.Writer, not stdout",
		"panic":       "return an error",
	}
	for _, f := range sources(t) {
		if f.path == "main.go" || isToolFile(f.path) {
			continue
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := ""
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				if id, ok := fn.X.(*ast.Ident); ok {
					name = id.Name + "." + fn.Sel.Name
				}
			case *ast.Ident:
				name = fn.Name
			}
			if why, bad := banned[name]; bad {
				t.Errorf("%s calls %s: %s", f.path, name, why)
			}
			return true
		})
	}
}

// TestDocPerPackage checks that every package directory has a doc.go.
func TestDocPerPackage(t *testing.T) {
	dirs := map[string]bool{}
	for _, f := range sources(t) {
		dir := filepath.Dir(f.path)
		if f.ast.Name.Name == "main" {
			continue
		}
		if _, ok := dirs[dir]; !ok {
			dirs[dir] = false
		}
		if filepath.Base(f.path) == "doc.go" {
			dirs[dir] = true
		}
	}
	for dir, ok := range dirs {
		if !ok {
			t.Errorf("package %s has no doc.go", dir)
		}
	}
}
