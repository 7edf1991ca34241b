package proc

import (
	"github.com/procsnap/procsnap/snapshot"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    status
		wantErr bool
	}{
		{
			name: "full",
			in: "Name:\tbash\nState:\tS (sleeping)\nPPid:\t1\nTracerPid:\t0\nUid:\t1000\t1001\t1000\t1000\n" +
				"Gid:\t100\t101\t100\t100\nNStgid:\t9\t1\nNSpid:\t9\t1\nNSpgid:\t9\t1\nNSsid:\t8\t0\n" +
				"SigBlk:\t0000000000010000\nSigIgn:\t0000000000384004\nSigCgt:\t000000004b813efb\n",
			want: status{PPID: 1, UID: 1000, EUID: 1001, GID: 100, EGID: 101,
				SigBlk: "0000000000010000", SigIgn: "0000000000384004", SigCgt: "000000004b813efb",
				NSpid: []int{9, 1}, NSpgid: []int{9, 1}, NSsid: []int{8, 0}},
		},
		{
			name: "traced",
			in:   "PPid:\t50\nTracerPid:\t50\n",
			want: status{PPID: 50, TracerPID: 50},
		},
		{
			name: "no trailing newline, spaces instead of tabs",
			in:   "PPid:   7\nSigCgt:  0000000000010000",
			want: status{PPID: 7, SigCgt: "0000000000010000"},
		},
		{
			name: "unknown and colonless lines are ignored",
			in:   "Foo:\tbar\nnonsense\nVmRSS:\t  100 kB\nPPid:\t3\n",
			want: status{PPID: 3},
		},
		{name: "no known field", in: "Name:\tx\n", wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "bad ppid", in: "PPid:\tx\n", wantErr: true},
		{name: "one uid", in: "Uid:\t0\n", wantErr: true},
		{name: "bad mask", in: "SigCgt:\tzz\n", wantErr: true},
		{name: "bad nspid", in: "NSpid:\t1 a\n", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStatus([]byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if tc.wantErr {
				if reasonOf(err) != snapshot.ReasonMalformed {
					t.Errorf("reason %q, want %q", reasonOf(err), snapshot.ReasonMalformed)
				}
				return
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parseStatus (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseFDInfo(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		want       snapshot.FD
		wantReason string
	}{
		{
			name: "file without cloexec",
			in:   "pos:\t4096\nflags:\t0102001\nmnt_id:\t29\nino:\t131\n",
			want: snapshot.FD{Pos: 4096, Flags: "0102001", MntID: 29, Inode: 131},
		},
		{
			name: "cloexec",
			in:   "pos:\t0\nflags:\t02000002\nmnt_id:\t8\nino:\t2002\n",
			want: snapshot.FD{Flags: "02000002", CloExec: true, MntID: 8, Inode: 2002},
		},
		{
			name: "old kernel without ino keeps the inode from the target",
			in:   "pos:\t0\nflags:\t02\nmnt_id:\t1\n",
			want: snapshot.FD{Flags: "02", MntID: 1, Inode: 77},
		},
		{
			name: "eventpoll and inotify lines are ignored",
			in: "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1057\n" +
				"tfd:        3 events:       19 data:                3  pos:0 ino:7d1 sdev:8\n" +
				"inotify wd:1 ino:2 sdev:800001 mask:fce ignored_mask:0\n",
			want: snapshot.FD{Flags: "02000002", CloExec: true, MntID: 15, Inode: 1057},
		},
		{
			name:       "no flags line",
			in:         "pos:\t0\nmnt_id:\t29\n",
			want:       snapshot.FD{MntID: 29, Inode: 77},
			wantReason: snapshot.ReasonMalformed,
		},
		{
			name:       "flags not octal",
			in:         "pos:\t0\nflags:\t0x12\n",
			want:       snapshot.FD{Inode: 77},
			wantReason: snapshot.ReasonMalformed,
		},
		{
			name:       "bad pos",
			in:         "pos:\t-x\nflags:\t02\n",
			want:       snapshot.FD{Inode: 77},
			wantReason: snapshot.ReasonMalformed,
		},
		{name: "empty", in: "", want: snapshot.FD{Inode: 77}, wantReason: snapshot.ReasonMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := snapshot.FD{Inode: 77}
			err := parseFDInfo([]byte(tc.in), &got)
			if r := reasonOf(err); r != tc.wantReason {
				t.Errorf("reason %q (err %v), want %q", r, err, tc.wantReason)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parseFDInfo (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClassifyTarget(t *testing.T) {
	tests := []struct {
		name, target string
		kind         string
		inode        uint64
	}{
		{"socket", "socket:[20001]", snapshot.KindSocket, 20001},
		{"pipe", "pipe:[31000]", snapshot.KindPipe, 31000},
		{"anon eventfd", "anon_inode:[eventfd]", snapshot.KindAnonInode, 0},
		{"anon inotify", "anon_inode:inotify", snapshot.KindAnonInode, 0},
		{"file", "/var/log/x.log", snapshot.KindFile, 0},
		{"deleted file", "/tmp/x (deleted)", snapshot.KindFile, 0},
		{"memfd", "/memfd:jit (deleted)", snapshot.KindFile, 0},
		{"file with brackets", "/tmp/[1]", snapshot.KindFile, 0},
		{"net namespace", "net:[4026531840]", snapshot.KindOther, 4026531840},
		{"bad socket inode", "socket:[x]", snapshot.KindSocket, 0},
		{"unclosed bracket", "pipe:[12", snapshot.KindPipe, 0},
		{"empty", "", snapshot.KindOther, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kind, inode := classifyTarget(tc.target)
			if diff := cmp.Diff([]any{tc.kind, tc.inode}, []any{kind, inode}); diff != "" {
				t.Errorf("classifyTarget(%q) (-want +got):\n%s", tc.target, diff)
			}
		})
	}
}

func TestParseStack(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"frames", "[<0>] do_wait+0x5b/0x90\n[<0>] kernel_wait4+0xa6/0x140\n", []string{"do_wait+0x5b/0x90", "kernel_wait4+0xa6/0x140"}},
		{"with addresses", "[<ffffffff8110>] ep_poll+0x2a1/0x2e0\n", []string{"ep_poll+0x2a1/0x2e0"}},
		{"blank lines and no trailing newline", "\n[<0>] a+0x1/0x2\n\n[<0>] b+0x1/0x2", []string{"a+0x1/0x2", "b+0x1/0x2"}},
		{"unbracketed line kept", "weird frame\n", []string{"weird frame"}},
		{"empty (a zombie)", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, parseStack([]byte(tc.in))); diff != "" {
				t.Errorf("parseStack (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseChildren(t *testing.T) {
	tests := []struct {
		name, in string
		want     []int
		wantErr  bool
	}{
		{"two", "11 12 ", []int{11, 12}, false},
		{"one without space", "7", []int{7}, false},
		{"empty", "", nil, false},
		{"newline only", "\n", nil, false},
		{"not a number", "11 x ", nil, true},
		{"zero", "0 ", nil, true},
		{"negative", "-3 ", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseChildren([]byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil && reasonOf(err) != snapshot.ReasonMalformed {
				t.Errorf("reason %q, want malformed", reasonOf(err))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parseChildren (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseNamespaceLink(t *testing.T) {
	tests := []struct {
		name, in string
		want     uint64
		wantErr  bool
	}{
		{"pid", "pid:[4026531836]", 4026531836, false},
		{"user", "user:[4026531837]", 4026531837, false},
		{"pid_for_children", "pid_for_children:[4026532300]", 4026532300, false},
		{"not a number", "pid:[x]", 0, true},
		{"no brackets", "pid:4026531836", 0, true},
		{"unclosed", "pid:[4026531836", 0, true},
		{"trailing text", "pid:[1]x", 0, true},
		{"empty", "", 0, true},
		{"negative", "pid:[-1]", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseNamespaceLink(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil && reasonOf(err) != snapshot.ReasonMalformed {
				t.Errorf("reason %q, want malformed", reasonOf(err))
			}
			if got != tc.want {
				t.Errorf("parseNamespaceLink(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseCgroup(t *testing.T) {
	tests := []struct {
		name, in string
		v2       string
		v1       []string
		wantErr  bool
	}{
		{"v2 only", "0::/user.slice/user-1000.slice/session-2.scope\n", "/user.slice/user-1000.slice/session-2.scope", nil, false},
		{"hybrid", "12:pids:/a\n1:name=systemd:/b\n0::/c\n", "/c", []string{"pids:/a", "name=systemd:/b"}, false},
		{"v1 only", "4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n", "", []string{"memory:/docker/abc", "cpu,cpuacct:/docker/abc"}, false},
		{"colon in path", "0::/a:b\n", "/a:b", nil, false},
		{"empty (exited)", "", "", nil, false},
		{"no colons", "garbage\n", "", nil, true},
		{"relative path", "0::user.slice\n", "", nil, true},
		{"no id", ":cpu:/x\n", "", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v2, v1, err := parseCgroup([]byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil && reasonOf(err) != snapshot.ReasonMalformed {
				t.Errorf("reason %q, want malformed", reasonOf(err))
			}
			if v2 != tc.v2 {
				t.Errorf("v2 = %q, want %q", v2, tc.v2)
			}
			if d := cmp.Diff(tc.v1, v1); d != "" {
				t.Errorf("v1 (-want +got):\n%s", d)
			}
		})
	}
}

func TestParseAuditID(t *testing.T) {
	tests := []struct {
		name, in string
		want     uint32
		wantErr  bool
	}{
		{"set", "1000", 1000, false},
		{"root", "0", 0, false},
		{"unset", "4294967295", snapshot.AuditUnset, false},
		{"newline", "7\n", 7, false},
		{"negative", "-1", 0, true},
		{"too big", "4294967296", 0, true},
		{"empty", "", 0, true},
		{"text", "x", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseAuditID("loginuid", []byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				if reasonOf(err) != snapshot.ReasonMalformed {
					t.Errorf("reason %q, want malformed", reasonOf(err))
				}
				return
			}
			if *got != tc.want {
				t.Errorf("parseAuditID(%q) = %d, want %d", tc.in, *got, tc.want)
			}
		})
	}
}

// ttyNr encodes a device number the way the kernel's tty_nr field does.
func ttyNr(major, minor int) int { return (minor & 0xff) | major<<8 | (minor&^0xff)<<12 }

func TestTTYName(t *testing.T) {
	tests := []struct {
		name string
		nr   int
		want string
	}{
		{"none", 0, ""},
		{"pts/0", ttyNr(136, 0), "pts/0"},
		{"pts/3", ttyNr(136, 3), "pts/3"},
		{"pts/255", ttyNr(136, 255), "pts/255"},
		{"pts/300 has minor 300 of major 136", ttyNr(136, 300), "pts/300"},
		{"pts/4096", ttyNr(136, 4096), "pts/4096"},
		{"legacy major 137", ttyNr(137, 0), "pts/256"},
		{"legacy major 143", ttyNr(143, 255), "pts/2047"},
		{"tty1", ttyNr(4, 1), "tty1"},
		{"tty63", ttyNr(4, 63), "tty63"},
		{"ttyS0", ttyNr(4, 64), "ttyS0"},
		{"ttyS5", ttyNr(4, 69), "ttyS5"},
		{"/dev/tty", ttyNr(5, 0), "tty"},
		{"console", ttyNr(5, 1), "console"},
		{"ptmx", ttyNr(5, 2), "ptmx"},
		{"unknown driver", ttyNr(204, 64), "204:64"},
		{"large minor of unknown driver", ttyNr(229, 300), "229:300"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := TTYName(tc.nr); got != tc.want {
				t.Errorf("TTYName(%#x) = %q, want %q", tc.nr, got, tc.want)
			}
		})
	}
}

func TestSigChldAction(t *testing.T) {
	tests := []struct {
		name, ignored, caught, want string
	}{
		{"default", "0000000000000000", "0000000000000000", snapshot.SigChldDefault},
		{"ignored", "0000000000010000", "0000000000000000", snapshot.SigChldIgnore},
		{"handler", "0000000000000000", "0000000000010000", snapshot.SigChldHandler},
		{"ignore wins over caught", "0000000000010000", "0000000000010000", snapshot.SigChldIgnore},
		{"other signals only", "0000000000001000", "0000000000004002", snapshot.SigChldDefault},
		{"bit 15 is SIGTERM not SIGCHLD", "0000000000008000", "0000000000008000", snapshot.SigChldDefault},
		{"bash", "0000000000384004", "000000004b813efb", snapshot.SigChldHandler},
		{"only caught known", "", "0000000000010000", snapshot.SigChldHandler},
		{"both unknown", "", "", ""},
		{"garbage mask counts as not set", "zz", "zz", snapshot.SigChldDefault},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SigChldAction(tc.ignored, tc.caught); got != tc.want {
				t.Errorf("SigChldAction(%q, %q) = %q, want %q", tc.ignored, tc.caught, got, tc.want)
			}
		})
	}
}

func TestParseCmdline(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"args", "sleep\x001000\x00", []string{"sleep", "1000"}},
		{"trailing empty argument", "prog\x00\x00", []string{"prog", ""}},
		{"empty argument inside", "a\x00\x00b\x00", []string{"a", "", "b"}},
		{"rewritten without NUL", "nginx: worker process", []string{"nginx: worker process"}},
		{"spaces kept in one argument", "my prog\x00--name=a b\x00", []string{"my prog", "--name=a b"}},
		{"invalid UTF-8 escaped", "bin\xff\x00", []string{`bin\xff`}},
		{"empty (zombie, kernel thread)", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, ParseCmdline([]byte(tc.in))); diff != "" {
				t.Errorf("parseCmdline (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ascii", "bash", "bash"},
		{"utf-8", "na\u00efve", "na\u00efve"},
		{"lone bytes", "a\xffb\xfe", `a\xffb\xfe`},
		{"truncated sequence", "caf\xc3", `caf\xc3`},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := validText(tc.in); got != tc.want {
				t.Errorf("validText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
