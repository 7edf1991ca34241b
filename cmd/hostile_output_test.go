package cmd

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/procsnap/procsnap/fixtures/badsnap"
)

// TestTakeOutputSafety plants what an attacker (or an accident) leaves at the -o path.
func TestTakeOutputSafety(t *testing.T) {
	proc := filepath.Join("..", "fixtures", "hostile", "comm-parens") // small and fast
	tests := []struct {
		name    string
		plant   func(t *testing.T, path, victim string)
		force   bool
		code    ExitCode
		message string
		// replaced says whether path must hold a new snapshot afterwards.
		replaced bool
	}{
		{"nothing there", func(*testing.T, string, string) {}, false, ExitOK, "", true},
		{"symlink to a victim file", func(t *testing.T, p, v string) { symlink(t, v, p) }, false, ExitUsage, "it is a symbolic link", false},
		{"dangling symlink", func(t *testing.T, p, v string) { symlink(t, v+".nothere", p) }, false, ExitUsage, "it is a symbolic link", false},
		{"someone's document", func(t *testing.T, p, _ string) { write(t, p, "my thesis\n") }, false, ExitUsage, "it is not a procsnap snapshot", false},
		{"a fifo", func(t *testing.T, p, _ string) { mkfifo(t, p) }, false, ExitUsage, "it is a FIFO (unsafe path: not even --force replaces it)", false},
		{"a fifo, --force", func(t *testing.T, p, _ string) { mkfifo(t, p) }, true, ExitUsage, "it is a FIFO (unsafe path: not even --force replaces it)", false},
		{"a socket, --force", func(t *testing.T, p, _ string) { mksock(t, p) }, true, ExitUsage, "it is a socket (unsafe path: not even --force replaces it)", false},
		{"a device, --force", func(t *testing.T, p, _ string) { mknull(t, p) }, true, ExitUsage, "it is a character device (unsafe path: not even --force replaces it)", false},
		{"an earlier snapshot", func(t *testing.T, p, _ string) { write(t, p, badsnap.Valid) }, false, ExitOK, "", true},
		{"an earlier gzip snapshot", func(t *testing.T, p, _ string) { write(t, p, string(badsnap.Gzip([]byte(badsnap.Valid)))) }, false, ExitOK, "", true},
		{"symlink, --force", func(t *testing.T, p, v string) { symlink(t, v, p) }, true, ExitOK, "", true},
		{"someone's document, --force", func(t *testing.T, p, _ string) { write(t, p, "my thesis\n") }, true, ExitOK, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			victim := filepath.Join(dir, "victim")
			write(t, victim, "precious\n")
			out := filepath.Join(dir, "snap.yaml")
			tt.plant(t, out, victim)
			args := []string{"--proc", proc, "take", "-o", out}
			if tt.force {
				args = append(args, "--force")
			}
			var stdout, stderr bytes.Buffer
			code := Main(args, nil, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.message) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tt.code, tt.message)
			}
			if tt.code != ExitOK && !strings.HasPrefix(stderr.String(), "procsnap: refusing to replace "+out+": ") {
				t.Errorf("stderr %q does not name the file", stderr.String())
			}
			if b, err := os.ReadFile(victim); err != nil || string(b) != "precious\n" {
				t.Errorf("victim file changed: %q, %v", b, err)
			}
			info, err := os.Lstat(out)
			if err != nil {
				t.Fatal(err)
			}
			isSnap := info.Mode().IsRegular() && info.Mode().Perm() == 0o600 && strings.Contains(readString(t, out), "comm: a) (b c")
			if isSnap != tt.replaced {
				t.Errorf("%s is a new snapshot: %v, want %v (mode %v)", out, isSnap, tt.replaced, info.Mode())
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

func symlink(t *testing.T, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// mkfifo plants a FIFO: an existing directory at -o is not a refusal but a capture directory.
func mksock(t *testing.T, path string) {
	t.Helper()
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	t.Cleanup(func() { l.Close() })
}

// mknull makes a character device like /dev/null at path (root only: skips otherwise).
func mknull(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Skipf("mknod: %v", err)
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(b)
}

func mkdir(t *testing.T, path string) {
	t.Helper()
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
}
