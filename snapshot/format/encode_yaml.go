package format

import (
	"bytes"
	"io"

	"github.com/procsnap/procsnap/snapshot"

	"gopkg.in/yaml.v3"
)

// encodeYAML writes s as YAML, byte for byte what one yaml.v3 Encoder (indent 2) writes for the
// whole snapshot, but one process at a time, each by yamlWriter when it can vouch for the
// result. yaml.v3's emitter keeps every event of a document in a slice that is never trimmed,
// so one document of a busy host's snapshot costs memory and time out of proportion; one small
// document per process is linear and bounded.
func encodeYAML(w io.Writer, s *snapshot.Snapshot) error {
	var buf bytes.Buffer
	if err := encodeYAMLDoc(&buf, struct {
		Header snapshot.Header `yaml:"header"`
	}{s.Header}); err != nil {
		return err
	}
	if len(s.Processes) == 0 {
		buf.WriteString("processes: []\n")
		_, err := w.Write(buf.Bytes())
		return err
	}
	buf.WriteString("processes:\n")
	if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	one := make([]snapshot.Process, 1)
	fast := yamlWriter{scalars: map[string]string{}}
	for i := range s.Processes {
		if fastFieldsKnown {
			fast.buf, fast.ok = fast.buf[:0], true
			if fast.appendProcess(&s.Processes[i]); fast.ok {
				if _, err := w.Write(fast.buf); err != nil {
					return err
				}
				continue
			}
		}
		buf.Reset()
		one[0] = s.Processes[i]
		if err := encodeYAMLDoc(&buf, one); err != nil {
			return err
		}
		if err := writeIndented(w, buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func encodeYAMLDoc(w io.Writer, v any) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return enc.Close()
}

// writeIndented writes data with two spaces before every non-empty line: a top-level sequence
// item becomes an item of the "processes:" mapping value, as yaml.v3 indents it (indent 2).
func writeIndented(w io.Writer, data []byte) error {
	out := make([]byte, 0, len(data)+len(data)/8)
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i+1], data[i+1:]
		} else {
			data = nil
		}
		if len(line) > 1 || line[0] != '\n' {
			out = append(out, ' ', ' ')
		}
		out = append(out, line...)
	}
	_, err := w.Write(out)
	return err
}
