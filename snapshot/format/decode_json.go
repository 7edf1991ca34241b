package format

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/procsnap/procsnap/snapshot"
)

// A token-level JSON reader into the model. encoding/json needs the whole document in memory
// (twice: its Decoder copies what it reads into its own buffer) before it decodes any of it;
// this reader decodes a stream through a 64 KiB buffer straight into the model, interning the
// short strings that repeat ("/dev/null", "socket", "permission_denied"), so a load costs the
// model and little more.
//
// The fields and their JSON names come from the model's struct tags, compiled once per type
// (jsonCodec), so a field added to the model is read without anything here changing. It accepts
// what encoding/json with DisallowUnknownFields accepts, less what procsnap never writes:
//   - a key that appears twice in one object (encoding/json keeps the last), or that matches a
//     field only case-insensitively;
//   - an integer in any form but -?(0|[1-9][0-9]*) ("-0", 1.0, 1e3 are refused, as are
//     fractions and overflows, which encoding/json refuses too);
//   - null anywhere but for a slice, a map or a pointer (encoding/json ignores it);
//   - anything but white space after the document (encoding/json's Decoder.More let "]" pass).
//
// Errors name the place: `json: processes.fds.fd at offset 1234: "2.5" is not an integer`.

// jsonDecoder is the state of one decode.
type jsonDecoder struct {
	*jsonScanner
	path     []string
	interned map[string]string
	scratch  map[reflect.Type]reflect.Value // reused slices, copied out at their final size
	snap     *snapshot.Snapshot             // the result, whose header sizes the processes (processRoom)
	check    *snapshot.Checker              // when not nil, is given the processes, which are not kept
	tmp      []byte
	key      []byte // the key being decoded
	maps     map[reflect.Type]*mapShare
	sig      []byte // the signature of the map being decoded
	fp       footprint
	size     int64 // the input's size when known, else 0 (growProcesses)
}

// decodeJSON decodes one JSON document from r into s. size is the input's size when known (0
// when not), which bounds how many processes the header's count may make room for.
func decodeJSON(r io.Reader, s *snapshot.Snapshot, size int64) error {
	return decodeJSONChecked(r, s, size, nil)
}

// decodeJSONChecked is decodeJSON that, when c is not nil, gives c each process record instead
// of keeping it: s.Processes is then an empty list (or nil when the document has none) and one
// record is in memory at a time.
func decodeJSONChecked(r io.Reader, s *snapshot.Snapshot, size int64, c *snapshot.Checker) error {
	d := newJSONDecoder(r, s, size)
	d.check = c
	if err := d.value(reflect.ValueOf(s).Elem()); err != nil {
		return d.wrap(err)
	}
	end, err := d.atEnd()
	if err != nil {
		return d.wrap(err)
	}
	if !end {
		return errors.New("trailing data after JSON document")
	}
	return nil
}

func newJSONDecoder(r io.Reader, s *snapshot.Snapshot, size int64) *jsonDecoder {
	return &jsonDecoder{jsonScanner: newJSONScanner(r), interned: make(map[string]string, 1024),
		scratch: map[reflect.Type]reflect.Value{}, snap: s, size: size}
}

// wrap adds the path and offset to an error from the document; a read error (a cut gzip
// stream, a size limit) is returned as it is.
func (d *jsonDecoder) wrap(err error) error {
	if d.rerr != nil && errors.Is(err, d.rerr) && !errors.Is(err, io.EOF) {
		return err
	}
	where := strings.Join(d.path, ".")
	if where != "" {
		where += " at "
	}
	return fmt.Errorf("json: %soffset %d: %w", where, d.offset(), err)
}

// value decodes the next JSON value into v.
func (d *jsonDecoder) value(v reflect.Value) error {
	c, err := codecFor(v.Type())
	if err != nil {
		return err
	}
	return c.decode(d, v)
}

// jsonCodec decodes one Go type.
type jsonCodec struct {
	decode func(d *jsonDecoder, v reflect.Value) error
}

