package cmd

import (
	"path/filepath"
	"strings"
	"testing"

	snapformat "github.com/procsnap/procsnap/snapshot/format"
)

// TestSubsetPidProcMount: on a proc mount with subset=pid (process directories only), take, run
// as uid 65534, records btime, boot_id, hostname and kernel_release as absent because of the
// mount, not as "vanished", and watch exits saying the mount hides loadavg (on main: "vanished",
// and a bare "no such file or directory").
func TestSubsetPidProcMount(t *testing.T) {
	bin, shared := hostileBinary(t)
	mnt := filepath.Join(shared, "proc")
	mkdir(t, mnt)
	out := filepath.Join(shared, "subset.yaml")
	script := `mount -t proc -o subset=pid proc "$1" || exit 99; shift; exec "$@"`
	run := func(args ...string) (string, int) {
		argv := append([]string{"unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", mnt},
			asNobody(append([]string{bin, "--proc", mnt}, args...)...)...)
		msg, code := hostileRun(t, argv...)
		if code == 99 || strings.Contains(msg, "unshare failed") {
			t.Skipf("cannot mount a private proc with subset=pid here: %s", msg)
		}
		return msg, code
	}
	if msg, code := run("take", "--no-stack", "-o", out); code != 0 {
		t.Fatalf("take on subset=pid: exit %d: %s", code, msg)
	}
	s, err := snapformat.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(s.Header.Notes, "\n")
	for _, what := range []string{"btime", "boot_id", "hostname", "kernel_release"} {
		if !strings.Contains(notes, what+": absent: "+mnt+" is mounted with subset=pid") {
			t.Errorf("notes do not say %s is absent because of subset=pid:\n%s", what, notes)
		}
	}
	if strings.Contains(notes, "vanished") {
		t.Errorf("notes say vanished:\n%s", notes)
	}
	msg, code := run("watch", "--interval", "1s")
	if code != int(ExitFailure) || !strings.Contains(msg, "subset=pid, which hides loadavg") {
		t.Errorf("watch on subset=pid: exit %d, %q; want %d naming subset=pid", code, msg, ExitFailure)
	}
}

// TestWatchHidepidNote: under hidepid=2, watch run as uid 65534 says on stderr that other
// users' processes are out of its sight (on main it said nothing).
func TestWatchHidepidNote(t *testing.T) {
	bin, shared := hostileBinary(t)
	mnt := filepath.Join(shared, "proc")
	mkdir(t, mnt)
	script := `mount -t proc -o hidepid=2 proc "$1" || exit 99; shift; exec "$@"`
	argv := append([]string{"unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", mnt},
		asNobody(bin, "--proc", mnt, "watch", "--duration", "1s", "--format", "jsonl")...)
	msg, code := hostileRun(t, argv...)
	if code == 99 || strings.Contains(msg, "unshare failed") {
		t.Skipf("cannot mount a private proc here: %s", msg)
	}
	if code != 0 {
		t.Fatalf("watch under hidepid=2: exit %d: %s", code, msg)
	}
	if !strings.Contains(msg, "note: hidepid=") || !strings.Contains(msg, "(65534) may not see are not listed in "+mnt+"; watch does not see them") {
		t.Errorf("watch under hidepid=2 does not say what it cannot see:\n%s", msg)
	}
}
