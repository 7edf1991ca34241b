package cmd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	snapformat "github.com/procsnap/procsnap/snapshot/format"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/internal/watch"
)

// syncBuffer is a bytes.Buffer safe to read while runWatch writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func watchOpts(t testing.TB) *watchOptions {
	t.Helper()
	o := &watchOptions{}
	o.AddFlags(&cobra.Command{}) // the flag defaults
	return o
}

func TestWatchUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{name: "bad format", args: []string{"watch", "--format", "xml"}},
		{name: "zero interval", args: []string{"watch", "--interval", "0s"}},
		{name: "negative rescan", args: []string{"watch", "--rescan", "-1s"}},
		{name: "negative pid", args: []string{"watch", "--pid", "-3"}},
		{name: "extra argument", args: []string{"watch", "now"}},
		{name: "cpu not a number", args: []string{"watch", "--cpu", "first"}},
		{name: "negative cpu", args: []string{"watch", "--cpu", "-1"}},
		{name: "cpu this process may not use", args: []string{"watch", "--cpu", "1023"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := Main(tc.args, strings.NewReader(""), io.Discard, &stderr)
			if code != ExitUsage {
				t.Errorf("exit code %d, want %d (stderr %q)", code, ExitUsage, stderr.String())
			}
			if !strings.HasPrefix(stderr.String(), "procsnap: ") {
				t.Errorf("stderr %q, want a procsnap: message", stderr.String())
			}
		})
	}
}

func TestWatchDurationEndsWithSummary(t *testing.T) {
	if testing.Short() {
		t.Skip("real /proc")
	}
	o := watchOpts(t)
	o.duration = 300 * time.Millisecond
	var out bytes.Buffer
	if err := runWatch(context.Background(), &globalOptions{procRoot: "/proc"}, o, &out); err != nil {
		t.Fatalf("runWatch: %v", err)
	}
	if !strings.Contains(out.String(), "\nwatched ") {
		t.Errorf("no summary in output:\n%s", out.String())
	}
	// The first line says the watch is running, over how many processes, on which CPU.
	if !regexp.MustCompile(`^\S+ watching +watching [0-9]+ processes on CPU [0-9]+`).MatchString(out.String()) {
		t.Errorf("the first line does not say the watch is running:\n%s", out.String())
	}
	// The summary counts what was missed.
	if !regexp.MustCompile(`(?m)^missed [0-9]+ of [0-9]+ processes or threads created (on this host|in this PID namespace)`).MatchString(out.String()) {
		t.Errorf("the summary does not count what was missed:\n%s", out.String())
	}
	// --cpu auto (the default) pins the watch and the summary says where.
	if !regexp.MustCompile(`(?m)^ran on CPU [0-9]+$`).MatchString(out.String()) {
		t.Errorf("the summary does not name the CPU the watch ran on:\n%s", out.String())
	}
}

func TestWatchInterruptedIs130(t *testing.T) {
	if testing.Short() {
		t.Skip("real /proc")
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	var out bytes.Buffer
	err := runWatch(ctx, &globalOptions{procRoot: "/proc"}, watchOpts(t), &out)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("runWatch = %v, want context.Canceled (exit 130)", err)
	}
	if code := exitCodeFor(err, io.Discard); code != ExitInterrupted {
		t.Errorf("exit code %d, want %d", code, ExitInterrupted)
	}
	if !strings.Contains(out.String(), "watched ") {
		t.Errorf("no summary before the interruption:\n%s", out.String())
	}
}

