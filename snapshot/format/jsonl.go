package format

import (
	"io"
	"time"

	"github.com/procsnap/procsnap/snapshot"
)

// FormatJSONL is the export format for log and analytics pipelines (Elasticsearch, Loki,
// ClickHouse, DuckDB): one JSON object per line and per process, the process's fields next to
// schema, host, boot_id and taken_at, so that every line stands alone. Only the processes are
// exported: the header's skipped list and notes are not. procsnap writes it but does not read
// it back; keep a yaml or json capture for diff.
const FormatJSONL = "jsonl"

// jsonlLine is one line of FormatJSONL. The embedded Process's fields are flattened into it.
type jsonlLine struct {
	Schema  string    `json:"schema"`
	Host    string    `json:"host"`
	BootID  string    `json:"boot_id"`
	TakenAt time.Time `json:"taken_at"`
	*snapshot.Process
}

// encodeJSONL writes one line per process of s, in PID order, through the process writer of
// the json format (json_records_gen.go).
func encodeJSONL(w io.Writer, s *snapshot.Snapshot) error {
	rw := newRecordWriter("", "", false)
	a := newJSONAppender("", "", false)
	line := jsonlLine{Schema: s.Header.Schema, Host: s.Header.Hostname, BootID: s.Header.BootID, TakenAt: s.Header.TakenAt}
	head := func() bool {
		a.key("schema")
		a.str(line.Schema)
		a.key("host")
		a.str(line.Host)
		a.key("boot_id")
		a.str(line.BootID)
		a.key("taken_at")
		return a.time(line.TakenAt)
	}
	for i := range s.Processes {
		line.Process = &s.Processes[i]
		if err := a.writeRecord(w, rw, line.Process, head, &line); err != nil {
			return err
		}
	}
	return nil
}
