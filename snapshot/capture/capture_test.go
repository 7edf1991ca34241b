package capture

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/procsnap/procsnap/fixtures/smallsnap"
	"github.com/procsnap/procsnap/snapshot"
	"github.com/procsnap/procsnap/snapshot/format"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

var t0 = time.Date(2026, 11, 24, 1, 2, 3, 456789012, time.UTC)

// names returns the base names of the regular files and symlinks in dir, sorted.
func names(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}

func TestCaptureName(t *testing.T) {
	tests := []struct {
		name   string
		host   string
		seq    int
		format string
		gz     bool
		want   string
	}{
		{"plain", "web-1", 0, "", false, "web-1-20261124T010203.456789012Z.yaml"},
		{"json gz", "web-1.example.org", 0, format.FormatJSON, true, "web-1.example.org-20261124T010203.456789012Z.json.gz"},
		{"sequence", "h", 2, format.FormatJSONL, false, "h-20261124T010203.456789012Z_002.jsonl"},
		{"sanitized", "../a b/c", 0, "", false, "_._a_b_c-20261124T010203.456789012Z.yaml"},
		{"dash first", "-x", 0, "", false, "_x-20261124T010203.456789012Z.yaml"},
		{"empty host", "", 0, "", false, "unknown-20261124T010203.456789012Z.yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := CaptureName(tc.host, t0.In(time.FixedZone("X", 3600)), tc.seq, tc.format, tc.gz)
			if got != tc.want {
				t.Fatalf("CaptureName = %q, want %q", got, tc.want)
			}
			c, ok := ParseCaptureName(got)
			if !ok {
				t.Fatalf("ParseCaptureName(%q) failed", got)
			}
			want := Capture{Name: got, Host: CaptureHost(tc.host), Time: t0, Seq: tc.seq, Format: c.Format, Gzip: tc.gz}
			if diff := cmp.Diff(want, c); diff != "" {
				t.Errorf("ParseCaptureName (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCaptureNameRejects(t *testing.T) {
	for _, name := range []string{
		"h-20261124T010203.456789012Z.yml",         // we write .yaml only
		"h-20261124T010203Z.yaml",                  // no nanoseconds
		"h-20261124T010203.456789012Z_000.yaml",    // sequence 000 is never written
		"h-20261124T010203.456789012Z_01.yaml",     // short sequence
		"h-20261124T010203.456789012Z_0010.yaml",   // padded sequence
		"h-20261324T010203.456789012Z.yaml",        // month 13
		".h-20261124T010203.456789012Z.yaml",       // dot file
		"h-20261124T010203.456789012Z.yaml.tmp-12", // temporary file
		"20261124T010203.456789012Z.yaml",          // no host
		"h-20261124T010203.456789012Z.yaml.bak",
		"notes.txt",
		LockFileName,
	} {
		t.Run(name, func(t *testing.T) {
			if c, ok := ParseCaptureName(name); ok {
				t.Errorf("ParseCaptureName(%q) = %+v, want rejection", name, c)
			}
		})
	}
}

func TestListCaptures(t *testing.T) {
	dir := t.TempDir()
	later := t0.Add(time.Second)
	files := []string{
		CaptureName("b", later, 0, "", false),
		CaptureName("a", t0, 1, "", false),
		CaptureName("a", t0, 0, format.FormatJSON, true),
		CaptureName("a", later, 0, "", false),
		"README", "." + CaptureName("a", t0, 0, "", false) + ".tmp-123",
	}
	for _, f := range files {
		writeString(t, filepath.Join(dir, f), "x")
	}
	if err := os.Symlink(filepath.Join(dir, "README"), filepath.Join(dir, CaptureName("a", t0, 2, "", false))); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, CaptureName("a", t0, 3, "", false)), 0o700); err != nil {
		t.Fatal(err)
	}
	cs, err := ListCaptures(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs {
		got = append(got, c.Name)
	}
	want := []string{files[2], files[1], files[3], files[0]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListCaptures (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a", "b"}, CaptureHosts(cs)); diff != "" {
		t.Errorf("CaptureHosts (-want +got):\n%s", diff)
	}
	if got := len(FilterHost(cs, "a")); got != 3 {
		t.Errorf("FilterHost(a) kept %d captures, want 3", got)
	}
}

func writeString(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
}

func TestWriteCaptureModesAndContent(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format string
		gz     bool
	}{{"yaml", "", false}, {"json gz", format.FormatJSON, true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "new", "captures")
			s := smallsnap.New("web-1", t0, 1)
			res, err := WriteCapture(dir, s, CaptureOptions{Format: tc.format, Gzip: tc.gz})
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(dir, CaptureName("web-1", t0, 0, tc.format, tc.gz)); res.Path != want {
				t.Errorf("path = %s, want %s", res.Path, want)
			}
			assertMode(t, dir, fs.ModeDir|0o700)
			assertMode(t, res.Path, 0o600)
			got, err := format.Load(res.Path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(s, got); diff != "" {
				t.Errorf("Load(written) (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{LockFileName, filepath.Base(res.Path)}, names(t, dir)); diff != "" {
				t.Errorf("directory (-want +got):\n%s", diff)
			}
		})
	}
}

func assertMode(tb testing.TB, path string, want fs.FileMode) {
	tb.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		tb.Fatal(err)
	}
	if got := info.Mode() & (fs.ModeType | fs.ModePerm); got != want {
		tb.Errorf("%s: mode %v, want %v", path, got, want)
	}
}

func TestWriteCaptureSameTimeNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := WriteCapture(dir, smallsnap.New("h", t0, i), CaptureOptions{})
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	cs, err := ListCaptures(dir)
	if err != nil {
		t.Fatal(err)
	}
	zombies := map[int]bool{}
	for i, c := range cs {
		if c.Seq != i {
			t.Errorf("capture %d has sequence %d, want %d", i, c.Seq, i)
		}
		s, err := format.Load(c.Path)
		if err != nil {
			t.Fatal(err)
		}
		zombies[s.Header.Counts.Zombies] = true
	}
	if len(cs) != n || len(zombies) != n {
		t.Errorf("%d captures with %d distinct contents survive, want %d of each", len(cs), len(zombies), n)
	}
}

func TestWriteCaptureNeverFollowsSymlink(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	victim := filepath.Join(outside, "victim")
	writeString(t, victim, "precious")
	planted := filepath.Join(dir, CaptureName("h", t0, 0, "", false))
	if err := os.Symlink(victim, planted); err != nil {
		t.Fatal(err)
	}
	for _, fallback := range []bool{false, true} {
		if fallback {
			useLinkFallback(t)
		}
		res, err := WriteCapture(dir, smallsnap.New("h", t0, 0), CaptureOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(res.Path) == filepath.Base(planted) {
			t.Fatalf("capture published over the planted symlink %s", planted)
		}
		if _, err := format.Load(res.Path); err != nil {
			t.Fatal(err)
		}
	}
	if b, err := os.ReadFile(victim); err != nil || string(b) != "precious" {
		t.Errorf("symlink target changed: %q, %v", b, err)
	}
	assertMode(t, planted, fs.ModeSymlink|0o777)
	want := []string{LockFileName, filepath.Base(planted), CaptureName("h", t0, 1, "", false), CaptureName("h", t0, 2, "", false)}
	if diff := cmp.Diff(want, names(t, dir)); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}
}

// useLinkFallback makes renameat2 fail as on a filesystem without RENAME_NOREPLACE.
func useLinkFallback(tb testing.TB) {
	tb.Helper()
	orig := renameat2
	renameat2 = func(int, string, int, string, uint) error { return unix.EINVAL }
	tb.Cleanup(func() { renameat2 = orig })
}

func TestWriteCaptureFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	_, err := WriteCapture(dir, smallsnap.New("h", t0, 0), CaptureOptions{Format: "xml"})
	if !errors.Is(err, snapshot.ErrUnknownFormat) {
		t.Fatalf("err = %v, want ErrUnknownFormat", err)
	}
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("failed capture left %q", got)
	}
	file := filepath.Join(dir, "plain")
	writeString(t, file, "")
	if _, err := WriteCapture(file, smallsnap.New("h", t0, 0), CaptureOptions{}); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("capture into a regular file: err = %v, want one naming %s", err, file)
	}
}

func TestStaleTempCleanup(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-StaleTempAge - time.Minute)
	stale := "." + CaptureName("h", t0, 0, "", false) + tempInfix + "123"
	fresh := "." + CaptureName("h", t0, 1, "", false) + tempInfix + "456"
	foreign := []string{".other.tmp-789", "." + CaptureName("h", t0, 0, "", false) + tempInfix + "x1", "editor.tmp-1"}
	for _, n := range append([]string{stale, fresh}, foreign...) {
		writeString(t, filepath.Join(dir, n), "partial")
		if n != fresh {
			if err := os.Chtimes(filepath.Join(dir, n), old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	res, err := WriteCapture(dir, smallsnap.New("h", t0.Add(time.Hour), 0), CaptureOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{filepath.Join(dir, stale)}, res.Cleaned); diff != "" {
		t.Errorf("cleaned (-want +got):\n%s", diff)
	}
	want := append([]string{fresh, LockFileName, filepath.Base(res.Path)}, foreign...)
	slices.Sort(want)
	if diff := cmp.Diff(want, names(t, dir)); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}
}
