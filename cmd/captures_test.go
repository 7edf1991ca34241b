package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/procsnap/procsnap/snapshot/capture"
	snapformat "github.com/procsnap/procsnap/snapshot/format"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/snapshot"
)

// update (-update) is declared in diff_test.go.

var base = time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)

// synthetic is a small snapshot of host at base+minutes: pid 1, pid 10 (a shell) and, from
// minute 10, pid 20 (a child of 10) that is a zombie from minute 20.
func synthetic(host, boot string, minutes int) *snapshot.Snapshot {
	s := &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema, Hostname: host, BootID: boot,
		TakenAt: base.Add(time.Duration(minutes) * time.Minute), PIDNamespace: "pid:[4026531836]",
		Options: snapshot.Options{NoFDs: true}}}
	add := func(pid, ppid int, comm, state string) {
		s.Processes = append(s.Processes, snapshot.Process{PID: pid, PPID: ppid, PGID: pid, SID: pid,
			StartTicks: uint64(pid * 100), Comm: comm, State: state, Threads: 1})
	}
	add(1, 0, "init", "S")
	add(10, 1, "sh", "S")
	if minutes >= 10 {
		state := "S"
		if minutes >= 20 {
			state = "Z"
		}
		add(20, 10, "worker", state)
	}
	s.Header.Counts = s.Count()
	return s
}

