package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/procsnap/procsnap/snapshot/capture"

	"github.com/procsnap/procsnap/fixtures/stage"
	"github.com/procsnap/procsnap/snapshot"
)

// TestMetricsCommand runs metrics on a snapshot file, to stdout and to a file.
func TestMetricsCommand(t *testing.T) {
	_, b := diffPair(t, nil)
	code, out, errOut := runMain(t, "metrics", b)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := `procsnap_zombies{parent_pid="500",parent_comm="server",parent_exe="",parent_sigchld="default"} 1`
	if !strings.Contains(out, want) {
		t.Errorf("missing %s in\n%s", want, out)
	}
	if strings.Contains(out, "procsnap_zombie_oldest_age_seconds") {
		t.Error("zombie age written without a capture history")
	}
	dir := t.TempDir()
	prom := filepath.Join(dir, "procsnap.prom")
	if code, _, errOut := runMain(t, "metrics", b, "-o", prom); code != ExitOK {
		t.Fatalf("-o: exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(prom)
	if err != nil || string(data) != out {
		t.Errorf("-o wrote %q (%v), stdout was %q", data, err, out)
	}
	if info, err := os.Stat(prom); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("-o file mode %v (%v), want 0644 so node_exporter can read it", info.Mode().Perm(), err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("-o left %d files in its directory, want only procsnap.prom", len(ents))
	}
}

func TestMetricsBadInput(t *testing.T) {
	_, b := diffPair(t, nil)
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("not: [a snapshot"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want ExitCode
	}{
		{"top zero", []string{"metrics", b, "--top", "0"}, ExitUsage},
		{"missing file", []string{"metrics", filepath.Join(t.TempDir(), "none.yaml")}, ExitUsage},
		{"not a snapshot", []string{"metrics", bad}, ExitUsage},
		{"since without dir", []string{"metrics", b, "--since", "1h"}, ExitUsage},
		{"output a directory", []string{"metrics", b, "-o", t.TempDir() + "/"}, ExitUsage},
		{"output unwritable", []string{"metrics", b, "-o", "/nonexistent/dir/procsnap.prom"}, ExitFailure},
		{"two args", []string{"metrics", b, b}, ExitUsage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runMain(t, tc.args...)
			if code != tc.want || errOut == "" {
				t.Errorf("exit %d with stderr %q, want %d and a message", code, errOut, tc.want)
			}
			if out != "" {
				t.Errorf("wrote %q to stdout on error", out)
			}
		})
	}
}

// TestMetricsCaptureHistory dates the zombies of the latest capture from older ones.
func TestMetricsCaptureHistory(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	for i := range 3 {
		s := &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema, TakenAt: at.Add(time.Duration(i) * 30 * time.Minute),
			Hostname: "fixture", BootID: fixtureBoot, PIDNamespace: "pid:[4026531836]", UserHZ: 100},
			Processes: []snapshot.Process{
				{PID: 1, StartTicks: 1, Comm: "systemd", State: "S", PGID: 1, SID: 1},
				{PID: 500, StartTicks: 5000, PPID: 1, PGID: 500, SID: 500, Comm: "server", State: "S", SigChld: "default"},
			}}
		if i > 0 { // the zombie appears in the second capture
			s.Processes = append(s.Processes, snapshot.Process{PID: 501, StartTicks: 5001, PPID: 500, PGID: 500, SID: 500, Comm: "child", State: "Z"})
		}
		s.Header.Counts = s.Count()
		if _, err := capture.WriteCapture(dir, s, capture.CaptureOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runMain(t, "metrics", dir)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := `procsnap_zombie_oldest_age_seconds{parent_pid="500",parent_comm="server",parent_exe="",parent_sigchld="default"} 1800`
	if !strings.Contains(out, want) {
		t.Errorf("missing %s in\n%s", want, out)
	}
	if code, out, _ := runMain(t, "metrics", dir, "--history", "0"); code != ExitOK || !strings.Contains(out, "} 0\n") {
		t.Errorf("--history 0: exit %d, want the age bound at 0:\n%s", code, out)
	}
}

// TestMetricsLiveZombies stages a parent that never reaps three zombies, takes the processes
// with take, and checks the metrics name the parent with its SIGCHLD disposition.
func TestMetricsLiveZombies(t *testing.T) {
	if testing.Short() {
		t.Skip("stages real processes")
	}
	parent, zombies := stage.Zombies(t, 3)
	args := []string{"take", "--no-stack", "--pid", strconv.Itoa(parent.PID)}
	for _, z := range zombies {
		args = append(args, "--pid", strconv.Itoa(z))
	}
	snap := filepath.Join(t.TempDir(), "s.yaml")
	if code, _, errOut := runMain(t, append(args, "-o", snap)...); code != ExitOK {
		t.Fatalf("take: exit %d: %s", code, errOut)
	}
	code, out, errOut := runMain(t, "metrics", snap)
	if code != ExitOK {
		t.Fatalf("metrics: exit %d: %s", code, errOut)
	}
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", parent.PID))
	if err != nil {
		t.Fatal(err)
	}
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", parent.PID))
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`procsnap_zombies{parent_pid="%d",parent_comm=%q,parent_exe=%q,parent_sigchld="default"} 3`,
		parent.PID, strings.TrimSpace(string(comm)), exe)
	if !strings.Contains(out, want) {
		t.Errorf("missing %s in\n%s", want, out)
	}
	if !strings.Contains(out, `procsnap_processes{state="Z"} 3`) {
		t.Errorf("want 3 processes in state Z:\n%s", out)
	}
}
