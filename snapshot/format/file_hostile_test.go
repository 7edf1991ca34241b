package format_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/procsnap/procsnap/snapshot/format"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/fixtures/badsnap"
	"github.com/procsnap/procsnap/snapshot"
)

// writeFile writes data to dir/name and returns the path.
func writeFile(tb testing.TB, dir, name string, data []byte) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

// checkBadLoad asserts that err is a one-line error naming path, wrapping a snapshot sentinel.
func checkBadLoad(tb testing.TB, path string, err error, want string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("Load(%s) succeeded, want an error containing %q", path, want)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, path+": ") {
		tb.Errorf("error does not start with the file name %q: %q", path, msg)
	}
	if strings.ContainsAny(msg, "\r\n") {
		tb.Errorf("error is not one line: %q", msg)
	}
	if !strings.Contains(msg, want) {
		tb.Errorf("error %q does not contain %q", msg, want)
	}
	if !errors.Is(err, snapshot.ErrInvalid) && !errors.Is(err, snapshot.ErrSchema) && !errors.Is(err, snapshot.ErrTooLarge) {
		tb.Errorf("error wraps no snapshot sentinel: %v", err)
	}
}

func TestLoadValidFixtures(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"valid.yaml": []byte(badsnap.Valid), "valid.json": []byte(badsnap.ValidJSON),
		"valid.yaml.gz": badsnap.Gzip([]byte(badsnap.Valid)),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := format.Load(writeFile(t, dir, name, data)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestLoadBadFiles(t *testing.T) {
	dir := t.TempDir()
	for _, c := range badsnap.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			p := writeFile(t, dir, c.File, c.Data)
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := format.Load(p)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			checkBadLoad(t, p, err, c.Want)
			// Bounded memory: no input here may cost more than 64 MB to reject (the alias bombs
			// expand to 10^9 strings or 9*10^6 fds if nothing stops them).
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("rejecting %s allocated %d MB", c.File, alloc>>20)
			}
		})
	}
}

func TestLoadNotAFile(t *testing.T) {
	dir := t.TempDir()
	_, err := format.Load(dir)
	checkBadLoad(t, dir, err, "is a directory")
	missing := filepath.Join(dir, "missing.yaml")
	if _, err := format.Load(missing); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("Load(missing) = %v, want a not-exist error naming the file", err)
	}
}

// TestLoadTruncatedEverywhere cuts a real-shaped snapshot at every byte, in each format procsnap
// writes: no prefix may load, except the whole file without its final newline, which must load
// as the same snapshot.
func TestLoadTruncatedEverywhere(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"valid.yaml", []byte(badsnap.Valid)},
		{"valid.json", []byte(badsnap.ValidJSON)},
		{"valid.yaml.gz", badsnap.Gzip([]byte(badsnap.Valid))},
	} {
		t.Run(c.name, func(t *testing.T) {
			full, err := format.Decode(bytes.NewReader(c.data), c.name)
			if err != nil {
				t.Fatal(err)
			}
			loaded := 0
			for n := range len(c.data) {
				s, err := format.Decode(bytes.NewReader(c.data[:n]), c.name)
				if err != nil {
					if !strings.HasPrefix(err.Error(), c.name+": ") || strings.Contains(err.Error(), "\n") {
						t.Fatalf("cut at %d: error %q", n, err)
					}
					continue
				}
				loaded++
				if len(bytes.TrimRight(c.data[n:], "\n")) != 0 {
					t.Errorf("cut at byte %d of %d loads as a snapshot of %d processes", n, len(c.data), len(s.Processes))
				} else if d := cmp.Diff(full, s); d != "" {
					t.Errorf("cut at %d (trailing newline only) loads differently (-full +cut):\n%s", n, d)
				}
			}
			t.Logf("%d prefixes, %d rejected", len(c.data), len(c.data)-loaded)
		})
	}
}

func TestLoadPPIDCycle(t *testing.T) {
	// pid 200 and 201 are each other's parent: impossible at one instant, possible in a snapshot
	// read over time. Loading keeps it; consumers walking parents must stop at a visited pid.
	data := strings.Replace(badsnap.Valid, "    ppid: 1\n", "    ppid: 201\n", 1)
	s, err := format.Decode(strings.NewReader(data), "cycle.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Find(200).PPID != 201 || s.Find(201).PPID != 200 {
		t.Fatalf("cycle not kept: %+v", s.Processes)
	}
}
