package render

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
)

// Output formats of Diff.
const (
	FormatTable = "table"
	FormatYAML  = "yaml"
	FormatJSON  = "json"
	FormatJSONL = "jsonl"
)

// DiffFormats lists the formats Diff accepts.
var DiffFormats = []string{FormatTable, FormatYAML, FormatJSON, FormatJSONL}

// Diff writes r to w in format (table, yaml, json or jsonl). The table is DiffTable with
// nothing cut and descriptor events folded.
func Diff(w io.Writer, r *diff.Result, format string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch format {
	case FormatTable, "":
		err = diffTable(bw, r, TableOptions{})
	case FormatYAML:
		enc := yaml.NewEncoder(bw)
		enc.SetIndent(2)
		if err = enc.Encode(r); err == nil {
			err = enc.Close()
		}
	case FormatJSON:
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		err = enc.Encode(r)
	case FormatJSONL:
		enc := json.NewEncoder(bw)
		for i := range r.Events {
			if err = enc.Encode(&r.Events[i]); err != nil {
				break
			}
		}
	default:
		return fmt.Errorf("%w: %q (want table, yaml, json or jsonl)", snapshot.ErrUnknownFormat, format)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
