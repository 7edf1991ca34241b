package cmd_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/procsnap/procsnap/fixtures/stage"
)

// TestFleetUnprivileged runs metrics and take --format ecs as uid 65534 while root-owned staged
// zombies wait for their parent. The zombies are counted under their parent, whose executable
// an unprivileged reader cannot see: the label is empty, and what could not be read is counted
// and, in the ECS document, named with its reason.
func TestFleetUnprivileged(t *testing.T) {
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
	parent, _ := stage.Zombies(t, 2)
	run := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(setpriv, append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", bin}, args...)...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("procsnap %v as uid %d: %v\nstderr:\n%s", args, nobody, err, stderr.String())
		}
		return stdout.String()
	}

	out := run("metrics")
	want := regexp.MustCompile(fmt.Sprintf(`(?m)^procsnap_zombies\{parent_pid="%d",parent_comm="[^"]+",parent_exe="",parent_sigchld="default"\} 2$`, parent.PID))
	if !want.MatchString(out) {
		t.Errorf("no zombie series for root's parent %d with an empty exe label:\n%s", parent.PID, out)
	}
	if !regexp.MustCompile(`(?m)^procsnap_unread_fields\{reason="permission_denied"\} [1-9]`).MatchString(out) {
		t.Errorf("unread fields of root's processes not counted:\n%s", out)
	}

	doc := run("take", "--no-stack", "--pid", strconv.Itoa(parent.PID), "--format", "ecs")
	var d struct {
		Process  map[string]any
		Procsnap struct{ Unread map[string]string }
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(doc)), &d); err != nil {
		t.Fatalf("take --format ecs as uid %d: %v\n%s", nobody, err, doc)
	}
	if _, ok := d.Process["executable"]; ok || d.Procsnap.Unread["exe"] != "permission_denied" {
		t.Errorf("root's process as seen by uid %d: executable %v, unread %v; want none and exe: permission_denied",
			nobody, d.Process["executable"], d.Procsnap.Unread)
	}
}
