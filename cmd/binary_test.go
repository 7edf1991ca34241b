package cmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The procsnap binary is built once per test run, into a directory that every uid can traverse
// (t.TempDir is 0700), so that tests can run it as uid 65534; TestMain removes it.
var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
	out  []byte
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// procsnapBinary returns the path of the built procsnap binary. Skipped under -short.
func procsnapBinary(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("builds and runs the procsnap binary")
	}
	binary.once.Do(func() {
		binary.dir, binary.err = os.MkdirTemp("", "procsnap-test-bin-")
		if binary.err != nil {
			return
		}
		if binary.err = os.Chmod(binary.dir, 0o755); binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "procsnap")
		build := exec.Command("go", "build", "-o", binary.path, "github.com/procsnap/procsnap")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		binary.out, binary.err = build.CombinedOutput()
	})
	if binary.err != nil {
		tb.Fatalf("go build: %v\n%s", binary.err, binary.out)
	}
	return binary.path
}
