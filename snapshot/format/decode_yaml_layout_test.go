package format

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gopkg.in/yaml.v3"

	"github.com/procsnap/procsnap/fixtures/badsnap"
	"github.com/procsnap/procsnap/snapshot"
	"github.com/procsnap/procsnap/snapshot/proc"
)

// leanPath names how the lean reader handled a document: every record parsed by it ("lean"),
// some decoded alone by yaml.v3 ("chunk"), or the whole document left to yaml.v3 ("whole").
func leanPath(st leanStats, ok bool) string {
	switch {
	case !ok:
		return "whole"
	case st.chunks > 0:
		return "chunk"
	}
	return "lean"
}

// TestLeanStrings puts awkward strings in every kind of string slot (a scalar field, a list
// item, a map value, an fd field) and requires the lean reader to decode them as yaml.v3 does:
// itself for every one-line form, through yaml.v3 for what the writer hands to yaml.v3.
func TestLeanStrings(t *testing.T) {
	for _, c := range []struct {
		name, s string
		path    string
	}{
		{"path", "/usr/bin/x", "lean"},
		{"empty", "", "lean"},
		{"apostrophe", "it's", "lean"},
		{"double quotes", `say "hi"`, "lean"},
		{"both quotes", `'"'`, "lean"},
		{"colon space", "a: b", "lean"},
		{"trailing colon", "a:", "lean"},
		{"colon inside", "user@host:22", "lean"},
		{"hash first", "# c", "lean"},
		{"space hash", "a #b", "lean"},
		{"hash inside", "a#b", "lean"},
		{"leading spaces", "  lead", "lean"},
		{"trailing spaces", "trail  ", "lean"},
		{"unicode", "ünï 日本 ✓", "lean"},
		{"emoji", "\U0001F600", "lean"},
		{"true", "true", "lean"},
		{"yes", "yes", "lean"},
		{"null", "null", "lean"},
		{"tilde", "~", "lean"},
		{"leading zero", "0123", "lean"},
		{"float", "1e3", "lean"},
		{"hex", "0x1F", "lean"},
		{"timestamp", "2026-01-02", "lean"},
		{"dash", "-", "lean"},
		{"dash space", "- x", "lean"},
		{"flag", "--flag=1", "lean"},
		{"indicators", "*star &amp !tag %p @at `bt` | > {a} [b] ?q :c ,d <<", "lean"},
		{"merge key", "<<", "lean"},
		{"backslash", `a\b`, "lean"},
		{"tab", "tab\there", "lean"},
		{"control characters", "\x00\x01\a\b\v\f\r\x1b\x7f", "lean"},
		{"unicode breaks and spaces", "\u0085\u00a0\u2028\u2029\ufeff\ufffe\U0010FFFF", "lean"},
		{"long", strings.Repeat("x", 5000), "lean"},
		{"multi-line", "line1\nline2", "chunk"},
		{"line separator", "a\u2028b", "chunk"},
		{"blank lines", "\n\nblank\n\n", "chunk"},
		{"non-UTF-8", "\xff\xfe", "chunk"},
	} {
		t.Run(c.name, func(t *testing.T) {
			at := time.Date(2026, 11, 24, 1, 2, 3, 0, time.UTC)
			p := snapshot.Process{PID: 7, StartTime: at, Comm: c.s, State: "S", Cmdline: []string{c.s, "x", c.s},
				Unread: map[string]string{"exe": c.s, "stack": c.s},
				FDs:    []snapshot.FD{{FD: 3, Target: c.s, Kind: c.s, Flags: c.s, Unread: c.s}}}
			s := &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema, TakenAt: at, Counts: snapshot.Counts{Processes: 2}},
				Processes: []snapshot.Process{{PID: 1, StartTime: at, Comm: "init"}, p}}
			data := encodeYAMLBytes(t, s)
			st, ok := checkLeanAgrees(t, data)
			if got := leanPath(st, ok); got != c.path {
				t.Errorf("decoded %+v (%s), want %s:\n%s", st, got, c.path, data)
			}
		})
	}
}

