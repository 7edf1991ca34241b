package format

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"strconv"
)

// Maps of the JSON reader (decode_json.go). A map of scalars equal in content to one read
// earlier in the same document is not built again: the process gets the earlier map. Most
// processes of a host share their namespaces ({"cgroup": 4026531835, ...}) and many their
// unread reasons, and a map costs hundreds of bytes where a string costs its length. A loaded
// snapshot's maps are therefore read-only: nothing after a load writes to them (take builds
// its own).

// mapShare is the sharing state of one map type in one decode.
type mapShare struct {
	scratch reflect.Value            // the map being decoded, reused
	seen    map[string]reflect.Value // content signature → the map given out
}

// Bounds on sharing: a map with a longer signature, or beyond this many distinct maps of a
// type, is built on its own.
const (
	maxSharedMapSig  = 1024
	maxSharedMapsPer = 4096
)

func compileMap(t reflect.Type) (func(*jsonDecoder, reflect.Value) error, error) {
	if t.Key().Kind() != reflect.String {
		return nil, fmt.Errorf("json: the reader cannot decode %s (keys other than strings)", t)
	}
	elem, err := codecLocked(t.Elem())
	if err != nil {
		return nil, err
	}
	shareable := scalarKind(t.Elem().Kind())
	return func(d *jsonDecoder, v reflect.Value) error {
		if isNull, err := d.null(); err != nil || isNull {
			v.SetZero()
			return err
		}
		more, err := d.objectOpen("an object")
		if err != nil || !more {
			if err == nil {
				v.Set(reflect.MakeMap(t))
			}
			return err
		}
		var ms *mapShare
		m := reflect.Value{}
		if shareable {
			ms = d.mapShareFor(t)
			m = ms.scratch
			m.Clear()
		} else {
			m = reflect.MakeMap(t)
		}
		kv, ev := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		sig := d.sig[:0]
		for more && err == nil {
			var key []byte
			if key, err = d.objectKey(); err != nil {
				return err
			}
			kv.SetString(d.intern(key))
			if m.MapIndex(kv).IsValid() {
				return fmt.Errorf("duplicate key %q", key)
			}
			ev.SetZero()
			if err := elem.decode(d, ev); err != nil {
				return err
			}
			m.SetMapIndex(kv, ev)
			if shareable {
				sig = appendScalarSig(binary.AppendUvarint(sig, uint64(len(key))), key, ev)
			}
			more, err = d.objectNext()
		}
		if err != nil {
			return err
		}
		if !shareable {
			v.Set(m)
			return nil
		}
		d.sig = sig
		v.Set(ms.share(t, m, sig))
		return nil
	}, nil
}

func scalarKind(k reflect.Kind) bool {
	switch k {
	case reflect.String, reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// appendScalarSig appends key and the scalar v to a map's signature, each with its length.
func appendScalarSig(sig, key []byte, v reflect.Value) []byte {
	sig = append(sig, key...)
	var val []byte
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		sig = binary.AppendUvarint(sig, uint64(len(s)))
		return append(sig, s...)
	case reflect.Bool:
		val = strconv.AppendBool(val, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		val = strconv.AppendInt(val, v.Int(), 10)
	default:
		val = strconv.AppendUint(val, v.Uint(), 10)
	}
	sig = binary.AppendUvarint(sig, uint64(len(val)))
	return append(sig, val...)
}

func (d *jsonDecoder) mapShareFor(t reflect.Type) *mapShare {
	if d.maps == nil {
		d.maps = map[reflect.Type]*mapShare{}
	}
	ms := d.maps[t]
	if ms == nil {
		ms = &mapShare{scratch: reflect.MakeMap(t), seen: map[string]reflect.Value{}}
		d.maps[t] = ms
	}
	return ms
}

// share returns the map given out earlier for the content sig, or a copy of m (the scratch
// map) that it gives out from now on.
func (ms *mapShare) share(t reflect.Type, m reflect.Value, sig []byte) reflect.Value {
	if shared, ok := ms.seen[string(sig)]; ok {
		return shared
	}
	out := reflect.MakeMapWithSize(t, m.Len())
	for it := m.MapRange(); it.Next(); {
		out.SetMapIndex(it.Key(), it.Value())
	}
	if len(sig) <= maxSharedMapSig && len(ms.seen) < maxSharedMapsPer {
		ms.seen[string(sig)] = out
	}
	return out
}
