package format

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procsnap/procsnap/snapshot"
)

// TestWriteNoClobberRace covers the window between CheckOutput and the publish: a symlink or
// file planted at the path meanwhile is neither followed nor replaced, and nothing is left.
func TestWriteNoClobberRace(t *testing.T) {
	for _, plant := range []string{"symlink", "file"} {
		t.Run(plant, func(t *testing.T) {
			dir := t.TempDir()
			victim := filepath.Join(dir, "victim")
			if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "snap.yaml")
			var err error
			if plant == "symlink" {
				err = os.Symlink(victim, out)
			} else {
				err = os.WriteFile(out, []byte("planted"), 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
			s := &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema}, Processes: []snapshot.Process{}}
			if err := writeNoClobber(out, s, ""); !errors.Is(err, fs.ErrExist) {
				t.Fatalf("writeNoClobber over a planted %s = %v, want fs.ErrExist", plant, err)
			}
			if b, _ := os.ReadFile(victim); string(b) != "precious" {
				t.Errorf("victim changed: %q", b)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 2 {
				t.Errorf("directory holds %d entries, want the victim and the planted %s: %v", len(entries), plant, entries)
			}
		})
	}
}

func TestCheckOutputOtherUsersSnapshot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown a file to another uid")
	}
	p := filepath.Join(t.TempDir(), "theirs.yaml")
	if err := os.WriteFile(p, []byte("header:\n  schema: procsnap/v1.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(p, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	exists, err := CheckOutput(p, false)
	if !exists || !errors.Is(err, ErrRefuseReplace) || !strings.Contains(err.Error(), "it belongs to uid 65534") {
		t.Errorf("CheckOutput(another user's snapshot) = %v, %v", exists, err)
	}
}
