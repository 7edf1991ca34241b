package format

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/procsnap/procsnap/snapshot"

	"gopkg.in/yaml.v3"
)

// A direct YAML writer for Process records, used by encodeYAML when it can vouch for the result:
// its output is byte for byte what yaml.v3 writes (the tests compare both on every field and on
// awkward strings). A record it cannot vouch for (a multi-line or non-UTF-8 string, an unusual
// map key) goes through yaml.v3, and so does every record if Process or FD gained a field this
// writer does not know (fastFieldsKnown). yaml.v3 allocates about 300 KB per process record,
// this writer a few hundred bytes.

// fastProcessFields and fastFDFields are the yaml names of the fields appendProcess writes, in
// order; if the model changes, the fast path turns itself off until it is taught the new field.
var (
	fastProcessFields = []string{"pid", "start_ticks", "start_time", "ppid", "pgid", "sid", "tpgid",
		"tty_nr", "tty", "children", "state", "kthread", "threads", "live_tids", "tracer_pid", "wchan", "stack", "comm",
		"exe", "exe_deleted", "cmdline", "cwd", "uid", "euid", "gid", "egid", "sig_caught", "sig_ignored",
		"sig_blocked", "sigchld", "nspid", "nspgid", "nssid", "namespaces", "cgroup", "cgroup_v1",
		"audit_loginuid", "audit_sessionid", "fds", "unread"}
	fastFDFields = []string{"fd", "target", "kind", "inode", "flags", "cloexec", "pos", "mnt_id", "unread"}

	fastFieldsKnown = slices.Equal(yamlNames(reflect.TypeFor[snapshot.Process]()), fastProcessFields) &&
		slices.Equal(yamlNames(reflect.TypeFor[snapshot.FD]()), fastFDFields)
)

func yamlNames(t reflect.Type) []string {
	out := make([]string, t.NumField())
	for i := range out {
		out[i], _, _ = strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
	}
	return out
}

// yamlWriter appends YAML to buf. ok turns false when a value needs yaml.v3.
type yamlWriter struct {
	buf     []byte
	ok      bool
	scalars map[string]string // yaml.v3's rendering of strings that are not plainly safe
}

func (w *yamlWriter) key(indent int, k string) {
	for range indent {
		w.buf = append(w.buf, ' ')
	}
	w.buf = append(w.buf, k...)
	w.buf = append(w.buf, ':', ' ')
}

func (w *yamlWriter) int(indent int, k string, v int64) {
	w.key(indent, k)
	w.buf = strconv.AppendInt(w.buf, v, 10)
	w.buf = append(w.buf, '\n')
}

func (w *yamlWriter) uint(indent int, k string, v uint64) {
	w.key(indent, k)
	w.buf = strconv.AppendUint(w.buf, v, 10)
	w.buf = append(w.buf, '\n')
}

func (w *yamlWriter) bool(indent int, k string, v bool) {
	w.key(indent, k)
	w.buf = strconv.AppendBool(w.buf, v)
	w.buf = append(w.buf, '\n')
}

func (w *yamlWriter) str(indent int, k, v string) {
	w.key(indent, k)
	w.scalar(v)
	w.buf = append(w.buf, '\n')
}

// scalar appends s as yaml.v3 renders a string scalar in block context.
func (w *yamlWriter) scalar(s string) {
	if plainSafe(s) {
		w.buf = append(w.buf, s...)
		return
	}
	if strings.IndexByte(s, '\n') >= 0 || !utf8.ValidString(s) {
		w.ok = false // literal block or !!binary: their layout depends on the indentation
		return
	}
	r, seen := w.scalars[s]
	if !seen {
		out, err := yaml.Marshal(s)
		if err != nil {
			w.ok = false
			return
		}
		r = strings.TrimSuffix(string(out), "\n")
		if strings.IndexByte(r, '\n') >= 0 {
			w.ok = false
			return
		}
		w.scalars[s] = r
	}
	w.buf = append(w.buf, r...)
}

// plainSafe reports whether yaml.v3 writes s as a plain scalar, for a conservative class of
// strings: ASCII, starting with a letter or '/', made of letters, digits and /_.-+=@,:[], not
// ending in ':' and not a word YAML reads as a bool or null.
func plainSafe(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/') || s[len(s)-1] == ':' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("/_.-+=@,:[]", c) >= 0:
		default:
			return false
		}
	}
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF",
		"true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL":
		return false
	}
	return true
}

func (w *yamlWriter) ints(indent int, k string, v []int) {
	if len(v) == 0 {
		return
	}
	w.key(indent, k)
	w.buf[len(w.buf)-1] = '\n'
	for _, x := range v {
		w.seqItem(indent + 2)
		w.buf = strconv.AppendInt(w.buf, int64(x), 10)
		w.buf = append(w.buf, '\n')
	}
}

func (w *yamlWriter) strs(indent int, k string, v []string) {
	if len(v) == 0 {
		return
	}
	w.key(indent, k)
	w.buf[len(w.buf)-1] = '\n'
	for _, x := range v {
		w.seqItem(indent + 2)
		w.scalar(x)
		w.buf = append(w.buf, '\n')
	}
}

func (w *yamlWriter) seqItem(indent int) {
	for range indent {
		w.buf = append(w.buf, ' ')
	}
	w.buf = append(w.buf, '-', ' ')
}

