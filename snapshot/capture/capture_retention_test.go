package capture

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/procsnap/procsnap/fixtures/smallsnap"
	"github.com/procsnap/procsnap/snapshot/format"

	"github.com/google/go-cmp/cmp"
)

func TestRetention(t *testing.T) {
	hour := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	now := hour(10)
	tests := []struct {
		name   string
		keep   int
		maxAge time.Duration
		// wantKept are the hours of this host's captures left, the new one (hour 10) included.
		wantKept []int
	}{
		{"no retention", 0, 0, []int{1, 2, 5, 8, 9, 10}},
		{"keep 3", 3, 0, []int{8, 9, 10}},
		{"keep 1", 1, 0, []int{10}},
		{"keep more than there are", 50, 0, []int{1, 2, 5, 8, 9, 10}},
		{"max age 4h", 0, 4*time.Hour + time.Minute, []int{8, 9, 10}},
		{"max age 6h", 0, 6 * time.Hour, []int{5, 8, 9, 10}},
		{"keep 4 and max age 4h30m: either rule removes", 4, 4*time.Hour + 30*time.Minute, []int{8, 9, 10}},
		{"keep 2 and max age 1 day", 2, 24 * time.Hour, []int{9, 10}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, h := range []int{1, 2, 5, 8, 9} {
				if _, err := WriteCapture(dir, smallsnap.New("web", hour(h), 0), CaptureOptions{Gzip: h%2 == 0}); err != nil {
					t.Fatal(err)
				}
			}
			foreign := plantForeignFiles(t, dir, hour)
			res, err := WriteCapture(dir, smallsnap.New("web", hour(10), 0),
				CaptureOptions{Keep: tc.keep, MaxAge: tc.maxAge, Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			var kept []int
			for _, c := range mustList(t, dir) {
				if c.Host == "web" && c.Seq == 0 && format.IsProcsnapFile(c.Path) {
					kept = append(kept, int(c.Time.Sub(t0)/time.Hour))
				}
			}
			if diff := cmp.Diff(tc.wantKept, kept); diff != "" {
				t.Errorf("captures kept, in hours (-want +got):\n%s", diff)
			}
			if len(res.Pruned) != 6-len(tc.wantKept) {
				t.Errorf("Pruned lists %d files, want %d: %q", len(res.Pruned), 6-len(tc.wantKept), res.Pruned)
			}
			for name, content := range foreign {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil || string(b) != content {
					t.Errorf("foreign file %s: %q, %v; want it untouched", name, b, err)
				}
			}
		})
	}
}

// plantForeignFiles puts into dir files procsnap did not write, all old: other hosts' captures,
// a file named like a capture of this host but not a snapshot, a symlink named like one, and
// files with other names. It returns name → content (a symlink's target path).
func plantForeignFiles(tb testing.TB, dir string, hour func(int) time.Time) map[string]string {
	tb.Helper()
	other := filepath.Join(dir, CaptureName("db", hour(0), 0, "", false))
	if err := format.WriteFile(other, smallsnap.New("db", hour(0), 0), ""); err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile(other)
	if err != nil {
		tb.Fatal(err)
	}
	files := map[string]string{
		filepath.Base(other):                            string(b),
		CaptureName("web", hour(0), 1, "", false):       "my own notes, named like a capture",
		CaptureName("web", hour(0), 2, "", true):        "not gzip either",
		CaptureName("webserver", hour(0), 0, "", false): string(b),
		"web-backup.yaml":                               string(b),
		"README":                                        "keep me",
	}
	for name, content := range files {
		if name != filepath.Base(other) {
			writeString(tb, filepath.Join(dir, name), content)
		}
	}
	link := CaptureName("web", hour(0), 3, "", false)
	if err := os.Symlink(other, filepath.Join(dir, link)); err != nil {
		tb.Fatal(err)
	}
	files[link] = string(b) // read through the link: the target must be intact too
	return files
}

func mustList(tb testing.TB, dir string) []Capture {
	tb.Helper()
	cs, err := ListCaptures(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return cs
}

func TestIsProcsnapFile(t *testing.T) {
	dir := t.TempDir()
	s := smallsnap.New("h", t0, 0)
	for _, name := range []string{"a.yaml", "a.json", "a.yaml.gz", "a.jsonl", "a.jsonl.gz"} {
		if err := format.WriteFile(filepath.Join(dir, name), s, ""); err != nil {
			t.Fatal(err)
		}
	}
	writeString(t, filepath.Join(dir, "text"), "hello")
	writeString(t, filepath.Join(dir, "empty"), "")
	writeString(t, filepath.Join(dir, "bad.gz"), "\x1f\x8bnot really")
	if err := os.Symlink("a.yaml", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, name := range names(t, dir) {
		if format.IsProcsnapFile(filepath.Join(dir, name)) {
			got = append(got, name)
		}
	}
	want := []string{"a.json", "a.jsonl", "a.jsonl.gz", "a.yaml", "a.yaml.gz"}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("IsProcsnapFile true for (-want +got):\n%s", diff)
	}
}

func TestConcurrentCapturesWithRetention(t *testing.T) {
	dir := t.TempDir()
	const writers, keep = 8, 3
	errs := make(chan error, writers)
	for i := range writers {
		go func() {
			_, err := WriteCapture(dir, smallsnap.New("h", t0.Add(time.Duration(i)*time.Millisecond), 0),
				CaptureOptions{Keep: keep})
			errs <- err
		}()
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	cs := mustList(t, dir)
	var got []time.Time
	for _, c := range cs {
		if _, err := format.Load(c.Path); err != nil {
			t.Error(err)
		}
		got = append(got, c.Time)
	}
	// Every writer prunes after publishing, under the lock. A pass keeps its own capture (never
	// removed by its own run) and the keep-1 newest others by name, which a concurrent pass may
	// have removed first; the two newest by name are kept by every pass.
	if len(got) > keep || !slices.Contains(got, t0.Add(6*time.Millisecond)) || !slices.Contains(got, t0.Add(7*time.Millisecond)) {
		t.Errorf("captures left %v: want %d, the two newest (6ms and 7ms) among them", got, keep)
	}
}

// TestRetentionNeverRemovesTheNewCapture: captures whose names lie after the new one (a clock
// stepped back, a restored backup) must not make retention remove the capture just written.
func TestRetentionNeverRemovesTheNewCapture(t *testing.T) {
	hour := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	tests := []struct {
		name     string
		keep     int
		maxAge   time.Duration
		wantKept []int // hours left, the new capture (hour 10) included
		wantWhy  []string
	}{
		{"keep 1", 1, 0, []int{10}, []string{"beyond --keep 1", "beyond --keep 1", "beyond --keep 1", "beyond --keep 1"}},
		{"keep 3", 3, 0, []int{10, 20, 30}, []string{"beyond --keep 3", "beyond --keep 3"}},
		{"max age 2h: future names are never too old", 0, 2 * time.Hour, []int{10, 20, 30},
			[]string{"older than --max-age 2h0m0s: 9h0m0s old by its name", "older than --max-age 2h0m0s: 8h0m0s old by its name"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, h := range []int{1, 2, 20, 30} {
				if _, err := WriteCapture(dir, smallsnap.New("web", hour(h), 0), CaptureOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			res, err := WriteCapture(dir, smallsnap.New("web", hour(10), 0),
				CaptureOptions{Keep: tc.keep, MaxAge: tc.maxAge, Now: func() time.Time { return hour(10) }})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(res.Path); err != nil {
				t.Fatalf("the capture just written: %v", err)
			}
			var kept []int
			for _, c := range mustList(t, dir) {
				kept = append(kept, int(c.Time.Sub(t0)/time.Hour))
			}
			slices.Sort(kept)
			if diff := cmp.Diff(tc.wantKept, kept); diff != "" {
				t.Errorf("captures kept, in hours (-want +got):\n%s", diff)
			}
			var why []string
			for _, p := range res.Pruned {
				why = append(why, p.Why)
			}
			if diff := cmp.Diff(tc.wantWhy, why); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
			if res.Future != 2 {
				t.Errorf("Future = %d, want 2 (hours 20 and 30)", res.Future)
			}
		})
	}
}

// TestRetentionAfterConcurrentRemoval: a concurrent run's retention may remove the capture this
// run just wrote before this run prunes. It then takes none of the kept places: --keep N still
// leaves N captures, not N-1 (seen as 3 of 4 with six concurrent `take --keep 4`).
func TestRetentionAfterConcurrentRemoval(t *testing.T) {
	hour := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	dir := t.TempDir()
	var paths []string
	for _, h := range []int{1, 2, 3, 4, 5, 6} {
		res, err := WriteCapture(dir, smallsnap.New("web", hour(h), 0), CaptureOptions{})
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, res.Path)
	}
	// The run that wrote hour 2 prunes last; another run's --keep 4 removed hours 1 and 2.
	for _, p := range paths[:2] {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	pruned, _, err := prune(dir, "web", filepath.Base(paths[1]), hour(2), CaptureOptions{Keep: 4}, hour(7))
	if err != nil {
		t.Fatal(err)
	}
	if len(pruned) != 0 {
		t.Errorf("pruned %v, want nothing: 4 captures are left and --keep is 4", pruned)
	}
	if got := len(names(t, dir)); got < 4 {
		t.Errorf("%d entries left, want the 4 captures: %q", got, names(t, dir))
	}
}
