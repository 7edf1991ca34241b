package capture

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/procsnap/procsnap/snapshot"
	"github.com/procsnap/procsnap/snapshot/format"

	"golang.org/x/sys/unix"
)

// CaptureOptions shapes WriteCapture.
type CaptureOptions struct {
	// Format is yaml (when empty), json or jsonl.
	Format string
	// Gzip compresses the capture (.gz).
	Gzip bool
	// Keep, when positive, keeps only the Keep newest captures of the host, counting the new one.
	Keep int
	// MaxAge, when positive, removes the host's captures older than MaxAge (never the new one).
	// Keep and MaxAge never remove the capture just written, whatever the other names say.
	MaxAge time.Duration
	// Now returns the current time for MaxAge and temporary-file ages (time.Now when nil).
	Now func() time.Time
	// LockTimeout bounds the wait for the directory lock (DefaultLockTimeout when zero).
	LockTimeout time.Duration
}

// CaptureResult is what WriteCapture did.
type CaptureResult struct {
	// Path is the capture written.
	Path string
	// Pruned are the older captures removed by retention, each with its reason.
	Pruned []Pruned
	// Cleaned are stale temporary files of killed captures that were removed.
	Cleaned []string
	// Future counts the host's captures, seen by retention, whose names are dated after the
	// capture just written: a clock stepped back, or restored files. Retention ranks them by
	// their names, after the capture just written.
	Future int
}

// StaleTempAge is how old a temporary capture file must be before a later capture removes it as
// the leftover of a killed one. A live capture rewrites its temporary file within seconds.
const StaleTempAge = 15 * time.Minute

// DefaultLockTimeout bounds the wait for another capture's retention pass.
const DefaultLockTimeout = 30 * time.Second

// LockFileName is the lock file in a capture directory that serializes housekeeping.
const LockFileName = ".procsnap.lock"

const tempInfix = ".tmp-"

// renameat2 is unix.Renameat2; tests replace it to exercise the link(2) fallback.
var renameat2 = unix.Renameat2

// WriteCapture writes s into the capture directory dir under a new name (see CaptureName) and
// then, under the directory's lock, removes stale temporary files and applies retention to the
// captures of the same host. dir is created 0700 if missing; the capture is created 0600.
//
// The write is atomic, durable and never overwrites: the snapshot goes to a temporary file in
// dir (fsynced), which is then renamed to the final name with RENAME_NOREPLACE (or link(2) where
// the filesystem lacks it), so a name that exists, even a symlink, is never replaced or
// followed: the next sequence number is tried instead. Then dir is fsynced. A process killed at
// any point leaves a complete capture under its final name or none.
//
// If the capture was written but housekeeping failed, the result names it and err is not nil.
func WriteCapture(dir string, s *snapshot.Snapshot, opts CaptureOptions) (res CaptureResult, err error) {
	if err := ensureCaptureDir(dir); err != nil {
		return res, err
	}
	host := CaptureHost(s.Header.Hostname)
	taken := s.Header.TakenAt.UTC()
	first := CaptureName(host, taken, 0, opts.Format, opts.Gzip)
	tmp, err := format.WriteTemp(dir, "."+first+tempInfix+"*", 0o600, func(w io.Writer) error {
		return format.EncodeFile(w, s, opts.Format, opts.Gzip)
	})
	if err != nil {
		return res, fmt.Errorf("writing a capture in %s: %w", dir, err)
	}
	path, err := publish(tmp, dir, func(seq int) string {
		return CaptureName(host, taken, seq, opts.Format, opts.Gzip)
	})
	if err != nil {
		os.Remove(tmp)
		return res, err
	}
	res.Path = path
	if err := format.SyncDir(dir); err != nil {
		return res, err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	err = withLock(dir, opts.LockTimeout, func() error {
		var err error
		if res.Cleaned, err = cleanStaleTemps(dir, now()); err != nil {
			return err
		}
		res.Pruned, res.Future, err = prune(dir, host, filepath.Base(path), taken, opts, now())
		return err
	})
	return res, err
}

// ensureCaptureDir creates dir (mode 0700) if it does not exist and checks it (CheckDir).
func ensureCaptureDir(dir string) error {
	_, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("creating capture directory %s: %w", dir, err)
		}
		if err := format.SyncDir(filepath.Dir(filepath.Clean(dir))); err != nil {
			return err
		}
	}
	if err := format.CheckDir(dir); err != nil {
		return err
	}
	return nil
}

// publish renames tmp to the first free name(seq) in dir, for seq 0, 1, 2, ..., never replacing
// an existing name, and returns the final path.
func publish(tmp, dir string, name func(seq int) string) (string, error) {
	const maxSeq = 999
	for seq := 0; seq <= maxSeq; seq++ {
		final := filepath.Join(dir, name(seq))
		err := format.RenameNoReplaceWith(renameat2, tmp, final)
		if err == nil {
			return final, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("publishing capture %s: %w", final, err)
		}
	}
	return "", fmt.Errorf("publishing capture %s: %w (sequence numbers up to %d are taken)",
		filepath.Join(dir, name(0)), fs.ErrExist, maxSeq)
}

