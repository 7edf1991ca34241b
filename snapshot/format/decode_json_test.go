package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/procsnap/procsnap/snapshot"

	"github.com/google/go-cmp/cmp"
)

// fullSnapshot returns a snapshot in which every field of every struct of the model, found by
// reflection, holds a value that is not zero, so that a field added to the model is covered
// without this test changing. Strings hold characters JSON escapes.
func fullSnapshot(tb testing.TB) *snapshot.Snapshot {
	tb.Helper()
	var s snapshot.Snapshot
	n := 0
	fillValue(reflect.ValueOf(&s).Elem(), &n)
	s.Processes = append(s.Processes, s.Processes[0]) // two records, for the separators
	s.Processes[1].PID++
	return &s
}

func fillValue(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString([]string{"plain", "tab\there <&> \"q\" \\ é \u2028 \U0001F600", "/dev/null"}[*n%3])
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n) * int64([]int{1, -1}[*n%2]))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n) << 40)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(*n) + 0.25)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		fillValue(s.Index(0), n)
		fillValue(s.Index(1), n)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for _, k := range []string{"b_key", "a_key"} {
			e := reflect.New(v.Type().Elem()).Elem()
			fillValue(e, n)
			m.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), e)
		}
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fillValue(p.Elem(), n)
		v.Set(p)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, *n, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillValue(v.Field(i), n)
			}
		}
	}
}

// stdJSON is what encoding/json made of a snapshot before the streaming writer and reader.
func stdJSON(tb testing.TB, s *snapshot.Snapshot) []byte {
	tb.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func stdDecode(data []byte) (*snapshot.Snapshot, error) {
	var s snapshot.Snapshot
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, err
	}
	return &s, nil
}

// TestJSONWriterBytes: the streaming writer writes what encoding/json wrote for the whole
// document, for every field of the model, no processes, and an empty list of them.
func TestJSONWriterBytes(t *testing.T) {
	full := fullSnapshot(t)
	none := *full
	none.Processes = nil
	empty := *full
	empty.Processes = []snapshot.Process{}
	for name, s := range map[string]*snapshot.Snapshot{"every field": full, "nil processes": &none, "empty processes": &empty} {
		t.Run(name, func(t *testing.T) {
			var got bytes.Buffer
			if err := Encode(&got, s, FormatJSON); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(string(stdJSON(t, s)), got.String()); d != "" {
				t.Errorf("streaming writer differs from encoding/json (-want +got):\n%s", d)
			}
		})
	}
}

// TestJSONReaderEveryField: the reader gives what encoding/json gives for every field of the
// model, reading through buffers of every size down to one byte.
func TestJSONReaderEveryField(t *testing.T) {
	data := stdJSON(t, fullSnapshot(t))
	want, err := stdDecode(data)
	if err != nil {
		t.Fatal(err)
	}
	readers := map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(data) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
		"halves":   func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
	}
	for name, r := range readers {
		t.Run(name, func(t *testing.T) {
			var got snapshot.Snapshot
			if err := decodeJSON(r(), &got, 0); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, &got); d != "" {
				t.Errorf("(-encoding/json +reader):\n%s", d)
			}
		})
	}
}

// TestJSONCodecsCompile: every type of the model has a decoder, so a field of a new type fails
// here rather than at a user's load.
func TestJSONCodecsCompile(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[snapshot.Snapshot](), reflect.TypeFor[snapshot.Header]()} {
		if _, err := codecFor(typ); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
	}
}

const validJSONForTests = `{"header": {"schema": "procsnap/v1.1", "taken_at": "2026-01-02T03:04:05Z",
 "counts": {"processes": 1, "threads": 1, "fds": 1, "zombies": 0, "skipped": 0, "unread": {"permission_denied": 1}}},
 "processes": [{"pid": 7, "start_ticks": 70, "start_time": "2026-01-01T00:00:00.7Z", "ppid": 1, "pgid": 7,
 "sid": 7, "tpgid": -1, "tty_nr": 0, "state": "S", "threads": 1, "tracer_pid": 0, "comm": "x",
 "uid": 0, "euid": 0, "gid": 0, "egid": 0, "namespaces": {"pid": 4026531836},
 "fds": [{"fd": 0, "target": "/dev/null", "kind": "file", "cloexec": false, "pos": 0}],
 "unread": {"exe": "permission_denied"}}]}
`

