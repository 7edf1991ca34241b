package cmd

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestDiffUnprivileged takes a snapshot (of pid 1 and the test process, both root's) and diffs it
// against the live system as uid 65534, with the real binary: it must succeed although no fd of
// either can be read, and report no fd events for them.
func TestDiffUnprivileged(t *testing.T) {
	if testing.Short() || os.Geteuid() != 0 {
		t.Skip("needs root to drop to uid 65534, and not -short")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv not installed")
	}
	dir, err := os.MkdirTemp("", "procsnap-unpriv-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	out := filepath.Join(dir, "out")
	for _, d := range []struct {
		path string
		mode os.FileMode
	}{{dir, 0o755}, {out, os.ModeSticky | 0o777}} { // like /tmp: procsnap refuses a world-writable directory without the sticky bit
		if err := os.MkdirAll(d.path, d.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d.path, d.mode); err != nil { // not t.TempDir: nobody must traverse it
			t.Fatal(err)
		}
	}
	bin := procsnapBinary(t)
	nobody := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(setpriv, append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", bin}, args...)...)
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("procsnap %v as nobody: %v\n%s", args, err, b)
		}
		return b
	}
	a := filepath.Join(out, "a.yaml")
	nobody("take", "--no-stack", "--pid", "1", "--pid", strconv.Itoa(os.Getpid()), "-o", a)
	var res struct {
		Events []struct {
			Kind string `json:"kind"`
			PID  int    `json:"pid"`
		} `json:"events"`
	}
	if err := json.Unmarshal(nobody("diff", a, "--format", "json"), &res); err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Events {
		if e.PID == 1 && (e.Kind == "fd_opened" || e.Kind == "fd_closed") {
			t.Errorf("pid 1 got %s although nobody cannot read its fds", e.Kind)
		}
	}
}
