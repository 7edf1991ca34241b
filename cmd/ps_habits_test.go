package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/procsnap/procsnap/fixtures/stage"
)

// startEUID starts argv with real uid 0 and effective uid 65534 (setpriv --euid), or skips.
func startEUID(t *testing.T, argv ...string) int {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to set another effective uid")
	}
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv not installed")
	}
	cmd := exec.Command("setpriv", append([]string{"--euid=65534", "--"}, argv...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	return pid
}

// waitCmdline waits until setpriv has exec'd its command: its cmdline starts with prefix.
func waitCmdline(t *testing.T, pid int, prefix string) {
	t.Helper()
	stage.WaitFor(t, "sleep exec'd", func() (bool, error) {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		return err == nil && strings.HasPrefix(string(b), prefix), err
	})
}

type psRow struct {
	PID     int    `json:"pid"`
	PPID    int    `json:"ppid"`
	UID     int    `json:"uid"`
	EUID    int    `json:"euid"`
	Command string `json:"command"`
}

// psJSON runs ps on the snapshot file snap.
func psJSON(t *testing.T, snap string, o *psOptions) ([]psRow, error) {
	t.Helper()
	var out bytes.Buffer
	o.columns, o.sort, o.format = "pid,ppid,uid,euid,command", "pid", "json"
	if err := runPS(context.Background(), &globalOptions{procRoot: "/proc"}, o, []string{snap}, &out); err != nil {
		return nil, err
	}
	var rows []psRow
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	return rows, nil
}

func pidsOf(rows []psRow) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = r.PID
	}
	return out
}

// TestPSSelectLive checks ps's selection habits on a real process whose real and effective
// uids differ: -p shows just it, --ppid finds it under this test, -u matches the effective uid.
func TestPSSelectLive(t *testing.T) {
	if testing.Short() {
		t.Skip("stages real processes")
	}
	pid := startEUID(t, "sleep", "401")
	waitCmdline(t, pid, "sleep\x00401")
	// One photograph of the host, read four ways (a live read per case is slow on a busy host).
	snap := filepath.Join(t.TempDir(), "live.yaml")
	if code, _, errOut := runMain(t, "take", "--no-fds", "--no-stack", "-o", snap); code != ExitOK {
		t.Fatalf("take: exit %d: %s", code, errOut)
	}
	rows, err := psJSON(t, snap, &psOptions{pids: []int{pid}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].PID != pid || rows[0].EUID != 65534 || rows[0].UID != 0 || rows[0].Command != "sleep 401" {
		t.Fatalf("ps -p %d = %+v, want just that process, uid 0, euid 65534, sleep 401", pid, rows)
	}
	cases := []struct {
		name string
		o    psOptions
		want bool
	}{
		{"--ppid of this test", psOptions{ppids: []int{os.Getpid()}}, true},
		{"-u effective uid", psOptions{users: []string{"65534"}}, true},
		{"-u its real uid", psOptions{users: []string{"0"}}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := psJSON(t, snap, &tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Contains(pidsOf(rows), pid); got != tc.want {
				t.Errorf("pid %d shown = %v, want %v (rows %v)", pid, got, tc.want, pidsOf(rows))
			}
		})
	}
}

func TestPSErrors(t *testing.T) {
	noFDs := filepath.Join(t.TempDir(), "nofds.yaml")
	if code, _, errOut := runMain(t, "take", "--no-fds", "--no-stack", "--pid", "1", "-o", noFDs); code != ExitOK {
		t.Fatalf("take: exit %d: %s", code, errOut)
	}
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"sort on fds not read", []string{"ps", noFDs, "--sort", "-fds"}, "procsnap: --sort -fds: column was not read: the snapshot was taken with --no-fds"},
		{"pid absent", []string{"ps", noFDs, "-p", "99999999"}, "procsnap: no process matches -p 99999999"},
		{"user matching no one", []string{"ps", noFDs, "-u", "65533"}, "procsnap: no process matches -u 65533"},
		{"negative ppid", []string{"ps", noFDs, "--ppid", "-4"}, "procsnap: --pid/--ppid -4: want a positive PID"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runMain(t, tc.args...)
			if code != ExitUsage || out != "" || !strings.HasPrefix(errOut, tc.wantErr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, out, errOut, tc.wantErr)
			}
		})
	}
}

// TestPSPipeNotCut: on a pipe (not a terminal) nothing is cut, whatever $COLUMNS says, and
// --no-headers drops the header.
func TestPSPipeNotCut(t *testing.T) {
	long := strings.Repeat("x", 300)
	pid := startEUID(t, "sh", "-c", "sleep 402; :", long)
	waitCmdline(t, pid, "sh\x00-c\x00sleep 402; :\x00"+long)
	t.Setenv("COLUMNS", "80")
	code, out, errOut := runMain(t, "ps", "-p", strconv.Itoa(pid), "-o", "pid,command", "--no-headers")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if want := strconv.Itoa(pid) + "  sh -c sleep 402; : " + long + "\n"; out != want {
		t.Errorf("ps on a pipe = %q, want %q", out, want)
	}
}
