package cmd

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/procsnap/procsnap/internal/watch"
)

// lineWaiter collects the jsonl events a watch writes to a pipe.
type lineWaiter struct {
	mu     sync.Mutex
	events []watch.Event
	done   chan struct{}
}

func readEvents(r io.Reader) *lineWaiter {
	lw := &lineWaiter{done: make(chan struct{})}
	go func() {
		defer close(lw.done)
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var e watch.Event
			if json.Unmarshal(sc.Bytes(), &e) == nil && e.Kind != "" {
				lw.mu.Lock()
				lw.events = append(lw.events, e)
				lw.mu.Unlock()
			}
		}
	}()
	return lw
}

// wait waits (generously: the initial scan of a loaded host takes a while) for an event.
func (lw *lineWaiter) wait(t *testing.T, what string, ok func(e *watch.Event) bool) watch.Event {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		lw.mu.Lock()
		for _, e := range lw.events {
			if ok(&e) {
				lw.mu.Unlock()
				return e
			}
		}
		lw.mu.Unlock()
	}
	t.Fatalf("no %s event", what)
	return watch.Event{}
}

// TestWatchStoppedAndTerminated runs the built binary with --record, stops it (SIGSTOP) for
// 1.5 s and checks that a late event says it looked at least that late, then ends it with
// SIGTERM and checks the exit code (130), the final stats line, and that the end snapshot the
// README promises was written (two snapshots: start and end).
func TestWatchStoppedAndTerminated(t *testing.T) {
	bin := procsnapBinary(t)
	dir := filepath.Join(t.TempDir(), "rec")
	c := exec.Command(bin, "watch", "--format", "jsonl", "--record", dir)
	out, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Process.Kill(); _ = c.Wait() })
	lw := readEvents(out)
	first := lw.wait(t, "watching", func(e *watch.Event) bool { return true })
	if first.Kind != watch.KindWatching || first.Watching == nil || first.Watching.Processes == 0 {
		t.Fatalf("first event %+v, want watching, with the processes it starts with", first)
	}
	const stop = 1500 * time.Millisecond
	if err := c.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(stop) // the gap to report; not a timing assertion
	if err := c.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	// The tick due last before the stop may have been due up to an interval after the
	// SIGSTOP: the lateness is the stop less that, and a gap of a second or more is always
	// reported.
	late := lw.wait(t, "late", func(e *watch.Event) bool { return e.Kind == watch.KindLate && e.LateNS >= time.Second.Nanoseconds() })
	t.Logf("late: %s", late.Summary)
	if err := c.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-lw.done
	err = c.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != int(ExitInterrupted) {
		t.Errorf("exit %v, want %d", err, ExitInterrupted)
	}
	if n := len(lw.events); n == 0 || lw.events[n-1].Kind != watch.KindStats || lw.events[n-1].Interval == nil {
		t.Errorf("no final stats event before the summary")
	}
	snaps, _ := filepath.Glob(filepath.Join(dir, "snapshot-*.json.gz"))
	if len(snaps) < 2 {
		t.Errorf("snapshots %v, want the first and the end one", snaps)
	}
	rec, err := os.ReadFile(filepath.Join(dir, watch.EventsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rec), `"kind":"late"`) {
		t.Errorf("events.jsonl has no late event")
	}
}