var (
	codecCache       sync.Map // reflect.Type → *jsonCodec, complete ones only
	codecMu          sync.Mutex
	codecPending     = map[reflect.Type]*jsonCodec{} // compiling, under codecMu
	jsonUnmarshalerT = reflect.TypeFor[json.Unmarshaler]()
)

// codecFor compiles (once) the decoder of type t from its kind and, for structs, its fields'
// json tags. Loads run concurrently (diff reads both files at once): codecs are compiled under
// codecMu and published only once every codec they use is complete.
func codecFor(t reflect.Type) (*jsonCodec, error) {
	if c, ok := codecCache.Load(t); ok {
		return c.(*jsonCodec), nil
	}
	codecMu.Lock()
	defer codecMu.Unlock()
	c, err := codecLocked(t)
	for pt, pc := range codecPending {
		if err == nil {
			codecCache.Store(pt, pc)
		}
		delete(codecPending, pt)
	}
	return c, err
}

// codecLocked is codecFor under codecMu: the codecs it compiles wait in codecPending, where a
// recursive type also finds itself.
func codecLocked(t reflect.Type) (*jsonCodec, error) {
	if c, ok := codecCache.Load(t); ok {
		return c.(*jsonCodec), nil
	}
	if c, ok := codecPending[t]; ok {
		return c, nil
	}
	c := &jsonCodec{}
	codecPending[t] = c
	fn, err := compileCodec(t)
	if err != nil {
		return nil, err
	}
	c.decode = fn
	return c, nil
}

func compileCodec(t reflect.Type) (func(*jsonDecoder, reflect.Value) error, error) {
	if reflect.PointerTo(t).Implements(jsonUnmarshalerT) {
		return decodeUnmarshaler, nil
	}
	switch t.Kind() {
	case reflect.String:
		return decodeString, nil
	case reflect.Bool:
		return decodeBool, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return decodeInt, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return decodeUint, nil
	case reflect.Float32, reflect.Float64:
		return decodeFloat, nil
	case reflect.Pointer:
		return compilePointer(t)
	case reflect.Slice:
		return compileSlice(t)
	case reflect.Map:
		return compileMap(t)
	case reflect.Struct:
		return compileStruct(t)
	}
	return nil, fmt.Errorf("json: the reader cannot decode %s", t)
}

// null consumes a null literal if one comes next.
func (d *jsonDecoder) null() (bool, error) {
	c, err := d.peek()
	if err != nil || c != 'n' {
		return false, err
	}
	w, err := d.word()
	if err != nil {
		return false, err
	}
	if string(w) != "null" {
		return false, fmt.Errorf("invalid literal %q", w)
	}
	return true, nil
}

// scalarWord reads a number or literal where want (with its article) belongs, refusing null
// (procsnap never writes it for a scalar).
func (d *jsonDecoder) scalarWord(want string) ([]byte, error) {
	c, err := d.peek()
	if err != nil {
		return nil, err
	}
	if c == '"' || c == '{' || c == '[' {
		return nil, d.notA(want, c)
	}
	w, err := d.word()
	if err != nil {
		return nil, err
	}
	if string(w) == "null" {
		return nil, fmt.Errorf("null where %s belongs", want)
	}
	return w, nil
}

func decodeString(d *jsonDecoder, v reflect.Value) error {
	if c, err := d.peek(); err != nil {
		return err
	} else if c != '"' {
		return d.notA("a string", c)
	}
	b, _, err := d.str()
	if err != nil {
		return err
	}
	v.SetString(d.intern(b))
	return nil
}

// notA is the error for a value of the wrong JSON type, starting with c, where want belongs.
func (d *jsonDecoder) notA(want string, c byte) error {
	switch c {
	case '"':
		return fmt.Errorf("a string where %s belongs", want)
	case '{':
		return fmt.Errorf("an object where %s belongs", want)
	case '[':
		return fmt.Errorf("an array where %s belongs", want)
	}
	w, err := d.word()
	if err != nil {
		return err
	}
	if string(w) == "null" {
		return fmt.Errorf("null where %s belongs", want)
	}
	return fmt.Errorf("%q where %s belongs", w, want)
}

