package format

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// A direct YAML writer for Process records, used by encodeYAML when it can vouch for the result:
// its output is byte for byte what yaml.v3 writes (the tests compare both on every field and on
// awkward strings). A record it cannot vouch for (a multi-line or non-UTF-8 string, an unusual
// map key) goes through yaml.v3, and so does every record if the model gained a field since
// yaml_records_gen.go was generated (fastFieldsKnown). yaml.v3 builds and emits a document of
// events per record; this writer appends the record's bytes.
//
// The records themselves (appendProcess, appendFD and their readers) are generated from the
// model's yaml tags; this file holds the primitives they call.

//go:generate go run ../../scripts/gencodec -model .. -type Process -out yaml_records_gen.go

// fieldsMatch reports whether names are the yaml names of t's fields, in order.
func fieldsMatch(t reflect.Type, names []string) bool {
	return slices.Equal(yamlNames(t), names)
}

// yamlNames lists the yaml names of the fields of t that yaml.v3 writes, as internal/codegen
// names them: the tag's name, else the field name in lower case; unexported and "-" skipped.
func yamlNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, name)
	}
	return out
}

// yamlWriter appends YAML to buf. ok turns false when a value needs yaml.v3.
type yamlWriter struct {
	buf     []byte
	ok      bool
	scalars map[string]string // yaml.v3's rendering of strings that are not plainly safe
}

// intLine, uintLine, boolLine, strLine and timeLine append a scalar field: line is everything
// before the value ("    ppid: "), the value ends the line.
func (w *yamlWriter) intLine(line string, v int64) {
	w.buf = append(w.buf, line...)
	w.buf = strconv.AppendInt(w.buf, v, 10)
	w.buf = append(w.buf, '\n')
}

func (w *yamlWriter) uintLine(line string, v uint64) {
	w.buf = append(w.buf, line...)
	w.buf = strconv.AppendUint(w.buf, v, 10)
	w.buf = append(w.buf, '\n')
}

func (w *yamlWriter) boolLine(line string, v bool) {
	w.buf = append(w.buf, line...)
	w.buf = strconv.AppendBool(w.buf, v)
	w.buf = append(w.buf, '\n')
}

func (w *yamlWriter) strLine(line, v string) {
	w.buf = append(w.buf, line...)
	w.scalar(v)
	w.buf = append(w.buf, '\n')
}

func (w *yamlWriter) timeLine(line string, v time.Time) {
	w.buf = append(w.buf, line...)
	w.buf = v.AppendFormat(w.buf, time.RFC3339Nano)
	w.buf = append(w.buf, '\n')
}

// scalar appends s as yaml.v3 renders a string scalar in block context.
func (w *yamlWriter) scalar(s string) {
	if plainSafe(s) {
		w.buf = append(w.buf, s...)
		return
	}
	if strings.IndexByte(s, '\n') >= 0 || !utf8.ValidString(s) {
		w.ok = false // literal block or !!binary: their layout depends on the indentation
		return
	}
	r, seen := w.scalars[s]
	if !seen {
		out, err := yaml.Marshal(s)
		if err != nil {
			w.ok = false
			return
		}
		r = strings.TrimSuffix(string(out), "\n")
		if strings.IndexByte(r, '\n') >= 0 {
			w.ok = false
			return
		}
		w.scalars[s] = r
	}
	w.buf = append(w.buf, r...)
}

// plainSafe reports whether yaml.v3 writes s as a plain scalar, for a conservative class of
// strings: ASCII, starting with a letter or '/', made of letters, digits and /_.-+=@,:[], not
// ending in ':' and not a word YAML reads as a bool or null.
func plainSafe(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/') || s[len(s)-1] == ':' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("/_.-+=@,:[]", c) >= 0:
		default:
			return false
		}
	}
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF",
		"true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL":
		return false
	}
	return true
}

// ints and strs append a list field: head is its key line ("    children:\n"), item what
// precedes each entry ("      - ").
func (w *yamlWriter) ints(head, item string, v []int) {
	w.buf = append(w.buf, head...)
	for _, x := range v {
		w.buf = append(w.buf, item...)
		w.buf = strconv.AppendInt(w.buf, int64(x), 10)
		w.buf = append(w.buf, '\n')
	}
}

func (w *yamlWriter) strs(head, item string, v []string) {
	w.buf = append(w.buf, head...)
	for _, x := range v {
		w.buf = append(w.buf, item...)
		w.scalar(x)
		w.buf = append(w.buf, '\n')
	}
}

// uintMap and strMap append a map field: head is its key line, indent what precedes each key.
func (w *yamlWriter) uintMap(head, indent string, m map[string]uint64) {
	w.buf = append(w.buf, head...)
	for _, k := range sortedKeys(w, m) {
		w.buf = append(append(append(w.buf, indent...), k...), ':', ' ')
		w.buf = strconv.AppendUint(w.buf, m[k], 10)
		w.buf = append(w.buf, '\n')
	}
}

func (w *yamlWriter) strMap(head, indent string, m map[string]string) {
	w.buf = append(w.buf, head...)
	for _, k := range sortedKeys(w, m) {
		w.buf = append(append(append(w.buf, indent...), k...), ':', ' ')
		w.scalar(m[k])
		w.buf = append(w.buf, '\n')
	}
}

// sortedKeys returns m's keys in yaml.v3's order, which is byte order for keys of lower-case
// letters and '_'; other keys send the record to yaml.v3.
func sortedKeys[V any](w *yamlWriter, m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		if !plainKey(k) {
			w.ok = false
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func plainKey(k string) bool {
	if k == "" || k[0] == '_' || !plainSafe(k) {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; !(c >= 'a' && c <= 'z' || c == '_') {
			return false
		}
	}
	return true
}
