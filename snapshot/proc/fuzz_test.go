package proc

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/procsnap/procsnap/snapshot"
	"github.com/procsnap/procsnap/snapshot/format"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The fuzzers check properties, not only the absence of panics: a loader error is one line that
// names the file (and validate's check gives the same), what parses re-renders and parses back to the same value, and parser errors
// are classified as malformed. Seed corpora live in testdata/fuzz/<FuzzName>/.

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"", "{}", "header: {schema: procsnap/v1}\nprocesses: []\n",
		"header:\n  schema: procsnap/v1\n  counts: {processes: 1, threads: 1, skipped: 0}\nprocesses:\n  - pid: 1\n    threads: 1\n",
		`{"header":{"schema":"procsnap/v1"},"processes":[]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := format.Decode(bytes.NewReader(data), "fuzz.yaml")
		// validate checks without keeping the records, and must answer as loading does.
		if cerr := format.CheckStream(bytes.NewReader(data), "fuzz.yaml"); fmt.Sprint(cerr) != fmt.Sprint(err) {
			t.Fatalf("CheckStream: %v; Decode: %v", cerr, err)
		}
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "fuzz.yaml: ") || strings.ContainsAny(msg, "\r\n") {
				t.Fatalf("error is not one line naming the file: %q", msg)
			}
			if !errors.Is(err, snapshot.ErrInvalid) && !errors.Is(err, snapshot.ErrSchema) && !errors.Is(err, snapshot.ErrTooLarge) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := format.Encode(&buf, s, format.FormatYAML); err != nil {
			t.Fatalf("Encode of a loaded snapshot: %v", err)
		}
		again, err := format.Decode(&buf, "again.yaml")
		if err != nil {
			t.Fatalf("a loaded snapshot does not load again after Encode: %v\n%s", err, buf.Bytes())
		}
		if d := cmp.Diff(s, again, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("round trip changed the snapshot (-first +again):\n%s", d)
		}
	})
}

func renderStat(st Stat) string {
	return fmt.Sprintf("%d (%s) %s %d %d %d %d %d %d 0 0 0 0 0 0 0 0 20 0 %d 0 %d 0\n",
		st.PID, st.Comm, st.State, st.PPID, st.PGRP, st.Session, st.TTY, st.TPGID, st.Flags,
		st.NumThreads, st.Starttime)
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("1 (systemd) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 12 1 2 3\n"))
	f.Add([]byte("42 (a) (b\n) R 1 42 42 34816 42 0 0 0 0 0 0 0 0 0 20 0 3 0 99 0\n"))
	f.Add([]byte("7 (x)"))
	f.Add([]byte("7 )x( S"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ParseStat(data)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error not classified malformed: %v", err)
			}
			return
		}
		if st.PID <= 0 || st.State == "" {
			t.Fatalf("accepted pid %d state %q", st.PID, st.State)
		}
		again, err := ParseStat([]byte(renderStat(st)))
		if err != nil {
			t.Fatalf("re-rendered stat does not parse: %v", err)
		}
		if d := cmp.Diff(st, again); d != "" {
			t.Fatalf("round trip (-first +again):\n%s", d)
		}
	})
}

func renderStatus(s status) string {
	var b strings.Builder
	fmt.Fprintf(&b, "PPid:\t%d\nTracerPid:\t%d\nUid:\t%d\t%d\t0\t0\nGid:\t%d\t%d\t0\t0\n",
		s.PPID, s.TracerPID, s.UID, s.EUID, s.GID, s.EGID)
	for _, m := range []struct{ k, v string }{{"SigBlk", s.SigBlk}, {"SigIgn", s.SigIgn}, {"SigCgt", s.SigCgt}} {
		if m.v != "" {
			fmt.Fprintf(&b, "%s:\t%s\n", m.k, m.v)
		}
	}
	for _, l := range []struct {
		k string
		v []int
	}{{"NSpid", s.NSpid}, {"NSpgid", s.NSpgid}, {"NSsid", s.NSsid}} {
		if l.v != nil {
			fmt.Fprintf(&b, "%s:\t%s\n", l.k, strings.Trim(fmt.Sprint(l.v), "[]"))
		}
	}
	return b.String()
}

func FuzzParseStatus(f *testing.F) {
	f.Add([]byte("Name:\tbash\nPPid:\t1\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n" +
		"NSpid:\t5\t1\nNSpgid:\t5\t1\nNSsid:\t5\t1\nSigBlk:\t0000000000010000\nSigIgn:\t0000000000380004\nSigCgt:\t000000004b817efb\n"))
	f.Add([]byte(""))
	f.Add([]byte("Uid:\t1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := parseStatus(data)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error not classified malformed: %v", err)
			}
			return
		}
		_ = SigChldAction(s.SigIgn, s.SigCgt)
		again, err := parseStatus([]byte(renderStatus(s)))
		if err != nil {
			t.Fatalf("re-rendered status does not parse: %v\n%s", err, renderStatus(s))
		}
		if d := cmp.Diff(s, again, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("round trip (-first +again):\n%s", d)
		}
	})
}

func FuzzParseFDInfo(f *testing.F) {
	f.Add([]byte("pos:\t0\nflags:\t02100002\nmnt_id:\t25\nino:\t1234\n"))
	f.Add([]byte("pos:\t0\nmnt_id:\t25\n"))
	f.Add([]byte("pos:\t7\nflags:\t0100000\nmnt_id:\t15\nino:\t99\neventfd-count: 0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fd snapshot.FD
		if err := parseFDInfo(data, &fd); err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error not classified malformed: %v", err)
			}
			return
		}
		flags, err := strconv.ParseUint(fd.Flags, 8, 64)
		if err != nil {
			t.Fatalf("accepted flags %q: %v", fd.Flags, err)
		}
		if fd.CloExec != (flags&oCloexec != 0) {
			t.Fatalf("cloexec %v for flags %s", fd.CloExec, fd.Flags)
		}
	})
}

func FuzzParseStack(f *testing.F) {
	f.Add([]byte("[<0>] do_wait+0x5b/0x90\n[<0>] kernel_wait4+0xa6/0x140\n"))
	f.Add([]byte("\n\n  \n[<0>]x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for i, l := range parseStack(data) {
			if l == "" || l != strings.TrimSpace(l) || strings.Contains(l, "\n") {
				t.Fatalf("frame %d is %q", i, l)
			}
		}
	})
}

func FuzzParseChildren(f *testing.F) {
	f.Add([]byte("12 15 300 "))
	f.Add([]byte(""))
	f.Add([]byte("1 -2"))
	f.Fuzz(func(t *testing.T, data []byte) {
		kids, err := parseChildren(data)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error not classified malformed: %v", err)
			}
			return
		}
		for _, k := range kids {
			if k <= 0 {
				t.Fatalf("accepted child pid %d", k)
			}
		}
		again, err := parseChildren([]byte(strings.Trim(fmt.Sprint(kids), "[]")))
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(kids, again, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("round trip (-first +again):\n%s", d)
		}
	})
}

func FuzzParseNamespaceLink(f *testing.F) {
	f.Add("pid:[4026531836]")
	f.Add("net:[]")
	f.Add("mnt:[-1]")
	f.Fuzz(func(t *testing.T, link string) {
		ino, err := parseNamespaceLink(link)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error not classified malformed: %v", err)
			}
			return
		}
		again, err := parseNamespaceLink(fmt.Sprintf("pid:[%d]", ino))
		if err != nil || again != ino {
			t.Fatalf("round trip of %d gave %d, %v", ino, again, err)
		}
	})
}

var ttyNameRE = regexp.MustCompile(`^(pts/[0-9]+|tty[0-9]+|ttyS[0-9]+|tty|console|ptmx|[0-9]+:[0-9]+)$`)

func FuzzTTYName(f *testing.F) {
	for _, nr := range []int{0, 34816, 1025, 1088, 1280, 1281, 1282, -1, 1 << 40} {
		f.Add(nr)
	}
	f.Fuzz(func(t *testing.T, nr int) {
		name := TTYName(nr)
		if (name == "") != (nr == 0) {
			t.Fatalf("TTYName(%d) = %q", nr, name)
		}
		if nr != 0 && !ttyNameRE.MatchString(name) {
			t.Fatalf("TTYName(%d) = %q", nr, name)
		}
	})
}

func FuzzClassifyTarget(f *testing.F) {
	for _, s := range []string{"socket:[123]", "pipe:[9]", "anon_inode:[eventfd]", "/dev/null",
		"/tmp/x (deleted)", "net:[4026531840]", "socket:[", "]["} {
		f.Add(s)
	}
	known := map[string]bool{snapshot.KindFile: true, snapshot.KindSocket: true, snapshot.KindPipe: true, snapshot.KindAnonInode: true, snapshot.KindOther: true}
	f.Fuzz(func(t *testing.T, target string) {
		kind, ino := classifyTarget(target)
		if !known[kind] {
			t.Fatalf("classifyTarget(%q) kind %q", target, kind)
		}
		if ino != 0 {
			i, j := strings.IndexByte(target, '['), strings.LastIndexByte(target, ']')
			if n, err := strconv.ParseUint(target[i+1:j], 10, 64); err != nil || n != ino {
				t.Fatalf("classifyTarget(%q) inode %d is not the bracketed number", target, ino)
			}
		}
	})
}
