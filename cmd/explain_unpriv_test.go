package cmd

import (
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/procsnap/procsnap/diff/explain"
	"github.com/procsnap/procsnap/fixtures/stage"
	"github.com/procsnap/procsnap/snapshot"
)

// TestExplainUnprivileged explains root's seed daemon live as uid 65534 with the real binary: it
// must answer, and say per section what it could not see (its exe and descriptors), and that the
// creator search could not check shared descriptions.
func TestExplainUnprivileged(t *testing.T) {
	if testing.Short() || os.Geteuid() != 0 {
		t.Skip("needs root to drop to uid 65534, and not -short")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv not installed")
	}
	bin := procsnapBinary(t)
	daemon, _ := stage.Listener(t)
	nobody := func(format string) []byte {
		t.Helper()
		cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin,
			"explain", strconv.Itoa(daemon.PID), "--format", format)
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("explain as nobody: %v\n%s", err, b)
		}
		return b
	}
	var r explain.Report
	if err := json.Unmarshal(nobody("json"), &r); err != nil {
		t.Fatal(err)
	}
	if r.Source.TakerUID != 65534 || !r.Source.Live {
		t.Errorf("source %+v: want live, uid 65534", r.Source)
	}
	unseen := func(section string, gaps []explain.Gap, what string) {
		t.Helper()
		for _, g := range gaps {
			if g.What == what && g.Reason == snapshot.ReasonPermissionDenied {
				return
			}
		}
		t.Errorf("%s: %q not reported unseen (permission_denied): %+v", section, what, gaps)
	}
	unseen("identity", r.Identity.Unseen, "exe")
	unseen("descriptors", r.Descriptors.Unseen, "fds")
	if r.Lineage.Adopted != "" && !strings.Contains(r.Lineage.Verdict, "descriptors were not read (permission_denied)") {
		t.Errorf("verdict %q does not say the shared descriptions could not be checked", r.Lineage.Verdict)
	}
	page := string(nobody("text"))
	for _, want := range []string{"read as uid 65534", "not seen    fds: permission_denied", "not seen    exe: permission_denied"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
}
