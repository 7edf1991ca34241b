package format

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/procsnap/procsnap/snapshot"
)

var aaaa = bytes.Repeat([]byte("a"), 64<<10)

// endless streams a YAML document that never ends: a scalar of infinite length.
type endless struct{ head bool }

func (z *endless) Read(p []byte) (int, error) {
	if !z.head {
		z.head = true
		return copy(p, "header: {schema: procsnap/v1.1}\nx: "), nil
	}
	n := 0
	for n < len(p) {
		n += copy(p[n:], aaaa)
	}
	return n, nil
}

// gzipBomb returns a gzip stream of one member that inflates to more than n bytes of "a" (one
// member: procsnap refuses anything after the first, see TestLoadNamesTheForm).
func gzipBomb(tb testing.TB, n int) io.Reader {
	tb.Helper()
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	mib := bytes.Repeat([]byte("a"), 1<<20)
	for range (n >> 20) + 1 {
		if _, err := zw.Write(mib); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return &bomb
}

// TestDecodeHugeStream feeds endless input: Decode stops at the limit with ErrTooLarge, naming the
// file, having allocated about twice the limit at most (memory bounded). The real MaxFileSize
// is checked on a plain stream; the gzip bomb uses an 8 MiB limit to keep the test short under
// -race (inflating 128 MiB there takes minutes on a shared host).
func TestDecodeHugeStream(t *testing.T) {
	for _, c := range []struct {
		name  string
		r     func() io.Reader
		limit int
	}{
		{"endless.yaml", func() io.Reader { return &endless{} }, MaxFileSize},
		{"bomb.yaml.gz", func() io.Reader { return gzipBomb(t, 9<<20) }, 8 << 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := decode(c.r(), c.name, c.limit, 0)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, snapshot.ErrTooLarge) || !strings.HasPrefix(err.Error(), c.name+": ") {
				t.Fatalf("decode = %v, want ErrTooLarge naming %s", err, c.name)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(3*c.limit) {
				t.Errorf("allocated %d MB to reject a stream at %d MB", alloc>>20, c.limit>>20)
			} else {
				t.Logf("allocated %d MB to reject a stream at %d MB", alloc>>20, c.limit>>20)
			}
		})
	}
}
