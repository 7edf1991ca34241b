package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMistakes: each mistake a user makes gets one clear line naming their input, never a Go
// internal, and a documented exit code.
func TestMistakes(t *testing.T) {
	dir := t.TempDir()
	caps := filepath.Join(dir, "caps")
	if code, _, errOut := runMain(t, "take", "--dir", caps, "--pid", "1", "--no-stack", "--no-fds"); code != ExitOK {
		t.Fatalf("take --dir: exit %d: %s", code, errOut)
	}
	future := time.Now().Add(48 * time.Hour).UTC().Format("2006-01-02")
	cases := []struct {
		name string
		args []string
		code ExitCode
		want string // stderr starts with this
	}{
		{"unknown command", []string{"dif", "a", "b"}, ExitUsage, `procsnap: unknown command "dif"; did you mean diff?`},
		{"unknown command, no suggestion", []string{"zzzz"}, ExitUsage, `procsnap: unknown command "zzzz"`},
		{"extension contradicts --format", []string{"take", "--pid", "1", "--format", "yaml", "-o", filepath.Join(dir, "s.json")},
			ExitUsage, "procsnap: -o " + filepath.Join(dir, "s.json") + " is named .json but --format is yaml"},
		{"take --pid missing", []string{"take", "--pid", "99999999", "--no-stack", "-o", filepath.Join(dir, "m.yaml")},
			ExitUsage, "procsnap: --pid 99999999: no such process; nothing written"},
		{"tree --user matching no one", []string{"tree", "--user", "65533"}, ExitUsage, "procsnap: no process matches --user 65533"},
		{"unknown user", []string{"tree", "--user", "no-such-user-zz"}, ExitUsage, `procsnap: --user "no-such-user-zz": no such user on this host`},
		{"log window of one capture", []string{"log", caps, "--from", future}, ExitUsage,
			"procsnap: " + caps + ": --from " + future + " leaves one capture"},
		{"pid not a number", []string{"ps", "-p", "abc"}, ExitUsage, `procsnap: --pid "abc": not a number`},
		{"bad duration", []string{"log", caps, "--since", "3x"}, ExitUsage, `procsnap: --since "3x": not a duration`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runMain(t, tc.args...)
			if code != tc.code || out != "" || !strings.HasPrefix(errOut, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, out, errOut, tc.code, tc.want)
			}
			for _, internal := range []string{"strconv", "time:", "user:", ".tmp", "*cmd.", "*render."} {
				if strings.Contains(errOut, internal) {
					t.Errorf("stderr names a Go internal %q: %s", internal, errOut)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "m.yaml")); err == nil {
		t.Error("take --pid of a missing process wrote its file")
	}
}

// TestNoCommandIsHelp: procsnap alone prints help and succeeds.
func TestNoCommandIsHelp(t *testing.T) {
	code, out, errOut := runMain(t)
	if code != ExitOK || !strings.Contains(out, "Available Commands") || errOut != "" {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
}

// TestCompressToTerminal: --compress to stdout is refused when stdout is a terminal, as gzip
// refuses, and allowed on a pipe or with a .gz file.
func TestCompressToTerminal(t *testing.T) {
	cases := []struct {
		name    string
		o       takeOptions
		tty     bool
		wantErr string
	}{
		{"terminal", takeOptions{compress: true}, true, "--compress: compressed data not written to a terminal"},
		{"pipe", takeOptions{compress: true}, false, ""},
		{"file", takeOptions{compress: true, output: filepath.Join(t.TempDir(), "s.yaml.gz")}, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.o.target(tc.tty)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("target: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.wantErr)):
				t.Errorf("target = %v, want %q", err, tc.wantErr)
			}
		})
	}
}