// TestJSONReaderRefuses: the forms procsnap never writes are refused, naming the problem and
// where it is.
func TestJSONReaderRefuses(t *testing.T) {
	if _, err := Decode(strings.NewReader(validJSONForTests), "ok.json"); err != nil {
		t.Fatalf("the valid base does not load: %v", err)
	}
	sub := func(old, new string) string {
		if strings.Count(validJSONForTests, old) != 1 {
			t.Fatalf("%q is not once in the base", old)
		}
		return strings.Replace(validJSONForTests, old, new, 1)
	}
	for _, tc := range []struct{ name, in, want string }{
		{"duplicate header", sub(`{"header": {`, `{"header": {"schema": "procsnap/v1.1"}, "header": {`), `json: offset 49: duplicate key "header"`},
		{"duplicate key in a process", sub(`"ppid": 1,`, `"ppid": 1, "ppid": 2,`), `json: processes at offset`},
		{"duplicate map key", sub(`{"pid": 4026531836}`, `{"pid": 1, "pid": 2}`), `duplicate key "pid"`},
		{"duplicate fd key", sub(`"kind": "file",`, `"kind": "file", "kind": "pipe",`), `duplicate key "kind"`},
		{"hex pid", sub(`"pid": 7,`, `"pid": 0x10,`), `processes.pid at offset 220: invalid number or literal "0x10"`},
		{"plus pid", sub(`"pid": 7,`, `"pid": +7,`), `processes.pid at offset`},
		{"minus zero", sub(`"ppid": 1,`, `"ppid": -0,`), `processes.ppid at offset 288: "-0" is not an integer`},
		{"leading zero", sub(`"ppid": 1,`, `"ppid": 01,`), `processes.ppid at offset 288: invalid number or literal "01"`},
		{"fraction", sub(`"ppid": 1,`, `"ppid": 1.0,`), `"1.0" is not an integer`},
		{"exponent", sub(`"fd": 0,`, `"fd": 1e0,`), `processes.fds.fd at offset 492: "1e0" is not an integer`},
		{"float in a count map", sub(`"permission_denied": 1}`, `"permission_denied": 1.5}`), `header.counts.unread at offset`},
		{"overflow", sub(`"threads": 1, "tracer_pid"`, `"threads": 99999999999999999999, "tracer_pid"`), `99999999999999999999 overflows int`},
		{"negative uint", sub(`"start_ticks": 70,`, `"start_ticks": -70,`), `-70 is negative, want uint64`},
		{"null int", sub(`"ppid": 1,`, `"ppid": null,`), `null where an integer belongs`},
		{"null string", sub(`"comm": "x",`, `"comm": null,`), `null where a string belongs`},
		{"string int", sub(`"ppid": 1,`, `"ppid": "1",`), `a string where an integer belongs`},
		{"unknown field", sub(`"ppid": 1,`, `"ppid": 1, "extra": 1,`), `processes at offset 297: unknown field "extra"`},
		{"case-folded field", sub(`"ppid": 1,`, `"PPID": 1,`), `unknown field "PPID"`},
		{"trailing comma", sub(`"pos": 0}`, `"pos": 0,}`), `invalid character '}' looking for beginning of string`},
		{"trailing data", validJSONForTests + "]", `trailing data after JSON document`},
		{"bad escape", sub(`"comm": "x"`, `"comm": "\x"`), `invalid escape in string`},
		{"bad time", sub(`"2026-01-01T00:00:00.7Z"`, `"2026-01-01 00:00:00"`), `processes.start_time at offset`},
		{"escaped time", sub(`"2026-01-01T00:00:00.7Z"`, `"2026-01-01T00:00:00.7\u005a"`), `escape in a time.Time`},
		{"truncated", validJSONForTests[:300], `truncated: unexpected end of JSON`},
		{"bad literal", sub(`"cloexec": false`, `"cloexec": fals`), `"fals" is not a boolean`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tc.in), "bad.json")
			if err == nil || !errors.Is(err, snapshot.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want ErrInvalid containing %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "bad.json: invalid snapshot: ") || strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line naming the file: %q", err)
			}
		})
	}
}

// TestJSONReaderEveryPrefix: a JSON snapshot cut anywhere is refused, never loaded short.
func TestJSONReaderEveryPrefix(t *testing.T) {
	data := []byte(validJSONForTests)
	for i := range len(bytes.TrimSpace(data)) {
		if _, err := Decode(bytes.NewReader(data[:i]), "cut.json"); err == nil {
			t.Fatalf("the first %d bytes loaded", i)
		}
	}
}

