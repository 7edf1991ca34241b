package snapshot

import (
	"errors"
	"io"
	"os"
)

// readWhole reads a /proc file in one pass into *buf (grown as needed, reused across calls).
// /proc sizes lie, so it reads until EOF rather than trusting Stat. The returned slice aliases
// *buf and is valid until the next call with the same buffer.
func readWhole(path string, buf *[]byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := (*buf)[:0]
	if cap(b) < 4096 {
		b = make([]byte, 0, 4096)
	}
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) || (err == nil && n == 0) {
			break
		}
		if err != nil {
			*buf = b
			return nil, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
	*buf = b
	return b, nil
}