// sortedKeys returns m's keys in yaml.v3's order, which is byte order for keys of lower-case
// letters and '_'; other keys send the record to yaml.v3.
func sortedKeys[V any](w *yamlWriter, m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		if !plainKey(k) {
			w.ok = false
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func plainKey(k string) bool {
	if k == "" || k[0] == '_' || !plainSafe(k) {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; !(c >= 'a' && c <= 'z' || c == '_') {
			return false
		}
	}
	return true
}

// appendProcess appends p as one item of the "processes:" sequence.
func (w *yamlWriter) appendProcess(p *snapshot.Process) {
	w.buf = append(w.buf, "  - "...)
	w.buf = append(w.buf, "pid: "...)
	w.buf = strconv.AppendInt(w.buf, int64(p.PID), 10)
	w.buf = append(w.buf, '\n')
	const in = 4
	w.uint(in, "start_ticks", p.StartTicks)
	w.key(in, "start_time")
	w.buf = p.StartTime.AppendFormat(w.buf, time.RFC3339Nano)
	w.buf = append(w.buf, '\n')
	w.int(in, "ppid", int64(p.PPID))
	w.int(in, "pgid", int64(p.PGID))
	w.int(in, "sid", int64(p.SID))
	w.int(in, "tpgid", int64(p.TPGID))
	w.int(in, "tty_nr", int64(p.TTYNr))
	if p.TTY != "" {
		w.str(in, "tty", p.TTY)
	}
	w.ints(in, "children", p.Children)
	w.str(in, "state", p.State)
	if p.Kthread {
		w.bool(in, "kthread", true)
	}
	w.int(in, "threads", int64(p.Threads))
	w.ints(in, "live_tids", p.LiveTIDs)
	w.int(in, "tracer_pid", int64(p.TracerPID))
	if p.Wchan != "" {
		w.str(in, "wchan", p.Wchan)
	}
	w.strs(in, "stack", p.Stack)
	w.str(in, "comm", p.Comm)
	if p.Exe != "" {
		w.str(in, "exe", p.Exe)
	}
	if p.ExeDeleted {
		w.bool(in, "exe_deleted", true)
	}
	w.strs(in, "cmdline", p.Cmdline)
	if p.Cwd != "" {
		w.str(in, "cwd", p.Cwd)
	}
	w.int(in, "uid", int64(p.UID))
	w.int(in, "euid", int64(p.EUID))
	w.int(in, "gid", int64(p.GID))
	w.int(in, "egid", int64(p.EGID))
	for _, f := range [...]struct{ k, v string }{{"sig_caught", p.SigCaught},
		{"sig_ignored", p.SigIgnored}, {"sig_blocked", p.SigBlocked}, {"sigchld", p.SigChld}} {
		if f.v != "" {
			w.str(in, f.k, f.v)
		}
	}
	w.ints(in, "nspid", p.NSpid)
	w.ints(in, "nspgid", p.NSpgid)
	w.ints(in, "nssid", p.NSsid)
	if len(p.Namespaces) > 0 {
		w.key(in, "namespaces")
		w.buf[len(w.buf)-1] = '\n'
		for _, k := range sortedKeys(w, p.Namespaces) {
			w.uint(in+2, k, p.Namespaces[k])
		}
	}
	w.appendLineage(p)
	if len(p.FDs) > 0 {
		w.key(in, "fds")
		w.buf[len(w.buf)-1] = '\n'
		for i := range p.FDs {
			w.appendFD(&p.FDs[i])
		}
	}
	if len(p.Unread) > 0 {
		w.key(in, "unread")
		w.buf[len(w.buf)-1] = '\n'
		for _, k := range sortedKeys(w, p.Unread) {
			w.str(in+2, k, p.Unread[k])
		}
	}
}

// appendLineage appends the cgroup and audit fields of p.
func (w *yamlWriter) appendLineage(p *snapshot.Process) {
	const in = 4
	if p.Cgroup != "" {
		w.str(in, "cgroup", p.Cgroup)
	}
	w.strs(in, "cgroup_v1", p.CgroupV1)
	if p.AuditLoginUID != nil {
		w.uint(in, "audit_loginuid", uint64(*p.AuditLoginUID))
	}
	if p.AuditSessionID != nil {
		w.uint(in, "audit_sessionid", uint64(*p.AuditSessionID))
	}
}

func (w *yamlWriter) appendFD(fd *snapshot.FD) {
	const in = 8
	w.seqItem(6)
	w.buf = append(w.buf, "fd: "...)
	w.buf = strconv.AppendInt(w.buf, int64(fd.FD), 10)
	w.buf = append(w.buf, '\n')
	w.str(in, "target", fd.Target)
	w.str(in, "kind", fd.Kind)
	if fd.Inode != 0 {
		w.uint(in, "inode", fd.Inode)
	}
	if fd.Flags != "" {
		w.str(in, "flags", fd.Flags)
	}
	w.bool(in, "cloexec", fd.CloExec)
	w.int(in, "pos", fd.Pos)
	if fd.MntID != 0 {
		w.int(in, "mnt_id", int64(fd.MntID))
	}
	if fd.Unread != "" {
		w.str(in, "unread", fd.Unread)
	}
}
