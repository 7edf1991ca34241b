package format

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/procsnap/procsnap/snapshot"
)

// The JSON writer for the process records, the bulk of every JSON snapshot and jsonl export.
// encoding/json reflects over each record and, when indenting, formats it a second time; this
// appends the record's fields in the model's order with the model's json names, indented as
// json.Encoder.SetIndent would, in one pass and into one reused buffer. Output is byte for byte
// encoding/json's: TestProcessJSONWriter compares the two on a record with every field set.
//
// The records themselves (processMembers, fdMembers) are generated from the model's json tags
// into json_records_gen.go; this file holds the primitives they call. A field added to the
// model without go generate sends every record through encoding/json (jsonWriterComplete),
// so the output stays right until the generated file is rewritten.

//go:generate go run ../../scripts/gencodec -codec json -model .. -type Process -out json_records_gen.go

// jsonWriterComplete reports whether the generated writer writes what encoding/json writes for
// a process with every field set (checked once, when a process is first written).
var jsonWriterComplete = sync.OnceValue(func() bool {
	var p snapshot.Process
	fillEvery(reflect.ValueOf(&p).Elem())
	want, err := json.Marshal(&p)
	if err != nil {
		return false
	}
	a := newJSONAppender("", "", true)
	a.open('{')
	if !a.processMembers(&p) {
		return false
	}
	a.close('}')
	return bytes.Equal(a.b, want)
})

// fillEvery sets every field of v, recursively, to a value that encoding/json writes (not
// omitted): 1, "x", true, one element, one key, a time.
func fillEvery(v reflect.Value) {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillEvery(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fillEvery(v.Index(0))
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fillEvery(k)
		fillEvery(e)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillEvery(v.Field(i))
			}
		}
	}
}

// jsonAppender appends JSON values to b, indented like json.Encoder.SetIndent(prefix, indent)
// (compact when both are empty), escaping <, > and & when html is set.
type jsonAppender struct {
	b              []byte
	prefix, indent string
	html           bool
	depth          int
	empty          bool // nothing written yet in the innermost open object or array
	esc            *json.Encoder
	escBuf         bytes.Buffer
}

func newJSONAppender(prefix, indent string, html bool) *jsonAppender {
	a := &jsonAppender{prefix: prefix, indent: indent, html: html}
	a.esc = json.NewEncoder(&a.escBuf)
	a.esc.SetEscapeHTML(html)
	return a
}

func (a *jsonAppender) newline() {
	if a.prefix == "" && a.indent == "" {
		return
	}
	a.b = append(a.b, '\n')
	a.b = append(a.b, a.prefix...)
	for range a.depth {
		a.b = append(a.b, a.indent...)
	}
}

// elem starts the next element of the open object or array.
func (a *jsonAppender) elem() {
	if !a.empty {
		a.b = append(a.b, ',')
	}
	a.empty = false
	a.newline()
}

func (a *jsonAppender) open(c byte) {
	a.b = append(a.b, c)
	a.depth++
	a.empty = true
}

func (a *jsonAppender) close(c byte) {
	a.depth--
	if !a.empty {
		a.newline()
	}
	a.b = append(a.b, c)
	a.empty = false
}

// key starts the member named k (a name from the model, which needs no escaping).
func (a *jsonAppender) key(k string) {
	a.elem()
	a.b = append(a.b, '"')
	a.b = append(a.b, k...)
	a.b = append(a.b, '"', ':')
	if a.prefix != "" || a.indent != "" {
		a.b = append(a.b, ' ')
	}
}

func (a *jsonAppender) str(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || a.html && (c == '<' || c == '>' || c == '&') {
			a.escaped(s)
			return
		}
	}
	a.b = append(a.b, '"')
	a.b = append(a.b, s...)
	a.b = append(a.b, '"')
}

// escaped appends s as encoding/json escapes it (control characters, invalid UTF-8, U+2028).
func (a *jsonAppender) escaped(s string) {
	a.escBuf.Reset()
	_ = a.esc.Encode(s) // a string always encodes
	a.b = append(a.b, bytes.TrimSuffix(a.escBuf.Bytes(), []byte("\n"))...)
}

func (a *jsonAppender) int(n int64)    { a.b = strconv.AppendInt(a.b, n, 10) }
func (a *jsonAppender) uint(n uint64)  { a.b = strconv.AppendUint(a.b, n, 10) }
func (a *jsonAppender) boolean(v bool) { a.b = strconv.AppendBool(a.b, v) }

// time appends t as time.Time.MarshalJSON does (its AppendText, quoted); false when that
// refuses t (a year outside 0-9999), which encoding/json reports as an error.
func (a *jsonAppender) time(t time.Time) bool {
	a.b = append(a.b, '"')
	var err error
	if a.b, err = t.AppendText(a.b); err != nil {
		return false
	}
	a.b = append(a.b, '"')
	return true
}

func (a *jsonAppender) ints(v []int) {
	a.open('[')
	for _, n := range v {
		a.elem()
		a.int(int64(n))
	}
	a.close(']')
}

func (a *jsonAppender) strs(v []string) {
	a.open('[')
	for _, s := range v {
		a.elem()
		a.str(s)
	}
	a.close(']')
}

// jsonMap appends m with its keys sorted, as encoding/json does, each value by val.
func jsonMap[V any](a *jsonAppender, m map[string]V, val func(V)) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	a.open('{')
	for _, k := range keys {
		a.elem()
		a.str(k)
		a.b = append(a.b, ':')
		if a.prefix != "" || a.indent != "" {
			a.b = append(a.b, ' ')
		}
		val(m[k])
	}
	a.close('}')
}

// record returns the JSON of p as one object: its members, after those head appends (jsonl's
// schema, host and time), or nil when encoding/json would fail, so that the caller reports
// encoding/json's error.
func (a *jsonAppender) record(p *snapshot.Process, head func() bool) []byte {
	if cap(a.b) > 1<<20 {
		a.b = nil // a huge record (a 100 MB command line) does not keep its buffer
	}
	if !jsonWriterComplete() {
		return nil
	}
	a.b, a.depth = a.b[:0], 0
	a.open('{')
	if head != nil && !head() || !a.processMembers(p) {
		return nil
	}
	a.close('}')
	return a.b
}