// TestLeanOptionalFields removes each field of everyField's process and of its first fd in
// turn: the lean reader must decode every such record itself, as yaml.v3 does.
func TestLeanOptionalFields(t *testing.T) {
	at := time.Date(2026, 11, 24, 1, 2, 3, 4, time.FixedZone("X", 3600))
	check := func(t *testing.T, p snapshot.Process) {
		t.Helper()
		data := encodeYAMLBytes(t, &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema}, Processes: []snapshot.Process{p}})
		st, ok := checkLeanAgrees(t, data)
		if got := leanPath(st, ok); got != "lean" {
			t.Errorf("decoded %+v (%s), want lean:\n%s", st, got, data)
		}
	}
	t.Run("every field", func(t *testing.T) { check(t, everyField(at)) })
	t.Run("pid only", func(t *testing.T) { check(t, snapshot.Process{PID: 1}) })
	t.Run("distinct values", func(t *testing.T) {
		p := everyField(at)
		distinct(reflect.ValueOf(&p).Elem(), 10)
		distinct(reflect.ValueOf(&p.FDs[0]).Elem(), 100)
		check(t, p)
	})
	for i := 1; i < reflect.TypeFor[snapshot.Process]().NumField(); i++ {
		t.Run("without "+processFields[i], func(t *testing.T) {
			p := everyField(at)
			reflect.ValueOf(&p).Elem().Field(i).SetZero()
			check(t, p)
		})
	}
	for i := 1; i < reflect.TypeFor[snapshot.FD]().NumField(); i++ {
		t.Run("fd without "+fdFields[i], func(t *testing.T) {
			p := everyField(at)
			reflect.ValueOf(&p.FDs[0]).Elem().Field(i).SetZero()
			check(t, p)
		})
	}
}

// distinct sets every int and string field of the struct v to a value no other field has, so
// that a value stored in the wrong field shows.
func distinct(v reflect.Value, base int) {
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.Int, reflect.Int64:
			f.SetInt(int64(base + i))
		case reflect.Uint64:
			f.SetUint(uint64(base + i))
		case reflect.String:
			f.SetString(fmt.Sprintf("s%d", base+i))
		}
	}
}

