package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlantedLinksUnprivileged: uid 65534 plants, in a sticky world-writable directory (like
// /tmp), a recording directory of its own whose events.jsonl is a symlink to root's file, and a
// symlink named like a capture directory. Root's watch --record and take --dir must refuse both,
// exit 2 naming the reason, and leave root's file as it was.
func TestPlantedLinksUnprivileged(t *testing.T) {
	bin, shared := hostileBinary(t)
	victim := filepath.Join(shared, "victim")
	write(t, victim, "root's file\n")
	plant := `mkdir "$1/rec" "$1/caps" && ln -s "$2" "$1/rec/events.jsonl" && ln -s "$1/caps" "$1/link"`
	if out, code := hostileRun(t, asNobody("sh", "-c", plant, "sh", shared, victim)...); code != 0 {
		t.Fatalf("planting as uid 65534: exit %d: %s", code, out)
	}
	ownRec := filepath.Join(t.TempDir(), "rec") // root's own, with a link planted earlier
	mkdir(t, ownRec)
	symlink(t, victim, filepath.Join(ownRec, "events.jsonl"))
	for _, c := range []struct {
		name string
		argv []string
		want string
	}{
		{"watch --record in another user's directory",
			[]string{bin, "watch", "--duration", "1s", "--no-inotify", "--cpu", "any", "--record", filepath.Join(shared, "rec")},
			"belongs to uid 65534"},
		{"watch --record with a planted events.jsonl",
			[]string{bin, "watch", "--duration", "1s", "--no-inotify", "--cpu", "any", "--record", ownRec},
			"events.jsonl is a symbolic link; not followed"},
		{"take --dir through another user's symlink",
			[]string{bin, "take", "--no-fds", "--no-stack", "--pid", "1", "--dir", filepath.Join(shared, "link")},
			"is a symbolic link that belongs to uid 65534; not followed"},
		{"take -o into another user's directory",
			[]string{bin, "take", "--no-fds", "--no-stack", "--pid", "1", "-o", filepath.Join(shared, "caps", "s.yaml")},
			"belongs to uid 65534"},
	} {
		out, code := hostileRun(t, c.argv...)
		if code != 2 || !strings.Contains(out, c.want) {
			t.Errorf("%s: exit %d, %q; want 2 and %q", c.name, code, out, c.want)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "root's file\n" {
		t.Errorf("root's file changed: %q", b)
	}
	if names, _ := filepath.Glob(filepath.Join(shared, "caps", "*")); len(names) > 0 {
		t.Errorf("root wrote into uid 65534's directory: %v", names)
	}
}
