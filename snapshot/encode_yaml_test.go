package snapshot

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// wholeYAML is the reference: one yaml.v3 Encoder for the whole snapshot.
func wholeYAML(tb testing.TB, s *Snapshot) string {
	tb.Helper()
	var b bytes.Buffer
	if err := encodeYAMLDoc(&b, s); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

func awkwardSnapshot() *Snapshot {
	at := time.Date(2026, 11, 24, 1, 2, 3, 4, time.UTC)
	return &Snapshot{
		Header: Header{Schema: Schema, TakenAt: at, Notes: []string{"a: b", "multi\nline"},
			Skipped: []Skipped{{PID: 9, Reason: ReasonVanished}}},
		Processes: []Process{
			{PID: 1, StartTime: at, Comm: "init", State: "S", Cmdline: []string{"/sbin/init", ""},
				Namespaces: map[string]uint64{"pid": 4026531836, "net": 1}},
			{PID: 2, Comm: "a: b", Cmdline: []string{"line1\nline2", "\n\nblank\n\n", "  lead", "trail  ",
				"null", "~", "true", "0x1F", "1e3", "-", "- x", "# c", "'q'", "\"dq\"", "tab\there",
				"ünï", "\x01ctl", "{a}", "[b]", "*star", "&amp", "!tag", "%p", "@at", "`bt`", "|", ">"},
				Unread: map[string]string{"exe": ReasonPermissionDenied}, Stack: []string{"x+0x1/0x2"},
				FDs: []FD{{FD: 0, Target: "/dev/pts/0", Kind: KindFile, Flags: "02", CloExec: false},
					{FD: 3, Target: "socket:[1]", Kind: KindSocket, Inode: 1, Unread: ReasonVanished}}},
			{PID: 3, Comm: "", Cwd: "/with space/and: colon", Exe: "/x (deleted)", NSpid: []int{3, 1}},
		},
	}
}

func TestEncodeYAMLMatchesWholeDocument(t *testing.T) {
	cases := map[string]*Snapshot{
		"empty":   {Header: Header{Schema: Schema}},
		"awkward": awkwardSnapshot(),
	}
	if !testing.Short() {
		live, err := Take(context.Background(), TakeOptions{})
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
			var back Snapshot
			if err := yaml.Unmarshal(got.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
		})
	}
}
