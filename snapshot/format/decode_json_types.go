package format

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/procsnap/procsnap/snapshot"
)

// Composite types of the JSON reader (decode_json.go): structs by their json tags, slices, and
// maps with string keys.

// jsonField is one field of a struct as the JSON reader decodes it.
type jsonField struct {
	name  string
	index []int // for v.FieldByIndex: more than one element for a field of an embedded struct
	codec *jsonCodec
}

// maxJSONFields bounds the fields of one struct: seen keys are tracked in a [2]uint64.
const maxJSONFields = 128

// jsonFields lists the fields encoding/json would decode into t: exported, named by their json
// tag or else the Go name, "-" skipped, untagged embedded structs flattened.
func jsonFields(t reflect.Type, index []int) ([]jsonField, error) {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() && !f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		idx := append(append([]int(nil), index...), i)
		if f.Anonymous && name == "" {
			if f.Type.Kind() != reflect.Struct {
				return nil, fmt.Errorf("json: the reader cannot decode embedded %s in %s", f.Type, t)
			}
			inner, err := jsonFields(f.Type, idx)
			if err != nil {
				return nil, err
			}
			out = append(out, inner...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		c, err := codecLocked(f.Type)
		if err != nil {
			return nil, err
		}
		out = append(out, jsonField{name: name, index: idx, codec: c})
	}
	return out, nil
}

func compileStruct(t reflect.Type) (func(*jsonDecoder, reflect.Value) error, error) {
	fields, err := jsonFields(t, nil)
	if err != nil {
		return nil, err
	}
	if len(fields) > maxJSONFields {
		return nil, fmt.Errorf("json: %s has more than %d fields", t, maxJSONFields)
	}
	byName := make(map[string]int, len(fields))
	for i, f := range fields {
		if _, dup := byName[f.name]; dup {
			return nil, fmt.Errorf("json: %s has two fields named %q", t, f.name)
		}
		byName[f.name] = i
	}
	return func(d *jsonDecoder, v reflect.Value) error {
		more, err := d.objectOpen("an object")
		var seen [2]uint64
		for more && err == nil {
			var key []byte
			if key, err = d.objectKey(); err != nil {
				return err
			}
			i, ok := byName[string(key)]
			if !ok {
				return fmt.Errorf("unknown field %q", key)
			}
			if bit := uint64(1) << (i % 64); seen[i/64]&bit != 0 {
				return fmt.Errorf("duplicate key %q", key)
			} else {
				seen[i/64] |= bit
			}
			f := &fields[i]
			d.path = append(d.path, f.name)
			fv := v.Field(f.index[0])
			if len(f.index) > 1 {
				fv = v.FieldByIndex(f.index)
			}
			if err := f.codec.decode(d, fv); err != nil {
				return err // the path stays, for the error message
			}
			d.path = d.path[:len(d.path)-1]
			more, err = d.objectNext()
		}
		return err
	}, nil
}

// objectOpen reads the '{' of an object where what (with its article) belongs, and reports
// whether a member follows.
func (d *jsonDecoder) objectOpen(what string) (bool, error) { return d.open(what, '{', '}') }

// open reads the opening bracket of a container where what belongs, and reports whether
// anything comes before its closing bracket (which it reads when nothing does).
func (d *jsonDecoder) open(what string, opening, closing byte) (bool, error) {
	c, err := d.peek()
	if err != nil {
		return false, err
	}
	if c != opening {
		return false, d.notA(what, c)
	}
	d.pos++
	if c, err = d.peek(); err != nil {
		return false, err
	}
	if c == closing {
		d.pos++
		return false, nil
	}
	return true, nil
}

// objectKey reads a member's key and its ':'. The key is valid until the next objectKey.
func (d *jsonDecoder) objectKey() ([]byte, error) {
	key, _, err := d.str()
	if err != nil {
		return nil, err
	}
	d.key = append(d.key[:0], key...) // reading on may refill the buffer key points into
	return d.key, d.expect(':', "after object key")
}

// objectNext reads the ',' or '}' after a member and reports whether another member follows.
func (d *jsonDecoder) objectNext() (bool, error) {
	c, err := d.peek()
	if err != nil {
		return false, err
	}
	d.pos++
	switch c {
	case ',':
		return true, nil
	case '}':
		return false, nil
	}
	return false, d.syntaxErr(c, "after object key:value pair")
}

// arrayOpen reads the '[' of an array where what belongs, and reports whether an element
// follows.
func (d *jsonDecoder) arrayOpen(what string) (bool, error) { return d.open(what, '[', ']') }

// arrayNext reads the ',' or ']' after an element and reports whether another follows.
func (d *jsonDecoder) arrayNext() (bool, error) {
	c, err := d.peek()
	if err != nil {
		return false, err
	}
	d.pos++
	switch c {
	case ',':
		return true, nil
	case ']':
		return false, nil
	}
	return false, d.syntaxErr(c, "after array element")
}

var processesType = reflect.TypeFor[[]snapshot.Process]()

func compileSlice(t reflect.Type) (func(*jsonDecoder, reflect.Value) error, error) {
	elem, err := codecLocked(t.Elem())
	if err != nil {
		return nil, err
	}
	return func(d *jsonDecoder, v reflect.Value) error {
		if isNull, err := d.null(); err != nil || isNull {
			v.SetZero()
			return err
		}
		more, err := d.arrayOpen("an array")
		if err != nil {
			return err
		}
		if !more {
			v.Set(reflect.MakeSlice(t, 0, 0))
			return nil
		}
		if t == processesType && d.check != nil {
			// Each record is decoded into one slot and checked; the list is left empty.
			v.Set(reflect.MakeSlice(t, 0, 0))
			slot := reflect.MakeSlice(t, 1, 1).Index(0)
			for more := true; more; {
				slot.SetZero()
				if err := elem.decode(d, slot); err != nil {
					return err
				}
				p := slot.Addr().Interface().(*snapshot.Process)
				if err := d.weigh(p); err != nil {
					return err
				}
				d.check.Add(p)
				if len(d.interned) > maxInternedChecked {
					clear(d.interned) // nothing is kept to share them with
				}
				if more, err = d.arrayNext(); err != nil {
					return err
				}
			}
			return nil
		}
		if t == processesType {
			return d.processes(v, elem)
		}
		// Other lists are read into a scratch slice and copied out at their final size.
		sv, ok := d.scratch[t]
		if ok {
			delete(d.scratch, t) // a nested list of the same type gets its own
		} else {
			sv = reflect.New(t).Elem()
		}
		sv.SetLen(0)
		if err := d.elements(sv, elem); err != nil {
			return err
		}
		out := reflect.MakeSlice(t, sv.Len(), sv.Len())
		reflect.Copy(out, sv)
		v.Set(out)
		if sv.Cap()*int(t.Elem().Size()) <= 1<<20 {
			d.scratch[t] = sv
		}
		return nil
	}, nil
}

// elements decodes the elements of an array whose '[' and first element's presence are read,
// appending them to the settable slice sv.
func (d *jsonDecoder) elements(sv reflect.Value, elem *jsonCodec) error {
	for more := true; more; {
		n := sv.Len()
		if n == sv.Cap() {
			sv.Grow(1)
		}
		sv.SetLen(n + 1)
		e := sv.Index(n)
		e.SetZero()
		if err := elem.decode(d, e); err != nil {
			return err
		}
		var err error
		if more, err = d.arrayNext(); err != nil {
			return err
		}
	}
	return nil
}

// processes decodes the records of the processes list, whose '[' and first element's presence
// are read, straight into the result (v), sized from the header's count and weighed as they come
// (footprint).
func (d *jsonDecoder) processes(v reflect.Value, elem *jsonCodec) error {
	count := d.snap.Header.Counts.Processes
	var ps []snapshot.Process // growProcesses gives it room at the first record
	defer func() { v.Set(reflect.ValueOf(ps)) }()
	for more := true; more; {
		ps = growProcesses(ps, count, d.size)
		ps = ps[:len(ps)+1]
		p := &ps[len(ps)-1]
		*p = snapshot.Process{}
		if err := elem.decode(d, reflect.ValueOf(p).Elem()); err != nil {
			return err
		}
		if err := d.weigh(p); err != nil {
			return err
		}
		var err error
		if more, err = d.arrayNext(); err != nil {
			return err
		}
	}
	return nil
}

// weigh adds p, just decoded, to the memory the records hold (footprint).
func (d *jsonDecoder) weigh(p *snapshot.Process) error {
	return d.fp.add(p, d.offset())
}
