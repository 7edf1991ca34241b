package capture

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/procsnap/procsnap/snapshot"
	"github.com/procsnap/procsnap/snapshot/format"
)

// A capture directory holds snapshots taken unattended (cron, systemd timers), one file per
// capture, named
//
//	<host>-<YYYYMMDDTHHMMSS.nnnnnnnnnZ>[_<seq>].<yaml|json|jsonl>[.gz]
//
// after the sanitized hostname and the UTC time the snapshot was taken, with nanoseconds. The
// fixed-width timestamp makes names sort by time; the optional 3-digit sequence number, which
// sorts after the bare name, separates captures that got the same timestamp. Everything else in
// the directory (dot files, temporary files, the lock file, files of other tools) is not a
// capture.

// CaptureTimeLayout is the UTC timestamp in capture file names (fixed width, sortable).
const CaptureTimeLayout = "20060102T150405.000000000Z"

var captureNameRE = regexp.MustCompile(
	`^([A-Za-z0-9_][A-Za-z0-9._-]*)-([0-9]{8}T[0-9]{6}\.[0-9]{9}Z)(?:_([0-9]{3,}))?\.(yaml|json|jsonl)(\.gz)?$`)

// Capture is one capture file in a capture directory, as its name describes it.
type Capture struct {
	// Path is the file's path (the directory joined with Name).
	Path string
	Name string
	// Host is the sanitized hostname from the name.
	Host string
	// Time is the capture time from the name (UTC).
	Time time.Time
	// Seq separates captures with the same Time (0 for the first).
	Seq    int
	Format string
	Gzip   bool
	// Size is the file size in bytes when listed by ListCaptures.
	Size int64
}

// CaptureHost turns a hostname into the host part of capture names: letters, digits, '.', '_'
// and '-' are kept, anything else becomes '_', a leading '.' or '-' becomes '_', and an empty
// hostname is "unknown".
func CaptureHost(hostname string) string {
	if hostname == "" {
		return "unknown"
	}
	b := []byte(hostname)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || (i > 0 && (c == '.' || c == '-'))
		if !ok {
			b[i] = '_'
		}
	}
	return string(b)
}

// CaptureName returns the file name of a capture of host taken at t, with sequence number seq
// (omitted when 0), in form (yaml when empty), gzip-compressed when gz is set.
func CaptureName(host string, t time.Time, seq int, form string, gz bool) string {
	if form == "" {
		form = format.FormatYAML
	}
	var b strings.Builder
	b.WriteString(CaptureHost(host))
	b.WriteByte('-')
	b.WriteString(t.UTC().Format(CaptureTimeLayout))
	if seq > 0 {
		fmt.Fprintf(&b, "_%03d", seq)
	}
	b.WriteByte('.')
	b.WriteString(form)
	if gz {
		b.WriteString(".gz")
	}
	return b.String()
}

// ParseCaptureName parses a capture file name (a base name, not a path). It reports false for
// anything that is not exactly a name CaptureName produces.
func ParseCaptureName(name string) (Capture, bool) {
	m := captureNameRE.FindStringSubmatch(name)
	if m == nil {
		return Capture{}, false
	}
	t, err := time.Parse(CaptureTimeLayout, m[2])
	if err != nil {
		return Capture{}, false
	}
	c := Capture{Name: name, Host: m[1], Time: t.UTC(), Format: m[4], Gzip: m[5] != ""}
	if m[3] != "" {
		seq, err := strconv.Atoi(m[3])
		if err != nil || seq == 0 || CaptureName(c.Host, c.Time, seq, c.Format, c.Gzip) != name {
			return Capture{}, false // a sequence is never 000 and never has extra zeros
		}
		c.Seq = seq
	}
	return c, true
}

// ListCaptures returns the captures in dir, of every host, oldest first (by time, then
// sequence, then host). Entries that are not regular files named like captures are ignored.
func ListCaptures(dir string) ([]Capture, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("capture directory: %w", err)
	}
	var out []Capture
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue // symlinks, directories, devices are never captures
		}
		c, ok := ParseCaptureName(e.Name())
		if !ok {
			continue
		}
		info, err := e.Info()
		if err != nil {
			if isNotExist(err) {
				continue // pruned by a concurrent capture
			}
			return nil, fmt.Errorf("capture directory %s: %w", dir, err)
		}
		c.Path = filepath.Join(dir, c.Name)
		c.Size = info.Size()
		out = append(out, c)
	}
	SortCaptures(out)
	return out, nil
}

// SortCaptures orders captures oldest first: by time, then sequence, then host, then name.
func SortCaptures(cs []Capture) {
	slices.SortFunc(cs, func(a, b Capture) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Seq, b.Seq),
			strings.Compare(a.Host, b.Host), strings.Compare(a.Name, b.Name))
	})
}

// CaptureHosts returns the distinct hosts of cs, sorted.
func CaptureHosts(cs []Capture) []string {
	var hosts []string
	for _, c := range cs {
		hosts = append(hosts, c.Host)
	}
	slices.Sort(hosts)
	return slices.Compact(hosts)
}

// FilterHost returns the captures of host (as CaptureHost sanitizes it), keeping the order.
func FilterHost(cs []Capture, host string) []Capture {
	host = CaptureHost(host)
	var out []Capture
	for _, c := range cs {
		if c.Host == host {
			out = append(out, c)
		}
	}
	return out
}

// Loadable reports whether Load reads c (jsonl captures are export-only).
func (c Capture) Loadable() bool { return c.Format != format.FormatJSONL }

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// CaptureInfo is a capture with its header (ReadHeader), or the reason the header could not be
// read.
type CaptureInfo struct {
	Capture
	Header snapshot.Header
	Err    error
}

// DescribeCaptures reads the header of each capture. A file that vanished meanwhile (pruned by
// a concurrent capture) is left out; one that cannot be read carries the error.
func DescribeCaptures(cs []Capture) []CaptureInfo {
	out := make([]CaptureInfo, 0, len(cs))
	for _, c := range cs {
		h, err := format.ReadHeader(c.Path)
		if isNotExist(err) {
			continue
		}
		out = append(out, CaptureInfo{Capture: c, Header: h, Err: err})
	}
	return out
}
