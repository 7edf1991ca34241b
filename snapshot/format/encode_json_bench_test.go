package format

import (
	"bytes"
	"testing"
)

// BenchmarkEncodeJSON writes the 5,000-process snapshot of BenchmarkDecodeYAML as an indented
// json document and as jsonl, every record through the process writer.
func BenchmarkEncodeJSON(b *testing.B) {
	s := busySnapshot(5000)
	for _, format := range []string{FormatJSON, FormatJSONL} {
		b.Run(format, func(b *testing.B) {
			var buf bytes.Buffer
			if err := Encode(&buf, s, format); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(buf.Len()))
			for b.Loop() {
				buf.Reset()
				if err := Encode(&buf, s, format); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
