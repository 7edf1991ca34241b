package watch

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/procsnap/procsnap/snapshot/format"
	snapproc "github.com/procsnap/procsnap/snapshot/proc"
)

// EventsFile is the name of the event log in a recording directory.
const EventsFile = "events.jsonl"

// Recorder writes a recording directory: events.jsonl (one JSON event per line, each batch
// appended with one write) and full snapshots named snapshot-<UTC time>.json.gz (mode 0600).
type Recorder struct {
	dir  string
	f    *os.File
	opts snapproc.TakeOptions

	mu        sync.Mutex
	snapshots []string
}

// OpenRecorder creates dir (0700) if needed, checks it (snapshot.CheckDir: no other user can
// plant files in it) and opens its event log for appending, never through a symlink
// (snapshot.OpenAppend).
func OpenRecorder(dir string, opts snapproc.TakeOptions) (*Recorder, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("recording directory %s: %w", dir, err)
	}
	if err := format.CheckDir(dir); err != nil {
		return nil, fmt.Errorf("--record: %w", err)
	}
	path := filepath.Join(dir, EventsFile)
	f, err := format.OpenAppend(path)
	if err != nil {
		return nil, fmt.Errorf("event log %s: %w", path, err)
	}
	opts.NoFDs, opts.NoStack = true, true
	return &Recorder{dir: dir, f: f, opts: opts}, nil
}

// Events appends a batch of events in a single write, so a reader never sees half a batch
// from this writer.
func (r *Recorder) Events(evs []Event) error {
	var b []byte
	for i := range evs {
		j, err := json.Marshal(&evs[i])
		if err != nil {
			return err
		}
		b = append(append(b, j...), '\n')
	}
	if _, err := r.f.Write(b); err != nil {
		return fmt.Errorf("event log %s: %w", r.f.Name(), err)
	}
	return nil
}

// Snapshot takes a full snapshot (without fds and stacks) and writes it atomically.
func (r *Recorder) Snapshot(ctx context.Context) error {
	s, err := snapproc.Take(ctx, r.opts)
	if err != nil {
		return err
	}
	name := filepath.Join(r.dir, "snapshot-"+s.Header.TakenAt.UTC().Format("20060102T150405.000000000Z")+".json.gz")
	if err := format.WriteFile(name, s, format.FormatJSON); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	r.mu.Lock()
	r.snapshots = append(r.snapshots, name)
	r.mu.Unlock()
	return nil
}

// Snapshots returns the snapshot files written so far.
func (r *Recorder) Snapshots() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.snapshots...)
}

// SnapshotEvery takes a snapshot every period until ctx is done, returning the first error.
// It runs beside the watch loop so a slow snapshot never delays the fast path.
func (r *Recorder) SnapshotEvery(ctx context.Context, period time.Duration) error {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := r.Snapshot(ctx); err != nil && ctx.Err() == nil {
				return err
			}
		}
	}
}

// Close syncs and closes the event log.
func (r *Recorder) Close() error {
	serr := r.f.Sync()
	cerr := r.f.Close()
	if serr != nil {
		return fmt.Errorf("event log %s: %w", r.f.Name(), serr)
	}
	return cerr
}
