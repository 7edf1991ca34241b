package cmd

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestTreeArgsFlags(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		want    string // a line the output must contain
		notWant string // a fragment the output must not contain
	}{
		{"-a shows arguments", []string{"tree", "-a", fixture}, "431 cc1 main.c R [foreground, 4 threads]", ""},
		{"-a merges identical zombies", []string{"tree", "-a", fixture}, "└── 2*[defunct] Z [zombie]", ""},
		{"no -a: nothing merged", []string{"tree", fixture}, "defunct Z [zombie]", "*["},
		{"-p turns merging off", []string{"tree", "-a", "-p", fixture}, "defunct Z [zombie]", "*["},
		{"a pipe cuts nothing", []string{"tree", "-a", fixture}, "[exe deleted, child of pid 1, 2 zombie children]", "…"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := run(t, tc.args...)
			if code != ExitOK {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			}
			if tc.notWant != "" && strings.Contains(out, tc.notWant) {
				t.Errorf("output has %q:\n%s", tc.notWant, out)
			}
		})
	}
}

// TestTreeArgsMergesRealSleeps starts a shell with 4 identical `sleep 400` children: tree -a of
// the shell merges them into one "4*[sleep 400]" line, and -p lists each with its PID.
func TestTreeArgsMergesRealSleeps(t *testing.T) {
	sh := exec.Command("sh", "-c", "sleep 400 & sleep 400 & sleep 400 & sleep 400 & wait")
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	var kids []int
	t.Cleanup(func() {
		for _, pid := range kids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		_ = sh.Process.Kill()
		_ = sh.Wait()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		kids = sleepChildren(sh.Process.Pid)
		if len(kids) == 4 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(kids) != 4 {
		t.Fatalf("the shell has %d sleep 400 children, want 4", len(kids))
	}
	pid := strconv.Itoa(sh.Process.Pid)
	code, out, stderr := run(t, "tree", "-a", "--pid", pid)
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(out, "└── 4*[sleep 400] S") {
		t.Errorf("tree -a does not merge the 4 sleeps:\n%s", out)
	}
	_, out, _ = run(t, "tree", "-a", "-p", "--pid", pid)
	for _, k := range kids {
		if want := fmt.Sprintf("%d sleep 400 S", k); !strings.Contains(out, want) {
			t.Errorf("tree -a -p lacks %q:\n%s", want, out)
		}
	}
}

// sleepChildren returns the PIDs of the children of pid running `sleep 400` and asleep (state
// S): a child read between its exec and its first nanosleep is running (R), and tree prints the
// state it read.
func sleepChildren(pid int) []int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		return nil
	}
	var out []int
	for _, f := range strings.Fields(string(b)) {
		c, _ := strconv.Atoi(f)
		cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", c))
		if err == nil && string(cmd) == "sleep\x00400\x00" && asleep(c) {
			out = append(out, c)
		}
	}
	return out
}

// TestTreeArgsMergesRealSubtrees starts a shell with 3 identical children `sh -c 'sleep 403; :'`,
// each the parent of `sleep 403`: tree -a, and tree --sessions -a, merge the three subtrees into
// one "3*[sh -c sleep 403; : S───sleep 403 S]" line, as pstree prints 3*[sh───sleep].
func TestTreeArgsMergesRealSubtrees(t *testing.T) {
	sh := exec.Command("sh", "-c", "for i in 1 2 3; do sh -c 'sleep 403; :' & done; wait")
	sh.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-sh.Process.Pid, syscall.SIGKILL) // the whole group, by its PGID
		_ = sh.Wait()
	})
	pid := strconv.Itoa(sh.Process.Pid)
	want := "3*[sh -c sleep 403; : S───sleep 403 S]"
	for _, args := range [][]string{{"tree", "-a", "--pid", pid}, {"tree", "--sessions", "-a", "--pid", pid}} {
		var out string
		for deadline := time.Now().Add(30 * time.Second); ; {
			code, o, stderr := run(t, args...)
			if code != ExitOK {
				t.Fatalf("%v: exit %d, stderr %q", args, code, stderr)
			}
			out = o
			if strings.Contains(out, want) || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond) // the sleeps are still starting
		}
		if !strings.Contains(out, want) {
			t.Errorf("%v does not merge the 3 subtrees into %q:\n%s", args, want, out)
		}
		_, out, _ = run(t, append(args, "-p")...)
		// Only the shell's own subtree is the test's: its ancestors' command lines belong to
		// whatever runs the tests (a CI runner's arguments may hold "*[" or "sleep 403 S").
		sub := subtreeFrom(out, pid+" sh -c for i")
		if sub == "" || strings.Contains(sub, "*[") || strings.Count(sub, "sleep 403 S") != 3 {
			t.Errorf("%v -p merged, or lacks the 3 sleeps; the shell's subtree:\n%s\nthe whole tree:\n%s", args, sub, out)
		}
	}
}

// subtreeFrom returns the lines of a tree from the first one holding mark to the end, without
// the closing notes (the lines that start with "("); "" when no line holds mark.
func subtreeFrom(out, mark string) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if !strings.Contains(l, mark) {
			continue
		}
		var b strings.Builder
		for _, l := range lines[i:] {
			if !strings.HasPrefix(l, "(") {
				b.WriteString(l + "\n")
			}
		}
		return b.String()
	}
	return ""
}

// asleep reports whether /proc/pid/stat gives the state S (the field after the command's
// closing parenthesis).
func asleep(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	i := strings.LastIndexByte(string(b), ')')
	if err != nil || i < 0 {
		return false
	}
	f := strings.Fields(string(b[i+1:]))
	return len(f) > 0 && f[0] == "S"
}
