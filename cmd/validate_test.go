package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procsnap/procsnap/fixtures/badsnap"
)

func TestValidateBadFiles(t *testing.T) {
	dir := t.TempDir()
	for _, c := range badsnap.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			p := filepath.Join(dir, c.File)
			if err := os.WriteFile(p, c.Data, 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			code := Main([]string{"validate", p}, nil, &out, &errOut)
			if code != ExitUsage {
				t.Errorf("exit code %d, want %d", code, ExitUsage)
			}
			line := strings.TrimSuffix(out.String(), "\n")
			if strings.Contains(line, "\n") || !strings.HasPrefix(line, p+": ") || !strings.Contains(line, c.Want) {
				t.Errorf("stdout %q: want one line naming %s and containing %q", out.String(), p, c.Want)
			}
			if got, want := errOut.String(), "procsnap: some snapshot files are invalid: 1 of 1\n"; got != want {
				t.Errorf("stderr %q, want %q", got, want)
			}
			// The report table of issue 8: input, answer, exit code.
			t.Logf("| %s | `%s` | %d |", c.Name, strings.TrimPrefix(line, dir+"/"), code)
		})
	}
}

func TestValidateMixed(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "cut.yaml")
	if err := os.WriteFile(good, []byte(badsnap.Valid), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(badsnap.Valid[:len(badsnap.Valid)/2]), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.yaml")
	unreadable := dir // a directory
	var out, errOut bytes.Buffer
	code := Main([]string{"validate", good, bad, missing, unreadable}, nil, &out, &errOut)
	if code != ExitUsage {
		t.Errorf("exit code %d, want %d", code, ExitUsage)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := []string{good + ": ok", bad + ": invalid snapshot", missing + ": no such file or directory", dir + ": invalid snapshot: is a directory"}
	if len(lines) != len(want) {
		t.Fatalf("stdout:\n%s\nwant %d lines", out.String(), len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
	if !strings.Contains(errOut.String(), "3 of 4") {
		t.Errorf("stderr %q", errOut.String())
	}
	out.Reset()
	if code := Main([]string{"validate", good}, nil, &out, &errOut); code != ExitOK || out.String() != good+": ok\n" {
		t.Errorf("validate good.yaml: exit %d, stdout %q", code, out.String())
	}
	if code := Main([]string{"validate"}, nil, &out, &errOut); code != ExitUsage {
		t.Errorf("validate without files: exit %d, want %d", code, ExitUsage)
	}
}
