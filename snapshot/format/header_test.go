package format

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/procsnap/procsnap/fixtures/smallsnap"
	"github.com/procsnap/procsnap/snapshot"

	"github.com/google/go-cmp/cmp"
)

func TestReadHeader(t *testing.T) {
	dir := t.TempDir()
	s := smallsnap.New("h", t0, 2)
	for _, name := range []string{"a.yaml", "a.json", "a.yaml.gz", "a.json.gz", "a.jsonl", "a.jsonl.gz"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := WriteFile(path, s, ""); err != nil {
				t.Fatal(err)
			}
			got, err := ReadHeader(path)
			if err != nil {
				t.Fatal(err)
			}
			want := s.Header
			if strings.Contains(name, "jsonl") {
				want = snapshot.Header{Schema: snapshot.Schema, Hostname: "h", BootID: s.Header.BootID, TakenAt: t0,
					Counts: snapshot.Counts{Processes: 5, Zombies: 2}}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ReadHeader (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadHeaderBadInput(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(mustWrite(t, dir, "good.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, content string
		want          error
	}{
		{"empty.yaml", "", snapshot.ErrInvalid},
		{"text.yaml", "hello: [", snapshot.ErrInvalid},
		{"no header.yaml", "processes: []\n", snapshot.ErrInvalid},
		{"future.yaml", strings.Replace(string(good), snapshot.Schema, "procsnap/v9", 1), snapshot.ErrSchema},
		{"other.json", `{"header": {"schema": "other/v1"}}`, snapshot.ErrSchema},
		{"array.json", `[1]`, snapshot.ErrInvalid},
		{"bad.jsonl", "{\"schema\":\"procsnap/v1\"}\nnot json\n", snapshot.ErrInvalid},
		{"bad.yaml.gz", "\x1f\x8b\x08garbage", snapshot.ErrInvalid},
		// yaml.v3 alone would truncate it to 300.
		{"float.yaml", regexp.MustCompile(`(?m)^  taker_pid: [0-9]+$`).ReplaceAllString(string(good), "  taker_pid: 300.5"), snapshot.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			writeString(t, path, tc.content)
			_, err := ReadHeader(path)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("ReadHeader err = %v, want %v naming %s", err, tc.want, path)
			}
		})
	}
}

func mustWrite(tb testing.TB, dir, name string) string {
	tb.Helper()
	path := filepath.Join(dir, name)
	if err := WriteFile(path, smallsnap.New("h", t0, 0), ""); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestReadHeaderOfTruncatedYAML(t *testing.T) {
	path := mustWrite(t, t.TempDir(), "a.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cut := strings.Index(string(b), "\nprocesses:") + len("\nprocesses:\n  - pid: 1\n    start_t") // mid-key
	writeString(t, path, string(b[:cut]))
	if _, err := ReadHeader(path); err != nil {
		t.Errorf("ReadHeader of a file cut after its header: %v", err)
	}
	if _, err := Load(path); !errors.Is(err, snapshot.ErrInvalid) {
		t.Errorf("Load of a file cut short: err = %v, want ErrInvalid", err)
	}
}

func TestEncodeJSONL(t *testing.T) {
	s := smallsnap.New("web-1", t0, 1)
	path := filepath.Join(t.TempDir(), "a.jsonl")
	if err := WriteFile(path, s, ""); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var got []snapshot.Process
	for sc.Scan() {
		if strings.Contains(sc.Text(), `\u003c`) {
			t.Errorf("line escapes HTML: %s", sc.Text())
		}
		var line struct {
			Schema  string    `json:"schema"`
			Host    string    `json:"host"`
			BootID  string    `json:"boot_id"`
			TakenAt time.Time `json:"taken_at"`
			snapshot.Process
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if line.Schema != snapshot.Schema || line.Host != "web-1" || line.BootID != s.Header.BootID || !line.TakenAt.Equal(t0) {
			t.Errorf("line lacks the header fields: %s", sc.Text())
		}
		got = append(got, line.Process)
	}
	if diff := cmp.Diff(s.Processes, got); diff != "" {
		t.Errorf("processes in jsonl (-want +got):\n%s", diff)
	}
	if _, err := Load(path); !errors.Is(err, snapshot.ErrUnknownFormat) {
		t.Errorf("Load(jsonl) err = %v, want ErrUnknownFormat", err)
	}
}
