package proc_test

import (
	"bytes"
	snapformat "github.com/procsnap/procsnap/snapshot/format"
	"github.com/procsnap/procsnap/snapshot/proc"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/procsnap/procsnap/fixtures/fakeproc"
)

// TestRoundTrip writes every fixture snapshot in every format procsnap writes, loads it back and
// requires the same model; and converts YAML -> model -> JSON -> model -> YAML requiring the
// same bytes. Empty and nil slices and maps are the same thing in the model (omitempty).
func TestRoundTrip(t *testing.T) {
	files := []string{"s.yaml", "s.yml", "s.json", "s.yaml.gz", "s.json.gz"}
	for _, name := range fakeproc.Scenarios(t) {
		t.Run(name, func(t *testing.T) {
			want := takeFixture(t, name, proc.TakeOptions{})
			dir := t.TempDir()
			for _, f := range files {
				path := filepath.Join(dir, f)
				if err := snapformat.WriteFile(path, want, ""); err != nil {
					t.Fatalf("WriteFile %s: %v", f, err)
				}
				if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
					t.Errorf("%s: mode %v (err %v), want 0600", f, fi.Mode().Perm(), err)
				}
				got, err := snapformat.Load(path)
				if err != nil {
					t.Fatalf("Load %s: %v", f, err)
				}
				if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s: write then load (-want +got):\n%s", f, diff)
				}
			}

			var y1, j, y2 bytes.Buffer
			if err := snapformat.Encode(&y1, want, snapformat.FormatYAML); err != nil {
				t.Fatal(err)
			}
			fromYAML, err := snapformat.Decode(bytes.NewReader(y1.Bytes()), "y1")
			if err != nil {
				t.Fatal(err)
			}
			if err := snapformat.Encode(&j, fromYAML, snapformat.FormatJSON); err != nil {
				t.Fatal(err)
			}
			fromJSON, err := snapformat.Decode(bytes.NewReader(j.Bytes()), "j")
			if err != nil {
				t.Fatal(err)
			}
			if err := snapformat.Encode(&y2, fromJSON, snapformat.FormatYAML); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(y1.String(), y2.String()); diff != "" {
				t.Errorf("YAML -> JSON -> YAML changed the text (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRoundTripTakenAtNanoseconds checks that taken_at keeps nanoseconds and comes back in UTC.
func TestRoundTripTakenAtNanoseconds(t *testing.T) {
	s := takeFixture(t, "nohost", proc.TakeOptions{})
	for _, format := range []string{snapformat.FormatYAML, snapformat.FormatJSON} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := snapformat.Encode(&buf, s, format); err != nil {
				t.Fatal(err)
			}
			got, err := snapformat.Decode(&buf, format)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Header.TakenAt.Equal(pinnedNow) || got.Header.TakenAt.Location().String() != "UTC" ||
				got.Header.TakenAt.Nanosecond() != pinnedNow.Nanosecond() {
				t.Errorf("taken_at %v, want %v in UTC", got.Header.TakenAt, pinnedNow.UTC())
			}
		})
	}
}
