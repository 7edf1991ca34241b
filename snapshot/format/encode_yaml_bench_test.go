package format

import (
	"bytes"
	"testing"
)

// BenchmarkEncodeYAML writes the 5,000-process snapshot of BenchmarkDecodeYAML as YAML, every
// record through the fast writer.
func BenchmarkEncodeYAML(b *testing.B) {
	s := busySnapshot(5000)
	var buf bytes.Buffer
	if err := encodeYAML(&buf, s); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		buf.Reset()
		if err := encodeYAML(&buf, s); err != nil {
			b.Fatal(err)
		}
	}
}
