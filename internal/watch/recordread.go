package watch

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// maxEventLine bounds one line of an event log; a longer line is reported, not read.
const maxEventLine = 1 << 20

// ReadEvents reads the event log of a recording directory and calls fn for each event in order.
// A line that is not a JSON event is an error naming the file and line: a recording is written
// in whole lines, so a bad line means the file is not what watch --record wrote. A last line
// without its newline (a watch killed mid-write) is ignored.
func ReadEvents(dir string, fn func(*Event)) (int, error) {
	path := filepath.Join(dir, EventsFile)
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("recording %s: %w", dir, err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, maxEventLine)
	n := 0
	for line := 1; ; line++ {
		b, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			return n, fmt.Errorf("%s:%d: line longer than %d bytes", path, line, r.Size())
		}
		if errors.Is(err, io.EOF) {
			return n, nil // possibly after a torn last line
		}
		if err != nil {
			return n, fmt.Errorf("%s: %w", path, err)
		}
		var e Event
		if err := json.Unmarshal(b, &e); err != nil {
			return n, fmt.Errorf("%s:%d: not a watch event: %w", path, line, err)
		}
		n++
		fn(&e)
	}
}
