package format

import (
	"bytes"
	"context"
	"github.com/procsnap/procsnap/snapshot"
	"github.com/procsnap/procsnap/snapshot/proc"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// wholeYAML is the reference: one yaml.v3 Encoder for the whole snapshot.
func wholeYAML(tb testing.TB, s *snapshot.Snapshot) string {
	tb.Helper()
	var b bytes.Buffer
	if err := encodeYAMLDoc(&b, s); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

func awkwardSnapshot() *snapshot.Snapshot {
	at := time.Date(2026, 11, 24, 1, 2, 3, 4, time.UTC)
	return &snapshot.Snapshot{
		Header: snapshot.Header{Schema: snapshot.Schema, TakenAt: at, Notes: []string{"a: b", "multi\nline"},
			Skipped: []snapshot.Skipped{{PID: 9, Reason: snapshot.ReasonVanished}}},
		Processes: []snapshot.Process{
			{PID: 1, StartTime: at, Comm: "init", State: "S", Cmdline: []string{"/sbin/init", ""},
				Namespaces: map[string]uint64{"pid": 4026531836, "net": 1}},
			{PID: 2, Comm: "a: b", Cmdline: []string{"line1\nline2", "\n\nblank\n\n", "  lead", "trail  ",
				"null", "~", "true", "0x1F", "1e3", "-", "- x", "# c", "'q'", "\"dq\"", "tab\there",
				"ünï", "\x01ctl", "{a}", "[b]", "*star", "&amp", "!tag", "%p", "@at", "`bt`", "|", ">"},
				Unread: map[string]string{"exe": snapshot.ReasonPermissionDenied}, Stack: []string{"x+0x1/0x2"},
				FDs: []snapshot.FD{{FD: 0, Target: "/dev/pts/0", Kind: snapshot.KindFile, Flags: "02", CloExec: false},
					{FD: 3, Target: "socket:[1]", Kind: snapshot.KindSocket, Inode: 1, Unread: snapshot.ReasonVanished}}},
			{PID: 3, Comm: "", Cwd: "/with space/and: colon", Exe: "/x (deleted)", NSpid: []int{3, 1}},
			everyField(at),
		},
	}
}

// everyField is a process with every field of Process and FD set, in forms the fast writer
// handles itself.
func everyField(at time.Time) snapshot.Process {
	return snapshot.Process{PID: 4, StartTicks: 5, StartTime: at, PPID: 1, PGID: 4, SID: 4, TPGID: -1, TTYNr: 34816,
		TTY: "pts/0", Children: []int{7, 8}, State: "S", Kthread: true, Threads: 2, TracerPID: 3,
		Wchan: "do_wait", Stack: []string{"do_wait+0x5b/0x90", "__x64_sys_wait4+0x8e/0x100"}, Comm: "sshd",
		Exe: "/usr/sbin/sshd", ExeDeleted: true, Cmdline: []string{"sshd:", "root@pts/0", "32768", "-D"},
		Cwd: "/", UID: 1000, EUID: 0, GID: 1000, EGID: 0, SigCaught: "0000000000014002",
		SigIgnored: "00000000000004a8", SigBlocked: "0000000000000000", SigChld: snapshot.SigChldHandler,
		NSpid: []int{4, 1}, NSpgid: []int{4, 1}, NSsid: []int{4, 1},
		Namespaces: map[string]uint64{"user": 4, "pid": 1, "net": 3, "mnt": 2}, LiveTIDs: []int{5, 6},
		Cgroup:        "/user.slice/user-1000.slice/session-2.scope",
		CgroupV1:      []string{"cpu,cpuacct:/user.slice", "name=systemd:/user.slice/user-1000.slice/session-2.scope"},
		AuditLoginUID: ptrTo(uint32(1000)), AuditSessionID: ptrTo(uint32(snapshot.AuditUnset)),
		FDs: []snapshot.FD{{FD: 0, Target: "/dev/pts/0", Kind: snapshot.KindFile, Inode: 3, Flags: "0100002", CloExec: true,
			Pos: 12, MntID: 25, Unread: snapshot.ReasonMalformed},
			{FD: 1, Target: "anon_inode:[eventpoll]", Kind: snapshot.KindAnonInode}},
		Unread: map[string]string{"stack": snapshot.ReasonNeedsCapSysAdmin, "children": snapshot.ReasonVanished,
			"status": snapshot.ReasonError}}
}

// TestFastYAMLKnowsEveryField fails when Process or FD gained a field since yaml_records_gen.go
// was generated: the fast writer then stays off (every record goes through yaml.v3).
func TestFastYAMLKnowsEveryField(t *testing.T) {
	if !fastFieldsKnown {
		t.Errorf("Process fields %v or FD fields %v are not the ones appendProcess writes: run go generate ./snapshot/format",
			yamlNames(reflect.TypeFor[snapshot.Process]()), yamlNames(reflect.TypeFor[snapshot.FD]()))
	}
	w := yamlWriter{ok: true, scalars: map[string]string{}}
	p := everyField(time.Now())
	if w.appendProcess(&p); !w.ok {
		t.Error("appendProcess gave up on everyField: the comparison would not exercise it")
	}
}

// TestPlainSafe checks plainSafe against yaml.v3 on every string of up to three characters from
// an alphabet of YAML's special characters, and on words YAML reads as something else.
func TestPlainSafe(t *testing.T) {
	alphabet := []string{"a", "Z", "y", "0", "9", "/", "_", ".", "-", "+", "=", "@", ",", ":", "[", "]",
		" ", "#", "'", "\"", "!", "&", "*", "?", "|", ">", "%", "{", "}", "~", "e"}
	words := []string{"yes", "No", "ON", "off", "true", "False", "NULL", "null", "nan", "inf", "Infinity",
		"x1e5", "a:b", "a:", "a: b", "/usr/bin/x", "--flag=1", "0x1F", "1e3", "4e8", "user@host:22",
		"socket:[123]", "anon_inode:[eventpoll]", "pipe:[1]", "a,b", "A_b.c-d+e"}
	var all []string
	all = append(all, words...)
	for _, a := range alphabet {
		all = append(all, a)
		for _, b := range alphabet {
			all = append(all, a+b)
			for _, c := range alphabet {
				all = append(all, a+b+c)
			}
		}
	}
	for _, s := range all {
		if !plainSafe(s) {
			continue
		}
		out, err := yaml.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != s+"\n" {
			t.Errorf("plainSafe(%q) = true, but yaml.v3 writes %q", s, out)
		}
	}
}

func TestEncodeYAMLMatchesWholeDocument(t *testing.T) {
	cases := map[string]*snapshot.Snapshot{
		"empty":   {Header: snapshot.Header{Schema: snapshot.Schema}},
		"awkward": awkwardSnapshot(),
	}
	if !testing.Short() {
		live, err := proc.Take(context.Background(), proc.TakeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		cases["live"] = live
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			var got bytes.Buffer
			if err := encodeYAML(&got, s); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wholeYAML(t, s), got.String()); diff != "" {
				t.Errorf("encodeYAML differs from one yaml.v3 document (-want +got):\n%s", diff)
			}
			var back snapshot.Snapshot
			if err := yaml.Unmarshal(got.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func ptrTo[T any](v T) *T { return &v }
