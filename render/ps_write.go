package render

import (
	"bufio"
	"encoding/json"
	"io"

	"gopkg.in/yaml.v3"
)

// WritePSTable writes rows as a plain, borderless table like ps prints, without trailing
// blanks, cut to o.Width (the last column, usually the command, first).
func WritePSTable(w io.Writer, rows []*Row, cols []Column, o TableOptions) error {
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.Header
	}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		cells[i] = make([]string, len(cols))
		for j, c := range cols {
			cells[i][j] = c.text(r)
		}
	}
	return plainTable(w, header, cells, o)
}

// WritePSJSON writes rows as a JSON array of objects whose keys are the column names, in
// column order, one object per line. Unknown values (fds not read, no tty) are null.
func WritePSJSON(w io.Writer, rows []*Row, cols []Column) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	for i, r := range rows {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n  {")
		for j, c := range cols {
			if j > 0 {
				bw.WriteString(", ")
			}
			k, _ := json.Marshal(c.Name)
			v, err := json.Marshal(c.value(r))
			if err != nil {
				return err
			}
			bw.Write(k)
			bw.WriteString(": ")
			bw.Write(v)
		}
		bw.WriteString("}")
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

// WritePSYAML writes rows as a YAML sequence of mappings keyed by column name, in column order.
func WritePSYAML(w io.Writer, rows []*Row, cols []Column) error {
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, r := range rows {
		m := &yaml.Node{Kind: yaml.MappingNode}
		for _, c := range cols {
			var v yaml.Node
			if err := v.Encode(c.value(r)); err != nil {
				return err
			}
			if v.Kind == yaml.SequenceNode {
				v.Style = yaml.FlowStyle
			}
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: c.Name}, &v)
		}
		seq.Content = append(seq.Content, m)
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(seq); err != nil {
		return err
	}
	return enc.Close()
}
