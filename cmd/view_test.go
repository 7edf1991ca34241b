package cmd

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixture = "../render/testdata/sessions.yaml"

// run runs procsnap in process and returns the exit code, stdout and stderr.
func run(tb testing.TB, args ...string) (ExitCode, string, string) {
	tb.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestTreeAndPSExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("header: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		args       []string
		want       ExitCode
		wantOut    string // a line the output must contain
		wantStderr string // a fragment stderr must contain
	}{
		{"tree from a file", []string{"tree", fixture}, ExitOK, "└── 802 loop-c S", ""},
		{"sessions from a file", []string{"tree", "--sessions", fixture}, ExitOK, "session 500 (leader exited) no tty", ""},
		{"sessions json", []string{"tree", "--sessions", "--format", "json", fixture}, ExitOK, `"leader_exited": true`, ""},
		{"pid filter", []string{"tree", "--pid", "451", fixture}, ExitOK, "451 prog t [traced by 450 gdb, 2 threads]", ""},
		{"numeric user", []string{"tree", "--user", "1000", "--comm", "tail", fixture}, ExitOK, "520 tail S", ""},
		{"named user", []string{"ps", "--user", "root", "--columns", "pid,comm", fixture}, ExitOK, "601  daemon", ""},
		{"ps yaml", []string{"ps", "--format", "yaml", "--columns", "pid,fds", "--sort", "-pid", fixture}, ExitOK, "- pid: 900", ""},
		{"bad format", []string{"tree", "--format", "xml", fixture}, ExitUsage, "", "--format"},
		{"bad ps format", []string{"ps", "--format", "text", fixture}, ExitUsage, "", "--format"},
		{"two files", []string{"tree", fixture, fixture}, ExitUsage, "", "accepts at most 1 arg"},
		{"missing file", []string{"tree", filepath.Join(dir, "none.yaml")}, ExitUsage, "", "none.yaml"},
		{"invalid file", []string{"ps", bad}, ExitUsage, "", "bad.yaml"},
		{"pid not in snapshot", []string{"tree", "--pid", "31337", fixture}, ExitUsage, "", "pid 31337"},
		{"negative pid", []string{"ps", "--pid", "-3", fixture}, ExitUsage, "", "--pid"},
		{"unknown user", []string{"tree", "--user", "no-such-user-zz", fixture}, ExitUsage, "", "no-such-user-zz"},
		{"bad pattern", []string{"tree", "--comm", "[", fixture}, ExitUsage, "", "--comm"},
		{"unknown column", []string{"ps", "--columns", "pid,rss", fixture}, ExitUsage, "", `unknown column "rss"`},
		{"unknown sort", []string{"ps", "--sort", "-rss", fixture}, ExitUsage, "", `unknown column "-rss"`},
		{"unreadable proc", []string{"tree", "--proc", filepath.Join(dir, "noproc")}, ExitFailure, "", "noproc"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := run(t, tc.args...)
			if code != tc.want {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, tc.want, stderr)
			}
			if !strings.Contains(out, tc.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tc.wantOut, out)
			}
			if !strings.Contains(stderr, tc.wantStderr) {
				t.Errorf("stderr %q lacks %q", stderr, tc.wantStderr)
			}
			if tc.want != ExitOK && out != "" {
				t.Errorf("failed command wrote to stdout: %q", out)
			}
		})
	}
}

func TestTreeNoColorOffTerminal(t *testing.T) {
	for _, args := range [][]string{{"tree", fixture}, {"tree", "--sessions", fixture}, {"ps", fixture}} {
		_, out, _ := run(t, args...)
		if strings.Contains(out, "\x1b[") {
			t.Errorf("%v: colour written to a non-terminal", args)
		}
	}
}

// TestHelpHasExamples loops over every registered command once: each has examples and lists
// its exit codes.
func TestHelpHasExamples(t *testing.T) {
	root := newRootCommand(IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard})
	var names []string
	for _, c := range root.Commands() {
		if c.Name() == "help" || c.Name() == "completion" || c.Name() == "version" {
			continue // cobra's own, and version, which takes nothing to exemplify
		}
		names = append(names, c.Name())
	}
	if len(names) < 8 {
		t.Fatalf("only %d commands registered: %v", len(names), names)
	}
	for _, name := range names {
		code, out, _ := run(t, name, "--help")
		if code != ExitOK || !strings.Contains(out, "Examples:") || !strings.Contains(out, "EXIT STATUS") {
			t.Errorf("%s --help: code %d, missing Examples or EXIT STATUS:\n%s", name, code, out)
		}
	}
}

// TestTreeKthreads: kernel threads are hidden by default with a line saying how many, shown
// with --kthreads, and the kernel's session 0 comes last.
func TestTreeKthreads(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		lastLine string
		has      bool // output shows kthreadd
	}{
		{"tree hides", []string{"tree", fixture}, "(2 kernel threads hidden; --kthreads shows them)", false},
		{"sessions hides", []string{"tree", "--sessions", fixture}, "(2 kernel threads hidden; --kthreads shows them)", false},
		{"tree --kthreads", []string{"tree", "--kthreads", fixture}, "", true},
		{"sessions --kthreads, kernel last", []string{"tree", "--sessions", "--kthreads", fixture}, "    └── 3 kworker/0:0 I [kernel thread]", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, tc.args...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if last := lines[len(lines)-1]; tc.lastLine != "" && last != tc.lastLine {
				t.Errorf("last line %q, want %q", last, tc.lastLine)
			}
			if got := strings.Contains(out, "kthreadd"); got != tc.has {
				t.Errorf("shows kthreadd = %v, want %v:\n%s", got, tc.has, out)
			}
			if strings.Contains(out, "hidden") == tc.has {
				t.Errorf("hidden line with --kthreads or missing without:\n%s", out)
			}
		})
	}
}
