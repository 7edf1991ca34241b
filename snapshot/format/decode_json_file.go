package format

import (
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/procsnap/procsnap/snapshot"
)

// Entry points of the JSON reader (decode_json.go) for files: a whole snapshot within a size
// limit, and the header alone.

// decodeJSONFile decodes and validates the JSON document r streams, at most limit bytes of it.
// size is the size of an uncompressed file (0 when unknown). When c is not nil it checks the
// records instead of keeping them (decodeJSONChecked).
func decodeJSONFile(r io.Reader, name string, limit int, size int64, c *snapshot.Checker) (*snapshot.Snapshot, error) {
	var s snapshot.Snapshot
	err := decodeJSONChecked(&limitReader{r: r, left: int64(limit)}, &s, size, c)
	switch {
	case errors.Is(err, errTooLarge):
		return nil, fmt.Errorf("%s: %w (more than %d bytes)", name, snapshot.ErrTooLarge, limit)
	case errors.Is(err, snapshot.ErrTooLarge): // records too large for the input (footprint)
		return nil, fmt.Errorf("%s: %w", name, err)
	case errors.Is(err, io.ErrUnexpectedEOF): // a cut gzip stream
		return nil, fmt.Errorf("%s: %w: truncated: %s", name, snapshot.ErrInvalid, oneLine(err))
	case err != nil:
		return nil, fmt.Errorf("%s: %w: %s", name, snapshot.ErrInvalid, oneLine(err))
	}
	if err := validate(&s, c); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &s, nil
}

var errTooLarge = errors.New("input larger than the limit")

// limitReader reads at most left bytes of r and fails with errTooLarge if r has more.
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, err := l.r.Read(one[:]); n > 0 {
			return 0, errTooLarge
		} else if err != nil {
			return 0, err
		}
		return 0, nil
	}
	p = p[:min(int64(len(p)), l.left)]
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// decodeJSONHeader decodes the "header" member of a JSON snapshot and stops there, as strictly
// as decodeJSON. A header after the processes (procsnap writes it first) costs reading them.
func decodeJSONHeader(r io.Reader) (snapshot.Header, error) {
	var s snapshot.Snapshot
	d := newJSONDecoder(r, &s, 0)
	more, err := d.objectOpen("an object")
	for more && err == nil {
		var key []byte
		if key, err = d.objectKey(); err != nil {
			break
		}
		switch string(key) {
		case "header":
			d.path = append(d.path, "header")
			if err = d.value(reflect.ValueOf(&s.Header).Elem()); err == nil {
				return s.Header, nil
			}
		case "processes":
			d.path = append(d.path, "processes")
			err = d.value(reflect.ValueOf(&s.Processes).Elem())
			d.path, s.Processes = d.path[:0], nil
		default:
			err = fmt.Errorf("unknown field %q", key)
		}
		if err == nil {
			more, err = d.objectNext()
		}
	}
	if err != nil {
		return snapshot.Header{}, d.wrap(err)
	}
	return snapshot.Header{}, errors.New("no header")
}