// TestLeanHandEdited decodes edits of a valid file that yaml.v3 reads (or rejects) and the lean
// reader must decline, for one record or for the whole document, and still agree.
func TestLeanHandEdited(t *testing.T) {
	for _, c := range []struct {
		name, old, new string
		path           string
	}{
		{"as written", "", "", "lean"},
		{"single-quoted flags", `flags: "02"`, `flags: '02'`, "lean"},
		{"kthread false", "    threads: 2\n", "    kthread: false\n    threads: 2\n", "lean"},
		{"empty string tty", "    tty: pts/0\n    state: Z", "    tty: ''\n    state: Z", "lean"},
		{"hex int (refused: not plain decimal)", "    ppid: 1\n", "    ppid: 0x1\n", "whole"},
		{"plus sign (refused: not plain decimal)", "    ppid: 1\n", "    ppid: +1\n", "whole"},
		{"leading zero int (refused: not plain decimal)", "    ppid: 1\n", "    ppid: 01\n", "whole"},
		{"comment after a value", "    comm: init\n", "    comm: init # pid one\n", "chunk"},
		{"comment line in a record", "    comm: init\n", "    comm: init\n    # a note\n", "chunk"},
		{"blank line in a record", "    comm: init\n", "    comm: init\n\n", "chunk"},
		{"flow list", "    children:\n      - 200\n", "    children: [200]\n", "chunk"},
		{"empty list", "    children:\n      - 200\n", "    children: []\n", "chunk"},
		{"indentless list", "    children:\n      - 200\n", "    children:\n    - 200\n", "chunk"},
		{"fields out of order", "    state: S\n    threads: 2\n", "    threads: 2\n    state: S\n", "chunk"},
		{"block literal", "      - /sbin/init\n", "      - |-\n        /sbin/init\n", "chunk"},
		{"quoted start_time", "start_time: 2026-01-01T00:00:09Z", `start_time: "2026-01-01T00:00:09Z"`, "chunk"},
		{"date-only start_time", "start_time: 2026-01-01T00:00:09Z", "start_time: 2026-01-01", "chunk"},
		{"bool yes", "    threads: 2\n", "    kthread: yes\n    threads: 2\n", "chunk"},
		{"double-quoted key", "    comm: init\n", "    \"comm\": init\n", "chunk"},
		{"two-line double-quoted", "    comm: init\n", "    comm: \"in\n      it\"\n", "chunk"},
		{"duplicate key", "    comm: init\n", "    comm: init\n    comm: x\n", "whole"},
		{"unknown key", "    comm: init\n", "    comm: init\n    bogus: 1\n", "whole"},
		{"type error", "    ppid: 1\n", "    ppid: one\n", "whole"},
		{"anchor and alias across records", "    comm: init\n", "    comm: &c init\n", "whole"},
		{"alias in a record", "    comm: bash\n", "    comm: &c bash\n    exe: *c\n", "whole"},
		{"column-0 comment", "  - pid: 200\n", "# two hundred\n  - pid: 200\n", "lean"},
		{"column-0 comments and blank lines", "  - pid: 200\n", "\n# two\n\n# hundred\n  - pid: 200\n", "lean"},
		{"comment before the header", "header:\n", "# taken by cron\n\nheader:\n", "lean"},
		{"column-0 comment in a record", "    comm: init\n", "    comm: init\n# a note\n", "chunk"},
		{"column-0 comment after a chunk", "    comm: bash\n", "    comm: bash # one\n# column 0\n", "chunk"},
		{"column-0 comment inside a quoted string", "    comm: init\n", "    comm: \"in\n# it\"\n", "chunk"},
		{"column-0 comment after a block literal", "      - /sbin/init\n", "      - |-\n        /sbin/init\n# note\n", "chunk"},
		{"tab indentation", "    comm: init\n", "\tcomm: init\n", "whole"},
		{"no trailer", "# end of procsnap snapshot\n", "", "whole"},
		{"space after trailer", "# end of procsnap snapshot\n", "# end of procsnap snapshot\n \n", "whole"},
		{"document end in header", "processes:\n", "...\nprocesses:\n", "whole"},
		{"stray header key", "processes:\n", "extra: 1\nprocesses:\n", "whole"},
		{"alias in the header", "  options: {}\n", "  options: {}\n  notes:\n    - &n x\n    - *n\n", "whole"},
		{"asterisk in the header", "  options: {}\n", "  options: {}\n  notes:\n    - a*b\n", "lean"},
		{"document end after a carriage return", "      reason: vanished\n", "      reason: vanished\r...\n", "whole"},
		{"processes inline", "processes:\n  - pid: 1\n", "processes: [{pid: 1}]\nx:\n  - pid: 1\n", "whole"},
		{"CRLF", "\n", "\r\n", "whole"},
		{"carriage return before a value", "  - pid: 201\n", "  - pid: \r201\n", "whole"},
		{"carriage return before an indented value", "  - pid: 201\n", "  - pid: \r  201\n", "whole"},
		{"carriage return line end", "    comm: defunct\n", "    comm: defunct\r\n", "chunk"},
		{"line separator at column 0", "    comm: init\n", "    comm: 'in\u2028it'\n", "whole"},
		{"line separator before an indented line", "    comm: init\n", "    comm: 'in\u2028    it'\n", "chunk"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(strings.Replace(badsnap.Valid, c.old, c.new, 1))
			if c.old == "\n" {
				data = []byte(strings.ReplaceAll(badsnap.Valid, c.old, c.new))
			}
			if c.old != "" && string(data) == badsnap.Valid {
				t.Fatalf("%q is not in the file", c.old)
			}
			st, ok := checkLeanAgrees(t, data)
			if got := leanPath(st, ok); got != c.path {
				t.Errorf("decoded %+v (%s), want %s", st, got, c.path)
			}
		})
	}
}

// TestLeanBadFiles: on every hostile file, unmarshal says what yaml.v3 alone says.
func TestLeanBadFiles(t *testing.T) {
	for _, c := range badsnap.Cases() {
		if bytes.HasPrefix(c.Data, []byte{0x1f, 0x8b}) {
			continue // decode gunzips before unmarshal
		}
		t.Run(c.Name, func(t *testing.T) { checkLeanAgrees(t, c.Data) })
	}
}