// TestWatchRecordMatchesOutput runs watch --format jsonl --record DIR while a child runs, and
// checks that events.jsonl holds exactly the printed events, that the child was seen, and that
// the snapshots are there with mode 0600.
func TestWatchRecordMatchesOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("real /proc")
	}
	dir := filepath.Join(t.TempDir(), "rec")
	o := watchOpts(t)
	o.format, o.record, o.duration = "jsonl", dir, 2*time.Second
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- runWatch(context.Background(), &globalOptions{procRoot: "/proc"}, o, out) }()
	// Children until the watch ends: the initial scan takes a while on a loaded host.
	pids := spawnUntil(t, done, "sh", "-c", "sleep 0.2")
	printed := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(printed) < 2 || !strings.HasPrefix(printed[len(printed)-1], `{"summary":`) {
		t.Fatalf("want events then a summary line, got:\n%s", out.String())
	}
	printed = printed[:len(printed)-1]
	rec, err := os.ReadFile(filepath.Join(dir, watch.EventsFile))
	if err != nil {
		t.Fatal(err)
	}
	recorded := strings.Split(strings.TrimSpace(string(rec)), "\n")
	if d := cmp.Diff(printed, recorded); d != "" {
		t.Errorf("events.jsonl differs from the printed events (-printed +recorded):\n%s", d)
	}
	if !slices.ContainsFunc(pids, func(pid int) bool { return seenStarted(t, recorded, pid) }) {
		t.Errorf("no started event for any of the children %v", pids)
	}
	snaps, _ := filepath.Glob(filepath.Join(dir, "snapshot-*.json.gz"))
	if len(snaps) < 2 {
		t.Fatalf("want a first and a last snapshot, got %v", snaps)
	}
	for _, s := range snaps {
		fi, err := os.Stat(s)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", s, fi.Mode().Perm())
		}
		if _, err := snapformat.Load(s); err != nil {
			t.Errorf("recorded snapshot does not load: %v", err)
		}
	}
}

// spawnUntil runs the command again and again until done yields, which it checks; it returns
// the PIDs of the children that ran.
func spawnUntil(t testing.TB, done <-chan error, name string, args ...string) []int {
	t.Helper()
	var pids []int
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("watch: %v", err)
			}
			return pids
		default:
		}
		c := exec.Command(name, args...)
		if err := c.Run(); err != nil {
			t.Fatal(err)
		}
		pids = append(pids, c.Process.Pid)
	}
}

func seenStarted(t testing.TB, lines []string, pid int) bool {
	t.Helper()
	for _, l := range lines {
		var e watch.Event
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("bad jsonl line %q: %v", l, err)
		}
		if e.Kind == watch.KindStarted && e.PID == pid {
			return true
		}
	}
	return false
}

// TestWatchUnprivileged runs the built binary as uid 65534 and checks that it reports a
// process started by another user (root), with its command line.
func TestWatchUnprivileged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and needs setpriv")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch to uid 65534")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("no setpriv")
	}
	bin := procsnapBinary(t)
	w := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
		bin, "watch", "--duration", "3s", "--format", "jsonl")
	var out bytes.Buffer
	w.Stdout, w.Stderr = &out, &out
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Wait() }()
	// GNU sleep adds its arguments up: the marker adds less than a millisecond.
	marker := "0.0000" + strconv.Itoa(os.Getpid())
	pids := spawnUntil(t, done, "sleep", "0.3", marker)
	found, pinned := false, false
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var e watch.Event
		if json.Unmarshal(sc.Bytes(), &e) == nil && slices.Contains(pids, e.PID) &&
			(slices.Contains(e.Cmdline, marker) || slices.Contains(e.NewCmdline, marker)) {
			found = true
		}
		// Pinning and the short slice need no privilege either.
		var sum struct{ Summary *watch.Stats }
		if json.Unmarshal(sc.Bytes(), &sum) == nil && sum.Summary != nil {
			pinned = sum.Summary.CPU >= 0 && sum.Summary.PinError == ""
		}
	}
	if !found {
		t.Errorf("uid 65534 did not see any of root's sleeps %v with its command line:\n%s", pids, out.String())
	}
	if !pinned {
		t.Errorf("uid 65534: the summary does not show the watch pinned to a CPU:\n%s", out.String())
	}
}
