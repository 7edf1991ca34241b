package render

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY returns the slave side of a new pseudo-terminal, or skips the test.
func openPTY(tb testing.TB) *os.File {
	tb.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		tb.Skipf("no pty: %v", err)
	}
	tb.Cleanup(func() { m.Close() })
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err == nil {
		err = unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0)
	}
	if err != nil {
		tb.Fatalf("pty: %v", err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		tb.Fatalf("pty: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestAutoStyle(t *testing.T) {
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	pty := openPTY(t)
	cases := []struct {
		name    string
		w       io.Writer
		noColor string
		want    bool
	}{
		{"terminal", pty, "", true},
		{"terminal with NO_COLOR", pty, "1", false},
		{"regular file", file, "", false},
		{"buffer", &bytes.Buffer{}, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := AutoStyle(tc.w, tc.noColor).Color; got != tc.want {
				t.Errorf("AutoStyle().Color = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestClean(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "kworker/0:1-events", "kworker/0:1-events"},
		{"escape sequence", "evil\x1b[2J", `"evil\x1b[2J"`},
		{"newline", "a\nb", `"a\nb"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := clean(tc.in); got != tc.want {
				t.Errorf("clean(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}
