package codegen

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// directive is one go:generate line that runs gencodec.
type directive struct {
	file string // the file that holds it, relative to the module root
	args []string
}

// directives finds every go:generate directive of the module that runs scripts/gencodec.
func directives(t *testing.T, root string) []directive {
	t.Helper()
	var out []directive
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata" || d.Name() == "bin" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil || !bytes.Contains(data, []byte("//go:generate")) {
			return err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), "//go:generate ")
			if !ok {
				continue
			}
			words := strings.Fields(line)
			for i, w := range words {
				if strings.HasSuffix(w, "/gencodec") {
					rel, _ := filepath.Rel(root, path)
					out = append(out, directive{file: rel, args: words[i+1:]})
					break
				}
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGeneratedFilesFresh regenerates every file a gencodec directive names and fails when the
// committed file differs: the model changed and go generate was not run (part of make test).
func TestGeneratedFilesFresh(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	found := directives(t, root)
	if len(found) == 0 {
		t.Fatal("no go:generate directive runs scripts/gencodec: wrong root?")
	}
	for _, d := range found {
		dir := filepath.Join(root, filepath.Dir(d.file))
		c, err := ParseArgs(dir, d.args)
		if err != nil {
			t.Errorf("%s: %v", d.file, err)
			continue
		}
		want, err := Generate(c)
		if err != nil {
			t.Errorf("%s: %v", d.file, err)
			continue
		}
		got, err := os.ReadFile(c.Out)
		if err != nil {
			t.Errorf("%s: %v", d.file, err)
			continue
		}
		if !bytes.Equal(got, want) {
			rel, _ := filepath.Rel(root, c.Out)
			t.Errorf("%s is stale: the model's struct tags changed; run go generate ./%s", rel, filepath.ToSlash(filepath.Dir(d.file)))
		}
	}
}

// TestGenerateRefuses lists model shapes the codec cannot write as yaml.v3 does: each must fail
// generation with an error naming the field, not yield a codec that disagrees with yaml.v3.
func TestGenerateRefuses(t *testing.T) {
	for _, c := range []struct {
		name, decl, want string
	}{
		{"unknown type", "type R struct {\n\tID int `yaml:\"id\"`\n\tX float64 `yaml:\"x\"`\n}", "R.X: the codec has no writer and reader for float64"},
		{"list without omitempty", "type R struct {\n\tID int `yaml:\"id\"`\n\tL []int `yaml:\"l\"`\n}", "R.L: a []int without omitempty"},
		{"pointer without omitempty", "type R struct {\n\tID int `yaml:\"id\"`\n\tP *uint32 `yaml:\"p\"`\n}", "R.P: a *uint32 without omitempty"},
		{"first field omitempty", "type R struct {\n\tID int `yaml:\"id,omitempty\"`\n}", "R.ID: the first field of a record"},
		{"first field a list", "type R struct {\n\tL []string `yaml:\"l,omitempty\"`\n}", "R.L: the first field of a record"},
		{"flow", "type R struct {\n\tID int `yaml:\"id\"`\n\tL []int `yaml:\"l,flow,omitempty\"`\n}", `R.L: yaml option "flow"`},
		{"embedded", "type E struct{ A int }\ntype R struct {\n\tID int `yaml:\"id\"`\n\tE\n}", "R: embedded field E"},
		{"record held twice", "type F struct{ N int }\ntype R struct {\n\tID int `yaml:\"id\"`\n\tA []F `yaml:\"a,omitempty\"`\n\tB []F `yaml:\"b,omitempty\"`\n}", "F is held in more than one place"},
		{"no such root", "type Q struct{ N int }", "no struct type R"},
	} {
		t.Run(c.name, func(t *testing.T) { testRefusal(t, "yaml", c.decl, c.want) })
	}
}

// TestGenerateJSONRefuses lists model shapes the JSON writer cannot write as encoding/json does.
func TestGenerateJSONRefuses(t *testing.T) {
	for _, c := range []struct {
		name, decl, want string
	}{
		{"unknown type", "type R struct {\n\tID int `json:\"id\"`\n\tX float64 `json:\"x\"`\n}", "R.X: the JSON writer has no writer for float64"},
		{"list without omitempty", "type R struct {\n\tL []string `json:\"l\"`\n}", "R.L: a []string without omitempty"},
		{"records without omitempty", "type F struct{ N int }\ntype R struct {\n\tA []F `json:\"a\"`\n}", "R.A: a []F without omitempty"},
		{"map without omitempty", "type R struct {\n\tM map[string]string `json:\"m\"`\n}", "R.M: a map[string]string without omitempty"},
		{"name to escape", "type R struct {\n\tA int `json:\"a<b\"`\n}", `R.A: json name "a<b" needs escaping`},
		{"name twice", "type R struct {\n\tA int `json:\"a\"`\n\tB int `json:\"a\"`\n}", `R.B: json name "a" is used twice`},
		{"string option", "type R struct {\n\tA int `json:\"a,string\"`\n}", `R.A: json option "string"`},
		{"embedded", "type E struct{ A int }\ntype R struct {\n\tE\n}", "R: embedded field E"},
	} {
		t.Run(c.name, func(t *testing.T) { testRefusal(t, "json", c.decl, c.want) })
	}
}

// TestGenerateFootprintRefuses: a field whose memory the footprint generator cannot weigh is
// named, never counted as nothing.
func TestGenerateFootprintRefuses(t *testing.T) {
	testRefusal(t, "footprint", "type R struct {\n\tID int `json:\"id\"`\n\tX []float64 `json:\"x,omitempty\"`\n}",
		"R.X: no footprint for []float64")
}

// testRefusal generates codec from a model package of decl and wants an error containing want.
func testRefusal(t *testing.T, codec, decl, want string) {
	t.Helper()
	dir := t.TempDir()
	src := "package model\n\n" + decl + "\n"
	if err := os.WriteFile(filepath.Join(dir, "model.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Generate(Config{ModelDir: dir, Out: filepath.Join(dir, "gen.go"), Root: "R", Codec: codec})
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Generate = %v, want an error containing %q", err, want)
	}
}

func TestLowerStem(t *testing.T) {
	for in, want := range map[string]string{"Process": "process", "FD": "fd", "FDInfo": "fdInfo", "X": "x"} {
		if got := lowerStem(in); got != want {
			t.Errorf("lowerStem(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestGenerateOtherPackage generates a codec in another package than the model's (as
// snapshot/format beside snapshot): the model's types are qualified and imported by the path
// go.mod gives them, and a record held in a slice is written and read one level deeper.
func TestGenerateOtherPackage(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"go.mod":         "module example.com/m\n\ngo 1.26\n",
		"model/model.go": "package model\n\ntype R struct {\n\tID int `yaml:\"id\" json:\"id\"`\n\tS []S `yaml:\"s,omitempty\" json:\"s,omitempty\"`\n}\n\ntype S struct {\n\tN string `yaml:\"n\"`\n}\n",
		"codec/codec.go": "package codec\n",
	}
	for name, src := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for codec, wants := range map[string][]string{
		"yaml": {
			"// Code generated by scripts/gencodec from the yaml tags of model.R; DO NOT EDIT.\n",
			"package codec\n",
			"\"example.com/m/model\"",
			"func (w *yamlWriter) appendR(r *model.R) {",
			`const sItem = "      - n: "`,
			`w.buf = append(w.buf, "    s:\n"...)`,
			"func (d *leanDecoder) sRecords(l *lines, out *[]model.S) bool {",
		},
		"json": {
			"// Code generated by scripts/gencodec from the json tags of model.R; DO NOT EDIT.\n",
			"package codec\n",
			"import \"example.com/m/model\"\n",
			"func (a *jsonAppender) rMembers(r *model.R) bool {", // the root's returns a bool
			"\ta.key(\"id\")\n\ta.int(int64(r.ID))\n",
			"\tif len(r.S) > 0 {\n\t\ta.key(\"s\")\n",
			"\t\t\ta.sMembers(&r.S[i])\n",
			"func (a *jsonAppender) sMembers(r *model.S) {",
			"\ta.key(\"N\")\n\ta.str(r.N)\n", // no json tag: encoding/json names it as Go does
		},
	} {
		c, err := ParseArgs(filepath.Join(root, "codec"), []string{"-codec", codec, "-model", "../model", "-type", "R", "-out", "gen.go"})
		if err != nil {
			t.Fatal(err)
		}
		out, err := Generate(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range wants {
			if !strings.Contains(string(out), want) {
				t.Errorf("%s: generated code lacks %q:\n%s", codec, want, out)
			}
		}
	}
}
