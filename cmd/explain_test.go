package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	snapformat "github.com/procsnap/procsnap/snapshot/format"
	"github.com/procsnap/procsnap/snapshot/proc"

	"github.com/procsnap/procsnap/diff/explain"
	"github.com/procsnap/procsnap/fixtures/stage"
	"github.com/procsnap/procsnap/internal/watch"
)

// explainFixture is render's hand-written listener snapshot (see its header comment).
const explainFixture = "../render/testdata/explain.yaml"

func TestExplainCommand(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   ExitCode
		stdout string // a substring of stdout
		stderr string // all of stderr
	}{
		{name: "names the listener", args: []string{"explain", "13096", explainFixture}, code: ExitOK,
			stdout: "created by 900 (tnslsnr), medium confidence"},
		{name: "unknown and why", args: []string{"explain", "13400", explainFixture}, code: ExitOK,
			stdout: "creator     unknown: its parent is init"},
		{name: "pid not in the snapshot", args: []string{"explain", "4242", explainFixture}, code: ExitNoProcess,
			stderr: "procsnap: pid 4242: no such process in the snapshot\n"},
		{name: "pid not a number", args: []string{"explain", "oracle", explainFixture}, code: ExitUsage},
		{name: "pid zero", args: []string{"explain", "0", explainFixture}, code: ExitUsage},
		{name: "no pid", args: []string{"explain"}, code: ExitUsage},
		{name: "bad format", args: []string{"explain", "13096", explainFixture, "--format", "xml"}, code: ExitUsage},
		{name: "missing snapshot", args: []string{"explain", "13096", "nonexistent.yaml"}, code: ExitUsage},
		{name: "missing capture dir", args: []string{"explain", "13096", explainFixture, "--dir", "nonexistent"}, code: ExitUsage},
		{name: "missing recording", args: []string{"explain", "13096", explainFixture, "--record", "nonexistent"}, code: ExitUsage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(tc.args, strings.NewReader(""), &out, &errb)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, errb.String())
			}
			if !strings.Contains(out.String(), tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, out.String())
			}
			if tc.stderr != "" && errb.String() != tc.stderr {
				t.Errorf("stderr %q, want %q", errb.String(), tc.stderr)
			}
			if code != ExitOK && strings.Count(errb.String(), "\n") > 2 {
				t.Errorf("stderr is not a short error: %q", errb.String())
			}
		})
	}
}

func TestExplainJSON(t *testing.T) {
	var out bytes.Buffer
	if code := Main([]string{"explain", "13096", explainFixture, "--format", "json"}, strings.NewReader(""), &out, io.Discard); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	var r explain.Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Lineage.Creator == nil || r.Lineage.Creator.PID != 900 || len(r.Lineage.Candidates[0].Shared) != 3 {
		t.Errorf("lineage %+v", r.Lineage)
	}
}

// TestExplainRecord runs a real watch --record while the seed's listener stages its daemon, then
// explains the daemon with the recording: the watch saw its birth, definitive.
func TestExplainRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("real /proc and a real watch")
	}
	dir := filepath.Join(t.TempDir(), "rec")
	// The real binary, in its own process: a watch inside a -race test binary is too slow to see
	// anything on a busy host. No --pid: once adopted the daemon is no descendant of ours.
	w := exec.Command(procsnapBinary(t), "watch", "--record", dir, "--format", "jsonl")
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Process.Signal(syscall.SIGINT); _ = w.Wait() })
	waitRecorded(t, dir, func() int { // the watch is ready once it records a child of ours
		c := exec.Command("sleep", "60") // long enough for a rescan to find it on a busy host
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Process.Kill(); _ = c.Wait() })
		return c.Process.Pid
	})
	daemon, listener := stage.ListenerLingering(t, 3*time.Second) // a rescan may see it born
	born := waitRecorded(t, dir, func() int { return daemon.PID })
	s, err := proc.Take(context.Background(), proc.TakeOptions{NoStack: true,
		PIDs: []int{1, os.Getpid(), daemon.PID, listener.PID}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := snapformat.WriteFile(path, s, snapformat.FormatYAML); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	args := []string{"explain", strconv.Itoa(daemon.PID), path, "--record", dir, "--format", "json"}
	if code := Main(args, strings.NewReader(""), &out, os.Stderr); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	var r explain.Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	checkRecorded(t, &r, born, listener)
}

// checkRecorded requires the verdict the recording supports. The fast path sees the daemon born
// to the listener's child; a rescan that finds it after the child exited sees it adopted, and
// such a chain names no creator: then explain must not claim one from the recording.
func checkRecorded(t *testing.T, r *explain.Report, born *watch.Event, listener *stage.Proc) {
	t.Helper()
	child, _ := strconv.Atoi(listener.Info["child"])
	l := r.Lineage
	if born.Chain[0].PID != child {
		t.Logf("the watch found the daemon late, parent %d: no creation chain to use", born.Chain[0].PID)
		for _, c := range l.Candidates {
			if c.Rank == 1 {
				t.Errorf("rank-1 candidate %+v without a recorded chain", c)
			}
		}
		return
	}
	if l.Creator == nil || l.Creator.PID != child || !l.Creator.Gone || l.Candidates[0].Rank != 1 {
		t.Fatalf("lineage %+v: want the listener's child %d (exited), rank 1", l, child)
	}
	if l.Confidence != explain.Definitive && l.Confidence != explain.High {
		t.Errorf("confidence %q: want definitive, or high when only a rescan saw it", l.Confidence)
	}
	found := false
	for _, c := range l.Candidates {
		found = found || c.Proc.PID == listener.PID && c.Rank == 1
	}
	if !found {
		t.Errorf("the listener %d is not a rank-1 candidate (its ancestor in the chain): %+v", listener.PID, l.Candidates)
	}
}

// recordTimeout bounds the wait for the watch: its first scan of a crowded host (20,000
// processes) takes half a minute on 2 CPUs.
const recordTimeout = 3 * time.Minute

// waitRecorded calls next until the recording in dir holds an event with a creation chain for
// the PID it returned, and returns that event.
func waitRecorded(t *testing.T, dir string, next func() int) *watch.Event {
	t.Helper()
	deadline := time.Now().Add(recordTimeout)
	for time.Now().Before(deadline) {
		pid := next()
		for range 100 {
			var seen *watch.Event
			_, err := watch.ReadEvents(dir, func(e *watch.Event) {
				if seen == nil && e.PID == pid && len(e.Chain) > 0 {
					seen = e
				}
			})
			if err == nil && seen != nil {
				return seen
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	t.Fatalf("the watch recorded no creation chain in %s within %v", dir, recordTimeout)
	return nil
}

// TestExplainDir reads a capture directory holding the fixture as a capture, next to a file
// that is not a snapshot: the history shows the capture, and the broken one is named as unseen.
func TestExplainDir(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(explainFixture)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"fixture-host-20260102T030405.000000000Z.yaml": b,
		"fixture-host-20260102T030505.000000000Z.yaml": []byte("not: a snapshot\n"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	args := []string{"explain", "13096", explainFixture, "--dir", dir, "--format", "json"}
	if code := Main(args, strings.NewReader(""), &out, os.Stderr); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	var r explain.Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	h := r.History
	if h == nil || h.Captures != 1 || h.FirstSeen.IsZero() || len(h.Unseen) != 1 ||
		!strings.Contains(h.Unseen[0].What, "20260102T030505") {
		t.Errorf("history %+v: want 1 capture read, the broken one unseen", h)
	}
}
