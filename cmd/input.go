package cmd

import (
	"fmt"

	snapformat "github.com/procsnap/procsnap/snapshot/format"

	"github.com/procsnap/procsnap/snapshot"
)

// load reads the snapshot file a command line names: a regular file (snapshot.Load refuses a
// FIFO, a device or a directory without blocking on it), or standard input when it is "-"
// (refused when g is nil: callers loading captures pass nil).
func (g *globalOptions) load(path string) (*snapshot.Snapshot, error) {
	if path == "-" {
		if g == nil || g.stdin == nil {
			return nil, fmt.Errorf("-: %w: no standard input", snapshot.ErrInvalid)
		}
		return snapformat.Decode(g.stdin, "-")
	}
	return snapformat.Load(path)
}

// check validates the snapshot file a command line names as load would, with the same answer,
// without keeping its records (validate): memory is the file and one record, not the model.
func (g *globalOptions) check(path string) error {
	if path == "-" {
		if g == nil || g.stdin == nil {
			return fmt.Errorf("-: %w: no standard input", snapshot.ErrInvalid)
		}
		return snapformat.CheckStream(g.stdin, "-")
	}
	return snapformat.Check(path)
}
