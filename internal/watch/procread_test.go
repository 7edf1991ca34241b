package watch

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseLoadavgLastPID(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     int
		err      error
	}{
		{name: "typical", in: "0.52 0.58 0.59 2/1066 30012\n", want: 30012},
		{name: "no newline", in: "0.00 0.00 0.00 1/1 7", want: 7},
		{name: "garbage", in: "0.00 0.00 0.00 1/1 x\n", err: ErrMalformed},
		{name: "empty", in: "", err: ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseLoadavgLastPID([]byte(tc.in))
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestParseStat(t *testing.T) {
	const tail = " 0 0 0 0 0 0 0 0 20 0 1 0 %s 1000 10"
	for _, tc := range []struct {
		name, in string
		want     sighting
		err      error
	}{
		{
			name: "comm with spaces and parens",
			in:   "4242 (a (b) c) S 1 4242 4242 34816 4242 4194304 12 0 0 0 0 0 0 0 20 0 3 0 98765 1000 10\n",
			want: sighting{PID: 4242, PPID: 1, PGID: 4242, SID: 4242, TTY: 34816, Start: 98765, State: 'S', Comm: "a (b) c", Threads: 3},
		},
		{
			name: "kernel thread",
			in:   "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 3 0 0\n",
			want: sighting{PID: 2, Start: 3, State: 'S', Comm: "kthreadd", Kthread: true, Threads: 1},
		},
		{name: "zombie", in: "77 (sh) Z 76 70 70 0 -1 4227140 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0\n",
			want: sighting{PID: 77, PPID: 76, PGID: 70, SID: 70, Start: 55, State: 'Z', Comm: "sh", Threads: 1}},
		{name: "truncated", in: "77 (sh) Z 76 70", err: ErrMalformed},
		{name: "no comm", in: "77 sh Z 76 70" + tail, err: ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got sighting
			err := parseStat([]byte(tc.in), &got)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if tc.err != nil {
				return
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("parseStat (-want +got):\n%s", d)
			}
		})
	}
}

func TestParseStatus(t *testing.T) {
	for _, tc := range []struct {
		name, in  string
		tgid, uid int
		err       error
	}{
		{name: "process", in: "Name:\tsh\nUmask:\t0022\nState:\tS\nTgid:\t10\nNgid:\t0\nPid:\t10\nPPid:\t1\nTracerPid:\t0\nUid:\t1000\t1000\t1000\t1000\n", tgid: 10, uid: 1000},
		{name: "thread", in: "Tgid:\t10\nPid:\t11\nUid:\t0\t0\t0\t0\n", tgid: 10, uid: 0},
		{name: "no uid", in: "Tgid:\t10\n", err: ErrMalformed},
		{name: "bad tgid", in: "Tgid:\tx\nUid:\t0\n", err: ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tgid, uid, err := parseStatus([]byte(tc.in))
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if tc.err == nil && (tgid != tc.tgid || uid != tc.uid) {
				t.Errorf("got tgid %d uid %d, want %d %d", tgid, uid, tc.tgid, tc.uid)
			}
		})
	}
}

func TestCmdline(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{name: "argv", in: "sleep\x0030\x00", want: []string{"sleep", "30"}},
		{name: "empty argument", in: "a\x00\x00b\x00", want: []string{"a", "", "b"}},
		{name: "setproctitle without NUL", in: "nginx: worker", want: []string{"nginx: worker"}},
		{name: "kernel thread", in: "", want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := splitCmdline([]byte(tc.in))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("splitCmdline (-want +got):\n%s", d)
			}
			if !sameCmdline([]byte(tc.in), tc.want) {
				t.Errorf("sameCmdline(%q, %q) = false", tc.in, tc.want)
			}
			if len(tc.want) > 0 && sameCmdline([]byte(tc.in+"x"), tc.want) {
				t.Errorf("sameCmdline(%q+x, %q) = true", tc.in, tc.want)
			}
		})
	}
}