// maxInternedJSON bounds the length of an interned string: longer ones (command lines, long
// paths) rarely repeat.
const maxInternedJSON = 64

func (d *jsonDecoder) intern(b []byte) string {
	if len(b) > maxInternedJSON {
		return string(b)
	}
	if s, ok := d.interned[string(b)]; ok {
		return s
	}
	s := string(b)
	d.interned[s] = s
	return s
}

func decodeBool(d *jsonDecoder, v reflect.Value) error {
	w, err := d.scalarWord("a boolean")
	if err != nil {
		return err
	}
	switch string(w) {
	case "true":
		v.SetBool(true)
	case "false":
		v.SetBool(false)
	default:
		return fmt.Errorf("%q is not a boolean", w)
	}
	return nil
}

func decodeInt(d *jsonDecoder, v reflect.Value) error {
	w, err := d.scalarWord("an integer")
	if err != nil {
		return err
	}
	if !intForm(w) {
		return notInteger(w)
	}
	n, err := strconv.ParseInt(string(w), 10, v.Type().Bits())
	if err != nil {
		return fmt.Errorf("%s overflows %s", w, v.Type())
	}
	v.SetInt(n)
	return nil
}

func decodeUint(d *jsonDecoder, v reflect.Value) error {
	w, err := d.scalarWord("an integer")
	if err != nil {
		return err
	}
	if !intForm(w) {
		return notInteger(w)
	}
	if w[0] == '-' {
		return fmt.Errorf("%s is negative, want %s", w, v.Type())
	}
	n, err := strconv.ParseUint(string(w), 10, v.Type().Bits())
	if err != nil {
		return fmt.Errorf("%s overflows %s", w, v.Type())
	}
	v.SetUint(n)
	return nil
}

func notInteger(w []byte) error {
	if !jsonNumber(w) {
		return fmt.Errorf("invalid number or literal %q", w)
	}
	return fmt.Errorf("%q is not an integer", w)
}

func decodeFloat(d *jsonDecoder, v reflect.Value) error {
	w, err := d.scalarWord("a number")
	if err != nil {
		return err
	}
	if !jsonNumber(w) {
		return fmt.Errorf("invalid number %q", w)
	}
	f, err := strconv.ParseFloat(string(w), v.Type().Bits())
	if err != nil || math.IsInf(f, 0) {
		return fmt.Errorf("%s overflows %s", w, v.Type())
	}
	v.SetFloat(f)
	return nil
}

// decodeUnmarshaler hands a string value (time.Time's form) to the type's UnmarshalJSON, quoted
// as it was read. A string with escapes is refused: procsnap writes none in such values.
func decodeUnmarshaler(d *jsonDecoder, v reflect.Value) error {
	if c, err := d.peek(); err != nil {
		return err
	} else if c != '"' {
		return d.notA("a string", c)
	}
	b, escaped, err := d.str()
	if err != nil {
		return err
	}
	if escaped {
		return fmt.Errorf("escape in a %s", v.Type())
	}
	d.tmp = append(append(append(d.tmp[:0], '"'), b...), '"')
	return v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(d.tmp)
}

func compilePointer(t reflect.Type) (func(*jsonDecoder, reflect.Value) error, error) {
	elem, err := codecLocked(t.Elem())
	if err != nil {
		return nil, err
	}
	return func(d *jsonDecoder, v reflect.Value) error {
		if isNull, err := d.null(); err != nil || isNull {
			v.SetZero()
			return err
		}
		p := reflect.New(t.Elem())
		if err := elem.decode(d, p.Elem()); err != nil {
			return err
		}
		v.Set(p)
		return nil
	}, nil
}
