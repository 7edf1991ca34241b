package codegen

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
)

// record is a struct of the model as the codec writes it: a sequence item whose first field
// shares the "- " line and whose other fields are indented below it.
type record struct {
	typ    string // Go type name in the model package
	fn     string // lower-case stem of the generated names: "process", "fd"
	indent int    // indentation of the item's fields; its "- " is two to the left
	fields []*field
}

// field is one field of a record, as the struct tag the codec reads (yaml or json) names it.
type field struct {
	goName    string
	key       string
	omitempty bool
	typ       string  // the Go type as the model spells it: "int", "[]string", "*uint32"
	kind      *kind   // how the YAML codec writes and reads it; nil for the JSON writer
	elem      *record // the record of a []Struct field
}

// item is the first line of a record up to its first value: "  - pid: ".
func (r *record) item() string {
	return strings.Repeat(" ", r.indent-2) + "- " + r.fields[0].key + ": "
}

// modelPackage is the parsed source of the model package.
type modelPackage struct {
	name    string
	structs map[string]*ast.StructType
}

// parseModel reads the struct types declared in the non-test Go files of dir.
func parseModel(dir string) (*modelPackage, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	m := &modelPackage{structs: map[string]*ast.StructType{}}
	fset := token.NewFileSet()
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		m.name = f.Name.Name
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.TYPE {
				continue
			}
			for _, spec := range gen.Specs {
				ts := spec.(*ast.TypeSpec)
				if st, ok := ts.Type.(*ast.StructType); ok {
					m.structs[ts.Name.Name] = st
				}
			}
		}
	}
	if m.name == "" {
		return nil, fmt.Errorf("codegen: no Go files in %s", dir)
	}
	return m, nil
}

// records returns the root record and every record it holds in a slice, depth first, each at
// the indentation the YAML layout gives it, with the fields and names that the struct tag tag
// ("yaml" or "json") gives them.
func (m *modelPackage) records(root string, indent int, tag string) ([]*record, error) {
	var out []*record
	seen := map[string]bool{}
	var walk func(typ string, indent int) (*record, error)
	walk = func(typ string, indent int) (*record, error) {
		if seen[typ] {
			return nil, fmt.Errorf("codegen: %s is held in more than one place or in itself", typ)
		}
		seen[typ] = true
		st, ok := m.structs[typ]
		if !ok {
			return nil, fmt.Errorf("codegen: no struct type %s in package %s", typ, m.name)
		}
		r := &record{typ: typ, fn: lowerStem(typ), indent: indent}
		out = append(out, r)
		for _, f := range st.Fields.List {
			fs, err := m.fields(r, f, tag, walk)
			if err != nil {
				return nil, err
			}
			r.fields = append(r.fields, fs...)
		}
		if len(r.fields) == 0 {
			return nil, fmt.Errorf("codegen: %s has no fields to write", typ)
		}
		if first := r.fields[0]; tag == "yaml" && (first.omitempty || first.kind.list) {
			return nil, fmt.Errorf("codegen: %s.%s: the first field of a record shares its \"- \" line, so it must be a scalar without omitempty",
				typ, first.goName)
		}
		return r, nil
	}
	if _, err := walk(root, indent); err != nil {
		return nil, err
	}
	return out, nil
}

// fields returns the fields one declaration line of r's struct declares, as yaml.v3 or
// encoding/json (tagKey) names them.
func (m *modelPackage) fields(r *record, f *ast.Field, tagKey string, walk func(string, int) (*record, error)) ([]*field, error) {
	if len(f.Names) == 0 {
		return nil, fmt.Errorf("codegen: %s: embedded field %s: the codec writes named fields only", r.typ, types.ExprString(f.Type))
	}
	tag := ""
	if f.Tag != nil {
		s, err := strconv.Unquote(f.Tag.Value)
		if err != nil {
			return nil, err
		}
		tag = reflect.StructTag(s).Get(tagKey)
	}
	var out []*field
	for _, name := range f.Names {
		if !name.IsExported() || tag == "-" {
			continue // yaml.v3 and encoding/json skip them too
		}
		key, opts, _ := strings.Cut(tag, ",")
		switch {
		case key != "":
		case tagKey == "yaml":
			key = strings.ToLower(name.Name)
		default:
			key = name.Name
		}
		fd := &field{goName: name.Name, key: key, typ: types.ExprString(f.Type)}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "":
			case "omitempty":
				fd.omitempty = true
			default:
				return nil, fmt.Errorf("codegen: %s.%s: %s option %q is not supported", r.typ, name.Name, tagKey, o)
			}
		}
		typ := fd.typ
		if elem, ok := strings.CutPrefix(typ, "[]"); ok && m.structs[elem] != nil {
			sub, err := walk(elem, r.indent+4)
			if err != nil {
				return nil, err
			}
			fd.kind, fd.elem = recordsKind, sub
		}
		if tagKey != "yaml" {
			out = append(out, fd) // the JSON writer checks its own kinds (jsonKinds)
			continue
		}
		if fd.elem == nil {
			fd.kind = kinds[typ]
		}
		if fd.kind == nil {
			return nil, fmt.Errorf("codegen: %s.%s: the codec has no writer and reader for %s (add one to kinds in internal/codegen)",
				r.typ, name.Name, typ)
		}
		if fd.kind.list && !fd.omitempty || fd.kind.needsOmitempty && !fd.omitempty {
			return nil, fmt.Errorf("codegen: %s.%s: a %s without omitempty is written by yaml.v3 as [], {} or null, which the codec does not write; add omitempty",
				r.typ, name.Name, typ)
		}
		out = append(out, fd)
	}
	return out, nil
}

// lowerStem lower-cases the leading capitals of a type name: Process → process, FD → fd,
// FDInfo → fdInfo.
func lowerStem(s string) string {
	n := 0
	for n < len(s) && s[n] >= 'A' && s[n] <= 'Z' {
		n++
	}
	if n > 1 && n < len(s) {
		n-- // the last capital starts the next word
	}
	return strings.ToLower(s[:n]) + s[n:]
}

// importPath returns the import path of the package in dir, from the go.mod above it.
func importPath(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for root := abs; ; {
		data, err := os.ReadFile(filepath.Join(root, "go.mod"))
		if err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if mod, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
					rel, err := filepath.Rel(root, abs)
					if err != nil {
						return "", err
					}
					return strings.TrimSuffix(strings.Trim(mod, `"`)+"/"+filepath.ToSlash(rel), "/."), nil
				}
			}
			return "", fmt.Errorf("codegen: no module line in %s", filepath.Join(root, "go.mod"))
		}
		parent := filepath.Dir(root)
		if parent == root {
			return "", fmt.Errorf("codegen: no go.mod above %s", abs)
		}
		root = parent
	}
}
