package format

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// yaml.v3 decodes a float scalar into an integer field by truncating it: "pid: 201.9" loads
// as pid 201, and "fd: 1e3" as fd 1000. A snapshot holding such a number was not written by
// procsnap and its numbers cannot be trusted, so every path that decodes YAML with yaml.v3
// first parses it into a node tree and checks it with checkYAMLInts; the lean reader accepts
// integers in canonical decimal only, and encoding/json refuses them by itself.

// checkYAMLInts walks n beside t, the type it will be decoded into, and returns an error for
// the first integer field whose scalar yaml.v3 resolves as a float.
func checkYAMLInts(n *yaml.Node, t reflect.Type) error {
	w := intWalker{seen: map[aliasUse]bool{}}
	return w.walk(n, t, 0)
}

// intWalker walks a node tree for checkYAMLInts. seen holds the anchored nodes already walked
// for a type: an alias is followed once per type, so that the walk is linear in the document
// even when its aliases would expand it a billion times (yaml.v3 refuses that expansion
// itself, but only after this walk).
type intWalker struct {
	seen map[aliasUse]bool
}

// aliasUse is an anchored node walked as a type.
type aliasUse struct {
	n *yaml.Node
	t reflect.Type
}

// maxYAMLDepth bounds the walk (the model nests four levels; aliases could loop).
const maxYAMLDepth = 32

func (w intWalker) walk(n *yaml.Node, t reflect.Type, depth int) error {
	if n == nil || depth > maxYAMLDepth {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := w.walk(c, t, depth+1); err != nil {
				return err
			}
		}
		return nil
	case yaml.AliasNode:
		if use := (aliasUse{n.Alias, t}); !w.seen[use] {
			w.seen[use] = true
			return w.walk(n.Alias, t, depth+1)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!float" && !decimalDigits(n.Value) {
			return &notIntegerError{line: n.Line, value: n.Value}
		}
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" && !canonicalInt([]byte(n.Value), true) {
			// 0x10, 0o310, 2_00, +200, 0310: YAML reads them, procsnap never writes them
			return &notIntegerError{line: n.Line, value: n.Value, form: true}
		}
	case reflect.Slice, reflect.Array:
		if n.Kind == yaml.SequenceNode {
			for _, c := range n.Content {
				if err := w.walk(c, t.Elem(), depth+1); err != nil {
					return err
				}
			}
		}
	case reflect.Map:
		if n.Kind == yaml.MappingNode {
			for i := 1; i < len(n.Content); i += 2 {
				if err := w.walk(n.Content[i], t.Elem(), depth+1); err != nil {
					return err
				}
			}
		}
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil // time.Time and other scalars decoded into a struct
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			f, ok := fields[n.Content[i].Value]
			if !ok {
				continue // an unknown key: KnownFields reports it
			}
			if err := w.walk(n.Content[i+1], f, depth+1); err != nil {
				if e, ok := err.(*notIntegerError); ok {
					e.path = append(e.path, n.Content[i].Value)
				}
				return err
			}
		}
	}
	return nil
}

// notIntegerError names the float and where it is: "line 27: processes.pid: "1.9" is not an
// integer".
type notIntegerError struct {
	line  int
	value string
	path  []string // innermost key first
	// form is set for an integer in a form other than plain decimal.
	form bool
}

func (e *notIntegerError) Error() string {
	keys := slices.Clone(e.path)
	slices.Reverse(keys)
	if e.form {
		return fmt.Sprintf("line %d: %s: %q is not a plain decimal integer, as procsnap writes them", e.line, strings.Join(keys, "."), e.value)
	}
	return fmt.Sprintf("line %d: %s: %q is not an integer", e.line, strings.Join(keys, "."), e.value)
}

// decimalDigits reports whether s is an integer in decimal that yaml.v3 resolved as a float
// because it overflows 64 bits; yaml.v3's own error ("cannot unmarshal !!float ... into
// uint64") says that better.
func decimalDigits(s string) bool {
	s = strings.TrimLeft(s, "+-")
	return s != "" && strings.Trim(s, "0123456789") == ""
}

var yamlFieldCache sync.Map // reflect.Type → map[string]reflect.Type

// yamlFields maps the YAML keys of struct type t to their field types, as yaml.v3 names them:
// the tag's name, else the field name in lower case; inline structs are flattened.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := yamlFieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") && f.Type.Kind() == reflect.Struct {
			for k, v := range yamlFields(f.Type) {
				m[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f.Type
	}
	yamlFieldCache.Store(t, m)
	return m
}

// parseYAMLChecked parses data into a node tree and checks it against out's type; it returns
// the tree for callers that look at it further (aliases).
func parseYAMLChecked(data []byte, out any) (*yaml.Node, error) {
	var n yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&n); err != nil && !errors.Is(err, io.EOF) {
		return nil, err // (io.EOF: no document at all, which the typed decode reports its own way)
	}
	if err := checkYAMLInts(&n, reflect.TypeOf(out)); err != nil {
		return nil, err
	}
	return &n, nil
}
