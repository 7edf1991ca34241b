package metrics

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/snapshot"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

var t0 = time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)

func hdr(at time.Time) snapshot.Header {
	return snapshot.Header{Schema: snapshot.Schema, TakenAt: at, Hostname: "web-7", BootID: "b1",
		PIDNamespace: "pid:[4026531836]", UserHZ: 100, ScanDurationNS: 12_500_000, TakerPID: 9999,
		Counts:  snapshot.Counts{Threads: 30, Unread: map[string]int{"permission_denied": 4}},
		Skipped: []snapshot.Skipped{{PID: 77, Reason: "vanished"}}}
}

// host returns a snapshot taken at `at`: init; a server (500) with three zombies and a worker
// pool (600) with one, both parents with hostile names; a job (410) stopped in a group its shell
// (400) left orphaned; a double-forked daemon (620); a subreaper (700) that adopted a process
// (720) of another session; a traced process (430); a program (440) that exec'd keeping fd 5.
func host(at time.Time, afterExec bool) *snapshot.Snapshot {
	fd := func(n int, cloexec bool) snapshot.FD {
		return snapshot.FD{FD: n, Target: "/tmp/f", Kind: snapshot.KindFile, Flags: "02", CloExec: cloexec}
	}
	ps := []snapshot.Process{
		{PID: 1, StartTicks: 1, Comm: "systemd", State: "S", PGID: 1, SID: 1},
		{PID: 400, StartTicks: 400, PPID: 1, PGID: 400, SID: 400, Comm: "bash", State: "S"},
		{PID: 410, StartTicks: 410, PPID: 1, PGID: 410, SID: 400, Comm: "vim", State: "T"},
		{PID: 430, StartTicks: 430, PPID: 400, PGID: 430, SID: 400, Comm: "gdb-target", State: "t", TracerPID: 400},
		{PID: 440, StartTicks: 440, PPID: 1, PGID: 440, SID: 440, Comm: "runner", State: "S", Exe: "/usr/bin/runner",
			FDs: []snapshot.FD{fd(5, false), fd(6, true)}},
		{PID: 500, StartTicks: 500, PPID: 1, PGID: 500, SID: 500, Comm: "srv \"x\"\n", Exe: "/opt/a\\b/srv\xff", State: "S", SigChld: "default"},
		{PID: 501, StartTicks: 501, PPID: 500, PGID: 500, SID: 500, Comm: "w", State: "Z"},
		{PID: 502, StartTicks: 502, PPID: 500, PGID: 500, SID: 500, Comm: "w", State: "Z"},
		{PID: 503, StartTicks: 503, PPID: 500, PGID: 500, SID: 500, Comm: "w", State: "Z"},
		{PID: 600, StartTicks: 600, PPID: 1, PGID: 600, SID: 600, Comm: "pool", Exe: "/usr/bin/pool", State: "S", SigChld: "ignore"},
		{PID: 601, StartTicks: 601, PPID: 600, PGID: 600, SID: 600, Comm: "p", State: "Z"},
		{PID: 620, StartTicks: 620, PPID: 1, PGID: 610, SID: 610, Comm: "daemon", State: "S"},
		{PID: 700, StartTicks: 700, PPID: 1, PGID: 700, SID: 700, Comm: "containerd-shim", State: "S"},
		{PID: 720, StartTicks: 720, PPID: 700, PGID: 710, SID: 710, Comm: "orphan", State: "S"},
		{PID: 800, StartTicks: 800, PPID: 9999, PGID: 800, SID: 800, Comm: "mine", State: "Z"},
	}
	if afterExec {
		ps[4].Comm, ps[4].Exe = "leaky", "/usr/bin/leaky"
	}
	return &snapshot.Snapshot{Header: hdr(at), Processes: ps}
}

func expose(tb testing.TB, in Input) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, Collect(in)); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test ./render/metrics -update)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		tb.Errorf("%s mismatch (-want +got):\n%s", path, d)
	}
}

// history returns three captures an hour apart: zombie 501 exists in all, 502 from the second,
// 503 and 601 only in the last.
func history() (oldest, prev, cur *snapshot.Snapshot) {
	oldest, prev, cur = host(t0, false), host(t0.Add(time.Hour), false), host(t0.Add(2*time.Hour), true)
	drop := func(s *snapshot.Snapshot, pids ...int) {
		var keep []snapshot.Process
		for _, p := range s.Processes {
			if !slices.Contains(pids, p.PID) {
				keep = append(keep, p)
			}
		}
		s.Processes = keep
	}
	drop(oldest, 502, 503, 601)
	drop(prev, 503, 601)
	return oldest, prev, cur
}

