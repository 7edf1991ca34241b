package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputDirChecked: every command that writes a file (-o) checks the directory first, as
// take does. A world-writable directory without the sticky bit lets any user swap the file
// before or after the rename, so it is refused (exit 2) and nothing is left in it.
func TestOutputDirChecked(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil { // no sticky bit
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
	}{
		{"metrics", []string{"metrics", fixture, "-o", filepath.Join(dir, "procsnap.prom")}},
		{"report", []string{"report", fixture, fixture, "-o", filepath.Join(dir, "r.html")}},
		{"take", []string{"take", "--proc", "../fixtures/proc/basic", "-o", filepath.Join(dir, "s.yaml")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, tc.args...)
			if code != ExitUsage || !strings.Contains(stderr, "sticky") {
				t.Errorf("%v: exit %d, stderr %q; want exit %d naming the missing sticky bit", tc.args, code, stderr, ExitUsage)
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("%v left %d files in %s", tc.args, len(left), dir)
			}
		})
	}
}
