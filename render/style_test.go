package render

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// openPTY returns the slave side of a new pseudo-terminal, or skips the test.
func openPTY(tb testing.TB) *os.File {
	tb.Helper()
	_, s := openPTYPair(tb)
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
