package cmd_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	snapformat "github.com/procsnap/procsnap/snapshot/format"
	"github.com/procsnap/procsnap/snapshot/proc"

	"github.com/procsnap/procsnap/fixtures/stage"
	"github.com/procsnap/procsnap/snapshot"
)

const nobody = 65534

// buildProcsnap builds the procsnap binary into a fresh directory that every uid can traverse
// (t.TempDir is 0700), and removes it at the end of the test.
func buildProcsnap(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "procsnap-unpriv-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "procsnap")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/procsnap/procsnap").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestTakeUnprivileged runs `procsnap take` as uid/gid 65534 with no supplementary groups while a
// root-owned staged process runs. It must succeed, list every process that root sees before and
// after it, and say why what it could not read is missing.
func TestTakeUnprivileged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds procsnap and stages processes: skipped under -short")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch to uid 65534 with setpriv (run as root, as CI does)")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv (util-linux) is not installed")
	}
	bin := buildProcsnap(t)
	rootProc := stage.Sleeper(t)
	for range 10 { // a population of its own: a CI container may hold only a handful of processes
		stage.Sleeper(t)
	}

	before := takeAsRoot(t)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin, "take", "--format", "json")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("procsnap take as uid %d: %v\nstderr:\n%s", nobody, err, stderr.String())
	}
	after := takeAsRoot(t)

	s, err := snapformat.Decode(&stdout, "stdout")
	if err != nil {
		t.Fatal(err)
	}
	if s.Header.TakerUID != nobody || s.Header.TakerEUID != nobody {
		t.Errorf("taker uid/euid %d/%d, want %d", s.Header.TakerUID, s.Header.TakerEUID, nobody)
	}

	// Every process root saw before and after (with the same start) is recorded, not skipped.
	var both int
	for _, p := range before.Processes {
		q := after.Find(p.PID)
		if q == nil || q.StartTicks != p.StartTicks {
			continue
		}
		both++
		if got := s.Find(p.PID); got == nil || got.StartTicks != p.StartTicks {
			t.Errorf("pid %d (%s) seen by root is missing from the unprivileged snapshot", p.PID, p.Comm)
		}
	}
	if both < 10 {
		t.Errorf("only %d processes stable across the run", both)
	}
	for _, sk := range s.Header.Skipped {
		if sk.Reason == snapshot.ReasonPermissionDenied {
			t.Errorf("pid %d skipped for %s: an unreadable field must not drop a process", sk.PID, sk.Reason)
		}
	}

	p := s.Find(rootProc.PID)
	if p == nil {
		t.Fatalf("root-owned staged pid %d missing", rootProc.PID)
	}
	want := map[string]string{
		"fds": snapshot.ReasonPermissionDenied, "exe": snapshot.ReasonPermissionDenied,
		"cwd": snapshot.ReasonPermissionDenied, "stack": snapshot.ReasonNeedsCapSysAdmin,
	}
	for field, reason := range want {
		if p.Unread[field] != reason {
			t.Errorf("root-owned pid %d: unread[%s] = %q, want %q (all unread: %v)", p.PID, field, p.Unread[field], reason, p.Unread)
		}
	}
	if p.PPID != os.Getpid() || p.State == "" || p.Comm == "" || p.UID != 0 {
		t.Errorf("root-owned pid %d: ppid %d state %q comm %q uid %d: stat and status are world-readable", p.PID, p.PPID, p.State, p.Comm, p.UID)
	}
	if s.Header.Counts.Unread[snapshot.ReasonPermissionDenied] == 0 || s.Header.Counts.Unread[snapshot.ReasonNeedsCapSysAdmin] == 0 {
		t.Errorf("counts.unread %v lack permission_denied or needs_cap_sys_admin", s.Header.Counts.Unread)
	}

	// The taker's own process: its fds are readable, its kernel stack is not (CAP_SYS_ADMIN).
	me := s.Find(s.Header.TakerPID)
	if me == nil {
		t.Fatalf("the taker %d is not in its own snapshot", s.Header.TakerPID)
	}
	if me.UID != nobody || len(me.FDs) == 0 || me.Unread["fds"] != "" || me.Unread["stack"] != snapshot.ReasonNeedsCapSysAdmin {
		t.Errorf("taker: uid %d, %d fds, unread %v: want its own fds and stack needs_cap_sys_admin", me.UID, len(me.FDs), me.Unread)
	}
}

func takeAsRoot(t *testing.T) *snapshot.Snapshot {
	t.Helper()
	s, err := proc.Take(context.Background(), proc.TakeOptions{NoFDs: true, NoStack: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
