package cmd

import (
	"context"
	"errors"
	"time"

	"github.com/procsnap/procsnap/snapshot/proc"

	"github.com/procsnap/procsnap/internal/watch"
	"github.com/procsnap/procsnap/snapshot"
)

// recording is a --record directory being written: the event log and, in the background,
// periodic full snapshots.
type recording struct {
	*watch.Recorder
	done chan error
}

// openRecording opens the directory and takes the first snapshot.
func openRecording(ctx context.Context, g *globalOptions, o *watchOptions, red *snapshot.Redactor) (*recording, error) {
	r, err := watch.OpenRecorder(o.record, proc.TakeOptions{Root: g.procRoot, Version: Version(), Redact: red})
	if err != nil {
		return nil, err
	}
	if err := r.Snapshot(ctx); err != nil {
		return nil, errors.Join(err, r.Close())
	}
	return &recording{Recorder: r, done: make(chan error, 1)}, nil
}

// start takes a snapshot every period, beside the watch, until ctx ends.
func (r *recording) start(ctx context.Context, every time.Duration) {
	go func() { r.done <- r.SnapshotEvery(ctx, every) }()
}

// endSnapshotTimeout bounds the end snapshot taken after SIGINT or SIGTERM.
const endSnapshotTimeout = 30 * time.Second

// finish waits for the periodic snapshots to stop, takes the last one, also when the watch
// was interrupted (SIGINT, SIGTERM: the README promises a snapshot at the end), and closes
// the event log.
func (r *recording) finish(ctx context.Context) error {
	err := <-r.done
	if err == nil {
		end, cancel := context.WithTimeout(context.WithoutCancel(ctx), endSnapshotTimeout)
		err = r.Snapshot(end)
		cancel()
	}
	return errors.Join(err, r.Close())
}