// syntheticDir writes captures of host "web" at the given minutes (boot "b1"), plus
// extra files, and returns the directory.
func syntheticDir(tb testing.TB, minutes ...int) string {
	tb.Helper()
	dir := tb.TempDir()
	for _, m := range minutes {
		if _, err := capture.WriteCapture(dir, synthetic("web", "b1", m), capture.CaptureOptions{}); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

func golden(tb testing.TB, name, got string) {
	tb.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test ./cmd -run %s -update)", err, tb.Name())
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		tb.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

func TestLsGolden(t *testing.T) {
	dir := syntheticDir(t, 0, 10, 20)
	if _, err := capture.WriteCapture(dir, synthetic("db", "b1", 5), capture.CaptureOptions{Gzip: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := capture.WriteCapture(dir, synthetic("web", "b1", 30), capture.CaptureOptions{Format: snapformat.FormatJSONL}); err != nil {
		t.Fatal(err)
	}
	broken := capture.CaptureName("web", base.Add(40*time.Minute), 0, "", false)
	if err := os.WriteFile(filepath.Join(dir, broken), []byte("not: [a snapshot"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"README", ".web-20261124T014000.000000000Z.yaml.tmp-1"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := captureMain(t, "ls", dir)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden(t, "ls", strings.ReplaceAll(out, dir, "DIR"))
	code, out, _ = captureMain(t, "ls", dir, "--host", "db")
	if code != ExitOK || strings.Count(out, "\n") != 2 {
		t.Errorf("ls --host db: exit %d\n%s", code, out)
	}
	code, out, _ = captureMain(t, "ls", dir, "--host", "db", "--no-headers", "-w")
	if code != ExitOK || strings.Count(out, "\n") != 1 || strings.Contains(out, "TIME") {
		t.Errorf("ls --no-headers: exit %d\n%s", code, out)
	}
}

func TestLogGolden(t *testing.T) {
	dir := syntheticDir(t, 0, 10, 20)
	// A capture that cannot be read, and one after a reboot.
	bad := capture.CaptureName("web", base.Add(25*time.Minute), 0, "", false)
	if err := os.WriteFile(filepath.Join(dir, bad), []byte("header: {schema: procsnap/v1}\nprocesses: [{pid: 0}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := capture.WriteCapture(dir, synthetic("web", "b2", 30), capture.CaptureOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"table", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			code, out, errs := captureMain(t, "log", dir, "--format", format)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			golden(t, "log."+format, strings.ReplaceAll(out, dir, "DIR"))
		})
	}
}

func TestCaptureDirErrors(t *testing.T) {
	one := syntheticDir(t, 0)
	two := syntheticDir(t, 0, 10)
	mixed := syntheticDir(t, 0, 10)
	if _, err := capture.WriteCapture(mixed, synthetic("db", "b1", 5), capture.CaptureOptions{}); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	file := filepath.Join(two, capture.CaptureName("web", base, 0, "", false))
	tests := []struct {
		name string
		args []string
		code ExitCode
		msg  string
	}{
		{"diff of one capture", []string{"diff", one}, ExitUsage, "no capture to compare with"},
		{"log of one capture", []string{"log", one}, ExitUsage, "a timeline needs two"},
		{"empty directory", []string{"log", empty}, ExitUsage, "no capture"},
		{"missing directory", []string{"ls", filepath.Join(empty, "nope")}, ExitUsage, "no such file"},
		{"several hosts", []string{"diff", mixed}, ExitUsage, "2 hosts (db, web): choose one with --host"},
		{"unknown host", []string{"log", mixed, "--host", "mail"}, ExitUsage, "of host mail"},
		{"to before the first", []string{"diff", two, "--to", "2026-11-23"}, ExitUsage, "no capture at or before 2026-11-23T00:00:00Z"},
		{"since and from", []string{"log", two, "--since", "1h", "--from", "2h"}, ExitUsage, "give one of them"},
		{"to before from", []string{"log", two, "--from", "1h", "--to", "2h"}, ExitUsage, "before the start"},
		{"bad time", []string{"diff", two, "--from", "yesterday"}, ExitUsage, `--from "yesterday"`},
		{"selection on files", []string{"diff", file, file, "--since", "1h"}, ExitUsage, "use diff DIR"},
		{"dir and file", []string{"diff", two, file}, ExitUsage, "give DIR alone"},
		{"log bad format", []string{"log", two, "--format", "xml"}, ExitUsage, "--format"},
		{"log bad kind", []string{"log", two, "--kind", "nope"}, ExitUsage, "--kind"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := captureMain(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d and a message with %q", code, stderr, tc.code, tc.msg)
			}
		})
	}
	if code, out, errs := captureMain(t, "diff", mixed, "--host", "web", "--format", "jsonl"); code != ExitOK || !strings.Contains(out, `"kind":"started","pid":20`) {
		t.Errorf("diff --host web: exit %d, %s\n%s", code, errs, out)
	}
}

func TestParseAgeAndWhen(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	ages := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"90s", 90 * time.Second, true}, {"1h30m", 90 * time.Minute, true}, {"7d", 7 * 24 * time.Hour, true},
		{"2w", 14 * 24 * time.Hour, true}, {"0s", 0, false}, {"-1h", 0, false}, {"d", 0, false}, {"3dw", 0, false},
		{"99999d", 0, false}, {"", 0, false},
	}
	for _, tc := range ages {
		t.Run("age "+tc.in, func(t *testing.T) {
			got, err := parseAge(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("parseAge(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
	whens := []struct {
		in   string
		want time.Time
	}{
		{"now", now},
		{"2h", now.Add(-2 * time.Hour)},
		{"1d", now.Add(-24 * time.Hour)},
		{"2026-11-24T01:30:00Z", time.Date(2026, 11, 24, 1, 30, 0, 0, time.UTC)},
		{"2026-11-24T03:30:00+02:00", time.Date(2026, 11, 24, 1, 30, 0, 0, time.UTC)},
		{"2026-11-24 01:30", time.Date(2026, 11, 24, 1, 30, 0, 0, time.UTC)},
		{"2026-11-24", time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)},
		{"20261124T013000.123456789Z", time.Date(2026, 11, 24, 1, 30, 0, 123456789, time.UTC)},
	}
	for _, tc := range whens {
		t.Run("when "+tc.in, func(t *testing.T) {
			got, err := parseWhen(tc.in, now)
			if err != nil || !got.Equal(tc.want) || got.Location() != time.UTC {
				t.Errorf("parseWhen(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
	if _, err := parseWhen("tomorrow", now); err == nil {
		t.Error("parseWhen(tomorrow) succeeded")
	}
}
