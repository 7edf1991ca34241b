package watch

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// defaultInotifyDirs are where the dynamic loader, libc and common executables live: exec
// opens the executable and the loader opens libc, so an IN_OPEN there is a sign that a
// process is starting.
var defaultInotifyDirs = []string{
	"/lib64", "/lib", "/usr/lib", "/usr/lib64",
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
	"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
}

// inotifyDirs resolves the directories to watch: dirs, or the defaults and $PATH.
func inotifyDirs(dirs []string) []string {
	if dirs == nil {
		dirs = append(slicesClone(defaultInotifyDirs), filepath.SplitList(os.Getenv("PATH"))...)
	}
	seen := map[string]bool{}
	var out []string
	for _, d := range dirs {
		r, err := filepath.EvalSymlinks(d)
		if err != nil || seen[r] {
			continue
		}
		if fi, err := os.Stat(r); err != nil || !fi.IsDir() {
			continue
		}
		seen[r] = true
		out = append(out, r)
	}
	return out
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// startInotify watches dirs for IN_OPEN and signals wake (without blocking) when something
// is opened there. It returns a stop function and the directories actually watched.
func startInotify(dirs []string, wake chan<- struct{}, wakeups *atomic.Int64) (stop func(), watched []string, err error) {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	if err != nil {
		return nil, nil, err
	}
	var errs []string
	for _, d := range inotifyDirs(dirs) {
		if _, err := unix.InotifyAddWatch(fd, d, unix.IN_OPEN); err != nil {
			errs = append(errs, d+": "+err.Error())
			continue
		}
		watched = append(watched, d)
	}
	if len(watched) == 0 {
		unix.Close(fd)
		if len(errs) == 0 {
			return nil, nil, errors.New("inotify: no directory to watch")
		}
		return nil, nil, errors.New("inotify: " + strings.Join(errs, "; "))
	}
	// The reader blocks in read(2); closing the descriptor does not wake it, so stop removes
	// the watches (which queues IN_IGNORED events) and then closes.
	var done atomic.Bool
	go func() {
		buf := make([]byte, 64<<10)
		for !done.Load() {
			n, err := unix.Read(fd, buf)
			if err != nil && !errors.Is(err, unix.EINTR) {
				return
			}
			if n > 0 && !done.Load() {
				wakeups.Add(1)
				select {
				case wake <- struct{}{}:
				default:
				}
			}
		}
		unix.Close(fd)
	}()
	stop = func() {
		done.Store(true)
		// Removing every watch queues IN_IGNORED events, which wakes the reader.
		for wd := 1; wd <= len(watched)+len(errs)+1; wd++ {
			_, _ = unix.InotifyRmWatch(fd, uint32(wd))
		}
	}
	return stop, watched, nil
}