// TestLeanTake encodes a Take of this host and requires the lean reader to decode, itself,
// every record the fast writer wrote (the others, with multi-line or non-UTF-8 strings, go
// through yaml.v3 on both sides), into what was taken.
func TestLeanTake(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the live /proc")
	}
	s, err := proc.Take(context.Background(), proc.TakeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	viaYAML := 0
	w := yamlWriter{scalars: map[string]string{}}
	for i := range s.Processes {
		w.buf, w.ok = w.buf[:0], true
		if w.appendProcess(&s.Processes[i]); !w.ok {
			viaYAML++
		}
	}
	data := encodeYAMLBytes(t, s)
	st, ok := checkLeanAgrees(t, data)
	if !ok || st.chunks != viaYAML || st.lean != len(s.Processes)-viaYAML {
		t.Fatalf("decoded %+v (ok %v) of %d processes, %d written by yaml.v3: want every other record lean",
			st, ok, len(s.Processes), viaYAML)
	}
	var back snapshot.Snapshot
	if _, ok := decodeYAMLLean(data, &back); !ok {
		t.Fatal("declined")
	}
	if d := cmp.Diff(s, &back, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("Take -> Encode -> lean decode changed the snapshot (-taken +decoded):\n%s", d)
	}
	t.Logf("%d processes, %d fds: %d records lean, %d through yaml.v3", len(s.Processes), s.Header.Counts.FDs, st.lean, st.chunks)
}

// scalarAlphabet lists strings of up to three characters from YAML's special characters and
// awkward runes, for the scalar tests.
func scalarAlphabet() []string {
	alphabet := []string{"a", "Z", "0", "/", "_", ".", "-", "+", "@", ",", ":", "[", "]", " ", "#", "'",
		"\"", "!", "&", "*", "?", "|", ">", "%", "{", "}", "~", "\\", "\t", "\x01", "\x7f", "é", "\u0085",
		"\u00a0", "\u2028", "\ufeff", "\ufffd"}
	all := []string{"", "null", "Null", "NULL", "true", "yes", "<<", "0x1F", "1e3", ".inf", "2026-01-02"}
	for _, a := range alphabet {
		all = append(all, a)
		for _, b := range alphabet {
			all = append(all, a+b)
			for _, c := range alphabet[:20] {
				all = append(all, a+b+c)
			}
		}
	}
	return all
}

// TestLeanScalars checks the scalar readers against yaml.v3 on every short string: a plain
// scalar plainScalar accepts, and every one-line quoted scalar yaml.v3 writes, must decode as
// yaml.v3 decodes it.
func TestLeanScalars(t *testing.T) {
	d := newLeanDecoder()
	var quoted, plain, plainDeclined int
	for _, s := range scalarAlphabet() {
		var ref struct{ K string }
		if plainScalar([]byte(s)) {
			plain++
			if err := yaml.Unmarshal([]byte("k: "+s+"\n"), &ref); err != nil || ref.K != s {
				t.Errorf("plainScalar(%q), but yaml.v3 reads %q (%v)", s, ref.K, err)
			}
		}
		out, err := yaml.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		val := bytes.TrimSuffix(out, []byte("\n"))
		if len(val) == 0 || bytes.ContainsAny(val, "\n\r\u0085\u2028\u2029") {
			continue // several lines to YAML (a literal block, !!binary, a raw LS): declined
		}
		if val[0] == '\'' || val[0] == '"' {
			quoted++
		} else if !plainScalar(val) {
			plainDeclined++
		}
		var got string
		if !d.str(val, &got) {
			t.Errorf("yaml.v3 writes %q as %s, which the lean reader declines", s, val)
		} else if got != s {
			t.Errorf("yaml.v3 writes %q as %s, which the lean reader reads as %q", s, val, got)
		}
	}
	t.Logf("%d plain scalars checked, %d quoted, %d plain ones yaml.v3 writes declined", plain, quoted, plainDeclined)
}