// TestJSONReaderStrings: escapes, surrogates and invalid UTF-8 decode as encoding/json decodes
// them.
func TestJSONReaderStrings(t *testing.T) {
	for _, in := range []string{`"plain"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u2028\ud83d\ude00"`,
		`"lone \ud83d here"`, `"low \ude00 first"`, "\"bad \xff utf8 \xc3\"", `"é and 😀"`, `""`,
		"\"\xed\xa0\x80 encoded surrogate\""} {
		var want string
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatalf("%q: encoding/json: %v", in, err)
		}
		for _, r := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in))} {
			d := &jsonDecoder{jsonScanner: newJSONScanner(r), interned: map[string]string{}}
			var got string
			if err := d.value(reflect.ValueOf(&got).Elem()); err != nil {
				t.Fatalf("%q: %v", in, err)
			}
			if got != want {
				t.Errorf("%q: got %q, want %q", in, got, want)
			}
		}
	}
}

// TestJSONReaderLimit: an input over the limit is refused as too large, whatever its content.
func TestJSONReaderLimit(t *testing.T) {
	data := stdJSON(t, fullSnapshot(t))
	_, err := decode(bytes.NewReader(data), "big.json", len(data)-1, 0)
	if !errors.Is(err, snapshot.ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	if _, err := decode(bytes.NewReader(data), "fits.json", len(data), 0); errors.Is(err, snapshot.ErrTooLarge) {
		t.Fatalf("an input of exactly the limit: %v", err)
	}
}

// TestJSONCodecsConcurrent: decoders compiled by concurrent loads (diff reads both files at
// once) are complete when used. Run with -race; the type is new to the cache.
func TestJSONCodecsConcurrent(t *testing.T) {
	type inner struct {
		M map[string]int `json:"m"`
		P *string        `json:"p"`
	}
	type probe struct {
		A []inner `json:"a"`
		T time.Time
	}
	const in = `{"a": [{"m": {"x": 1}, "p": "s"}, {"m": {}, "p": null}], "T": "2026-01-02T03:04:05Z"}`
	var want probe
	if err := json.Unmarshal([]byte(in), &want); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			var got probe
			d := &jsonDecoder{jsonScanner: newJSONScanner(strings.NewReader(in)), interned: map[string]string{},
				scratch: map[reflect.Type]reflect.Value{}, snap: &snapshot.Snapshot{}}
			err := d.value(reflect.ValueOf(&got).Elem())
			if err == nil && !reflect.DeepEqual(got, want) {
				err = errors.New("decoded differently from encoding/json")
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestJSONGzipCut: a cut gzip stream of a JSON snapshot is reported as truncated, as it was
// when the whole stream was read before decoding.
func TestJSONGzipCut(t *testing.T) {
	var gz bytes.Buffer
	if err := EncodeFile(&gz, fullSnapshot(t), FormatJSON, true); err != nil {
		t.Fatal(err)
	}
	_, err := Decode(bytes.NewReader(gz.Bytes()[:gz.Len()/2]), "cut.json.gz")
	if !errors.Is(err, snapshot.ErrInvalid) || !strings.Contains(err.Error(), "cut.json.gz: invalid snapshot: truncated: unexpected EOF") {
		t.Fatalf("got %v", err)
	}
}

// TestJSONMapsShared: processes whose maps are equal in content get one map; others their own.
func TestJSONMapsShared(t *testing.T) {
	s := fullSnapshot(t) // processes 0 and 2 are equal but for the pid
	s.Processes[1].Namespaces = map[string]uint64{"a_key": 1, "b_key": 2}
	var buf bytes.Buffer
	if err := Encode(&buf, s, FormatJSON); err != nil {
		t.Fatal(err)
	}
	var got snapshot.Snapshot
	if err := decodeJSON(&buf, &got, 0); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(s, &got); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	ptr := func(i int) uintptr { return reflect.ValueOf(got.Processes[i].Namespaces).Pointer() }
	if ptr(0) != ptr(2) {
		t.Error("equal namespaces of two processes are two maps")
	}
	if ptr(0) == ptr(1) {
		t.Error("different namespaces share a map")
	}
}