// withLock runs f holding an exclusive flock on dir's lock file (created 0600, never through a
// symlink). It waits at most timeout for another holder.
func withLock(dir string, timeout time.Duration, f func() error) error {
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	path := filepath.Join(dir, LockFileName)
	lock, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return fmt.Errorf("lock %s: %w", path, err)
	}
	defer lock.Close()
	deadline := time.Now().Add(timeout)
	for {
		err := unix.Flock(int(lock.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("lock %s: still held by another capture after %s: %w", path, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	defer unix.Flock(int(lock.Fd()), unix.LOCK_UN) //nolint:errcheck // Close releases it anyway
	return f()
}

// cleanStaleTemps removes temporary capture files (".<capture name>.tmp-<digits>", regular
// files) last modified more than StaleTempAge before now: leftovers of killed captures.
func cleanStaleTemps(dir string, now time.Time) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("capture directory %s: %w", dir, err)
	}
	var removed []string
	for _, e := range entries {
		if !isCaptureTemp(e.Name()) || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < StaleTempAge {
			continue // gone meanwhile, or possibly still being written
		}
		path := filepath.Join(dir, e.Name())
		if err := os.Remove(path); err != nil && !isNotExist(err) {
			return removed, fmt.Errorf("removing stale temporary file %s: %w", path, err)
		}
		removed = append(removed, path)
	}
	return removed, nil
}

// isCaptureTemp reports whether name is a temporary file of WriteCapture.
func isCaptureTemp(name string) bool {
	rest, ok := strings.CutPrefix(name, ".")
	i := strings.LastIndex(rest, tempInfix)
	if !ok || i < 0 {
		return false
	}
	digits := rest[i+len(tempInfix):]
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return false
	}
	_, ok = ParseCaptureName(rest[:i])
	return ok
}

// Pruned is a capture retention removed, and why.
type Pruned struct {
	Path string
	// Why is the rule that removed it, in words: "beyond --keep 3" or "older than --max-age 168h0m0s".
	Why string
}

// String is the path and the reason, for messages.
func (p Pruned) String() string { return p.Path + " (" + p.Why + ")" }

// prune applies retention to the captures of host in dir and returns what it removed. Only
// regular files named like captures of host whose content starts like a procsnap snapshot
// (IsProcsnapFile) are considered, so other files are never touched nor counted.
//
// written, the capture just made, is never removed, and while it is there it counts as the
// newest (a concurrent run's retention may have removed it already; then it takes no place): the times in
// the other names were written by earlier runs, on a clock that may since have been stepped
// back, or come from restored files, so a name dated after written's is no proof of a newer
// capture. The others are ordered by the time in their names, and a name dated after now is
// never too old.
func prune(dir, host, written string, taken time.Time, opts CaptureOptions, now time.Time) (_ []Pruned, future int, _ error) {
	if opts.Keep <= 0 && opts.MaxAge <= 0 {
		return nil, 0, nil
	}
	all, err := ListCaptures(dir)
	if err != nil {
		return nil, 0, err
	}
	var older []Capture // every capture of host but written, oldest first by name
	slots := 0          // 1 while written is still there: it takes one of the kept places
	for _, c := range FilterHost(all, host) {
		if c.Name == written {
			slots = 1
			continue
		}
		if format.IsProcsnapFile(c.Path) {
			older = append(older, c)
			if c.Time.After(taken) {
				future++
			}
		}
	}
	var pruned []Pruned
	for i, c := range older {
		why := retentionReason(opts, len(older)-i+slots, now.Sub(c.Time))
		if why == "" {
			continue
		}
		if err := os.Remove(c.Path); err != nil && !isNotExist(err) {
			return pruned, future, fmt.Errorf("pruning %s: %w", c.Path, err)
		}
		pruned = append(pruned, Pruned{Path: c.Path, Why: why})
	}
	if len(pruned) > 0 {
		return pruned, future, format.SyncDir(dir)
	}
	return pruned, future, nil
}

// retentionReason says why retention removes a capture that is the rank-th newest of those
// kept in the directory (the capture just written, while it is there, being the first) and has
// the given age, or "".
func retentionReason(opts CaptureOptions, rank int, age time.Duration) string {
	var why []string
	if opts.Keep > 0 && rank > opts.Keep {
		why = append(why, fmt.Sprintf("beyond --keep %d", opts.Keep))
	}
	if opts.MaxAge > 0 && age > opts.MaxAge {
		why = append(why, fmt.Sprintf("older than --max-age %s: %s old by its name", opts.MaxAge, age.Round(time.Second)))
	}
	return strings.Join(why, "; ")
}
