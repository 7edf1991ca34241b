package cmd

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/procsnap/procsnap/fixtures/badsnap"
)

// TestInputFIFOUnprivileged: a FIFO (or a device) given where a snapshot file belongs is refused
// at once, naming what it is, and validate goes on to the next file; "-" reads standard input.
// Run as uid 65534; on main these commands blocked forever in open(2), SIGTERM or not.
func TestInputFIFOUnprivileged(t *testing.T) {
	bin, shared := hostileBinary(t)
	fifo := filepath.Join(shared, "snap.yaml")
	mkfifo(t, fifo)
	good := filepath.Join(shared, "good.yaml")
	write(t, good, badsnap.Valid)
	for _, c := range []struct {
		name  string
		args  []string
		stdin string
		code  int
		want  []string
	}{
		{"validate fifo good", []string{"validate", fifo, good}, "", 2,
			[]string{fifo + ": invalid snapshot: is a FIFO, not a regular file", good + ": ok"}},
		{"tree fifo", []string{"tree", fifo}, "", 2, []string{"is a FIFO, not a regular file"}},
		{"ps fifo", []string{"ps", fifo}, "", 2, []string{"is a FIFO, not a regular file"}},
		{"diff fifo good", []string{"diff", fifo, good}, "", 2, []string{"is a FIFO, not a regular file"}},
		{"diff good fifo", []string{"diff", good, fifo}, "", 2, []string{"is a FIFO, not a regular file"}},
		{"validate /dev/zero", []string{"validate", "/dev/zero"}, "", 2, []string{"is a character device, not a regular file"}},
		{"validate - (stdin)", []string{"validate", "-"}, badsnap.Valid, 0, []string{"-: ok"}},
		{"diff - good", []string{"diff", "-", good}, badsnap.Valid, 0, nil},
		{"diff - -", []string{"diff", "-", "-"}, badsnap.Valid, 2, []string{"standard input for one snapshot only"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			argv := asNobody(append([]string{bin}, c.args...)...)
			cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
			cmd.Stdin = strings.NewReader(c.stdin)
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("%v: still blocked after 60 s: %s", c.args, out)
			}
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code {
				t.Errorf("%v: exit %d, want %d: %s", c.args, code, c.code, out)
			}
			for _, w := range c.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("%v: output %q lacks %q", c.args, out, w)
				}
			}
		})
	}
}
