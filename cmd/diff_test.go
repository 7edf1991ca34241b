package cmd

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	snapformat "github.com/procsnap/procsnap/snapshot/format"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/snapshot"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

const fixtureBoot = "0d6a3b52-6c36-4c1a-9a0e-51c6c7a3f3a1"

// diffPair writes two small snapshots: between them a listener (600) double-forked a daemon
// (620) that shares its socket, a shell (300) exec'd, and a parent (500) left a zombie (501)
// unreaped. B is written gzipped JSON, A as YAML.
func diffPair(t *testing.T, mutateB func(*snapshot.Snapshot)) (a, b string) {
	t.Helper()
	at := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	hdr := func(at time.Time) snapshot.Header {
		return snapshot.Header{Schema: snapshot.Schema, TakenAt: at, Hostname: "fixture", BootID: fixtureBoot,
			PIDNamespace: "pid:[4026531836]", UserHZ: 100, TakerPID: 9999}
	}
	sock := snapshot.FD{FD: 3, Target: "socket:[7001]", Kind: snapshot.KindSocket, Inode: 7001, Flags: "4002"}
	procs := func(after bool) []snapshot.Process {
		ps := []snapshot.Process{
			{PID: 1, StartTicks: 1, Comm: "systemd", State: "S", PGID: 1, SID: 1, SigChld: "handler"},
			{PID: 300, StartTicks: 3000, PPID: 1, PGID: 300, SID: 300, Comm: "sh", State: "S", Exe: "/usr/bin/sh", Cmdline: []string{"sh", "-c", "exec app"}},
			{PID: 500, StartTicks: 5000, PPID: 1, PGID: 500, SID: 500, Comm: "server", State: "S", Wchan: "do_select", SigChld: "default"},
			{PID: 501, StartTicks: 5001, PPID: 500, PGID: 500, SID: 500, Comm: "child", State: "Z"},
			{PID: 600, StartTicks: 6000, PPID: 1, PGID: 600, SID: 600, Comm: "pgbouncer", State: "S", Exe: "/usr/bin/pgbouncer", FDs: []snapshot.FD{sock}},
		}
		if after {
			ps[1].Comm, ps[1].Exe, ps[1].Cmdline = "app", "/usr/bin/app", []string{"app"}
			ps = append(ps, snapshot.Process{PID: 620, StartTicks: 6200, PPID: 1, PGID: 610, SID: 610, Comm: "pgbouncer",
				State: "S", Exe: "/usr/bin/pgbouncer", FDs: []snapshot.FD{sock}})
		}
		return ps
	}
	dir := t.TempDir()
	a, b = filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.json.gz")
	sa := &snapshot.Snapshot{Header: hdr(at), Processes: procs(false)}
	sb := &snapshot.Snapshot{Header: hdr(at.Add(5 * time.Second)), Processes: procs(true)}
	if mutateB != nil {
		mutateB(sb)
	}
	sa.Header.Counts, sb.Header.Counts = sa.Count(), sb.Count() // as take sets them
	if err := snapformat.WriteFile(a, sa, ""); err != nil {
		t.Fatal(err)
	}
	if err := snapformat.WriteFile(b, sb, ""); err != nil {
		t.Fatal(err)
	}
	return a, b
}

func runMain(t *testing.T, args ...string) (code ExitCode, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd -update)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s (-want +got):\n%s", path, d)
	}
}

func TestDiffCommand(t *testing.T) {
	a, b := diffPair(t, nil)
	otherBootA, otherBootB := diffPair(t, func(s *snapshot.Snapshot) { s.Header.BootID = "another-boot" })
	cases := []struct {
		name     string
		args     []string
		wantCode ExitCode
		golden   bool
		wantErr  string
	}{
		{name: "table", args: []string{"diff", a, b}, golden: true},
		{name: "yaml", args: []string{"diff", a, b, "--format", "yaml"}, golden: true},
		{name: "json", args: []string{"diff", a, b, "--format", "json"}, golden: true},
		{name: "jsonl", args: []string{"diff", a, b, "--format", "jsonl"}, golden: true},
		{name: "kind_filter", args: []string{"diff", a, b, "--format", "jsonl", "--kind", "exec,daemonized"}, golden: true},
		{name: "pid_filter", args: []string{"diff", a, b, "--pid", "300"}, golden: true},
		{name: "swapped", args: []string{"diff", b, a, "--format", "jsonl", "--kind", "exec"}, golden: true},
		{name: "exit_code_events", args: []string{"diff", a, b, "--exit-code", "--format", "jsonl"}, wantCode: ExitDifferences, golden: true},
		{name: "exit_code_none", args: []string{"diff", a, a, "--exit-code"}, wantCode: ExitOK, golden: true},
		{name: "refuse_boot", args: []string{"diff", otherBootA, otherBootB}, wantCode: ExitUsage, wantErr: "different boots"},
		{name: "force_boot", args: []string{"diff", otherBootA, otherBootB, "--force", "--format", "jsonl", "--kind", "exec"}, golden: true},
		{name: "bad_format", args: []string{"diff", a, b, "--format", "xml"}, wantCode: ExitUsage, wantErr: "--format"},
		{name: "bad_kind", args: []string{"diff", a, b, "--kind", "exploded"}, wantCode: ExitUsage, wantErr: "--kind"},
		{name: "missing_file", args: []string{"diff", a, filepath.Join(t.TempDir(), "nope.yaml")}, wantCode: ExitUsage, wantErr: "nope.yaml"},
		{name: "no_args", args: []string{"diff"}, wantCode: ExitUsage, wantErr: "arg"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runMain(t, tc.args...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.wantCode, errOut)
			}
			if tc.wantErr != "" && !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("stderr %q does not mention %q", errOut, tc.wantErr)
			}
			if tc.golden {
				checkGolden(t, "diff_"+tc.name, out)
			}
		})
	}
}

// TestDiffJSONLStable checks that every jsonl line is one event object with the contract fields.
func TestDiffJSONLStable(t *testing.T) {
	a, b := diffPair(t, nil)
	code, out, errOut := runMain(t, "diff", a, b, "--format", "jsonl")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 3 {
		t.Fatalf("want several events, got %q", out)
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		for _, k := range []string{"kind", "pid", "start_ticks", "comm", "summary"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line %q lacks %q", l, k)
			}
		}
	}
}

// TestDiffLive diffs a snapshot of this host against the host now, as `procsnap diff A` does.
func TestDiffLive(t *testing.T) {
	if testing.Short() {
		t.Skip("reads /proc")
	}
	a := filepath.Join(t.TempDir(), "a.yaml")
	if code, _, errOut := runMain(t, "take", "--no-stack", "--pid", "1", "--pid", strconv.Itoa(os.Getpid()), "-o", a); code != ExitOK {
		t.Fatalf("take: exit %d: %s", code, errOut)
	}
	code, out, errOut := runMain(t, "diff", a, "--format", "json", "--pid", "1")
	if code != ExitOK {
		t.Fatalf("diff: exit %d: %s", code, errOut)
	}
	var res struct {
		Events []map[string]any        `json:"events"`
		B      struct{ Processes int } `json:"b"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.B.Processes == 0 || res.B.Processes > 2 {
		t.Errorf("live B has %d processes, want A's PID list (1 and the test)", res.B.Processes)
	}
	for _, e := range res.Events {
		if e["kind"] == "started" || e["kind"] == "exited" || e["kind"] == "pid_reused" {
			t.Errorf("pid 1 %v between two reads a moment apart", e)
		}
	}
}
