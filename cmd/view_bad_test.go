package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procsnap/procsnap/fixtures/badsnap"
)

// TestViewBadFiles runs every command that reads a snapshot file on every hostile file: exit 2,
// one line on stderr naming the file, nothing on stdout.
func TestViewBadFiles(t *testing.T) {
	dir := t.TempDir()
	for _, c := range badsnap.Cases() {
		p := filepath.Join(dir, c.File)
		if err := os.WriteFile(p, c.Data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, command := range []string{"tree", "ps"} {
			t.Run(command+"/"+c.Name, func(t *testing.T) {
				var out, errOut bytes.Buffer
				code := Main([]string{command, p}, nil, &out, &errOut)
				msg := strings.TrimSuffix(errOut.String(), "\n")
				if code != ExitUsage || out.Len() != 0 || strings.Contains(msg, "\n") ||
					!strings.HasPrefix(msg, "procsnap: "+p+": ") || !strings.Contains(msg, c.Want) {
					t.Errorf("%s %s: exit %d, stdout %d bytes, stderr %q; want exit 2 and one line naming the file with %q",
						command, c.File, code, out.Len(), errOut.String(), c.Want)
				}
			})
		}
	}
}

// TestViewPPIDCycle: a snapshot whose ppids form a cycle loads, and tree and ps show it.
func TestViewPPIDCycle(t *testing.T) {
	p := filepath.Join(t.TempDir(), "cycle.yaml")
	data := strings.Replace(badsnap.Valid, "    ppid: 1\n", "    ppid: 201\n", 1)
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, command := range []string{"tree", "ps"} {
		var out, errOut bytes.Buffer
		if code := Main([]string{command, p}, nil, &out, &errOut); code != ExitOK || !strings.Contains(out.String(), "bash") {
			t.Errorf("%s on a ppid cycle: exit %d, stderr %q, stdout:\n%s", command, code, errOut.String(), out.String())
		}
	}
}

// TestDenseRecordsExit2: a file of 200,000 one-line records (3 MB, which took 1.9 GB to load
// before the footprint bound) is refused by every command that reads it, as too large: exit 2,
// one line naming the file, nothing on stdout.
func TestDenseRecordsExit2(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "dense.yaml")
	if err := os.WriteFile(p, badsnap.ShortRecords(200000, false, 0), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"tree", p}, {"ps", p}, {"validate", p}, {"diff", p, p}, {"explain", "1", p}} {
		var out, errOut bytes.Buffer
		code := Main(args, nil, &out, &errOut)
		msg := strings.TrimSuffix(errOut.String(), "\n")
		if args[0] == "validate" { // its verdicts go to stdout, one line per file
			msg = strings.TrimSuffix(out.String(), "\n")
			out.Reset()
		}
		if code != ExitUsage || out.Len() != 0 || strings.Contains(msg, "\n") ||
			!strings.Contains(msg, p+": snapshot file too large") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and one line saying the file is too large",
				args, code, out.String(), errOut.String())
		}
	}
}
