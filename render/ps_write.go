package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
	"gopkg.in/yaml.v3"
)

// WritePSTable writes rows as a plain, borderless table like ps prints, without trailing blanks.
func WritePSTable(w io.Writer, rows []*Row, cols []Column) error {
	var buf bytes.Buffer
	t := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenRows: tw.Off, BetweenColumns: tw.Off},
				Lines:      tw.Lines{ShowHeaderLine: tw.Off},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: "  ", Overwrite: true}),
	)
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = c.Header
	}
	t.Header(header...)
	for _, r := range rows {
		cells := make([]string, len(cols))
		for i, c := range cols {
			cells[i] = c.text(r)
		}
		if err := t.Append(cells); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for line := range bytes.Lines(buf.Bytes()) {
		bw.Write(bytes.TrimRight(line, " \n"))
		bw.WriteByte('\n')
	}
	return bw.Flush()
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
