package proc_test

import (
	"bytes"
	"context"
	snapformat "github.com/procsnap/procsnap/snapshot/format"
	"github.com/procsnap/procsnap/snapshot/proc"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/procsnap/procsnap/fixtures/hostile"
	"github.com/procsnap/procsnap/snapshot"
)

// wantInit is pid 1 of every hostile tree: whatever pid 100 does, this record must not change.
var wantInit = snapshot.Process{
	PID: 1, StartTicks: 5, StartTime: time.Date(2026, 1, 1, 0, 0, 0, 50_000_000, time.UTC),
	PPID: 0, PGID: 1, SID: 1, TPGID: -1, Children: []int{100},
	State: "S", Threads: 1, Wchan: "do_wait", Stack: []string{"do_wait+0x5b/0x90"},
	Comm: "init", Exe: "/usr/bin/init", Cmdline: []string{"init", "--flag"}, Cwd: "/",
	SigCaught: "0000000000010000", SigIgnored: "0000000000001000", SigBlocked: "0000000000000000",
	SigChld: snapshot.SigChldHandler, NSpid: []int{1}, NSpgid: []int{1}, NSsid: []int{1},
	Namespaces:     map[string]uint64{"pid": 4026531836, "mnt": 4026531841, "net": 4026531840, "user": 4026531837},
	Cgroup:         "/system.slice/fixture.service",
	AuditLoginUID:  ptr(uint32(snapshot.AuditUnset)),
	AuditSessionID: ptr(uint32(snapshot.AuditUnset)),
	FDs:            []snapshot.FD{{FD: 0, Target: "/dev/null", Kind: snapshot.KindFile, Inode: 3, Flags: "0100000", MntID: 23}},
}

func ptr[T any](v T) *T { return &v }

func TestTakeHostileTrees(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	for _, sc := range hostile.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			root := filepath.Join("..", "..", "fixtures", "hostile", sc.Name)
			s, err := proc.Take(context.Background(), proc.TakeOptions{Root: root, Now: now})
			if err != nil {
				t.Fatalf("Take: %v", err)
			}
			if d := cmp.Diff(&wantInit, s.Find(1)); d != "" {
				t.Errorf("pid 1 is not intact (-want +got):\n%s", d)
			}
			checkVictim(t, sc, s)
			// What was taken must save and load: odd comms and cmdlines survive the round trip.
			for _, format := range []string{snapformat.FormatYAML, snapformat.FormatJSON} {
				var buf bytes.Buffer
				if err := snapformat.Encode(&buf, s, format); err != nil {
					t.Fatal(err)
				}
				back, err := snapformat.Decode(&buf, sc.Name+"."+format)
				if err != nil {
					t.Fatalf("%s round trip: %v", format, err)
				}
				if format == snapformat.FormatJSON {
					continue // JSON replaces invalid UTF-8 with U+FFFD by design
				}
				if d := cmp.Diff(s, back, cmpopts.EquateEmpty()); d != "" {
					t.Errorf("%s round trip (-taken +loaded):\n%s", format, d)
				}
			}
		})
	}
}

// checkVictim checks pid 100 against what the scenario says procsnap must make of it.
func checkVictim(t *testing.T, sc hostile.Scenario, s *snapshot.Snapshot) {
	t.Helper()
	p := s.Find(100)
	if sc.Skipped != "" {
		if p != nil {
			t.Fatalf("pid 100 recorded, want skipped as %s: %+v", sc.Skipped, p)
		}
		want := []snapshot.Skipped{{PID: 100, Reason: sc.Skipped}}
		if d := cmp.Diff(want, s.Header.Skipped); d != "" {
			t.Errorf("header.skipped (-want +got):\n%s", d)
		}
		if s.Header.Counts.Processes != 1 || s.Header.Counts.Skipped != 1 {
			t.Errorf("counts %+v, want 1 process and 1 skipped", s.Header.Counts)
		}
		return
	}
	if p == nil {
		t.Fatalf("pid 100 missing; skipped: %+v", s.Header.Skipped)
	}
	if p.Comm != sc.Comm || p.StartTicks != 900 || p.PPID != 1 {
		t.Errorf("pid 100: comm %q start %d ppid %d, want %q 900 1", p.Comm, p.StartTicks, p.PPID, sc.Comm)
	}
	if d := cmp.Diff(sc.Unread, p.Unread, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("pid 100 unread (-want +got):\n%s", d)
	}
	if sc.FDUnread != nil {
		got := map[int]string{}
		for _, fd := range p.FDs {
			got[fd.FD] = fd.Unread
			if fd.Unread == "" && fd.Flags == "" {
				t.Errorf("fd %d has neither flags nor a reason", fd.FD)
			}
		}
		if d := cmp.Diff(sc.FDUnread, got); d != "" {
			t.Errorf("pid 100 fd reasons (-want +got):\n%s", d)
		}
	}
}