func TestGolden(t *testing.T) {
	oldest, prev, cur := history()
	h := NewZombieHistory(cur)
	if !h.Older(prev) || !h.Older(oldest) {
		t.Fatalf("history: zombie 501 is in every capture, an older one could still date it")
	}
	cases := map[string]Input{
		"live":    {Current: host(t0, false)},
		"history": {Current: cur, Previous: prev, ZombieSince: h.Since()},
		"top1":    {Current: cur, Previous: prev, ZombieSince: h.Since(), TopN: 1},
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			out := expose(t, in)
			golden(t, name, out)
			promtoolCheck(t, out)
		})
	}
}

// TestValues checks the numbers the golden files hold, one by one.
func TestValues(t *testing.T) {
	oldest, prev, cur := history()
	h := NewZombieHistory(cur)
	h.Older(prev)
	h.Older(oldest)
	out := string(expose(t, Input{Current: cur, Previous: prev, ZombieSince: h.Since(), TopN: 1}))
	for _, want := range []string{
		`procsnap_zombies{parent_pid="500",parent_comm="srv \"x\"\n",parent_exe="/opt/a\\b/srv` + "\uFFFD" + `",parent_sigchld="default"} 3`,
		`procsnap_zombies{parent_pid="other",parent_comm="",parent_exe="",parent_sigchld=""} 1`,
		`procsnap_zombie_oldest_age_seconds{parent_pid="500",parent_comm="srv \"x\"\n",parent_exe="/opt/a\\b/srv` + "\uFFFD" + `",parent_sigchld="default"} 7200`,
		`procsnap_zombie_oldest_age_seconds{parent_pid="other",parent_comm="",parent_exe="",parent_sigchld=""} 0`,
		"procsnap_zombie_parents 2\n",
		`procsnap_processes{state="Z"} 5`,
		"procsnap_orphaned_process_groups_stopped 1\n",
		`procsnap_adopted_processes{adopter="init"} 2`, // 410 (left by its shell's group) and 620
		`procsnap_adopted_processes{adopter="subreaper"} 1`,
		"procsnap_stopped_processes 1\n",
		"procsnap_traced_processes 1\n",
		"procsnap_open_fds_without_cloexec 1\n",
		`procsnap_fds_leaked_across_exec{exe="/usr/bin/leaky"} 1`,
		"procsnap_scan_duration_seconds 0.0125\n",
		`procsnap_unread_fields{reason="permission_denied"} 4`,
		`procsnap_skipped_processes{reason="vanished"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, `parent_pid="9999"`) {
		t.Errorf("the zombies of procsnap's own process are counted:\n%s", out)
	}
}

// TestHistoryStopsAtReboot checks that a capture of another boot does not date zombies.
func TestHistoryStopsAtReboot(t *testing.T) {
	_, prev, cur := history()
	prev.Header.BootID = "other-boot"
	h := NewZombieHistory(cur)
	if h.Older(prev) {
		t.Error("Older on another boot reported more history")
	}
	for k, since := range h.Since() {
		if !since.Equal(cur.Header.TakenAt) {
			t.Errorf("zombie %v dated %v from another boot", k, since)
		}
	}
}

// promtoolCheck runs promtool check metrics on out, when promtool is installed.
func promtoolCheck(tb testing.TB, out []byte) {
	tb.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		tb.Log("promtool not installed (apt-get install prometheus): promtool check metrics skipped")
		return
	}
	cmd := exec.Command(path, "check", "metrics")
	cmd.Stdin = bytes.NewReader(out)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		tb.Errorf("promtool check metrics: %v\n%s\n--- input:\n%s", err, msg, out)
	}
}

// TestPromtool fails when promtool is missing in CI, where .ci/run installs it.
func TestPromtool(t *testing.T) {
	if _, err := exec.LookPath("promtool"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("promtool missing in CI: .ci/run installs the prometheus package")
		}
		t.Skip("promtool not installed (apt-get install prometheus)")
	}
	promtoolCheck(t, expose(t, Input{Current: host(t0, false)}))
}
