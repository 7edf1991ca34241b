package cmd

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/procsnap/procsnap/snapshot/capture"

	"github.com/spf13/pflag"

	"github.com/procsnap/procsnap/snapshot"
)

// captureSelect holds the flags that pick captures out of a capture directory by time, shared
// by diff DIR and log DIR.
type captureSelect struct {
	since, from, to, host string
}

func (o *captureSelect) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.since, "since", "", "capture directory: from `DURATION` ago (90m, 6h, 2d) to the latest capture")
	f.StringVar(&o.from, "from", "", "capture directory: from the capture in effect at `TIME` (2026-11-24T01:30:00Z, \"2026-11-24 01:30\" UTC, or a duration ago)")
	f.StringVar(&o.to, "to", "", "capture directory: up to the last capture at or before `TIME` (same forms as --from)")
	f.StringVar(&o.host, "host", "", "capture directory: use the captures of `HOST` (needed when several hosts share the directory)")
}

// describe names the selection flags as given.
func (o *captureSelect) describe() string {
	var parts []string
	for _, f := range []struct{ name, v string }{{"--since", o.since}, {"--from", o.from}, {"--to", o.to}, {"--host", o.host}} {
		if f.v != "" {
			parts = append(parts, fmt.Sprintf("%s %s", f.name, f.v))
		}
	}
	return strings.Join(parts, " ")
}

func (o *captureSelect) set() bool {
	return o.since != "" || o.from != "" || o.to != "" || o.host != ""
}

// window parses the flags into the interval to select; zero times are open ends.
func (o *captureSelect) window(now time.Time) (from, to time.Time, err error) {
	if o.since != "" && o.from != "" {
		return from, to, usageErrorf("--since and --from: give one of them")
	}
	if o.since != "" {
		d, err := parseAge(o.since)
		if err != nil {
			return from, to, usageErrorf("--since %q: %v", o.since, err)
		}
		from = now.Add(-d)
	}
	if o.from != "" {
		if from, err = parseWhen(o.from, now); err != nil {
			return from, to, usageErrorf("--from %q: %v", o.from, err)
		}
	}
	if o.to != "" {
		if to, err = parseWhen(o.to, now); err != nil {
			return from, to, usageErrorf("--to %q: %v", o.to, err)
		}
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return from, to, usageErrorf("--to %s is before the start %s", stampUTC(to), stampUTC(from))
	}
	return from, to, nil
}

// captures lists the readable captures of one host in dir, oldest first. With several hosts in
// dir and no --host it is a usage error naming them.
func (o *captureSelect) captures(dir string) ([]capture.Capture, error) {
	all, err := capture.ListCaptures(dir)
	if err != nil {
		return nil, inputError{err}
	}
	var cs []capture.Capture
	for _, c := range all {
		if c.Loadable() {
			cs = append(cs, c)
		}
	}
	if o.host != "" {
		cs = capture.FilterHost(cs, o.host)
		if len(cs) == 0 {
			return nil, fmt.Errorf("%s: %w of host %s", dir, snapshot.ErrNoCapture, o.host)
		}
		return cs, nil
	}
	if hosts := capture.CaptureHosts(cs); len(hosts) > 1 {
		return nil, usageErrorf("%s holds captures of %d hosts (%s): choose one with --host", dir, len(hosts), strings.Join(hosts, ", "))
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("%s: %w (yaml or json files named <host>-<time>.yaml, as take --dir writes)", dir, snapshot.ErrNoCapture)
	}
	return cs, nil
}

// resolveDiffArgs turns diff's arguments into two snapshot paths when the only argument is a
// capture directory, and returns a note naming the captures chosen. Other arguments pass
// through; the selection flags are then a usage error.
func (o *captureSelect) resolveDiffArgs(args []string, now time.Time) ([]string, []string, error) {
	isDir := func(p string) bool { info, err := os.Stat(p); return err == nil && info.IsDir() }
	switch {
	case len(args) == 1 && isDir(args[0]):
	case len(args) == 2 && (isDir(args[0]) || isDir(args[1])):
		return nil, nil, usageErrorf("diff DIR compares captures inside DIR: give DIR alone, or two snapshot files")
	case o.set():
		return nil, nil, usageErrorf("--since, --from, --to and --host select captures in a directory: use diff DIR")
	default:
		return args, nil, nil
	}
	cs, err := o.captures(args[0])
	if err != nil {
		return nil, nil, err
	}
	from, to, err := o.window(now)
	if err != nil {
		return nil, nil, err
	}
	a, b, err := capture.CapturePair(cs, from, to)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", args[0], err)
	}
	note := fmt.Sprintf("captures %s → %s", a.Name, b.Name)
	return []string{a.Path, b.Path}, []string{note}, nil
}

func stampUTC(t time.Time) string { return t.UTC().Format(time.RFC3339) }
